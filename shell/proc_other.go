//go:build !unix

package shell

import (
	"errors"
	"os"
)

// proc is never started here: rrsh runs commands only where it has a jail
// and POSIX process control (Linux and macOS).
type proc struct{}

func (p *proc) pid() int            { return 0 }
func (p *proc) wait() (int, string) { return 126, "" }

// UsePTY is false: there is no PTY support here.
func UsePTY(stdin, stdout *os.File) bool { return false }

// start refuses: this platform has neither bash nor a jail rrsh can drive.
func (s *Shell) start(argv []string, inv *Invocation, src string) (*proc, error) {
	return nil, errors.New("running commands is supported on Linux and macOS only; use `rrsh check` here")
}

// CloseExtraFDs does nothing here.
func CloseExtraFDs() {}
