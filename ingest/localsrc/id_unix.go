//go:build unix

package localsrc

import (
	"io/fs"
	"syscall"
)

// idOf returns the device and inode of a folder.
func idOf(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), st.Ino}, true
}
