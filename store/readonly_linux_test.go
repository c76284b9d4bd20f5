package store

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// roBindEnv names a directory the readonly helper bind-mounts read-only
// onto itself before it starts (in its own mount namespace).
const roBindEnv = "RRSH_STORE_TEST_RO_BIND"

func remountReadOnly(dir string) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if err := unix.Mount(dir, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("remount %s read-only: %w", dir, err)
	}
	return nil
}
