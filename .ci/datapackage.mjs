// Reads a built site's open data as a data user does, with datapackage-js (npm `datapackage`),
// Frictionless' reference implementation: the descriptor must be valid, every tabular resource's
// header must be its schema's field names in order and every row must cast to the schema, every
// JSON resource must parse, and every resource must have the bytes and hash it declares.
//
//   npm install --no-save --prefix P datapackage@1.1.10
//   NODE_PATH=P/node_modules node .ci/datapackage.mjs SITE/downloads   (or .../datapackage.json)
//
// Exit 0 with a one-line summary; 1 with every failure, one a line; 2 on wrong usage, a missing
// datapackage or a descriptor it cannot load.
import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const die = (msg) => { console.error(`datapackage.mjs: ${msg}`); process.exit(2) }
let Package, version
try {
  ({ Package } = require('datapackage'))
  version = require('datapackage/package.json').version
} catch {
  die('the npm package datapackage is missing: npm install --no-save --prefix P datapackage@1.1.10, then run with NODE_PATH=P/node_modules')
}
const arg = process.argv[2] ?? die('usage: node datapackage.mjs DOWNLOADS_DIR|datapackage.json')
let path
try { path = statSync(arg).isDirectory() ? join(arg, 'datapackage.json') : arg } catch (e) { die(e.message) }

const failures = []
const pkg = await Package.load(path).catch((e) => die(`${path}: ${e.message}`))
for (const e of pkg.errors) failures.push(`${path}: ${e.message}`)
let rows = 0
for (const r of pkg.resources) {
  const fail = (msg) => failures.push(`${r.name}: ${msg}`)
  try {
    const data = await r.rawRead()
    const { bytes, hash = '' } = r.descriptor
    if (bytes !== undefined && bytes !== data.length) fail(`${data.length} bytes, the descriptor says ${bytes}`)
    const [algo, want] = hash.includes(':') ? hash.split(':') : ['md5', hash]
    const got = createHash(algo).update(data).digest('hex')
    if (want && got !== want) fail(`${algo} ${got}, the descriptor says ${want}`)
    if (!r.tabular) {
      if (r.descriptor.format === 'json') JSON.parse(new TextDecoder(r.descriptor.encoding ?? 'utf-8', { fatal: true }).decode(data))
      continue
    }
    rows += (await r.read({ keyed: true, cast: true })).length
    const fields = r.schema.fieldNames
    if (JSON.stringify(r.headers) !== JSON.stringify(fields)) {
      fail(`header ${JSON.stringify(r.headers)}, the schema's fields ${JSON.stringify(fields)}`)
    }
  } catch (e) {
    const row = e.rowNumber ? `row ${e.rowNumber}: ` : ''
    fail(row + [e.message, ...(e.errors ?? []).map((x) => x.message)].join('; '))
  }
}
if (failures.length > 0) {
  console.error(failures.join('\n'))
  console.error(`datapackage-js ${version}: ${failures.length} failures in ${path}`)
  process.exit(1)
}
console.log(`datapackage-js ${version}: ${pkg.resources.length} resources read, ${rows} rows cast to their schemas (${path})`)
