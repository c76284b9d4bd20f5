//go:build linux

package jail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// testOnlyBwrapPath, when set, replaces the search for bwrap.
var testOnlyBwrapPath string

// bwrapCandidates are the only places bwrap is looked for. PATH is not
// consulted: the agent whose commands are jailed controls it.
var bwrapCandidates = []string{
	"/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap", "/run/current-system/sw/bin/bwrap",
}

const installHint = "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap or pacman -S bubblewrap)"

// pinsEnforced says whether String lists pinned directories: bwrap binds
// them, sandbox-exec has nothing to pin.
const pinsEnforced = true

func bwrapPath() (string, error) {
	cands := bwrapCandidates
	if testOnlyBwrapPath != "" {
		cands = []string{testOnlyBwrapPath}
	}
	for _, p := range cands {
		if _, err := exec.LookPath(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: bwrap not found (looked at %s); fix: %s",
		ErrUnavailable, strings.Join(cands, ", "), installHint)
}

// Wrap returns the argv to execute: bwrap, its options, "--", then argv.
// The caller starts it with os/exec and keeps fds 0–2, the process group
// and the exit status: bwrap exits with the command's status, or 128+n when
// the command was killed by signal n. Wrap reads the filesystem (it only
// mounts paths that exist, and resolves symlinks); it does not start
// anything. It returns an error wrapping [ErrUnavailable] when bwrap is not
// installed.
func (c Config) Wrap(argv []string) ([]string, error) {
	if len(argv) == 0 {
		return nil, errors.New("jail: nothing to run (empty argv)")
	}
	bw, err := bwrapPath()
	if err != nil {
		return nil, err
	}
	p, err := c.plan()
	if err != nil {
		return nil, err
	}
	return c.bwrapArgs(bw, p, argv), nil
}

func (c Config) bwrapArgs(bw string, p plan, argv []string) []string {
	a := make([]string, 0, 32+5*len(p.mounts)+len(argv))
	a = append(a, bw,
		"--die-with-parent",
		"--unshare-user", "--disable-userns",
		"--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try")
	if c.network == NetworkNone {
		a = append(a, "--unshare-net")
	}
	if c.terminal {
		a = append(a, "--new-session")
	}
	a = append(a, "--cap-drop", "ALL",
		"--ro-bind", "/", "/",
		"--dev", "/dev",
		"--proc", "/proc")
	if !c.terminal {
		a = append(a, "--ro-bind", "/dev/null", "/dev/tty")
	}
	for _, m := range p.mounts {
		switch m.kind {
		case kindWritable, kindPin:
			a = append(a, "--bind", m.real, m.real)
		case kindReadOnly:
			if m.empty {
				a = append(a, "--tmpfs", m.real, "--remount-ro", m.real)
			} else {
				a = append(a, "--ro-bind", m.real, m.real)
			}
		case kindHidden:
			if m.dir {
				a = append(a, "--tmpfs", m.real, "--remount-ro", m.real)
			} else {
				a = append(a, "--ro-bind", "/dev/null", m.real)
			}
		}
	}
	for _, f := range c.files {
		a = append(a, "--ro-bind", f[1], f[0])
	}
	a = append(a, "--setenv", "RRSH_JAILED", "1")
	if c.cwd != "" {
		a = append(a, "--chdir", c.cwd)
	}
	a = append(a, "--")
	return append(a, argv...)
}

// enforced are the first lines of String: the sandbox and the mounts made
// before the configured ones.
func (c Config) enforced() []string {
	ns := "bwrap: namespaces mount user pid ipc uts cgroup"
	if c.network == NetworkNone {
		ns += " net"
	}
	ns += "; nested user namespaces disabled; no capabilities; dies with its parent"
	out := append([]string{ns}, c.commonLines()...)
	out = append(out, "ro /: whole filesystem", "dev /dev: private", "proc /proc: private (own pid namespace)")
	if !c.terminal {
		out = append(out, "hide /dev/tty [/dev/null]: no terminal")
	}
	return out
}

// Check is the cheap test run before every command: the Config is valid and
// bwrap is installed. It does not prove that bwrap works for this user;
// [Probe] does.
func Check(c Config) error {
	if err := c.validate(); err != nil {
		return err
	}
	_, err := bwrapPath()
	return err
}

// Probe runs `bwrap … true` with the default jail around the temporary
// directory, proving that bwrap can create its namespaces for this user.
// It is slow (it starts processes); `rrsh doctor` and the tests use it. Its
// error wraps [ErrUnavailable] and says how to fix the machine.
func Probe(ctx context.Context) error {
	bw, err := bwrapPath()
	if err != nil {
		return err
	}
	truePath := "/bin/true"
	if _, err := os.Stat(truePath); err != nil {
		truePath = "/usr/bin/true"
	}
	c := New(os.TempDir(), "", "").Cwd("/")
	p, err := c.plan()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	argv := c.bwrapArgs(bw, p, []string{truePath})
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if len(msg) > 200 {
			msg = msg[:200]
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%w: bwrap cannot build a sandbox for uid %d: %s; fix: %s",
			ErrUnavailable, os.Getuid(), msg, userNSHint())
	}
	return nil
}

// userNSHint says how to enable user namespaces, naming the setting that
// is off on this machine when one is.
func userNSHint() string {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	var fixes []string
	if read("/proc/sys/kernel/unprivileged_userns_clone") == "0" {
		fixes = append(fixes, "sysctl -w kernel.unprivileged_userns_clone=1")
	}
	if read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1" {
		fixes = append(fixes, "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 24.04+; or an AppArmor profile that lets bwrap use user namespaces)")
	}
	if read("/proc/sys/user/max_user_namespaces") == "0" {
		fixes = append(fixes, "sysctl -w user.max_user_namespaces=15000")
	}
	if len(fixes) == 0 {
		return "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0; user.max_user_namespaces > 0), and " + installHint + "; inside a container, run it with user namespaces allowed"
	}
	return strings.Join(fixes, "; ")
}
