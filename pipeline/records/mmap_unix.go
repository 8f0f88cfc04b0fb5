//go:build unix

package records

import (
	"os"
	"syscall"
)

// mapFile maps the file f of size bytes into memory, read-only, and returns it with the function
// that unmaps it; nil when it cannot.
func mapFile(f *os.File, size int64) ([]byte, func() error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	return data, func() error { return syscall.Munmap(data) }
}
