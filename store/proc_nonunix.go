//go:build !unix

package store

// alive cannot check processes here: every holder counts as alive, so
// locks are never taken over and requests never dropped as abandoned.
func alive(pid int, start int64, boot string) bool { return pid > 0 }

// accessWritable cannot be checked here; SQLite's own errors remain.
func accessWritable(path string) error { return nil }
