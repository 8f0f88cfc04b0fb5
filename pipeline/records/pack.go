package records

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	zlib "github.com/klauspost/compress/zlib"
	"io"
	"math/bits"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// The objects of a repository on disk are read straight from its pack files, where a clone or
// git gc leaves them: go-git seeks, buffers, hashes and caches each object anew, which took four
// fifths of a history pass. Objects that are not in a pack (loose objects, those of alternates)
// and every object of a repository in memory are read through go-git.

// packs are the pack files of a repository on disk, read-only, shared by its readers.
type packs []*pack

// A pack is one pack file and its index.
type pack struct {
	idx   *index
	data  []byte       // the whole pack, mapped into memory or read at once
	file  *os.File     // when data is nil: the pack, read object by object
	unmap func() error // when the pack is mapped into memory
	ends  []int64      // the offsets of the pack's objects, sorted, then where the last one ends
	// bases tells, for each object (in the order of ends), whether a delta of the pack is made
	// from it, once scanned is closed; scanned is nil when the pack is not in memory.
	bases   []bool
	scanned chan struct{}

	// The bases of deltas inflated so far, by offset, kept for all the pack's readers: a base
	// one of them inflated serves the others, which inflated it again when each kept its own.
	mu     sync.Mutex
	cache  map[int64]packedObj
	cached int // the bytes in cache
}

// wholePack is the size of the largest pack file read whole where it cannot be mapped into
// memory. (A system call for each object took a third of a history pass.)
const wholePack = 256 << 20

// openPacks opens the pack files of r when it is on disk; none otherwise, or when a pack cannot
// be read as this reader reads them (go-git reads it then).
func openPacks(r *git.Repository) packs {
	st, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil
	}
	fs := st.Filesystem()
	dir := path.Join("objects", "pack")
	infos, err := fs.ReadDir(dir)
	if err != nil {
		return nil
	}
	var ps packs
	for _, info := range infos {
		name, ok := strings.CutSuffix(info.Name(), ".idx")
		if !ok || !strings.HasPrefix(name, "pack-") {
			continue
		}
		if p, err := openPack(fs, path.Join(dir, name)); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// openPack opens the pack file name+".pack" with its index name+".idx".
func openPack(fs billy.Filesystem, name string) (*pack, error) {
	idxInfo, err := fs.Stat(name + ".idx")
	if err != nil {
		return nil, err
	}
	f, err := fs.Open(name + ".idx")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// At once, into a buffer of its size, read as it is stored.
	data := make([]byte, idxInfo.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	idx, err := readIndex(data)
	if err != nil {
		return nil, err
	}
	n := len(idx.names) / hashSize
	p := &pack{idx: idx, ends: make([]int64, n, n+1)}
	for i := range n {
		p.ends[i] = p.offset(i)
	}
	sortOffsets(p.ends)
	// The pack is opened as a file of the system, to be mapped into memory; its checksum tells
	// that it is the one the index is of.
	if p.file, err = os.Open(filepath.Join(fs.Root(), filepath.FromSlash(name+".pack"))); err != nil {
		return nil, err
	}
	info, err := p.file.Stat()
	if err != nil || info.Size() < 32 {
		p.file.Close()
		return nil, cmp.Or(err, errors.New("pack file too short"))
	}
	size := info.Size()
	p.ends = append(p.ends, size-hashSize) // the pack's checksum follows its last object
	p.data, p.unmap = mapFile(p.file, size)
	if p.data == nil && size <= wholePack {
		p.data = make([]byte, size)
		_, err = p.file.ReadAt(p.data, 0)
	}
	var sum [hashSize]byte
	if err == nil && p.data != nil {
		copy(sum[:], p.data[size-hashSize:])
	} else if err == nil {
		_, err = p.file.ReadAt(sum[:], size-hashSize)
	}
	if err == nil && sum != p.idx.pack {
		err = errors.New("the pack is not the one its index is of")
	}
	if err != nil || p.data != nil {
		p.file.Close()
	}
	if err != nil {
		p.close()
		return nil, err
	}
	p.cache = map[int64]packedObj{}
	if p.data != nil {
		// Which objects are bases is found while the pack is read: until then it keeps any.
		p.scanned = make(chan struct{})
		go p.scan()
	}
	return p, nil
}

// sortOffsets sorts the offsets of a pack's objects, as slices.Sort does, but for a pack under
// 4 GiB in four passes over their bytes: sorting them by comparing took half the time of
// openPacks, before anything else of a pass can start.
func sortOffsets(offs []int64) {
	if len(offs) < 256 || slices.Max(offs) >= 1<<32 || slices.Min(offs) < 0 {
		slices.Sort(offs)
		return
	}
	from, to := offs, make([]int64, len(offs))
	for shift := 0; shift < 32; shift += 8 {
		var at [257]int // where the offsets whose byte is b go, from at[b]
		for _, o := range from {
			at[o>>shift&0xff+1]++
		}
		for b := 1; b < len(at); b++ {
			at[b] += at[b-1]
		}
		for _, o := range from {
			b := o >> shift & 0xff
			to[at[b]] = o
			at[b]++
		}
		from, to = to, from
	}
	// Four passes put them back in offs.
}

// scan finds the objects of the pack that are bases of its deltas, reading the objects'
// headers, and closes p.scanned.
func (p *pack) scan() {
	defer close(p.scanned)
	p.bases = make([]bool, len(p.ends)-1)
	for i, off := range p.ends[:len(p.ends)-1] {
		e, err := header(p.data[off:p.ends[i+1]], off)
		var j int
		var found bool
		switch {
		case err != nil:
		case e.typ == plumbing.OFSDeltaObject:
			j, found = slices.BinarySearch(p.ends, e.base)
		case e.typ == plumbing.REFDeltaObject:
			if at, ok := p.find(e.ref); ok {
				j, found = slices.BinarySearch(p.ends, at)
			}
		}
		if found && j < len(p.bases) {
			p.bases[j] = true
		}
	}
}

// base reports whether the i-th object of p may be the base of a delta: any may be until the
// pack is scanned, or when it cannot be.
func (p *pack) base(i int) bool {
	if p.scanned == nil {
		return true
	}
	select {
	case <-p.scanned:
		return p.bases[i]
	default:
		return true
	}
}

// An index is the index file of a pack (version 2), read as it is stored: how many objects have
// a name that starts with each byte or a smaller one, the objects' names in order, then their
// offsets in the pack in the same order. (go-git's decoder copies the names bucket by bucket
// and checks the file's own checksum, which took most of the time of opening a pack, before
// anything else of a pass can start.)
type index struct {
	fanout  [256]uint32
	names   []byte         // hashSize bytes each
	offsets []byte         // 4 bytes each: 31 bits, or the place of a 64-bit offset in large
	large   []byte         // 8 bytes each
	pack    [hashSize]byte // the checksum of the pack
}

// readIndex reads the index file whose content is data.
func readIndex(data []byte) (*index, error) {
	const head = 8 + 256*4 // the magic number, the version and the fanout table
	if len(data) < head+2*hashSize || string(data[:4]) != "\xfftOc" || binary.BigEndian.Uint32(data[4:8]) != 2 {
		return nil, errors.New("unknown pack index version")
	}
	x := &index{}
	for i := range x.fanout {
		x.fanout[i] = binary.BigEndian.Uint32(data[8+4*i:])
		if i > 0 && x.fanout[i] < x.fanout[i-1] {
			return nil, errors.New("malformed pack index")
		}
	}
	// The names, a checksum of each object's data (not read here), the offsets, the 64-bit
	// offsets, then the checksums of the pack and of the index.
	rest, n := data[head:len(data)-2*hashSize], int64(x.fanout[255])
	if n*(hashSize+4+4) > int64(len(rest)) || (int64(len(rest))-n*(hashSize+4+4))%8 != 0 {
		return nil, errors.New("malformed pack index")
	}
	x.names, rest = rest[:n*hashSize], rest[n*hashSize+n*4:]
	x.offsets, x.large = rest[:n*4], rest[n*4:]
	copy(x.pack[:], data[len(data)-2*hashSize:])
	return x, nil
}

// find returns where the object h is in p, as p's index says.
func (p *pack) find(h plumbing.Hash) (int64, bool) {
	lo, hi := 0, int(p.idx.fanout[h[0]])
	if h[0] > 0 {
		lo = int(p.idx.fanout[h[0]-1])
	}
	names := p.idx.names
	first := binary.BigEndian.Uint64(h[:8]) // decides most comparisons at once
	for lo < hi {
		i := int(uint(lo+hi) >> 1)
		name := names[i*hashSize : (i+1)*hashSize]
		c := cmp.Compare(first, binary.BigEndian.Uint64(name))
		if c == 0 {
			c = bytes.Compare(h[8:], name[8:])
		}
		switch c {
		case 0:
			return p.offset(i), true
		case 1:
			lo = i + 1
		default:
			hi = i
		}
	}
	return 0, false
}

const hashSize = 20

// offset is the offset of the i-th object of p's index.
func (p *pack) offset(i int) int64 {
	o := binary.BigEndian.Uint32(p.idx.offsets[i*4:])
	if o&(1<<31) == 0 {
		return int64(o)
	}
	j := int(o&^(1<<31)) * 8
	if j+8 > len(p.idx.large) {
		return -1 // found nowhere: see entry
	}
	return int64(binary.BigEndian.Uint64(p.idx.large[j:]) &^ (1 << 63))
}

// close closes the pack files.
func (ps packs) close() {
	for _, p := range ps {
		p.close()
	}
}

func (p *pack) close() {
	if p.scanned != nil {
		<-p.scanned // it reads the pack
	}
	switch {
	case p.unmap != nil:
		p.unmap()
	case p.data == nil:
		p.file.Close()
	}
}

// An objectReader reads the objects of a repository for one goroutine at a time: from its pack
// files, or through go-git.
type objectReader struct {
	git   *git.Repository
	packs packs
	zlib  io.ReadCloser
	src   bytes.Reader // what zlib reads
	buf   []byte       // the compressed bytes of the object being read
	delta []byte       // the delta being applied
	blobs []byte       // where the next blobs read are put (see alloc)
}

// blobChunk is the size of the buffers that small blobs are read into, one after the other,
// and smallBlob the size of the largest such blob. (A buffer of its own for each blob took a
// twenty-fifth of the processor time of a pass.)
const blobChunk, smallBlob = 1 << 20, 64 << 10

// alloc returns a buffer of size bytes for the content of a blob, cut from rd.blobs when it
// is small: blobs are kept until the source is read, so one allocation serves many.
func (rd *objectReader) alloc(size int64) []byte {
	if size > smallBlob {
		return make([]byte, size)
	}
	if int64(len(rd.blobs)) < size {
		rd.blobs = make([]byte, blobChunk)
	}
	b := rd.blobs[:size:size]
	rd.blobs = rd.blobs[size:]
	return b
}

type packedObj struct {
	typ  plumbing.ObjectType
	data []byte
}

// cacheBytes bounds what a pack keeps of the bases it inflated; cacheObject bounds one base.
const cacheBytes, cacheObject = 64 << 20, 1 << 20

// kept returns the base at off, if it was kept.
func (p *pack) kept(off int64) (packedObj, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.cache[off]
	return o, ok
}

// keep keeps the object o at off, the i-th object of p, when it may be the base of a delta.
func (p *pack) keep(off int64, i int, o packedObj) {
	if len(o.data) > cacheObject || !p.base(i) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cached+len(o.data) > cacheBytes {
		clear(p.cache)
		p.cached = 0
	}
	p.cache[off] = o
	p.cached += len(o.data)
}

// newObjectReader makes a reader of r's objects; ps may be shared with other readers.
func newObjectReader(r *git.Repository, ps packs) *objectReader {
	return &objectReader{git: r, packs: ps}
}

// errNotPacked says that an object is not in the pack files: go-git is to read it.
var errNotPacked = errors.New("not in a pack file")

// read returns the type and the content of the object h, or plumbing.ErrObjectNotFound when it
// is not there or (want not AnyObject) is of another type, as go-git's storage does.
func (rd *objectReader) read(want plumbing.ObjectType, h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	typ, data, err := rd.readPacked(h)
	if errors.Is(err, errNotPacked) {
		typ, data, err = rd.readGit(h, true)
	}
	if err != nil {
		return typ, nil, err
	}
	if want != plumbing.AnyObject && typ != want {
		return typ, nil, plumbing.ErrObjectNotFound
	}
	return typ, data, nil
}

// readGit reads the object h through go-git; limit refuses a blob over MaxFileSize.
func (rd *objectReader) readGit(h plumbing.Hash, limit bool) (plumbing.ObjectType, []byte, error) {
	o, err := rd.git.Storer.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	if limit && o.Type() == plumbing.BlobObject && o.Size() > MaxFileSize {
		return o.Type(), nil, &tooLarge{size: o.Size()}
	}
	r, err := o.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	return o.Type(), data, err
}

// readPacked reads the object h from the pack that holds it, or returns errNotPacked.
func (rd *objectReader) readPacked(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	for _, p := range rd.packs {
		if off, ok := p.find(h); ok {
			return rd.readAt(p, off, 0)
		}
	}
	return plumbing.InvalidObject, nil, errNotPacked
}

// maxDeltaDepth bounds a chain of deltas, so that a pack whose deltas refer to each other in a
// loop is an error.
const maxDeltaDepth = 10000

// readAt reads the object at offset off of p, applying its deltas; depth is how many deltas
// wait for it.
func (rd *objectReader) readAt(p *pack, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	at, found := slices.BinarySearch(p.ends, off)
	if !found || at+1 >= len(p.ends) {
		return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: no object there", off)
	}
	if p.base(at) { // only a base is kept
		if o, ok := p.kept(off); ok {
			return o.typ, o.data, nil
		}
	}
	if depth > maxDeltaDepth {
		return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: %w", off, packfile.ErrInvalidDelta)
	}
	e, err := rd.entry(p, at)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: %w", off, err)
	}
	if e.typ == plumbing.BlobObject && e.size > MaxFileSize && depth == 0 {
		return e.typ, nil, &tooLarge{size: e.size}
	}
	typ, data := e.typ, []byte(nil)
	if !typ.IsDelta() {
		var buf []byte
		if typ == plumbing.BlobObject && depth == 0 {
			buf = rd.alloc(e.size)
		}
		if data, err = rd.inflate(e, buf); err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: %w", off, err)
		}
	} else {
		var base []byte
		if typ, base, err = rd.base(p, e, depth+1); err != nil {
			return typ, nil, err
		}
		// The delta is inflated into the reader's buffer once the base is read, as reading the
		// base uses that buffer (and the entry's, when the pack is read object by object).
		if e, err = rd.entry(p, at); err == nil {
			rd.delta, err = rd.inflate(e, rd.delta)
		}
		if err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: %w", off, err)
		}
		var buf []byte
		if size, ok := deltaSize(rd.delta); ok && typ == plumbing.BlobObject && depth == 0 {
			if size > MaxFileSize {
				return typ, nil, &tooLarge{size: size}
			}
			buf = rd.alloc(size)
		}
		if data, err = patch(buf, base, rd.delta); err != nil {
			return plumbing.InvalidObject, nil, fmt.Errorf("object at %d of the pack: %w", off, err)
		}
	}
	p.keep(off, at, packedObj{typ, data})
	return typ, data, nil
}

// base reads the base of the delta e of p; depth is how many deltas wait for it.
func (rd *objectReader) base(p *pack, e packEntry, depth int) (plumbing.ObjectType, []byte, error) {
	if e.typ == plumbing.OFSDeltaObject {
		return rd.readAt(p, e.base, depth)
	}
	for _, q := range rd.packs {
		if off, ok := q.find(e.ref); ok {
			return rd.readAt(q, off, depth)
		}
	}
	return rd.readGit(e.ref, false)
}

// deltaSize is the size of the object that delta makes (after the size of its base).
func deltaSize(delta []byte) (int64, bool) {
	_, n := leb128(delta)
	if n == 0 {
		return 0, false
	}
	size, m := leb128(delta[n:])
	return int64(size), m > 0
}

// patch applies a delta to its base, as packfile.PatchDelta does, into out when it has room for
// the result, else into a buffer made once at the result's size: go-git's grows by doubling past
// 64 KiB, clearing each new buffer, which cost a shard of a build a fifth of its CPU. A delta
// that is not well formed is packfile.ErrInvalidDelta (FuzzPatch compares the two).
func patch(out, base, delta []byte) ([]byte, error) {
	from, n := leb128(delta)
	if n == 0 || len(base) == 0 || from != uint64(len(base)) {
		return nil, packfile.ErrInvalidDelta
	}
	size, m := leb128(delta[n:])
	if m == 0 {
		return nil, packfile.ErrInvalidDelta
	}
	if uint64(cap(out)) < size {
		out = make([]byte, 0, min(size, MaxFileSize))
	}
	out, d := out[:0], delta[n+m:]
	for uint64(len(out)) < size {
		if len(d) == 0 {
			return nil, packfile.ErrInvalidDelta
		}
		cmd := d[0]
		d = d[1:]
		switch {
		case cmd&0x80 != 0: // copy from the base: the offset's and the size's bytes the bits name
			// (Each bit read on its own, rather than in a loop over them, took a fifth less.)
			if len(d) < bits.OnesCount8(cmd&0x7f) {
				return nil, packfile.ErrInvalidDelta
			}
			var at, n uint64
			if cmd&0x01 != 0 {
				at, d = uint64(d[0]), d[1:]
			}
			if cmd&0x02 != 0 {
				at, d = at|uint64(d[0])<<8, d[1:]
			}
			if cmd&0x04 != 0 {
				at, d = at|uint64(d[0])<<16, d[1:]
			}
			if cmd&0x08 != 0 {
				at, d = at|uint64(d[0])<<24, d[1:]
			}
			if cmd&0x10 != 0 {
				n, d = uint64(d[0]), d[1:]
			}
			if cmd&0x20 != 0 {
				n, d = n|uint64(d[0])<<8, d[1:]
			}
			if cmd&0x40 != 0 {
				n, d = n|uint64(d[0])<<16, d[1:]
			}
			if n == 0 {
				n = 0x10000
			}
			if n > size-uint64(len(out)) || at+n > uint64(len(base)) {
				return nil, packfile.ErrInvalidDelta
			}
			out = append(out, base[at:at+n]...)
		case cmd != 0: // insert the next cmd bytes of the delta
			if uint64(cmd) > size-uint64(len(out)) || len(d) < int(cmd) {
				return nil, packfile.ErrInvalidDelta
			}
			out, d = append(out, d[:cmd]...), d[cmd:]
		default:
			return nil, packfile.ErrDeltaCmd
		}
	}
	if len(d) != 0 { // every byte of the delta is used
		return nil, packfile.ErrInvalidDelta
	}
	return out, nil
}

// leb128 decodes a delta's size: 7 bits a byte, least significant first. n is 0 when it does
// not end.
func leb128(b []byte) (v uint64, n int) {
	for i, c := range b {
		if i >= 9 {
			break
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// A packEntry is the header of an object in a pack, and where its compressed data is.
type packEntry struct {
	typ  plumbing.ObjectType
	size int64         // of the object, or of the delta
	base int64         // an offset delta's base
	ref  plumbing.Hash // a reference delta's base
	data []byte        // the compressed data
}

// entry reads the header of the i-th object of p (in the order of p.ends), and its compressed
// data, into rd.buf.
func (rd *objectReader) entry(p *pack, i int) (packEntry, error) {
	b, err := rd.section(p, p.ends[i], p.ends[i+1])
	if err != nil {
		return packEntry{}, err
	}
	return header(b, p.ends[i])
}

// header reads the header of the object at off of a pack, whose bytes (up to the next object)
// are b.
func header(b []byte, off int64) (packEntry, error) {
	if len(b) == 0 {
		return packEntry{}, packfile.ErrMalformedPackFile
	}
	var e packEntry
	c := b[0]
	e.typ, e.size = plumbing.ObjectType(c>>4&7), int64(c&15)
	k := 1
	for shift := 4; c&0x80 != 0; shift += 7 {
		if k >= len(b) || shift > 56 {
			return e, packfile.ErrMalformedPackFile
		}
		c = b[k]
		e.size |= int64(c&0x7f) << shift
		k++
	}
	switch e.typ {
	case plumbing.OFSDeltaObject:
		var back int64
		if back, k = ofsDelta(b, k); k < 0 || back <= 0 || back > off {
			return e, packfile.ErrMalformedPackFile
		}
		e.base = off - back
	case plumbing.REFDeltaObject:
		if k+20 > len(b) {
			return e, packfile.ErrMalformedPackFile
		}
		copy(e.ref[:], b[k:k+20])
		k += 20
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	default:
		return e, packfile.ErrMalformedPackFile
	}
	e.data = b[k:]
	return e, nil
}

// section is the part of the pack p from start to end.
func (rd *objectReader) section(p *pack, start, end int64) ([]byte, error) {
	if start < 0 || end > p.ends[len(p.ends)-1] {
		return nil, packfile.ErrMalformedPackFile
	}
	if p.data != nil {
		return p.data[start:end], nil
	}
	if n := int(end - start); cap(rd.buf) < n {
		rd.buf = make([]byte, n)
	}
	b := rd.buf[:end-start]
	_, err := p.file.ReadAt(b, start)
	return b, err
}

// ofsDelta decodes the distance back to an offset delta's base at b[k:], and where it ends
// (-1 when it does not).
func ofsDelta(b []byte, k int) (int64, int) {
	if k >= len(b) {
		return 0, -1
	}
	c := b[k]
	v := int64(c & 0x7f)
	for k++; c&0x80 != 0; k++ {
		if k >= len(b) || v > 1<<55 {
			return 0, -1
		}
		c = b[k]
		v = (v+1)<<7 | int64(c&0x7f)
	}
	return v, k
}

// inflate decompresses the data of an entry into buf, grown when it is too small: a zlib stream
// that makes as many bytes as the entry's header says, and no more, whose checksum is checked.
func (rd *objectReader) inflate(e packEntry, buf []byte) ([]byte, error) {
	if e.size > int64(len(e.data))*1032+64 { // more than deflate can make of it
		return nil, packfile.ErrMalformedPackFile
	}
	rd.src.Reset(e.data)
	var err error
	if rd.zlib == nil {
		rd.zlib, err = zlib.NewReader(&rd.src)
	} else {
		err = rd.zlib.(zlib.Resetter).Reset(&rd.src, nil)
	}
	if err != nil {
		return nil, err
	}
	out := buf[:0]
	if int64(cap(out)) < e.size {
		out = make([]byte, e.size)
	}
	out = out[:e.size]
	if _, err := io.ReadFull(rd.zlib, out); err != nil {
		return nil, err
	}
	var more [1]byte
	switch n, err := rd.zlib.Read(more[:]); {
	case n > 0:
		return nil, packfile.ErrMalformedPackFile
	case err != io.EOF:
		return nil, cmp.Or(err, packfile.ErrMalformedPackFile)
	}
	return out, nil
}

// commit reads and decodes the commit h, as go-git decodes it. Only a commit whose headers are
// as git writes them (its tree, its parents, its author and its committer, then a blank line
// and the message) is decoded here; go-git decodes any other, and says what is wrong with it.
// (go-git's decoder reads line by line through a buffered reader, which took a twentieth of
// the walk.)
func (rd *objectReader) commit(h plumbing.Hash) (*object.Commit, error) {
	_, data, err := rd.read(plumbing.CommitObject, h)
	if err != nil {
		return nil, err
	}
	if c, ok := decodeCommit(h, data); ok {
		return c, nil
	}
	return object.DecodeCommit(rd.git.Storer, &rawObject{hash: h, typ: plumbing.CommitObject, data: data})
}

// decodeCommit decodes the commit h whose content is data when its headers are as git writes
// them (see commit).
func decodeCommit(h plumbing.Hash, data []byte) (*object.Commit, bool) {
	c := &object.Commit{Hash: h, Encoding: "UTF-8"} // go-git's default encoding
	rest := data
	header := func(key string) ([]byte, bool) { // the value of the next line of rest, if it is key's
		line, after, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok || len(line) <= len(key) || string(line[:len(key)]) != key || line[len(key)] != ' ' {
			return nil, false
		}
		rest = after
		return line[len(key)+1:], true
	}
	hash := func(value []byte, h *plumbing.Hash) bool {
		if len(value) != 2*hashSize {
			return false
		}
		_, err := hex.Decode(h[:], value)
		return err == nil
	}
	tree, ok := header("tree")
	if !ok || !hash(tree, &c.TreeHash) {
		return nil, false
	}
	for {
		parent, ok := header("parent")
		if !ok {
			break
		}
		c.ParentHashes = append(c.ParentHashes, plumbing.ZeroHash)
		if !hash(parent, &c.ParentHashes[len(c.ParentHashes)-1]) {
			return nil, false
		}
	}
	author, ok := header("author")
	if !ok {
		return nil, false
	}
	committer, ok := header("committer")
	if !ok || len(rest) == 0 || rest[0] != '\n' {
		return nil, false
	}
	c.Author.Decode(author)
	c.Committer.Decode(committer)
	c.Message = string(rest[1:])
	return c, true
}

// author reads the author of the commit h, as go-git decodes it. Only a commit whose headers
// are as git writes them (its tree, its parents, then its author) is read here; go-git decodes
// any other, and says what is wrong with it.
func (rd *objectReader) author(h plumbing.Hash) (object.Signature, error) {
	_, data, err := rd.read(plumbing.CommitObject, h)
	if err != nil {
		return object.Signature{}, err
	}
	for key, rest := "tree", data; ; key = "parent" {
		var line, name, value []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		name, value, _ = bytes.Cut(line, []byte{' '})
		switch {
		case string(name) == key && plumbing.IsHash(string(value)):
			continue
		case key == "parent" && string(name) == "author":
			var a object.Signature
			a.Decode(value)
			return a, nil
		}
		c, err := object.DecodeCommit(rd.git.Storer, &rawObject{hash: h, typ: plumbing.CommitObject, data: data})
		if err != nil {
			return object.Signature{}, err
		}
		return c.Author, nil
	}
}

// A rawObject is an object read whole, as go-git's decoders take it.
type rawObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

func (o *rawObject) Hash() plumbing.Hash           { return o.hash }
func (o *rawObject) Type() plumbing.ObjectType     { return o.typ }
func (o *rawObject) SetType(t plumbing.ObjectType) { o.typ = t }
func (o *rawObject) Size() int64                   { return int64(len(o.data)) }
func (o *rawObject) SetSize(int64)                 {}
func (o *rawObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}
func (o *rawObject) Writer() (io.WriteCloser, error) {
	return nil, errors.New("a read object is not written")
}
