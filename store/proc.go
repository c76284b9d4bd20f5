//go:build unix

package store

import (
	"errors"

	"golang.org/x/sys/unix"
)

// alive reports whether the process that was pid, started at start
// (clock ticks after boot, 0 = unknown) during boot (boot id, "" =
// unknown), still runs. A process that exists but belongs to another user
// (EPERM) counts as alive; a different start time or boot means the pid
// was reused and the original process is gone, and so is a zombie.
func alive(pid int, start int64, boot string) bool {
	if pid <= 0 {
		return false
	}
	if cur := bootID(); boot != "" && cur != "" && boot != cur {
		return false
	}
	if err := unix.Kill(pid, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return false
	}
	now, state := pidStat(pid)
	if state == "Z" || state == "X" {
		return false // exited, not yet reaped by its parent
	}
	if start != 0 && now != 0 && now != start {
		return false
	}
	return true
}

// accessWritable is access(path, W_OK): whether this process may write
// path (root may write anything on a writable file system).
func accessWritable(path string) error { return unix.Access(path, unix.W_OK) }
