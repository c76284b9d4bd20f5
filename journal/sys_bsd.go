//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package journal

import "os"

// datasync flushes f to stable storage. On macOS (*os.File).Sync uses
// F_FULLFSYNC, which also flushes the drive's cache.
func datasync(f *os.File) error { return f.Sync() }
