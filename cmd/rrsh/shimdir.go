package main

import (
	"flag"
	"fmt"
	"path/filepath"

	"github.com/rrsh/rrsh/internal/agents"
)

func init() {
	register("shim-dir", "print (--create: and fill) the directory with a bash link to rrsh, to put first on PATH", cmdShimDir)
}

// cmdShimDir prints ~/.local/share/rrsh/shims. With --create it makes the
// directory and its one entry, bash → rrsh, so that an agent that runs
// "bash" from PATH (Gemini CLI) runs rrsh:
//
//	PATH="$(rrsh shim-dir --create):$PATH" gemini
//
// Only bash is shimmed, not sh: agents ask for bash by name, while sh is
// what programs inside a command use (make's recipes, npm scripts,
// #!/bin/sh scripts). Those run inside rrsh's jail already, where a
// second rrsh would add checks the policy cannot make sense of (a build's
// own internals) without adding protection the jail does not give.
func cmdShimDir(c *cli, args []string) int {
	fs := flag.NewFlagSet("rrsh shim-dir", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	create := fs.Bool("create", false, "create the directory and its bash link to rrsh")
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: rrsh shim-dir [--create]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fs.Usage()
		}
		return exitUsage
	}
	dir, err := agents.ShimDir(c.getenv("HOME"))
	if err != nil {
		c.errorf("shim-dir: %v", err)
		return exitConfig
	}
	if *create {
		if refuseJailed(c, "shim-dir --create") {
			return exitDenied
		}
		self, err := selfPath()
		if err != nil {
			c.errorf("shim-dir: %v", err)
			return exitConfig
		}
		link := filepath.Join(dir, "bash")
		change, err := entryChange(link, self)
		if err != nil {
			c.errorf("shim-dir: %v", err)
			return exitConfig
		}
		if change != "" {
			if err := linkEntry(link, self); err != nil {
				c.errorf("shim-dir: %v", err)
				return exitState
			}
			fmt.Fprintf(c.stderr, "rrsh: %s\n", change)
		}
	}
	fmt.Fprintln(c.stdout, dir)
	return 0
}
