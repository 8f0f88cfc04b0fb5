//go:build !unix

package records

import "os"

// mapFile maps nothing where there is no mmap: the pack is read otherwise.
func mapFile(*os.File, int64) ([]byte, func() error) { return nil, nil }
