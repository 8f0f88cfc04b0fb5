// Reads a built site's open data as a data user does, with datapackage-js (npm `datapackage`),
// Frictionless' reference implementation: the descriptor must be valid, every tabular resource's
// header must be its schema's field names in order and every row must cast to the schema (types,
// required, enum, minimum, primary key unique), and every resource must have the bytes and hash
// it declares. A JSON resource (a data resource, which datapackage-js does not read as a table)
// must have a schema too, valid for tableschema-js (datapackage-js' own), and be an array of
// objects, each with exactly the schema's fields as keys, whose values cast to it, with a unique
// primary key.
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
let Package, Schema, version
try {
  ({ Package } = require('datapackage'))
  ;({ Schema } = require('tableschema'))
  version = require('datapackage/package.json').version
} catch {
  die('the npm package datapackage (with its tableschema) is missing: npm install --no-save --prefix P datapackage@1.1.10, then run with NODE_PATH=P/node_modules')
}
const arg = process.argv[2] ?? die('usage: node datapackage.mjs DOWNLOADS_DIR|datapackage.json')
let path
try { path = statSync(arg).isDirectory() ? join(arg, 'datapackage.json') : arg } catch (e) { die(e.message) }

// jsonTypes are the JSON types of the Table Schema types that are not written as strings: a
// number in the JSON is a number, never text.
const jsonTypes = { integer: 'number', number: 'number', year: 'number', boolean: 'boolean' }

// readJSON checks a JSON resource against its schema, and returns how many rows it has.
async function readJSON (r, data, fail) {
  const records = JSON.parse(new TextDecoder(r.descriptor.encoding ?? 'utf-8', { fatal: true }).decode(data))
  const problem = r.descriptor.schema ? '' : 'no schema'
  const schema = problem ? null : await Schema.load(r.descriptor.schema)
  const invalid = problem || (schema.valid ? '' : `schema: ${schema.errors.map((e) => e.message).join('; ')}`)
  if (invalid || !Array.isArray(records)) {
    fail(invalid || 'not an array of objects')
    return 0
  }
  const names = schema.fieldNames
  const key = schema.primaryKey ?? []
  const seen = new Set()
  records.forEach((o, i) => {
    const at = `row ${i + 1}: `
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return fail(at + 'not an object')
    const keys = Object.keys(o)
    if (JSON.stringify([...keys].sort()) !== JSON.stringify([...names].sort())) {
      return fail(at + `keys ${JSON.stringify(keys)}, the schema's fields ${JSON.stringify(names)}`)
    }
    for (const f of schema.fields) {
      const want = jsonTypes[f.type] ?? 'string'
      if (o[f.name] !== null && typeof o[f.name] !== want) return fail(at + `${f.name}: ${JSON.stringify(o[f.name])} is not a JSON ${want}`)
    }
    try {
      const row = schema.castRow(names.map((n) => o[n]))
      const id = JSON.stringify(key.map((k) => row[names.indexOf(k)]))
      if (key.length > 0 && seen.has(id)) fail(at + `primary key ${key.join(', ')} ${id} not unique`)
      seen.add(id)
    } catch (e) {
      fail(at + [e.message, ...(e.errors ?? []).map((x) => `${names[x.columnNumber - 1] ?? ''}: ${x.message}`)].join('; '))
    }
  })
  return records.length
}

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
      if (r.descriptor.format !== 'json') fail(`format ${r.descriptor.format}: neither a table nor JSON`)
      else rows += await readJSON(r, data, fail)
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
console.log(`datapackage-js ${version}: ${pkg.resources.length} resources read, ${rows} rows (CSV and JSON) cast to their schemas (${path})`)
