//go:build unix && !linux

package shell

import "errors"

// closeRangeCloexec is Linux only; elsewhere the caller walks /dev/fd.
func closeRangeCloexec(uint) error {
	return errors.New("close_range is not available")
}
