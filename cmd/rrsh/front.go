package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/jail"
	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/shell"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "v0.1.0-dev"

// isShellName reports whether rrsh was invoked under a bash- or zsh-like name
// (a symlink such as ~/.local/share/rrsh/bin/bash): then it is only a shell
// and never treats its first argument as a subcommand.
func isShellName(argv0 string) bool {
	b := filepath.Base(argv0)
	return strings.Contains(b, "bash") || strings.Contains(b, "zsh") || b == "sh" || b == "-sh"
}

// frontEnd is rrsh as a bash-compatible shell.
func frontEnd(c *cli, args []string) int {
	shell.CloseExtraFDs()
	stdinTTY := isTerminal(os.Stdin)
	inv, err := shell.ParseArgs(c.argv0, args, stdinTTY)
	if err != nil {
		c.errorf("%v", strings.TrimPrefix(err.Error(), "usage: "))
		c.hintf("rrsh accepts bash's invocation forms: -c STRING [ARG0 ARGS…], a script FILE, or a script on stdin")
		return exitUsage
	}
	realShell, err := findRealShell(inv.Shell)
	if err != nil {
		c.errorf("%v", err)
		return exitConfig
	}
	switch inv.Mode {
	case shell.ModeVersion:
		out, err := exec.Command(realShell, "--version").Output()
		if err != nil {
			c.errorf("%s --version: %v", realShell, err)
			return exitInternal
		}
		c.stdout.Write(out)
		return 0
	case shell.ModeInteractive:
		c.errorf("interactive shells are not supported: every command must be checked before it runs")
		c.hintf("use rrsh -c 'COMMAND', a script file, or pipe a script on stdin")
		return exitUsage
	}
	cwd, err := os.Getwd()
	if err != nil {
		c.errorf("cannot get the working directory: %v", err)
		return exitInternal
	}
	src, err := shell.Source(inv, cwd, c.stdin)
	if err != nil {
		if inv.Mode == shell.ModeFile {
			// What bash says and does for a script it cannot open: nothing
			// would run, so there is nothing to check.
			switch {
			case errors.Is(err, fs.ErrNotExist):
				fmt.Fprintf(c.stderr, "%s: %s: No such file or directory\n", inv.Shell, inv.File)
				return 127
			case errors.Is(err, fs.ErrPermission):
				fmt.Fprintf(c.stderr, "%s: %s: Permission denied\n", inv.Shell, inv.File)
				return 126
			}
		}
		c.errorf("cannot read the script: %v", err)
		return exitUsage
	}
	sh, cleanup, code := c.buildShell(inv, realShell, cwd)
	if sh == nil {
		return code
	}
	defer cleanup()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	res, err := sh.Run(ctx, inv, src)
	stop()
	if err != nil {
		return c.refusal(err)
	}
	return res.Status
}

// refusal prints a refusal and maps it to rrsh's exit status.
func (c *cli) refusal(err error) int {
	var r *shell.Refusal
	if !errors.As(err, &r) {
		c.errorf("%v", err)
		return exitInternal
	}
	c.errorf("%s", r.Msg)
	if r.Hint != "" {
		c.hintf("%s", r.Hint)
	}
	switch r.Kind {
	case shell.Blocked:
		return exitBlocked
	case shell.Denied:
		return exitDenied
	case shell.TimedOut:
		return exitTimeout
	case shell.JailUnavailable:
		return exitJail
	case shell.StateUnwritable:
		return exitState
	case shell.BadInput:
		return exitUsage
	case shell.ConfigError:
		return exitConfig
	}
	return exitInternal
}

// findRealShell finds the real bash or zsh: the first on PATH that is not
// rrsh itself (rrsh may be on PATH under the name bash), else /bin/NAME.
func findRealShell(name string) (string, error) {
	if p := os.Getenv("RRSH_REAL_SHELL"); p != "" {
		return p, nil
	}
	self, _ := os.Executable()
	selfInfo, _ := os.Stat(self)
	var cands []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		cands = append(cands, filepath.Join(dir, name))
	}
	cands = append(cands, "/bin/"+name, "/usr/bin/"+name, "/usr/local/bin/"+name)
	for _, p := range cands {
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			continue
		}
		if selfInfo != nil && os.SameFile(fi, selfInfo) {
			continue
		}
		return p, nil
	}
	return "", fmt.Errorf("cannot find the real %s (on PATH or in /bin, /usr/bin); install it or set RRSH_REAL_SHELL", name)
}

// buildShell wires policy, journal, snapshots, store and jail for one
// command. On failure it prints why and returns a nil shell and the status.
func (c *cli) buildShell(inv *shell.Invocation, realShell, cwd string) (*shell.Shell, func(), int) {
	home := c.getenv("HOME")
	root := paths.ProjectRoot(cwd)
	marker, sandboxed := jail.InSandbox(c.getenv)
	nested := sandboxed && c.getenv("RRSH_JAILED") == "1"
	// The session store (SQLite: about 1 ms to open and read its schema)
	// opens on the second core while the policy loads. Opening it has no
	// effect a refused command would need undone.
	var openStore func() (*store.Store, error)
	if dbPath, err := paths.StorePath(c.getenv); err == nil && !nested {
		openStore = openInBackground(dbPath)
	}
	p, source, err := c.loadPolicy("", cwd)
	if err != nil {
		c.errorf("%v", err)
		c.hintf("nothing was run; fix the policy file, or check it with `rrsh policy test FILE`")
		return nil, nil, exitConfig
	}
	opts := []shell.Option{
		shell.Policy(p, source),
		shell.Program(realShell),
		shell.Dirs(cwd, root, home),
		shell.Environ(os.Environ()),
		shell.Stdio(os.Stdin, os.Stdout, os.Stderr),
	}
	var closers []func()
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}

	sessionID, _ := store.SessionID(c.getenv, os.Getppid())
	agent := store.Agent(c.getenv)
	opts = append(opts, shell.Session(sessionID, agent))

	mode := shell.ApprovalAuto
	if c.getenv("RRSH_APPROVAL") == "deny" || (c.getenv("CI") != "" && !isTerminal(os.Stdin)) {
		mode = shell.ApprovalDeny
	}
	set := p.Settings()
	opts = append(opts, shell.Approval(mode, set.Approval.Timeout, set.Sessions.Window), shell.Locks(set.Sessions.Locks))

	if nested {
		// Inside rrsh's own jail: the outer rrsh journaled and jailed the
		// command that started us; our state is read-only here. Check
		// the policy again, record nothing, add no second jail.
		opts = append(opts, shell.Unjailed("policy-only: inside rrsh's jail"), shell.Nested())
		return shell.New(opts...), cleanup, 0
	}

	jdir, err := paths.JournalDir(c.getenv)
	if err != nil {
		c.errorf("cannot locate the journal: %v", err)
		return nil, nil, exitState
	}
	jr, err := journal.Open(jdir, journal.Options{})
	if err != nil {
		c.errorf("cannot open the journal: %v", err)
		c.hintf("nothing was run; rrsh records every command before it runs: fix permissions or free space in %s", jdir)
		return nil, nil, exitState
	}
	closers = append(closers, func() { jr.Close() })
	opts = append(opts, shell.Journal(jr))

	sdir, err := paths.SnapshotDir(c.getenv)
	if err == nil {
		var snaps *snapshots.Store
		snaps, err = snapshots.Open(sdir)
		if err == nil {
			opts = append(opts, shell.Snapshots(snaps, set.Snapshots.MaxBytes))
		}
	}
	if err != nil {
		cleanup()
		c.errorf("cannot open the snapshot store: %v", err)
		c.hintf("nothing was run; fix permissions or free space in the state directory")
		return nil, nil, exitState
	}
	if openStore != nil {
		opts = append(opts, shell.Store(openStore))
	}

	switch {
	case sandboxed:
		opts = append(opts, shell.Unjailed("policy-only: inside another sandbox ("+marker+")"))
		fmt.Fprintf(c.stderr, "rrsh: running policy-only: already inside a sandbox (%s)\n", marker)
	case set.Jail.Off:
		opts = append(opts, shell.Unjailed("off (unsafe): the policy says jail: off"))
	default:
		cfg, err := c.jailConfig(p, cwd, root, home)
		if err == nil {
			err = jail.Check(cfg)
		}
		if err != nil {
			cleanup()
			c.errorf("the jail cannot be built: %v", err)
			c.hintf("nothing was run; install bubblewrap (apt-get install bubblewrap), or set `jail: off` in the policy to run unjailed (unsafe)")
			return nil, nil, exitJail
		}
		opts = append(opts, shell.Jail(cfg, "bwrap"))
	}
	return shell.New(opts...), cleanup, 0
}

// openInBackground starts opening the store at path and returns a function
// that waits for the result. The store is never closed: closing the last
// connection checkpoints the WAL with two fsyncs (about 1 ms); the process
// exits right after the command, and the next writer's autocheckpoint
// does it instead.
func openInBackground(path string) func() (*store.Store, error) {
	type opened struct {
		st  *store.Store
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		st, err := store.Open(path)
		ch <- opened{st, err}
	}()
	return sync.OnceValues(func() (*store.Store, error) {
		o := <-ch
		return o.st, o.err
	})
}

// jailConfig builds the jail for a command in cwd from the defaults and the policy.
func (c *cli) jailConfig(p *policy.Policy, cwd, root, home string) (jail.Config, error) {
	tmp := c.getenv("TMPDIR")
	cfg := jail.New(root, home, tmp).Cwd(cwd)
	cfg = cfg.Writable(jail.DefaultCaches(home)...)
	if home != "" {
		cfg = cfg.Writable(filepath.Join(home, ".claude", "shell-snapshots"))
	}
	if ch := c.getenv("CODEX_HOME"); ch != "" {
		cfg = cfg.Writable(filepath.Join(ch, "shell_snapshots"))
	} else if home != "" {
		cfg = cfg.Writable(filepath.Join(home, ".codex", "shell_snapshots"))
	}
	var ro []string
	if d, err := paths.StateDir(c.getenv); err == nil {
		ro = append(ro, d)
	}
	if d, err := paths.ConfigDir(c.getenv); err == nil {
		ro = append(ro, d)
	}
	if self, err := os.Executable(); err == nil {
		ro = append(ro, self)
	}
	if home != "" {
		ro = append(ro, filepath.Join(home, ".local", "share", "rrsh"))
	}
	for _, name := range []string{"railroad.yaml", ".rrsh.yaml"} {
		ro = append(ro, filepath.Join(root, name))
	}
	cfg = cfg.ReadOnly(ro...)
	js := p.Settings().Jail
	env := policy.Env{Home: home, Cwd: cwd, Root: root}
	cfg = cfg.Writable(absAll(env, js.Writable)...).Hidden(absAll(env, js.Hidden)...).ReadOnly(absAll(env, js.Readonly)...)
	if js.Network == policy.NetworkNone {
		cfg = cfg.Network(jail.Network("none"))
	}
	tty := isTerminal(os.Stdin) || isTerminal(os.Stdout) || isTerminal(os.Stderr)
	usePTY := shell.UsePTY(os.Stdin, os.Stdout)
	// A fresh PTY already gives the command its own session and terminal;
	// otherwise a terminal on any standard fd needs --new-session so the
	// command cannot push keystrokes into it (TIOCSTI).
	cfg = cfg.Terminal(tty && !usePTY)
	return cfg, nil
}

func absAll(env policy.Env, ps []string) []string {
	var out []string
	for _, p := range ps {
		if a := env.Path(p); a != "" {
			out = append(out, a)
		}
	}
	return out
}
