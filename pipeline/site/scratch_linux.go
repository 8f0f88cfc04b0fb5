package site

import "syscall"

// memory is a folder kept in memory (tmpfs), where Hugo's pages can wait for fill without
// reaching the disk.
const memory = "/dev/shm"

// room is the space left in the file system of dir, 0 if it cannot be told.
func room(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return int64(st.Bavail) * st.Bsize
}
