package snapshots

import (
	"errors"
	"io/fs"
	"syscall"
)

func statSys(fi fs.FileInfo) (ino uint64, ctime int64, uid, gid int, dev uint64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, -1, -1, 0
	}
	return st.Ino, st.Ctimespec.Nano(), int(st.Uid), int(st.Gid), uint64(st.Dev)
}

const haveSyncfs = false

func syncFS(dir string) error { return errors.New("syncfs is not available") }

const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
