//go:build linux

package jail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	osuser "os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// requireJail skips the test when bwrap is missing or cannot build a
// sandbox here, unless RRSH_REQUIRE_JAIL=1, which turns the skip into a
// failure.
func requireJail(t testing.TB) {
	t.Helper()
	probeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		probeErr = Probe(ctx)
	})
	if probeErr != nil {
		if os.Getenv("RRSH_REQUIRE_JAIL") == "1" {
			t.Fatalf("RRSH_REQUIRE_JAIL=1 but the jail is unavailable: %v", probeErr)
		}
		t.Skipf("jail unavailable (set RRSH_REQUIRE_JAIL=1 to fail instead): %v", probeErr)
	}
}

var (
	probeOnce sync.Once
	probeErr  error
)

// tree creates files ("name" or "name=content"), directories ("name/") and
// symlinks ("name -> target") below dir.
func tree(t testing.TB, dir string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		var err error
		switch {
		case strings.Contains(e, " -> "):
			name, target, _ := strings.Cut(e, " -> ")
			p := filepath.Join(dir, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(target, p)
			}
		case strings.HasSuffix(e, "/"):
			err = os.MkdirAll(filepath.Join(dir, e), 0o755)
		default:
			name, content, _ := strings.Cut(e, "=")
			p := filepath.Join(dir, name)
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, []byte(content), 0o644)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func realTempDir(t testing.TB) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// goldenHost builds a fake host below a temporary directory: system paths
// (testOnlySysRoot), a home, a repository with a worktree, and a fake bwrap.
func goldenHost(t testing.TB) string {
	T := realTempDir(t)
	tree(t, T,
		"bin/bwrap=#!/bin/sh\n", "bin/rrsh",
		"sys/tmp/tmux-1000/", "sys/tmp/ssh-XYZ/agent.1", "sys/tmp/unrelated/", "sys/tmp/.X11-unix/",
		"sys/run/user/1000/", "sys/run/dbus/", "sys/run/docker.sock", "sys/var/run -> ../run",
		"home/.ssh/id_rsa", "home/.aws/credentials", "home/.netrc", "home/.bashrc", "home/.profile",
		"home/.claude/settings.json", "home/.claude/shell-snapshots/", "home/.cache/", "home/.npm/",
		"home/.config/gh/hosts.yml", "home/.config/other/", "home/.claude.json",
		"home/.local/state/rrsh/journal/",
		"proj/.git/hooks/", "proj/.git/config", "proj/.vscode/", "proj/railroad.yaml", "proj/docs/gen/",
		"proj/secret/", "proj/.envrc -> ../elsewhere/envrc", "elsewhere/envrc",
		"proj/.git/worktrees/wt/commondir=../..\n", "proj/.git/worktrees/wt/config.worktree",
		"wt/.git=gitdir: ../proj/.git/worktrees/wt\n",
		"link -> proj",
		"norepo/",
		"tmpdir/ssh-abc/",
	)
	if err := os.Chmod(filepath.Join(T, "bin/bwrap"), 0o755); err != nil {
		t.Fatal(err)
	}
	setTestOnly(t, &testOnlySysRoot, filepath.Join(T, "sys"))
	setTestOnly(t, &testOnlyBwrapPath, filepath.Join(T, "bin/bwrap"))
	return T
}

func setTestOnly(t testing.TB, v *string, val string) {
	old := *v
	*v = val
	t.Cleanup(func() { *v = old })
}

func TestWrapGolden(t *testing.T) {
	T := goldenHost(t)
	home, proj := filepath.Join(T, "home"), filepath.Join(T, "proj")
	tests := []struct {
		name string
		cfg  Config
	}{
		{"wrap-project.txt", New(proj, home, "").
			Writable(DefaultCaches(home)...).
			Writable(AgentDirs(home, "")...).
			ReadOnly(filepath.Join(home, ".local/state/rrsh"), filepath.Join(T, "bin/rrsh")).
			Cwd(proj)},
		{"wrap-home-root.txt", New(home, home, filepath.Join(T, "tmpdir")).
			Writable(AgentDirs(home, "")...)},
		{"wrap-worktree-none-tty.txt", New(filepath.Join(T, "wt"), home, "").
			Network(NetworkNone).Terminal(true).Cwd(filepath.Join(T, "wt"))},
		{"wrap-symlinked-root.txt", New(filepath.Join(T, "link"), "", "")},
		{"wrap-no-git-hooks.txt", New(filepath.Join(T, "norepo"), "", "")},
		{"wrap-conflicts.txt", New(proj, home, "").
			Writable(filepath.Join(home, ".ssh/x"), filepath.Join(home, ".config"), filepath.Join(proj, "docs/gen"), "/nonexistent/cache").
			Hidden(filepath.Join(proj, "secret"), filepath.Join(T, "sys/var/run/dbus")).
			ReadOnly(filepath.Join(proj, "docs"), proj+"/railroad.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "wrap-no-git-hooks.txt" {
				tree(t, T, "norepo/.git/config")
				t.Cleanup(func() { os.RemoveAll(filepath.Join(T, "norepo/.git")) })
			}
			argv, err := tt.cfg.Wrap([]string{"/bin/bash", "-c", "echo hi"})
			if err != nil {
				t.Fatal(err)
			}
			got := tt.cfg.String() + "---\n" + strings.Join(argv, "\n") + "\n"
			got = strings.ReplaceAll(got, T, "$T")
			golden(t, tt.name, got)
			checkOrder(t, argv)
		})
	}
}

// checkOrder proves the rule the goldens rely on: every mount comes after
// the mounts of the directories that contain it.
func checkOrder(t *testing.T, argv []string) {
	t.Helper()
	var dests []string
	for i := 0; i < len(argv); i++ {
		switch argv[i] {
		case "--bind", "--ro-bind":
			dests = append(dests, argv[i+2])
			i += 2
		case "--tmpfs":
			dests = append(dests, argv[i+1])
			i++
		case "--":
			i = len(argv)
		}
	}
	for i, d := range dests {
		for _, later := range dests[i+1:] {
			if later != d && within(d, later) && later != "/" {
				t.Errorf("%s is mounted before %s, which contains it", d, later)
			}
		}
	}
}

func TestWrapErrors(t *testing.T) {
	T := goldenHost(t)
	home := filepath.Join(T, "home")
	tests := []struct {
		name string
		cfg  Config
		argv []string
		want string
	}{
		{"empty argv", New(filepath.Join(T, "proj"), home, ""), nil, "empty argv"},
		{"missing root", New(filepath.Join(T, "missing"), home, ""), []string{"true"}, "project root"},
		{"root is hidden", New(filepath.Join(home, ".ssh"), home, ""), []string{"true"}, "is hidden"},
		{"root inside hidden", New(filepath.Join(home, ".config/other"), home, "").Hidden(filepath.Join(home, ".config")), []string{"true"}, "inside hidden"},
		{"zero", Config{}, []string{"true"}, "jail.New"},
		{"missing cwd", New(filepath.Join(T, "proj"), home, "").Cwd(filepath.Join(T, "proj/missing")), []string{"true"}, "cwd"},
		{"hidden cwd", New(filepath.Join(T, "proj"), home, "").Cwd(filepath.Join(home, ".ssh")), []string{"true"}, "cwd"},
	}
	for _, tt := range tests {
		if _, err := tt.cfg.Wrap(tt.argv); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Wrap error = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestMissingBwrap(t *testing.T) {
	setTestOnly(t, &testOnlyBwrapPath, "/nonexistent")
	c := New(os.TempDir(), "", "")
	for name, err := range map[string]error{
		"Check": Check(c),
		"Probe": Probe(context.Background()),
		"Wrap":  func() error { _, err := c.Wrap([]string{"true"}); return err }(),
	} {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s: error %v does not wrap ErrUnavailable", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "apt-get install bubblewrap") {
			t.Errorf("%s: error %q has no fix hint", name, err)
		}
	}
}

func TestProbe(t *testing.T) {
	requireJail(t)
	if err := Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := Check(New(os.TempDir(), "", "")); err != nil {
		t.Fatal(err)
	}
}

// TestExitStatus proves that bwrap passes the command's exit status
// through, and reports a signal-killed command as 128+n.
func TestExitStatus(t *testing.T) {
	requireJail(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	dir := realTempDir(t)
	tests := []struct {
		script string
		want   int
		signal syscall.Signal // how the bare command ends, when by a signal
	}{
		{"exit 0", 0, 0},
		{"exit 3", 3, 0},
		{"exit 125", 125, 0},
		{"kill -TERM $$", 128 + int(syscall.SIGTERM), syscall.SIGTERM},
		{"kill -KILL $$", 128 + int(syscall.SIGKILL), syscall.SIGKILL},
	}
	for _, tt := range tests {
		argv := []string{bash, "-c", tt.script}
		bare := exec.Command(argv[0], argv[1:]...)
		err := bare.Run()
		if tt.signal != 0 {
			ws, _ := bare.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != tt.signal {
				t.Errorf("%q without the jail: %v, want killed by %v", tt.script, err, tt.signal)
			}
		} else if bare.ProcessState.ExitCode() != tt.want {
			t.Errorf("%q without the jail: exit %d, want %d", tt.script, bare.ProcessState.ExitCode(), tt.want)
		}
		wrapped, err := New(dir, "", "").Wrap(argv)
		if err != nil {
			t.Fatal(err)
		}
		jailed := exec.Command(wrapped[0], wrapped[1:]...)
		out, _ := jailed.CombinedOutput()
		if got := jailed.ProcessState.ExitCode(); got != tt.want {
			t.Errorf("%q in the jail: exit %d, want %d (output %q)", tt.script, got, tt.want, out)
		}
	}
}

// ---------------------------------------------------------------------------
// The escape suite.

// probeUser is who runs the probes: the test's own user, or rrtest.
type probeUser struct {
	name     string
	cred     *syscall.Credential // nil: the test's own user
	uid, gid int
}

// suite holds the per-user state of the escape suite: a directory outside
// every writable area of the jail (so outside /tmp), readable by the user,
// with a copy of the test binary.
type suite struct {
	user probeUser
	base string
	bin  string
	n    int
}

func newSuite(t *testing.T, u probeUser) *suite {
	t.Helper()
	parent := "/var/tmp"
	if real, err := filepath.EvalSymlinks(parent); err != nil || within(real, "/tmp") {
		if os.Getenv("RRSH_REQUIRE_JAIL") == "1" {
			t.Fatalf("the escape suite needs /var/tmp outside /tmp: %v", err)
		}
		t.Skipf("the escape suite needs /var/tmp (outside the jail's writable /tmp): %v", err)
	}
	base, err := os.MkdirTemp(parent, "rrsh-jail-test-")
	if err != nil {
		t.Skipf("cannot create the fixture directory in %s: %v", parent, err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "jail.test")
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return &suite{user: u, base: base, bin: bin}
}

// fixture is a fresh home, project, sibling directory and socket
// directories, owned by the probe user.
type fixture struct {
	dir, home, proj, wt, sibling, sock, pub string
}

func (s *suite) fixture(t *testing.T) *fixture {
	t.Helper()
	s.n++
	dir := filepath.Join(s.base, strconv.Itoa(s.n))
	tree(t, dir,
		"home/.ssh/id_rsa=PRIVATE KEY", "home/.aws/credentials=[default]", "home/.netrc=machine x password y",
		"home/.bashrc=# rc", "home/.claude/settings.json={}", "home/.claude/shell-snapshots/",
		"home/.git/hooks/", "home/.git/config=[core]",
		"proj/.git/hooks/", "proj/.git/config=[core]", "proj/src/",
		"proj/.git/worktrees/wt/commondir=../..\n", "wt/.git=gitdir: ../proj/.git/worktrees/wt\n",
		"sibling/", "sock/", "pub/")
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, s.user.uid, s.user.gid)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{
		dir: dir, home: filepath.Join(dir, "home"), proj: filepath.Join(dir, "proj"), wt: filepath.Join(dir, "wt"),
		sibling: filepath.Join(dir, "sibling"), sock: filepath.Join(dir, "sock"), pub: filepath.Join(dir, "pub"),
	}
}

// config is the jail for a layout: "project" (root = the project),
// "worktree" (root = a git worktree of the project) or "home" (root =
// home, the weakest setup).
func (f *fixture) config(layout string) Config {
	root := f.proj
	switch layout {
	case "home":
		root = f.home
	case "worktree":
		root = f.wt
	}
	return New(root, f.home, "").
		Writable(filepath.Join(f.home, ".claude/shell-snapshots")).
		Hidden(f.sock).
		Cwd(root)
}

// result is how a probe ended.
type result struct {
	code   int
	errno  syscall.Errno
	output string
}

var errnoLine = regexp.MustCompile(`errno=(\d+)`)

// run runs one probe operation with the test binary, in the jail c (nil:
// without a jail), as the suite's user.
func (s *suite) run(t *testing.T, c *Config, dir, home, op, arg string, tweak func(*exec.Cmd)) result {
	t.Helper()
	argv := []string{s.bin}
	if c != nil {
		var err error
		if argv, err = c.Wrap(argv); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C", envProbeCmd + "=" + op, envProbeArg + "=" + arg,
		"GORACE=atexit_sleep_ms=0"} // a -race build would otherwise wait a second before exiting
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.user.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if tweak != nil {
		tweak(cmd)
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("cannot run the probe: %v", err)
	}
	r := result{code: cmd.ProcessState.ExitCode(), output: strings.TrimSpace(out.String())}
	if m := errnoLine.FindStringSubmatch(r.output); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errno = syscall.Errno(n)
	}
	return r
}

// escape is one probe that must succeed without the jail and fail inside
// it with one of errnos.
type escape struct {
	name   string
	layout string
	op     string
	arg    func(f *fixture) string
	cfg    func(Config) Config
	// setup prepares the target (a listener, a process) and returns the
	// probe's argument and a check to run after the probe.
	setup  func(t *testing.T, s *suite, f *fixture) (arg string, after func(t *testing.T, jailed bool))
	tweak  func(t *testing.T) func(*exec.Cmd)
	errnos []syscall.Errno
	// bareSkip, when it returns a reason, skips the half without the jail.
	bareSkip func() string
}

func fpath(elems ...string) func(f *fixture) string {
	return func(f *fixture) string {
		switch elems[0] {
		case "home":
			return filepath.Join(append([]string{f.home}, elems[1:]...)...)
		case "proj":
			return filepath.Join(append([]string{f.proj}, elems[1:]...)...)
		case "wt":
			return filepath.Join(append([]string{f.wt}, elems[1:]...)...)
		case "sibling":
			return filepath.Join(append([]string{f.sibling}, elems[1:]...)...)
		}
		panic("bad path root " + elems[0])
	}
}

var (
	enoent = []syscall.Errno{syscall.ENOENT}
	erofs  = []syscall.Errno{syscall.EROFS}
	ebusy  = []syscall.Errno{syscall.EBUSY}
)

func escapes() []escape {
	return []escape{
		{name: "read ~/.ssh/id_rsa", layout: "project", op: "read", arg: fpath("home", ".ssh/id_rsa"), errnos: enoent},
		{name: "read ~/.aws/credentials", layout: "project", op: "read", arg: fpath("home", ".aws/credentials"), errnos: enoent},
		{name: "read ~/.netrc", layout: "project", op: "read", arg: fpath("home", ".netrc"), errnos: []syscall.Errno{syscall.EACCES}},
		{name: "write a sibling of the project", layout: "project", op: "create", arg: fpath("sibling", "x"), errnos: erofs},
		{name: "write .git/hooks/pre-commit", layout: "project", op: "create", arg: fpath("proj", ".git/hooks/pre-commit"), errnos: erofs},
		{name: "write .git/config", layout: "project", op: "append", arg: fpath("proj", ".git/config"), errnos: erofs},
		{name: "rename .git away", layout: "project", op: "rename", arg: fpath("proj", ".git"), errnos: ebusy},
		{name: "rename .git/hooks away", layout: "project", op: "rename", arg: fpath("proj", ".git/hooks"), errnos: ebusy},
		{name: "append to ~/.bashrc", layout: "project", op: "append", arg: fpath("home", ".bashrc"), errnos: erofs},
		{name: "write ~/.claude/settings.json", layout: "project", op: "create", arg: fpath("home", ".claude/settings.json"), errnos: erofs},
		{name: "connect to a socket in a hidden directory", layout: "project", op: "connect-unix",
			setup: listenUnix(func(f *fixture) string { return filepath.Join(f.sock, "s.sock") }), errnos: enoent},
		{name: "signal a process outside", layout: "project", op: "kill", setup: startSleep,
			errnos: []syscall.Errno{syscall.ESRCH}},
		{name: "TCP to 127.0.0.1 with network none", layout: "project", op: "connect-tcp", setup: listenTCP,
			cfg:    func(c Config) Config { return c.Network(NetworkNone) },
			errnos: []syscall.Errno{syscall.ECONNREFUSED, syscall.ENETUNREACH}},
		{name: "abstract unix socket with network none", layout: "project", op: "connect-unix", setup: listenAbstract,
			cfg:    func(c Config) Config { return c.Network(NetworkNone) },
			errnos: []syscall.Errno{syscall.ECONNREFUSED}},
		{name: "TIOCSTI on the terminal with Terminal(true)", layout: "project", op: "tiocsti-stdin",
			cfg:    func(c Config) Config { return c.Terminal(true) },
			tweak:  withCtty(true),
			errnos: []syscall.Errno{syscall.EPERM}, bareSkip: tiocstiDisabled},
		{name: "TIOCSTI through /dev/tty with Terminal(false)", layout: "project", op: "tiocsti-devtty",
			tweak:  withCtty(false),
			errnos: []syscall.Errno{syscall.EACCES}, bareSkip: tiocstiDisabled},

		{name: "worktree: rewrite its .git file", layout: "worktree", op: "append", arg: fpath("wt", ".git"), errnos: erofs},
		{name: "worktree: write the shared hooks", layout: "worktree", op: "create", arg: fpath("proj", ".git/hooks/pre-commit"), errnos: erofs},

		{name: "home as root: read ~/.ssh/id_rsa", layout: "home", op: "read", arg: fpath("home", ".ssh/id_rsa"), errnos: enoent},
		{name: "home as root: append to ~/.bashrc", layout: "home", op: "append", arg: fpath("home", ".bashrc"), errnos: erofs},
		{name: "home as root: write ~/.claude/settings.json", layout: "home", op: "create", arg: fpath("home", ".claude/settings.json"), errnos: erofs},
		{name: "home as root: rename ~/.claude away", layout: "home", op: "rename", arg: fpath("home", ".claude"), errnos: ebusy},
		{name: "home as root: write ~/.git/hooks/pre-commit", layout: "home", op: "create", arg: fpath("home", ".git/hooks/pre-commit"), errnos: erofs},
		{name: "home as root: rename ~/.git away", layout: "home", op: "rename", arg: fpath("home", ".git"), errnos: ebusy},
		{name: "home as root: write outside home", layout: "home", op: "create", arg: fpath("sibling", "x"), errnos: erofs},
	}
}

// allowed is a probe that must succeed inside the jail.
type allowed struct {
	name   string
	layout string
	op     string
	arg    func(f *fixture) string
	cfg    func(Config) Config
	setup  func(t *testing.T, s *suite, f *fixture) (string, func(*testing.T, bool))
	// limitation: this success is a documented limitation, not a feature.
	limitation bool
}

func alloweds() []allowed {
	return []allowed{
		{name: "write in the project", layout: "project", op: "create", arg: fpath("proj", "src/new.go")},
		{name: "write /tmp", layout: "project", op: "create", arg: func(f *fixture) string {
			return filepath.Join("/tmp", "rrsh-jail-probe-"+filepath.Base(filepath.Dir(f.dir))+"-"+filepath.Base(f.dir))
		}},
		{name: "worktree: write in the worktree", layout: "worktree", op: "create", arg: fpath("wt", "new.go")},
		{name: "write ~/.claude/shell-snapshots", layout: "project", op: "create", arg: fpath("home", ".claude/shell-snapshots/snap.sh")},
		{name: "home as root: write ~/.claude/shell-snapshots", layout: "home", op: "create", arg: fpath("home", ".claude/shell-snapshots/snap.sh")},
		{name: "home as root: write in home", layout: "home", op: "create", arg: fpath("home", "notes.txt")},
		{name: "RRSH_JAILED=1 is set", layout: "project", op: "jailed", arg: func(*fixture) string { return "" }},
		{name: "TCP to 127.0.0.1 with network allow", layout: "project", op: "connect-tcp", setup: listenTCP},
		{name: "socket in a readable directory is connectable", layout: "project", op: "connect-unix", limitation: true,
			setup: listenUnix(func(f *fixture) string { return filepath.Join(f.pub, "s.sock") })},
		{name: "abstract unix socket with network allow is connectable", layout: "project", op: "connect-unix", limitation: true,
			setup: listenAbstract},
	}
}

func TestEscape(t *testing.T) {
	requireJail(t)
	for _, u := range []string{"self", "rrtest"} {
		t.Run(u, func(t *testing.T) {
			s := newSuite(t, lookupUser(t, u))
			for _, e := range escapes() {
				t.Run(e.name, func(t *testing.T) {
					for _, jailed := range []bool{false, true} {
						half := "without jail"
						if jailed {
							half = "in jail"
						}
						t.Run(half, func(t *testing.T) {
							if !jailed && e.bareSkip != nil {
								if why := e.bareSkip(); why != "" {
									t.Skip(why)
								}
							}
							f := s.fixture(t)
							c := f.config(e.layout)
							if e.cfg != nil {
								c = e.cfg(c)
							}
							arg := ""
							if e.arg != nil {
								arg = e.arg(f)
							}
							var after func(*testing.T, bool)
							if e.setup != nil {
								arg, after = e.setup(t, s, f)
							}
							var tweak func(*exec.Cmd)
							if e.tweak != nil {
								tweak = e.tweak(t)
							}
							var jail *Config
							if jailed {
								jail = &c
							}
							r := s.run(t, jail, c.cwd, f.home, e.op, arg, tweak)
							switch {
							case !jailed && r.code != probeOK:
								t.Fatalf("the probe fails even without the jail, so it proves nothing: exit %d: %s", r.code, r.output)
							case jailed && r.code == probeOK:
								t.Fatalf("ESCAPE: %s succeeded inside the jail\njail:\n%s", e.name, c)
							case jailed && (r.code != probeErrno || !containsErrno(e.errnos, r.errno)):
								t.Fatalf("failed for the wrong reason: exit %d, errno %d (%v), want one of %v: %s",
									r.code, int(r.errno), r.errno, e.errnos, r.output)
							}
							if after != nil {
								after(t, jailed)
							}
						})
					}
				})
			}
			for _, a := range alloweds() {
				t.Run(a.name, func(t *testing.T) {
					f := s.fixture(t)
					c := f.config(a.layout)
					if a.cfg != nil {
						c = a.cfg(c)
					}
					arg := ""
					if a.arg != nil {
						arg = a.arg(f)
					}
					if a.setup != nil {
						arg, _ = a.setup(t, s, f)
					}
					if strings.HasPrefix(arg, "/tmp/") {
						t.Cleanup(func() { os.Remove(arg) })
					}
					r := s.run(t, &c, c.cwd, f.home, a.op, arg, nil)
					if r.code != probeOK {
						what := "must work inside the jail"
						if a.limitation {
							what = "is documented as a limitation (still possible inside the jail); update doc.go if the jail now blocks it"
						}
						t.Fatalf("%s %s, but: exit %d: %s", a.name, what, r.code, r.output)
					}
				})
			}
		})
	}
}

func containsErrno(list []syscall.Errno, e syscall.Errno) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// lookupUser returns who runs the probes. For "rrtest" it skips unless the
// test runs as root and the user exists (and fails instead under
// RRSH_REQUIRE_JAIL=1 when root lacks the user).
func lookupUser(t *testing.T, name string) probeUser {
	t.Helper()
	if name == "self" {
		return probeUser{name: "self", uid: os.Getuid(), gid: os.Getgid()}
	}
	if os.Getuid() != 0 {
		t.Skipf("not root: cannot run the probes as the unprivileged user %s (they ran as uid %d)", name, os.Getuid())
	}
	u, err := osuser.Lookup(name)
	if err != nil {
		if os.Getenv("RRSH_REQUIRE_JAIL") == "1" {
			t.Fatalf("RRSH_REQUIRE_JAIL=1 and running as root, but user %s is missing: %v", name, err)
		}
		t.Skipf("user %s missing: the probes ran only as root (create it with: useradd %s)", name, name)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return probeUser{name: name, uid: uid, gid: gid, cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
}

// listenUnix listens on a unix socket that the probe user may connect to.
func listenUnix(where func(f *fixture) string) func(*testing.T, *suite, *fixture) (string, func(*testing.T, bool)) {
	return func(t *testing.T, s *suite, f *fixture) (string, func(*testing.T, bool)) {
		p := where(f)
		l, err := net.Listen("unix", p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o777); err != nil {
			t.Fatal(err)
		}
		serve(t, l)
		return p, nil
	}
}

func listenAbstract(t *testing.T, s *suite, f *fixture) (string, func(*testing.T, bool)) {
	name := fmt.Sprintf("@rrsh-jail-test-%d-%d", os.Getpid(), s.n)
	l, err := net.Listen("unix", name)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, l)
	return name, nil
}

func listenTCP(t *testing.T, s *suite, f *fixture) (string, func(*testing.T, bool)) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, l)
	return l.Addr().String(), nil
}

func serve(t *testing.T, l net.Listener) {
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
}

// startSleep starts `sleep 100` outside the jail as the probe user; the
// check after the probe proves whether it was really signalled.
func startSleep(t *testing.T, s *suite, f *fixture) (string, func(*testing.T, bool)) {
	cmd := exec.Command("sleep", "100")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.user.cred}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	after := func(t *testing.T, jailed bool) {
		if jailed {
			select {
			case <-done:
				t.Errorf("the process outside died although the probe failed")
			default:
			}
			return
		}
		select {
		case <-done:
			if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
				t.Errorf("sleep ended with %v, want SIGTERM", cmd.ProcessState)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("sleep was not killed by the probe without the jail")
		}
	}
	return strconv.Itoa(cmd.Process.Pid), after
}

// withCtty gives the probe a fresh pty as its controlling terminal: as
// stdin (onStdin) or only as the session's terminal, reachable through
// /dev/tty.
func withCtty(onStdin bool) func(t *testing.T) func(*exec.Cmd) {
	return func(t *testing.T) func(*exec.Cmd) {
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skipf("cannot open a pty: %v", err)
		}
		t.Cleanup(func() { ptmx.Close(); tty.Close() })
		return func(cmd *exec.Cmd) {
			cmd.SysProcAttr.Setsid = true
			cmd.SysProcAttr.Setctty = true
			if onStdin {
				cmd.Stdin = tty
				cmd.SysProcAttr.Ctty = 0
			} else {
				cmd.ExtraFiles = []*os.File{tty}
				cmd.SysProcAttr.Ctty = 3
			}
		}
	}
}

// tiocstiDisabled says why TIOCSTI cannot work even without the jail:
// kernels since 6.2 can disable it for everyone (dev.tty.legacy_tiocsti=0).
func tiocstiDisabled() string {
	b, err := os.ReadFile("/proc/sys/dev/tty/legacy_tiocsti")
	if err == nil && strings.TrimSpace(string(b)) == "0" {
		return "dev.tty.legacy_tiocsti=0: TIOCSTI is disabled for everyone, so the half without the jail cannot succeed"
	}
	return ""
}

// ---------------------------------------------------------------------------
// Benchmarks.

func BenchmarkWrap(b *testing.B) {
	T := goldenHost(b)
	setTestOnly(b, &testOnlySysRoot, "") // the real /tmp and /run
	home := filepath.Join(T, "home")
	c := New(filepath.Join(T, "proj"), home, "").
		Writable(DefaultCaches(home)...).
		Writable(AgentDirs(home, "")...).
		Cwd(filepath.Join(T, "proj"))
	argv := []string{"/bin/bash", "-c", "true"}
	for b.Loop() {
		if _, err := c.Wrap(argv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBwrapTrue(b *testing.B) {
	requireJail(b)
	bash, err := exec.LookPath("bash")
	if err != nil {
		b.Skip("bash not installed")
	}
	dir := realTempDir(b)
	argv := []string{bash, "-c", "true"}
	wrapped, err := New(dir, dir, "").Cwd(dir).Wrap(argv)
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		argv []string
	}{{"bare", argv}, {"jailed", wrapped}} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(bm.argv[0], bm.argv[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}
