//go:build !linux && !darwin

package snapshots

import (
	"errors"
	"io/fs"
	"os"
)

func statSys(fi fs.FileInfo) (ino uint64, ctime int64, uid, gid int, dev uint64) {
	return 0, 0, -1, -1, 0
}

const haveSyncfs = false

func syncFS(dir string) error { return errors.New("syncfs is not available") }

const openFlags = 0

// flock is a no-op: without advisory locks, run GC only when no rrsh
// command is running.
func flock(f *os.File, exclusive bool) error { return nil }

func isRoot() bool { return false }

func lchown(path string, uid, gid int) error { return nil }
