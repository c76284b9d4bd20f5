//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package journal

import (
	"errors"
	"os"
)

var errNoLock = errors.New("journal: file locking is not supported on this platform")

// The journal needs flock(2) to be safe for concurrent writers; without it,
// every append fails (closed), rather than risk interleaved lines.
func lockFile(*os.File) error       { return errNoLock }
func lockFileShared(*os.File) error { return errNoLock }
func unlockFile(*os.File) error     { return errNoLock }

func writeOnce(f *os.File, b []byte) (int, error) { return f.Write(b) }

func datasync(f *os.File) error { return f.Sync() }
