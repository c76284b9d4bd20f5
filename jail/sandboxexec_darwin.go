//go:build darwin

package jail

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// testOnlyBwrapPath, when set, replaces sandbox-exec's path.
var testOnlyBwrapPath string

// sandboxExec is the only place sandbox-exec is looked for: PATH is
// controlled by the agent whose commands are jailed.
const sandboxExec = "/usr/bin/sandbox-exec"

// pinsEnforced says whether String lists pinned directories: bwrap binds
// them, sandbox-exec has nothing to pin.
const pinsEnforced = false

func sandboxExecPath() (string, error) {
	p := sandboxExec
	if testOnlyBwrapPath != "" {
		p = testOnlyBwrapPath
	}
	if _, err := exec.LookPath(p); err != nil {
		return "", fmt.Errorf("%w: %s not found: it ships with macOS; fix: restore it, or set 'jail: off' in the policy to run unjailed (unsafe)", ErrUnavailable, p)
	}
	return p, nil
}

// Wrap returns the argv to execute: sandbox-exec with the profile of
// [Profile] (paths resolved as the sandbox sees them), then /usr/bin/env
// RRSH_JAILED=1, then argv. sandbox-exec does not change directory: the
// caller's exec.Cmd.Dir sets the working directory, and Cwd is not applied.
// argv[0] must not contain "=" (env would take it for a variable).
func (c Config) Wrap(argv []string) ([]string, error) {
	if len(argv) == 0 {
		return nil, errors.New("jail: nothing to run (empty argv)")
	}
	if strings.Contains(argv[0], "=") {
		return nil, fmt.Errorf("jail: program name %q contains '='", argv[0])
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	sb, err := sandboxExecPath()
	if err != nil {
		return nil, err
	}
	out := []string{sb, "-p", Profile(c.resolved()), "/usr/bin/env", "RRSH_JAILED=1"}
	return append(out, argv...), nil
}

// resolved returns a copy of c whose paths have their symlinks resolved
// (the sandbox matches real paths), with the git paths of a worktree added.
func (c Config) resolved() Config {
	real := func(p string) string {
		if p == "" {
			return ""
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		return p
	}
	list := func(ps []string) []string {
		out := make([]string, 0, len(ps))
		for _, p := range ps {
			out = append(out, real(p))
		}
		return out
	}
	r := c
	r.root, r.home, r.tmpdir, r.cwd = real(c.root), real(c.home), real(c.tmpdir), real(c.cwd)
	r.writable, r.hidden = list(c.writable), list(c.hidden)
	hooks, rest := gitPaths(c.root)
	if hooks != "" {
		rest = append(rest, hooks)
	}
	r.ro = list(append(append([]string(nil), c.ro...), rest...))
	return r
}

func (c Config) enforced() []string {
	out := []string{
		"sandbox: sandbox-exec (deprecated by Apple), generated profile; no namespaces, no new session",
	}
	return append(out, c.commonLines()...)
}

// Check is the cheap test run before every command: the Config is valid and
// sandbox-exec exists.
func Check(c Config) error {
	if err := c.validate(); err != nil {
		return err
	}
	_, err := sandboxExecPath()
	return err
}

// Probe runs sandbox-exec with a minimal profile and /usr/bin/true, proving
// that sandboxing works for this user. Its error wraps [ErrUnavailable].
func Probe(ctx context.Context) error {
	sb, err := sandboxExecPath()
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, sb, "-p", "(version 1)\n(allow default)\n", "/usr/bin/true").CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return fmt.Errorf("%w: sandbox-exec failed: %v %s; fix: run rrsh outside other sandboxes (sandbox-exec cannot nest)", ErrUnavailable, err, msg)
	}
	return nil
}
