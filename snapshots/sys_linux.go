package snapshots

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// statSys returns the inode, change time (ns), owner and device of a file.
func statSys(fi fs.FileInfo) (ino uint64, ctime int64, uid, gid int, dev uint64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, -1, -1, 0
	}
	return st.Ino, st.Ctim.Nano(), int(st.Uid), int(st.Gid), uint64(st.Dev)
}

// haveSyncfs is true where one syncfs(2) call makes every file written so far
// on a file system durable, which is much cheaper than an fsync per file.
const haveSyncfs = true

// syncFS flushes the whole file system that holds dir.
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return &fs.PathError{Op: "syncfs", Path: dir, Err: err}
	}
	return nil
}

// openFlags are added when reading a file to capture it: never follow a
// symlink swapped in since Lstat, never block on a fifo.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
