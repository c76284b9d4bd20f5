package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/jail"
	"github.com/rrsh/rrsh/store"
)

func init() {
	register("version", "print rrsh's version", cmdVersion)
	register("policy", "show the policy in force, or run a policy's own tests", cmdPolicy)
	register("doctor", "show the policy, jail and state in force, and whether the agent uses rrsh", cmdDoctor)
}

func cmdVersion(c *cli, args []string) int {
	fmt.Fprintf(c.stdout, "rrsh %s\n", version)
	return 0
}

func cmdPolicy(c *cli, args []string) int {
	if len(args) == 0 {
		c.errorf("usage: rrsh policy show [--policy FILE] | rrsh policy test [FILE]")
		return exitUsage
	}
	cwd, err := os.Getwd()
	if err != nil {
		c.errorf("%v", err)
		return exitInternal
	}
	switch args[0] {
	case "show":
		fs := flag.NewFlagSet("rrsh policy show", flag.ContinueOnError)
		fs.SetOutput(c.stderr)
		file := fs.String("policy", "", "show this policy file instead of the one in force")
		fs.Usage = func() {
			fmt.Fprintln(c.stderr, "usage: rrsh policy show [--policy FILE]")
			fs.PrintDefaults()
		}
		if err := fs.Parse(args[1:]); err != nil {
			return exitUsage
		}
		p, source, err := c.loadPolicy(*file, cwd)
		if err != nil {
			c.errorf("%v", err)
			return exitConfig
		}
		y, err := p.YAML()
		if err != nil {
			c.errorf("%v", err)
			return exitInternal
		}
		fmt.Fprintf(c.stdout, "# policy in force: %s\n%s", source, y)
		return 0
	case "test":
		file := ""
		if len(args) > 2 {
			c.errorf("usage: rrsh policy test [FILE]")
			return exitUsage
		}
		if len(args) == 2 {
			file = args[1]
		}
		p, source, err := c.loadPolicy(file, cwd)
		if err != nil {
			// Load runs the policy's own tests: a failing example is
			// reported here with its file:line.
			c.errorf("%v", err)
			return exitConfig
		}
		results := p.TestResults()
		failed := 0
		for _, r := range results {
			status := "ok  "
			if !r.Pass {
				status = "FAIL"
				failed++
			}
			fmt.Fprintf(c.stdout, "%s %-7s %s\n", status, r.Want, oneLine(r.Command, 100))
			if !r.Pass {
				fmt.Fprintf(c.stdout, "     got %s (%s): %s\n", r.Got.Tier, r.Got.Rule, r.Got.Reason)
			}
		}
		fmt.Fprintf(c.stdout, "%s: %d passed, %d failed\n", source, len(results)-failed, failed)
		if failed > 0 {
			return exitConfig
		}
		return 0
	}
	c.errorf("unknown policy subcommand %q (want show or test)", args[0])
	return exitUsage
}

func cmdDoctor(c *cli, args []string) int {
	fs := flag.NewFlagSet("rrsh doctor", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	argv := fs.String("argv", "", "print, one per line, the exact argv rrsh would run for this command string, and exit")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: rrsh doctor [--argv 'COMMAND']")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *argv != "" {
		return c.printArgv(*argv)
	}
	w := c.stdout
	problems := 0
	bad := func(format string, a ...any) {
		problems++
		fmt.Fprintf(w, "  PROBLEM: "+format+"\n", a...)
	}
	cwd, _ := os.Getwd()
	self, _ := os.Executable()
	fmt.Fprintf(w, "rrsh %s (%s)\n", version, self)

	fmt.Fprintf(w, "\npolicy:\n")
	p, source, err := c.loadPolicy("", cwd)
	if err != nil {
		bad("%v", err)
		p = nil
	} else {
		fmt.Fprintf(w, "  in force: %s\n", source)
		fmt.Fprintf(w, "  default %s, unknown %s\n", p.DefaultTier(), p.UnknownTier())
	}

	fmt.Fprintf(w, "\njail:\n")
	home := c.getenv("HOME")
	root := paths.ProjectRoot(cwd)
	if marker, in := jail.InSandbox(c.getenv); in {
		fmt.Fprintf(w, "  inside a sandbox (%s): commands run policy-only\n", marker)
	}
	switch {
	case p != nil && p.Settings().Jail.Off:
		fmt.Fprintf(w, "  OFF (unsafe): the policy says jail: off\n")
	case p != nil:
		cfg, _ := c.jailConfig(p, cwd, root, home)
		if err := jail.Check(cfg); err != nil {
			bad("%v", err)
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := jail.Probe(ctx)
			cancel()
			if err != nil {
				bad("bwrap does not work for this user: %v", err)
			} else {
				fmt.Fprintf(w, "  bwrap works for this user (uid %d)\n", os.Getuid())
			}
		}
		for _, line := range strings.Split(strings.TrimRight(cfg.String(), "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}

	fmt.Fprintf(w, "\nstate:\n")
	if d, err := paths.StateDir(c.getenv); err != nil {
		bad("%v", err)
	} else {
		fmt.Fprintf(w, "  %s\n", d)
		if err := os.MkdirAll(d, 0o700); err != nil {
			bad("state directory not writable: %v", err)
		} else if f, err := os.CreateTemp(d, ".doctor-*"); err != nil {
			bad("state directory not writable: %v", err)
		} else {
			f.Close()
			os.Remove(f.Name())
		}
	}

	fmt.Fprintf(w, "\nagent:\n")
	agent := store.Agent(c.getenv)
	sid, src := store.SessionID(c.getenv, os.Getppid())
	fmt.Fprintf(w, "  agent %s, session %s (from %s)\n", agent, sid, src)
	jailed := c.getenv("RRSH_JAILED") == "1"
	if jailed {
		fmt.Fprintf(w, "  this command runs through rrsh (inside its jail)\n")
	}
	if c.getenv("CLAUDECODE") == "1" {
		sh := c.getenv("CLAUDE_CODE_SHELL")
		switch {
		case jailed:
			fmt.Fprintf(w, "  Claude Code is using rrsh\n")
		case sh != "" && sameFile(sh, self):
			fmt.Fprintf(w, "  CLAUDE_CODE_SHELL=%s is rrsh, but this command did not run through it\n", sh)
		default:
			bad("CLAUDECODE=1 but Claude Code's shell is not rrsh (CLAUDE_CODE_SHELL=%q): run `rrsh install claude` and restart Claude Code", sh)
		}
	}
	if agent == "codex" && !jailed {
		bad("Codex is running this command without rrsh: make the login shell a bash-named rrsh entry point (see README)")
	}
	if agent == "gemini-cli" && !jailed {
		bad("Gemini CLI is running this command without rrsh: put `rrsh shim-dir` first on PATH (see README)")
	}
	if problems > 0 {
		fmt.Fprintf(w, "\n%d problem(s)\n", problems)
		return 1
	}
	fmt.Fprintf(w, "\nno problems found\n")
	return 0
}

func sameFile(a, b string) bool {
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return false
	}
	fa, err1 := os.Stat(ra)
	fb, err2 := os.Stat(rb)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// printArgv prints the jail's argv for running src with bash -c, as rrsh
// would (used to time bare bwrap against rrsh with the same arguments).
func (c *cli) printArgv(src string) int {
	cwd, _ := os.Getwd()
	p, _, err := c.loadPolicy("", cwd)
	if err != nil {
		c.errorf("%v", err)
		return exitConfig
	}
	bash, err := findRealShell("bash")
	if err != nil {
		c.errorf("%v", err)
		return exitConfig
	}
	cfg, _ := c.jailConfig(p, cwd, paths.ProjectRoot(cwd), c.getenv("HOME"))
	out, err := cfg.Wrap([]string{bash, "-c", src})
	if err != nil {
		c.errorf("%v", err)
		return exitJail
	}
	for _, a := range out {
		fmt.Fprintln(c.stdout, a)
	}
	return 0
}
