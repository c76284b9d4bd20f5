//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package journal

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock(2) on f, waiting for it. The kernel
// drops the lock when the process dies, so a killed writer never leaves the
// journal locked.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// lockFileShared takes a shared flock(2) on f, waiting for it.
func lockFileShared(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// writeOnce appends b with exactly one write(2) (retried only when it was
// interrupted before writing anything). A short count is returned as is.
func writeOnce(f *os.File, b []byte) (int, error) {
	for {
		n, err := unix.Write(int(f.Fd()), b)
		if errors.Is(err, unix.EINTR) && n <= 0 {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}
