//go:build unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used. On a
// busy machine wall time per op swings with the load; CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
