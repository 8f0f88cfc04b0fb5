// Package deploy owns publishing a built site to where residents read it: an S3-compatible
// bucket (阿里云 OSS, 腾讯云 COS, 华为云 OBS, MinIO) or a server reached over SFTP. It uploads
// only files whose content changed, deletes files that are no longer in the site, and switches
// over so that a resident never sees half a site.
//
// # The manifest
//
// SHA256SUMS at the site's root lists every other file of the site with its SHA-256, in the
// format of sha256sum (two spaces, paths sorted byte-wise, slashes). When the built folder has
// one, it must match the files; when it has none, deploy computes it. The remote copy is written
// last, only when everything it lists is there: it is the public record of the site that is up.
//
// # S3: in place, in order
//
// A bucket has no rename and no link, so the site is updated in place, in waves that wait for
// each other: first the assets and downloads (CSS, images, CSV, JSON), then the pages, deepest
// first, so that a page is up before the index pages that link to it and the home page comes
// last; then the feeds, sitemaps and robots.txt that name pages; then SHA256SUMS; then the
// deletions, pages before assets. A resident who loads a page mid-deploy sees the old page or the
// new one, and every link on it leads to a page that exists.
//
// What is there is read from the bucket itself, not from the manifest: the listing gives each
// object's size and ETag, which for a single-part upload is its MD5 (deploy never uses multipart
// uploads). An object whose ETag is not a plain MD5 (encrypted with KMS, uploaded in parts by
// another tool) is judged by the SHA-256 that deploy stores in its metadata (x-amz-meta-sha256),
// read with a HEAD request. So a deploy that was interrupted and run again uploads only what is
// still missing or different, and deletes what an interrupted run left behind. Every object
// under the prefix that is not in the site is deleted: the prefix belongs to the site. A prefix
// that holds other objects and no SHA256SUMS was not deployed by jifen, and deploy refuses it.
//
// # SFTP: releases and a symbolic link
//
// On a server, rename and links make a real switch-over possible. The target folder PATH holds
//
//	PATH/releases/<id>/   one complete site each; <id> is the start of the SHA-256 of its manifest
//	PATH/current          symbolic link to releases/<id>: the web server's document root
//	PATH/previous         symbolic link to the release before, kept to roll back by hand
//
// A deploy fills the new release: an unchanged file is a hard link to the current release's
// (hardlink@openssh.com: no bytes sent, no space taken), a changed one is written to a temporary
// name and renamed into place, SHA256SUMS last. Then previous is pointed at the current release
// and current at the new one, each by renaming a fresh link over the old
// (posix-rename@openssh.com, atomic on POSIX file systems), and every other release is removed.
// Residents see the old site until the instant of the rename, then the new one.
//
// The release is named by its content, so a deploy interrupted and run again with the same site
// goes on filling the same folder: a file at its final name there was completely written for
// this very site (it got there by rename), temporary files are removed, and nothing is uploaded
// twice. A release folder of a site that was never finished is removed by the next deploy. Both
// extensions are OpenSSH's (its sftp-server and internal-sftp have them); a server without them
// is refused with a message that says so.
package deploy
