package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// Exit statuses of rrsh itself. A command rrsh runs passes its own status
// through unchanged (128+n for signal n), so agents should read the "rrsh:"
// line on stderr, not only the code. Documented in README.md.
const (
	exitAllow    = 0  // rrsh check: allowed
	exitApprove  = 1  // rrsh check: needs approval
	exitBlock    = 2  // rrsh check: blocked
	exitUsage    = 64 // bad flags or arguments
	exitInternal = 70 // an rrsh bug
	exitJail     = 71 // the jail cannot be built
	exitState    = 73 // the journal, snapshots or store cannot be written
	exitTimeout  = 75 // an approval request timed out
	exitDenied   = 76 // the command needs approval and did not get it
	exitBlocked  = 77 // the policy blocks the command; nothing of it ran
	exitConfig   = 78 // the policy file (or other configuration) is invalid
)

// cli is what a subcommand gets from main: its standard streams and
// environment. Tests build one directly.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// argv0 is the name rrsh was invoked under.
	argv0 string
}

func newCLI() *cli {
	return &cli{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		now:    time.Now,
		argv0:  os.Args[0],
	}
}

// errorf prints one "rrsh: …" line on stderr.
func (c *cli) errorf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "rrsh: "+format+"\n", args...)
}

// hintf prints one "rrsh: hint: …" line on stderr.
func (c *cli) hintf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "rrsh: hint: "+format+"\n", args...)
}

// subcommand is one of rrsh's own commands (check, log, rollback, …).
type subcommand struct {
	run     func(c *cli, args []string) int
	summary string
}

// subcommands is filled by init functions in this package, one file per
// subcommand, so adding one never edits a shared table.
var subcommands = map[string]subcommand{}

func register(name, summary string, run func(c *cli, args []string) int) {
	if _, dup := subcommands[name]; dup {
		panic("rrsh bug: subcommand registered twice: " + name)
	}
	subcommands[name] = subcommand{run: run, summary: summary}
}

func subcommandNames() []string {
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
