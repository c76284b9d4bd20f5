package jail

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Network says whether a jailed command shares the host's network.
type Network string

// The network modes.
const (
	// NetworkAllow shares the host's network namespace (the default).
	NetworkAllow Network = "allow"
	// NetworkNone gives the command its own network namespace with only a
	// loopback interface: no route out, and the host's 127.0.0.1 is not
	// reachable.
	NetworkNone Network = "none"
)

// ErrUnavailable is returned (wrapped, with the reason and a fix hint) when
// the jail cannot be built on this machine: no bwrap, user namespaces
// disabled, or an operating system without a supported sandbox.
var ErrUnavailable = errors.New("jail unavailable")

// testOnlySysRoot, when set, prefixes the fixed system paths of the
// defaults (/tmp, /run/…), so golden tests do not depend on the host.
var testOnlySysRoot string

// Config describes one jail. It is a value: every method returns a modified
// copy and never changes the receiver. The zero value is not runnable (Wrap
// and Check return an error); build one with [New].
type Config struct {
	root, home, tmpdir, cwd string
	writable, hidden, ro    []string
	network                 Network
	terminal                bool
	files                   [][2]string // {dst, src}: read-only file overlays, mounted last
}

// File shows the content of the file src, read-only, at dst inside the
// jail (both absolute). It is mounted after everything else, so nothing in
// the configuration can undo it. rrsh uses it to run exactly the script it
// checked: a checked copy of a script file is mounted over the file, so a
// change made after the check cannot reach bash. Not supported by the
// macOS profile (sandbox-exec cannot remount a file).
func (c Config) File(dst, src string) Config {
	c.files = append(append([][2]string(nil), c.files...), [2]string{clean(dst), clean(src)})
	return c
}

// New returns the default jail for the project root root:
// the whole filesystem read-only at the same paths; writable: root, tmpdir
// (when not empty) and /tmp; hidden: credentials, container and session
// sockets; read-only even inside writable areas: git hooks and config, shell
// rc files, agent and editor settings, rrsh's policy files. home is the
// user's home directory (empty: no home-relative defaults). Paths must be
// absolute; Wrap reports relative ones.
func New(root, home, tmpdir string) Config {
	return Config{root: clean(root), home: clean(home), tmpdir: clean(tmpdir), network: NetworkAllow}
}

// Writable adds writable paths: tool caches ([DefaultCaches]), agent
// working directories ([AgentDirs]). A writable path inside a read-only
// one wins (the more specific path wins); inside a hidden one it is dropped.
func (c Config) Writable(paths ...string) Config {
	c.writable = addPaths(c.writable, paths)
	return c
}

// Hidden adds paths the command must not see: a directory becomes an empty
// read-only tmpfs, anything else an unreadable /dev/null. Nothing below a
// hidden path is ever mounted back.
func (c Config) Hidden(paths ...string) Config {
	c.hidden = addPaths(c.hidden, paths)
	return c
}

// ReadOnly adds paths that stay read-only even inside writable areas:
// rrsh's state directory, its configuration directory and its binary.
func (c Config) ReadOnly(paths ...string) Config {
	c.ro = addPaths(c.ro, paths)
	return c
}

// Network sets the network mode ([NetworkAllow] or [NetworkNone]).
func (c Config) Network(n Network) Config {
	c.network = n
	return c
}

// Terminal says whether the command's standard streams are a terminal. With
// true the command runs in a new session without a controlling terminal
// (bwrap --new-session), so it cannot push input into a terminal with
// TIOCSTI. With false it stays in the caller's session and process group,
// so a kill of the caller's process group reaches it with the signal that
// was sent; /dev/tty is then hidden. Use false only when none of fds 0–2 is
// a terminal.
func (c Config) Terminal(tty bool) Config {
	c.terminal = tty
	return c
}

// Cwd sets the directory the command starts in (bwrap --chdir). When unset,
// bwrap keeps the directory it was started in if that is visible inside
// the jail, and otherwise falls back to $HOME.
func (c Config) Cwd(dir string) Config {
	c.cwd = clean(dir)
	return c
}

// DefaultCaches lists common tool caches below home that callers usually
// make writable: package managers and build caches. The caller decides;
// nothing here is added by New.
func DefaultCaches(home string) []string {
	return homePaths(home,
		".cache", ".npm", ".pnpm-store", ".yarn/berry/cache", ".bun/install/cache",
		"go/pkg/mod", ".cargo/registry", ".cargo/git", ".m2/repository", ".gradle/caches")
}

// AgentDirs lists the directories coding agents write between commands and
// need writable: Claude Code's ~/.claude/shell-snapshots and Codex's
// $CODEX_HOME/shell_snapshots (codexHome empty: ~/.codex).
func AgentDirs(home, codexHome string) []string {
	out := homePaths(home, ".claude/shell-snapshots")
	if codexHome == "" && home != "" {
		codexHome = filepath.Join(home, ".codex")
	}
	if codexHome != "" {
		out = append(out, filepath.Join(codexHome, "shell_snapshots"))
	}
	return out
}

// The defaults, below home, below the project root and at fixed places.
var (
	// homeHidden are credentials. ~/.npmrc is hidden although it may also
	// hold registry settings, because it usually holds a publish token.
	homeHidden = []string{
		".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc",
		".git-credentials", ".config/git/credentials", ".config/gh", ".pgpass", ".npmrc", ".pypirc",
		".cargo/credentials", ".cargo/credentials.toml", ".gem/credentials", ".config/hub",
		".vault-token", ".azure", ".terraform.d/credentials.tfrc.json",
		".local/share/keyrings", ".password-store", "Library/Keychains",
	}
	// homeReadOnly are files that run code or configure agents later, outside
	// the jail. They matter only when a writable area contains them.
	homeReadOnly = []string{
		".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
		".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout",
		".gitconfig", ".config/git",
		".claude", ".claude.json", ".codex", ".gemini", ".mcp.json",
	}
	// rootReadOnly are the same kind of files in the project. Git's hooks
	// and config are added by gitPaths, which follows worktree links.
	rootReadOnly = []string{
		".claude", ".codex", ".gemini", ".mcp.json", ".vscode", ".idea", ".envrc",
		"railroad.yaml", ".rrsh.yaml",
	}
	// systemHidden are container, session and service sockets. /run/user
	// holds every per-user runtime directory (podman, gpg-agent, the user
	// bus, Wayland, VS Code's IPC sockets).
	systemHidden = []string{
		"/run/docker.sock", "/var/run/docker.sock", "/run/docker", "/run/containerd",
		"/run/podman", "/run/crio", "/run/buildkit", "/run/snapd.socket", "/run/snapd-snap.socket",
		"/var/snap/lxd/common/lxd/unix.socket", "/var/lib/lxd/unix.socket",
		"/run/user", "/run/dbus", "/var/run/dbus", "/run/systemd/private", "/run/screen",
	}
	// tmpHidden are patterns for sockets of other programs in /tmp and
	// $TMPDIR: tmux servers, ssh-agent, X11 and ICE, VS Code.
	tmpHidden = []string{"tmux-*", "ssh-*", ".X11-unix", ".ICE-unix", "vscode-ipc-*.sock", "vscode-git-*.sock"}
)

func homePaths(home string, rel ...string) []string {
	if home == "" || !filepath.IsAbs(home) {
		return nil
	}
	out := make([]string, 0, len(rel))
	for _, r := range rel {
		out = append(out, filepath.Join(home, r))
	}
	return out
}

func clean(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}

// addPaths returns a new slice, so copies of a Config never share one.
func addPaths(dst, src []string) []string {
	out := make([]string, 0, len(dst)+len(src))
	out = append(out, dst...)
	for _, p := range src {
		out = append(out, clean(p))
	}
	return out
}

func sys(p string) string {
	if testOnlySysRoot == "" {
		return p
	}
	return filepath.Join(testOnlySysRoot, p)
}

// validate checks what can be checked without touching the filesystem.
func (c Config) validate() error {
	if c.root == "" {
		return errors.New("jail: zero Config: build one with jail.New")
	}
	if c.network != NetworkAllow && c.network != NetworkNone {
		return fmt.Errorf("jail: unknown network mode %q (want %q or %q)", string(c.network), NetworkAllow, NetworkNone)
	}
	check := func(what, p string, optional bool) error {
		if p == "" && optional {
			return nil
		}
		if !filepath.IsAbs(p) {
			return fmt.Errorf("jail: %s %q is not an absolute path", what, p)
		}
		if strings.ContainsRune(p, 0) {
			return fmt.Errorf("jail: %s %q contains a NUL byte", what, p)
		}
		return nil
	}
	if err := check(whyRoot, c.root, false); err != nil {
		return err
	}
	if c.root == "/" {
		return errors.New("jail: project root is /: refusing to make the whole filesystem writable")
	}
	for _, x := range []struct{ what, p string }{{"home", c.home}, {"tmpdir", c.tmpdir}, {"cwd", c.cwd}} {
		if err := check(x.what, x.p, true); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		what  string
		paths []string
	}{{"writable path", c.writable}, {"hidden path", c.hidden}, {"read-only path", c.ro}} {
		for _, p := range l.paths {
			if err := check(l.what, p, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// kind is what a mount does. Higher kinds win when two entries resolve to
// the same path.
type kind int

const (
	kindWritable kind = iota + 1
	kindReadOnly
	kindHidden
	kindPin // a writable self-bind that keeps a directory from being renamed
)

func (k kind) String() string {
	switch k {
	case kindWritable:
		return "rw"
	case kindReadOnly:
		return "ro"
	case kindHidden:
		return "hide"
	case kindPin:
		return "pin"
	}
	return "?"
}

const whyRoot = "project root"

// entry is one configured path before it is resolved.
type entry struct {
	path string
	kind kind
	why  string
	// dflt marks the built-in defaults (String summarises those that need
	// no mount instead of listing them).
	dflt bool
	// mkdir: when the path is absent but its parent exists inside a
	// writable area, mount an empty read-only directory there anyway
	// (bwrap creates the mount point).
	mkdir bool
}

// mount is one resolved path of the plan.
type mount struct {
	entry
	real  string // absolute, cleaned, symlinks resolved
	dir   bool
	empty bool // absent mkdir entry: an empty read-only tmpfs
}

// note is a configured path that is not mounted, and why.
type note struct {
	entry
	text string
}

// plan is what Wrap enforces: mounts in order (ancestors first) and the
// configured paths that needed no mount.
type plan struct {
	mounts  []mount
	absent  []note
	skipped []note
}

func (c Config) entries() []entry {
	var es []entry
	add := func(k kind, why string, dflt bool, paths ...string) {
		for _, p := range paths {
			es = append(es, entry{path: p, kind: k, why: why, dflt: dflt})
		}
	}
	add(kindWritable, whyRoot, false, c.root)
	if c.tmpdir != "" {
		add(kindWritable, "$TMPDIR", false, c.tmpdir)
	}
	add(kindWritable, "tmp", true, sys("/tmp"))
	add(kindWritable, "configured", false, c.writable...)

	add(kindHidden, "credentials", true, homePaths(c.home, homeHidden...)...)
	for _, p := range systemHidden {
		add(kindHidden, "socket", true, sys(p))
	}
	for _, dir := range []string{sys("/tmp"), c.tmpdir} {
		if dir != "" {
			add(kindHidden, "socket", true, globDir(dir, tmpHidden)...)
		}
	}
	add(kindHidden, "configured", false, c.hidden...)

	add(kindReadOnly, "runs code later", true, homePaths(c.home, homeReadOnly...)...)
	hooks, rest := gitPaths(c.root)
	if hooks != "" {
		es = append(es, entry{path: hooks, kind: kindReadOnly, why: "git hooks", dflt: true, mkdir: true})
	}
	add(kindReadOnly, "git", true, rest...)
	add(kindReadOnly, "project settings", true, homePaths(c.root, rootReadOnly...)...)
	add(kindReadOnly, "configured", false, c.ro...)
	return es
}

// globDir lists the entries of dir that match any of the patterns, reading
// dir once.
func globDir(dir string, patterns []string) []string {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	var out []string
	for _, n := range names {
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, n); ok {
				out = append(out, filepath.Join(dir, n))
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// gitPaths finds the hooks directory and the config files of the
// repository at root. When .git is a file (a worktree or submodule:
// "gitdir: PATH"), it follows it, and follows commondir to the shared
// hooks and config.
func gitPaths(root string) (hooks string, rest []string) {
	dotgit := filepath.Join(root, ".git")
	st, err := os.Lstat(dotgit)
	if err != nil {
		return "", nil
	}
	gitdir := dotgit
	if st.Mode().IsRegular() {
		gitdir = readLink(dotgit, root, "gitdir:")
		if gitdir == "" {
			return "", nil
		}
	}
	if gitdir != dotgit {
		// The .git file itself: rewritten, it would send git to a
		// repository (and hooks) of the command's choosing.
		rest = append(rest, dotgit)
	}
	common := gitdir
	if cd := readLink(filepath.Join(gitdir, "commondir"), gitdir, ""); cd != "" {
		common = cd
	}
	rest = append(rest, filepath.Join(common, "config"), filepath.Join(common, "config.worktree"))
	if common != gitdir {
		rest = append(rest, filepath.Join(gitdir, "config.worktree"))
	}
	return filepath.Join(common, "hooks"), rest
}

// readLink reads a small file holding a path (after prefix), relative to
// base when not absolute. It returns "" when there is none.
func readLink(file, base, prefix string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	s, ok := strings.CutPrefix(string(buf[:n]), prefix)
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "\x00\n") {
		return ""
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(base, s)
	}
	return filepath.Clean(s)
}

// resolver resolves paths the way filepath.EvalSymlinks does, with fewer
// system calls: a directory is resolved once for all the paths inside it,
// and a directory holding many of the paths asked about is listed once
// instead of looking up each of them.
type resolver struct {
	dirs  map[string]resolved        // by the path as given
	names map[string]map[string]bool // listed directories (resolved path → names)
	want  map[string]int             // how many lookups each directory will get
}

type resolved struct {
	real string
	dir  bool
	err  error
}

// listAt is how many lookups in one directory make listing it cheaper than
// looking each one up.
const listAt = 4

func newResolver(paths []string) *resolver {
	r := &resolver{dirs: map[string]resolved{}, names: map[string]map[string]bool{}, want: map[string]int{}}
	for _, p := range paths {
		r.want[filepath.Dir(p)]++
	}
	return r
}

// resolve returns p with every symlink resolved, and whether it is a
// directory. p must be absolute and clean.
func (r *resolver) resolve(p string) (string, bool, error) {
	if p == "/" {
		return "/", true, nil
	}
	if res, ok := r.dirs[p]; ok {
		return res.real, res.dir, res.err
	}
	parent, base := filepath.Dir(p), filepath.Base(p)
	preal, pdir, err := r.resolve(parent)
	if err == nil && !pdir {
		err = &fs.PathError{Op: "lstat", Path: p, Err: syscall.ENOTDIR}
	}
	res := resolved{err: err}
	if err == nil {
		res = r.leaf(parent, preal, base, p)
	}
	r.dirs[p] = res
	return res.real, res.dir, res.err
}

func (r *resolver) leaf(parent, preal, base, p string) resolved {
	if r.want[parent] >= listAt {
		names, ok := r.names[preal]
		if !ok {
			names = listNames(preal)
			r.names[preal] = names
		}
		if names != nil && !names[base] {
			return resolved{err: &fs.PathError{Op: "lstat", Path: p, Err: fs.ErrNotExist}}
		}
	}
	full := filepath.Join(preal, base)
	st, err := os.Lstat(full)
	if err != nil {
		return resolved{err: err}
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if full, err = filepath.EvalSymlinks(full); err != nil {
			return resolved{err: err}
		}
		if st, err = os.Stat(full); err != nil {
			return resolved{err: err}
		}
	}
	return resolved{real: full, dir: st.IsDir()}
}

// listNames returns the names in dir, or nil when it cannot be listed.
func listNames(dir string) map[string]bool {
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	list, err := f.Readdirnames(-1)
	if err != nil {
		return nil
	}
	names := make(map[string]bool, len(list))
	for _, n := range list {
		names[n] = true
	}
	return names
}

// cmpPath orders paths depth first: a directory comes right before
// everything inside it ("/a", "/a/b", "/a-c"), as if "/" sorted first.
func cmpPath(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			return -1
		}
		if y == '/' {
			return 1
		}
		return int(x) - int(y)
	}
	return len(a) - len(b)
}

// within reports whether p is inside dir (or is dir).
func within(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// plan resolves every configured path and orders the mounts:
//
//   - a path that does not exist is not mounted (bwrap cannot protect a
//     path that is not there);
//   - symlinks are resolved and the target is mounted at its own path; the
//     symlink, on the read-only root, still points to it;
//   - two entries for one path: hidden beats read-only beats writable;
//   - below a hidden path nothing is mounted;
//   - otherwise the most specific path wins, and an entry whose nearest
//     enclosing mount already gives it the same access is skipped;
//   - every directory between a protected path and the writable mount
//     around it is bound onto itself ("pinned"), so that it cannot be
//     renamed away with the protection on it.
func (c Config) plan() (plan, error) {
	var p plan
	if err := c.validate(); err != nil {
		return p, err
	}
	byReal := map[string]int{}
	var ms []mount
	es := c.entries()
	paths := make([]string, len(es))
	for i, e := range es {
		paths[i] = e.path
	}
	r := newResolver(paths)
	for _, e := range es {
		real, dir, err := r.resolve(e.path)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
				return p, fmt.Errorf("jail: %s %s: %w", e.kind, e.path, err)
			}
			if e.kind == kindWritable && e.why == whyRoot {
				return p, fmt.Errorf("jail: project root: %w", err)
			}
			if e.mkdir {
				if parent, dir, perr := r.resolve(filepath.Dir(e.path)); perr == nil && dir {
					real := filepath.Join(parent, filepath.Base(e.path))
					if _, ok := byReal[real]; !ok {
						byReal[real] = len(ms)
						ms = append(ms, mount{entry: e, real: real, dir: true, empty: true})
						continue
					}
				}
			}
			p.absent = append(p.absent, note{entry: e, text: "absent"})
			continue
		}
		if i, ok := byReal[real]; ok {
			if e.kind == kindHidden && ms[i].why == whyRoot && ms[i].kind == kindWritable {
				return p, fmt.Errorf("jail: project root %s is hidden (%s)", ms[i].path, e.why)
			}
			if ms[i].kind >= e.kind {
				p.skipped = append(p.skipped, note{entry: e, text: "same as " + ms[i].kind.String() + " " + real})
				continue
			}
			p.skipped = append(p.skipped, note{entry: ms[i].entry, text: "same as " + e.kind.String() + " " + real})
			ms[i] = mount{entry: e, real: real, dir: dir}
			continue
		}
		byReal[real] = len(ms)
		ms = append(ms, mount{entry: e, real: real, dir: dir})
	}
	slices.SortFunc(ms, func(a, b mount) int { return cmpPath(a.real, b.real) })

	// Walk ancestors first, keeping a stack of the kept mounts that enclose
	// the current one.
	var kept []mount
	var stack []int // indexes into kept
	enclosing := func(real string) *mount {
		for len(stack) > 0 && !within(real, kept[stack[len(stack)-1]].real) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return nil
		}
		return &kept[stack[len(stack)-1]]
	}
	for _, m := range ms {
		enc := enclosing(m.real)
		encKind, encPath := kindReadOnly, "/"
		if enc != nil {
			encKind, encPath = enc.kind, enc.real
		}
		switch {
		case m.empty && encKind != kindWritable:
			// Nobody can create it there: nothing to protect.
			p.absent = append(p.absent, note{entry: m.entry, text: "absent"})
			continue
		case encKind == kindHidden:
			if m.kind == kindWritable && m.why == whyRoot {
				return p, fmt.Errorf("jail: project root %s is inside hidden %s", m.path, encPath)
			}
			p.skipped = append(p.skipped, note{entry: m.entry, text: "inside hidden " + encPath})
			continue
		case m.kind == encKind:
			p.skipped = append(p.skipped, note{entry: m.entry, text: "already " + m.kind.String() + " inside " + encPath})
			continue
		}
		kept = append(kept, m)
		stack = append(stack, len(kept)-1)
	}

	// Pin the directories between each mount and the writable mount around
	// it.
	pinned := map[string]bool{}
	for _, m := range kept {
		pinned[m.real] = true
	}
	var pins []mount
	stack = stack[:0]
	for i := range kept {
		m := kept[i]
		enc := enclosing(m.real)
		stack = append(stack, i)
		if enc == nil || enc.kind != kindWritable {
			continue
		}
		for d := filepath.Dir(m.real); d != enc.real && within(d, enc.real); d = filepath.Dir(d) {
			if !pinned[d] {
				pinned[d] = true
				pins = append(pins, mount{entry: entry{path: d, kind: kindPin, why: "parent of " + m.real}, real: d, dir: true})
			}
		}
	}
	p.mounts = append(kept, pins...)
	slices.SortFunc(p.mounts, func(a, b mount) int { return cmpPath(a.real, b.real) })
	if c.cwd != "" {
		real, _, err := r.resolve(c.cwd)
		if err != nil {
			return p, fmt.Errorf("jail: cwd: %w", err)
		}
		for _, m := range p.mounts {
			if m.kind == kindHidden && within(real, m.real) {
				return p, fmt.Errorf("jail: cwd %s is inside hidden %s", c.cwd, m.real)
			}
		}
	}
	return p, nil
}

// String describes what the jail enforces, one item per line, in a fixed
// order: the sandbox, then the mounts in the order they are made, then the
// configured paths that needed no mount (absent, or already covered). It
// reads the filesystem (paths are resolved as Wrap would) and never fails:
// an invalid Config is described as such.
func (c Config) String() string {
	p, err := c.plan()
	if err != nil {
		return "invalid: " + err.Error()
	}
	var b strings.Builder
	for _, l := range c.enforced() {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, m := range p.mounts {
		if m.kind == kindPin && !pinsEnforced {
			continue
		}
		fmt.Fprintf(&b, "%s %s", m.kind, quote(m.real))
		if m.real != m.path {
			fmt.Fprintf(&b, " (from %s)", quote(m.path))
		}
		if m.empty {
			b.WriteString(" [absent: empty read-only tmpfs, bwrap creates the directory]")
		}
		if m.kind == kindHidden {
			if m.dir {
				b.WriteString(" [empty read-only tmpfs]")
			} else {
				b.WriteString(" [/dev/null]")
			}
		}
		fmt.Fprintf(&b, ": %s\n", m.why)
	}
	var absent, covered int
	for _, n := range p.absent {
		if n.dflt {
			absent++
			continue
		}
		fmt.Fprintf(&b, "absent %s %s: %s\n", n.kind, quote(n.path), n.why)
	}
	for _, n := range p.skipped {
		if n.dflt {
			covered++
			continue
		}
		fmt.Fprintf(&b, "skip %s %s: %s\n", n.kind, quote(n.path), n.text)
	}
	if absent > 0 {
		fmt.Fprintf(&b, "absent: %d default paths (nothing to mount)\n", absent)
	}
	if covered > 0 {
		fmt.Fprintf(&b, "covered: %d default paths (an enclosing mount already protects them)\n", covered)
	}
	for _, f := range c.files {
		fmt.Fprintf(&b, "file %s: read-only copy of %s\n", quote(f[0]), quote(f[1]))
	}
	return b.String()
}

// commonLines are the parts of String shared by every backend.
func (c Config) commonLines() []string {
	net := "network allow (shared with the host)"
	if c.network == NetworkNone {
		net = "network none (own namespace, loopback only)"
	}
	term := "terminal no (caller's session and process group; /dev/tty hidden)"
	if c.terminal {
		term = "terminal yes (new session, no controlling terminal)"
	}
	cwd := "cwd inherited"
	if c.cwd != "" {
		cwd = "cwd " + quote(c.cwd)
	}
	return []string{net, term, cwd, "setenv RRSH_JAILED=1"}
}

func quote(p string) string {
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Sprintf("%q", p)
		}
	}
	return p
}

// InSandbox reports whether the current process already runs inside a
// sandbox, and which marker says so: rrsh's own (RRSH_JAILED=1, set by
// Wrap), SANDBOX_RUNTIME=1, IS_SANDBOX (non-empty and not "0"), or Codex's
// CODEX_SANDBOX / CODEX_SANDBOX_NETWORK_DISABLED. It returns the variable's
// name, never its value.
func InSandbox(getenv func(string) string) (string, bool) {
	if getenv == nil {
		return "", false
	}
	if getenv("RRSH_JAILED") == "1" {
		return "RRSH_JAILED", true
	}
	if getenv("SANDBOX_RUNTIME") == "1" {
		return "SANDBOX_RUNTIME", true
	}
	if v := getenv("IS_SANDBOX"); v != "" && v != "0" {
		return "IS_SANDBOX", true
	}
	for _, k := range []string{"CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED"} {
		if getenv(k) != "" {
			return k, true
		}
	}
	return "", false
}

// Profile returns the macOS sandbox-exec profile (SBPL) for c: the same
// intent as the bwrap jail, written as rules on paths. It is pure (it reads
// no files, so paths are used as configured, plus their /private aliases),
// and available on every OS so that it can be golden-tested anywhere. On
// macOS, Wrap resolves symlinks and adds git worktree paths before calling
// it.
//
// The rules do not depend on their order: everything is allowed, then
// writes are denied outside the writable areas, writes are denied inside
// each read-only path except below the writable paths it contains (the
// more specific path wins), and hidden paths are denied for reading and
// writing without exception.
func Profile(c Config) string {
	var b strings.Builder
	b.WriteString("(version 1)\n; rrsh jail profile, generated by jail.Profile\n")
	if err := c.validate(); err != nil {
		b.WriteString("; invalid configuration: " + strings.ReplaceAll(err.Error(), "\n", " ") + "\n(deny default)\n")
		return b.String()
	}
	var writable, ro, hidden []string
	for _, e := range c.staticEntries() {
		switch e.kind {
		case kindWritable:
			writable = append(writable, darwinAliases(e.path)...)
		case kindReadOnly:
			ro = append(ro, darwinAliases(e.path)...)
		case kindHidden:
			hidden = append(hidden, darwinAliases(e.path)...)
		}
	}
	writable, ro, hidden = sortedSet(writable), sortedSet(ro), sortedSet(hidden)

	b.WriteString("(allow default)\n\n; writes only in the writable areas\n(deny file-write*\n  (require-all")
	for _, w := range writable {
		fmt.Fprintf(&b, "\n    (require-not (subpath %s))", sbplString(w))
	}
	devs := []string{"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/dtracehelper", "/dev/ptmx"}
	if c.terminal {
		devs = append(devs, "/dev/tty")
	}
	for _, d := range devs {
		fmt.Fprintf(&b, "\n    (require-not (literal %s))", sbplString(d))
	}
	b.WriteString("\n    (require-not (regex #\"^/dev/fd/[0-9]+$\"))")
	b.WriteString("\n    (require-not (regex #\"^/dev/ttys[0-9]+$\"))))\n")

	b.WriteString("\n; read-only even inside writable areas; a writable path inside one stays writable\n")
	for _, r := range ro {
		var inner []string
		for _, w := range writable {
			if w != r && within(w, r) {
				inner = append(inner, w)
			}
		}
		if len(inner) == 0 {
			fmt.Fprintf(&b, "(deny file-write* (subpath %s))\n", sbplString(r))
			continue
		}
		fmt.Fprintf(&b, "(deny file-write*\n  (require-all (subpath %s)", sbplString(r))
		for _, w := range inner {
			fmt.Fprintf(&b, "\n    (require-not (subpath %s))", sbplString(w))
		}
		b.WriteString("))\n")
	}

	b.WriteString("\n; hidden: neither readable nor writable\n(deny file-read* file-write*")
	for _, h := range hidden {
		fmt.Fprintf(&b, "\n  (subpath %s)", sbplString(h))
	}
	for _, d := range sortedSet(append(darwinAliases("/tmp"), darwinAliases(c.tmpdir)...)) {
		for _, pat := range tmpHidden {
			if re, ok := globRegex(d, pat); ok {
				fmt.Fprintf(&b, "\n  (regex #\"%s\")", re)
			}
		}
	}
	if !c.terminal {
		b.WriteString("\n  (literal \"/dev/tty\")")
	}
	b.WriteString(")\n")

	if c.network == NetworkNone {
		b.WriteString("\n; network: none\n(deny network-outbound (remote ip \"*:*\"))\n(deny network-inbound (local ip \"*:*\"))\n(deny network-bind (local ip \"*:*\"))\n")
	}
	b.WriteString("\n; signals only inside the sandbox (the last matching rule wins)\n(deny signal)\n(allow signal (target same-sandbox))\n")
	b.WriteString("\n; no Apple Events (they script other applications)\n(deny appleevent-send)\n")
	return b.String()
}

// staticEntries are the entries of c without reading the filesystem: git
// paths are the plain ones and /tmp patterns stay patterns.
func (c Config) staticEntries() []entry {
	var es []entry
	add := func(k kind, paths ...string) {
		for _, p := range paths {
			es = append(es, entry{path: p, kind: k})
		}
	}
	add(kindWritable, c.root, c.tmpdir, "/tmp")
	add(kindWritable, c.writable...)
	add(kindHidden, homePaths(c.home, homeHidden...)...)
	add(kindHidden, systemHidden...)
	add(kindHidden, c.hidden...)
	add(kindReadOnly, homePaths(c.home, homeReadOnly...)...)
	add(kindReadOnly, homePaths(c.root, ".git/hooks", ".git/config")...)
	add(kindReadOnly, homePaths(c.root, rootReadOnly...)...)
	add(kindReadOnly, c.ro...)
	return es
}

// darwinAliases returns p and, for paths below macOS's /tmp, /var and /etc
// symlinks, the /private path the sandbox actually sees.
func darwinAliases(p string) []string {
	if p == "" {
		return nil
	}
	for _, l := range []string{"/tmp", "/var", "/etc"} {
		if within(p, l) {
			return []string{p, "/private" + p}
		}
	}
	return []string{p}
}

func sortedSet(s []string) []string {
	slices.SortFunc(s, cmpPath)
	return slices.Compact(s)
}

// sbplString quotes s as an SBPL string literal.
func sbplString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// globRegex turns dir and a glob pattern (only * is special) into an SBPL
// regex matching the entry and everything below it. It refuses directories
// with characters it would have to escape inside a bracket.
func globRegex(dir, pat string) (string, bool) {
	var b strings.Builder
	b.WriteByte('^')
	for _, part := range []string{dir + "/", pat} {
		for _, r := range part {
			switch {
			case r == '*' && part == pat:
				b.WriteString("[^/]*")
			case r == '/' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			case strings.ContainsRune(`\]^"`, r) || r < 0x20:
				return "", false
			default:
				b.WriteByte('[')
				b.WriteRune(r)
				b.WriteByte(']')
			}
		}
	}
	b.WriteString("(/|$)")
	return b.String(), true
}
