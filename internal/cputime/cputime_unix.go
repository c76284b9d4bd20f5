//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Used is the CPU time this process has used so far, or 0 when unknown.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
