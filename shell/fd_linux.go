package shell

import "golang.org/x/sys/unix"

// closeRangeCloexec marks every descriptor from first up close-on-exec in
// one system call (Linux 5.11+).
func closeRangeCloexec(first uint) error {
	return unix.CloseRange(first, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
}
