//go:build linux || darwin

package snapshots

import (
	"os"

	"golang.org/x/sys/unix"
)

func flock(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

func isRoot() bool { return os.Geteuid() == 0 }

// lchown changes the owner of path without following a final symlink.
func lchown(path string, uid, gid int) error { return os.Lchown(path, uid, gid) }
