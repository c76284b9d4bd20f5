//go:build !linux && !darwin

package jail

import (
	"context"
	"fmt"
	"runtime"
)

// pinsEnforced: nothing is enforced here.
const pinsEnforced = false

func unavailable() error {
	return fmt.Errorf("%w: no sandbox for %s (rrsh jails commands with bwrap on Linux and sandbox-exec on macOS); fix: run rrsh on Linux or macOS, or set 'jail: off' in the policy to run unjailed (unsafe)", ErrUnavailable, runtime.GOOS)
}

// Wrap returns an error wrapping [ErrUnavailable]: there is no sandbox for
// this operating system.
func (c Config) Wrap(argv []string) ([]string, error) { return nil, unavailable() }

func (c Config) enforced() []string {
	return append([]string{"sandbox: none available on " + runtime.GOOS}, c.commonLines()...)
}

// Check returns an error wrapping [ErrUnavailable].
func Check(c Config) error { return unavailable() }

// Probe returns an error wrapping [ErrUnavailable].
func Probe(ctx context.Context) error { return unavailable() }
