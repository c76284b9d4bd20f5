package main

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

// run dispatches between rrsh's own subcommands and the bash-compatible
// front end.
//
// The rule, so that subcommands never collide with a script of the same
// name: under a bash- or zsh-like name rrsh is only a shell. Under any other
// name (rrsh), the first argument is a subcommand when it is one of rrsh's
// subcommand names and no file of that name exists in the working
// directory (a directory does not count: bash cannot run it); otherwise
// rrsh is a shell and the argument is what bash would make of it.
// `./check` always means the file.
func run(c *cli, args []string) int {
	if !isShellName(c.argv0) && len(args) > 0 {
		if sc, ok := subcommands[args[0]]; ok && !scriptFile(args[0]) {
			return sc.run(c, args[1:])
		}
		if args[0] == "help" || args[0] == "-h" {
			return cmdHelp(c)
		}
	}
	return frontEnd(c, args)
}

// scriptFile reports whether name is something bash would try to run as a
// script: anything there but a directory.
func scriptFile(name string) bool {
	fi, err := os.Stat(name)
	if err != nil {
		_, lerr := os.Lstat(name) // a dangling symlink is still that name
		return lerr == nil
	}
	return !fi.IsDir()
}

func cmdHelp(c *cli) int {
	fmt.Fprintf(c.stdout, `rrsh %s: a checking, jailing, journaling shell for coding agents

As a shell (bash-compatible):
  rrsh -c 'COMMAND' [ARG0 ARGS…]     check COMMAND, then run it with bash in the jail
  rrsh [OPTIONS] SCRIPT [ARGS…]      check and run a script file
  rrsh -s [ARGS…] < SCRIPT           check and run a script read from stdin

Subcommands:
`, version)
	for _, n := range subcommandNames() {
		fmt.Fprintf(c.stdout, "  rrsh %-10s %s\n", n, subcommands[n].summary)
	}
	fmt.Fprintf(c.stdout, "\nExit statuses: the command's own, or 77 blocked, 76 not approved, 75 approval timed out,\n71 jail unavailable, 73 state unwritable, 78 bad policy, 64 usage (see README.md).\n")
	return 0
}

func isTerminal(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }
