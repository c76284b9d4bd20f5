//go:build !linux

package store

// pidStartTime is unknown off Linux: a reused pid is taken for its
// previous holder (see Limitations in doc.go).
func pidStartTime(pid int) int64 { return 0 }

// bootID is unknown off Linux.
func bootID() string { return "" }

// pidStat is unknown off Linux.
func pidStat(pid int) (start int64, state string) { return 0, "" }
