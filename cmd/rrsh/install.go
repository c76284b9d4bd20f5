package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/rrsh/rrsh/internal/agents"
	"github.com/rrsh/rrsh/internal/paths"
)

func init() {
	register("install", "put rrsh in front of an agent: rrsh install claude [--user|--project] [--dry-run]", cmdInstall)
	register("uninstall", "undo rrsh install: rrsh uninstall claude [--user|--project] [--dry-run]", cmdUninstall)
}

// testOnlyExecutable, when set, replaces os.Executable: under testscript
// the rrsh command is a copy of the test binary.
var testOnlyExecutable func() (string, error)

// selfPath is the absolute, symlink-free path of the running rrsh.
func selfPath() (string, error) {
	exe := os.Executable
	if testOnlyExecutable != nil {
		exe = testOnlyExecutable
	}
	p, err := exe()
	if err != nil {
		return "", fmt.Errorf("cannot find rrsh's own path: %w", err)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Abs(p)
}

type installArgs struct {
	project bool
	dryRun  bool
}

// parseInstallArgs reads "claude [--user|--project] [--dry-run]", the
// agent name before or after the flags.
func (c *cli) parseInstallArgs(name string, args []string) (*installArgs, bool) {
	fs := flag.NewFlagSet("rrsh "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	user := fs.Bool("user", false, "change the user's settings, ~/.claude/settings.json (the default)")
	project := fs.Bool("project", false, "change the project's settings, .claude/settings.json at the project root")
	dry := fs.Bool("dry-run", false, "print what would change, as a diff, and change nothing")
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: rrsh %s claude [--user|--project] [--dry-run]\n", name)
		fs.PrintDefaults()
	}
	var agent []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		args = fs.Args()
		if len(args) > 0 {
			agent = append(agent, args[0])
			args = args[1:]
		}
	}
	if len(agent) != 1 || agent[0] != "claude" {
		if len(agent) == 1 {
			c.errorf("%s: unknown agent %q: only claude is installed this way", name, agent[0])
			c.hintf("for Codex, Gemini CLI, CI and make, see docs/integrations.md (rrsh shim-dir, chsh, shell: rrsh {0}, SHELL := rrsh)")
		} else {
			fs.Usage()
		}
		return nil, false
	}
	if *user && *project {
		c.errorf("%s: --user and --project exclude each other", name)
		return nil, false
	}
	return &installArgs{project: *project, dryRun: *dry}, true
}

// installTarget is what install and uninstall work on.
type installTarget struct {
	self     string // the rrsh binary
	entry    string // the bash-named link to it
	settings string // the settings.json path as named
	real     string // the settings file to write (symlinks resolved)
	setup    agents.ClaudeSetup
	perm     fs.FileMode
	dirPerm  fs.FileMode
}

func (c *cli) installTarget(a *installArgs) (*installTarget, error) {
	home := c.getenv("HOME")
	entry, err := agents.EntryPoint(home)
	if err != nil {
		return nil, err
	}
	self, err := selfPath()
	if err != nil {
		return nil, err
	}
	hook, err := agents.HookCommand(self)
	if err != nil {
		return nil, err
	}
	t := &installTarget{self: self, entry: entry, setup: agents.ClaudeSetup{Shell: entry, Hook: hook}, perm: 0o600, dirPerm: 0o700}
	if a.project {
		cwd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		t.settings = agents.ClaudeProjectSettings(paths.ProjectRoot(cwd))
		t.perm, t.dirPerm = 0o644, 0o755
	} else if t.settings, err = agents.ClaudeUserSettings(home); err != nil {
		return nil, err
	}
	t.real = t.settings
	if r, err := filepath.EvalSymlinks(t.settings); err == nil {
		t.real = r
	}
	return t, nil
}

// readSettings returns the settings file's content and mode (empty and
// false when it does not exist).
func readSettings(path string) ([]byte, fs.FileMode, bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, false, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := os.ReadFile(path)
	return data, fi.Mode().Perm(), true, err
}

func refuseJailed(c *cli, name string) bool {
	if c.getenv("RRSH_JAILED") == "1" {
		c.errorf("%s: refusing to run inside rrsh's jail: an agent's command must not change how the agent itself is checked", name)
		c.hintf("run `rrsh %s claude` yourself, in a terminal outside the agent", name)
		return true
	}
	return false
}

func cmdInstall(c *cli, args []string) int {
	if refuseJailed(c, "install") {
		return exitDenied
	}
	a, ok := c.parseInstallArgs("install", args)
	if !ok {
		return exitUsage
	}
	t, err := c.installTarget(a)
	if err != nil {
		c.errorf("install: %v", err)
		return exitConfig
	}
	if tmp := os.TempDir(); strings.HasPrefix(t.self, filepath.Clean(tmp)+string(filepath.Separator)) {
		c.errorf("warning: rrsh runs from a temporary directory (%s); the entry point and the hook will break when it is removed", t.self)
		c.hintf("install the binary first (go install, or copy it to ~/.local/bin), then run `rrsh install claude` from there")
	}

	linkChange, err := entryChange(t.entry, t.self)
	if err != nil {
		c.errorf("install: %v", err)
		return exitConfig
	}
	old, mode, exists, err := readSettings(t.real)
	if err != nil {
		c.errorf("install: cannot read %s: %v", t.settings, err)
		return exitConfig
	}
	out, changes, err := agents.InstallClaude(old, t.setup)
	if err != nil {
		c.errorf("install: %s: %v", t.settings, err)
		c.hintf("fix the file (it must be a JSON object), or move it away and run install again")
		return exitConfig
	}
	if a.dryRun {
		if linkChange != "" {
			fmt.Fprintf(c.stdout, "would %s\n", linkChange)
		}
		c.printDiff(t.settings, old, out, changes)
		if linkChange == "" && len(changes) == 0 {
			fmt.Fprintf(c.stdout, "rrsh is already installed for Claude Code in %s; nothing would change\n", t.settings)
		}
		return 0
	}
	if linkChange != "" {
		if err := linkEntry(t.entry, t.self); err != nil {
			c.errorf("install: %v", err)
			return exitState
		}
		fmt.Fprintf(c.stdout, "%s\n", linkChange)
	}
	if len(changes) > 0 {
		if exists {
			t.perm = mode
		}
		if err := c.writeSettings(t, old, out, exists); err != nil {
			c.errorf("install: %v", err)
			return exitState
		}
		for _, ch := range changes {
			fmt.Fprintf(c.stdout, "%s: %s\n", t.settings, ch)
		}
	}
	if linkChange == "" && len(changes) == 0 {
		fmt.Fprintf(c.stdout, "rrsh is already installed for Claude Code in %s; nothing changed\n", t.settings)
		return 0
	}
	fmt.Fprintf(c.stdout, "restart Claude Code to use it; `rrsh doctor` shows what is in force\n")
	return 0
}

func cmdUninstall(c *cli, args []string) int {
	if refuseJailed(c, "uninstall") {
		return exitDenied
	}
	a, ok := c.parseInstallArgs("uninstall", args)
	if !ok {
		return exitUsage
	}
	t, err := c.installTarget(a)
	if err != nil {
		c.errorf("uninstall: %v", err)
		return exitConfig
	}
	old, mode, exists, err := readSettings(t.real)
	if err != nil {
		c.errorf("uninstall: cannot read %s: %v", t.settings, err)
		return exitConfig
	}
	out, changes, err := agents.UninstallClaude(old, t.setup, t.self)
	if err != nil {
		c.errorf("uninstall: %s: %v", t.settings, err)
		return exitConfig
	}
	written := exists && !bytes.Equal(out, old)

	// The entry point is shared by the user's and the project's settings:
	// it stays while another settings file still points Claude Code at it,
	// because Claude Code silently falls back to plain bash when
	// CLAUDE_CODE_SHELL names a missing file.
	unlink := ""
	if isOurLink(t.entry, t.self) {
		if users := c.entryUsers(t, out); len(users) > 0 {
			fmt.Fprintf(c.stdout, "left %s in place: %s still use%s it\n", t.entry, strings.Join(users, " and "), plural(len(users)))
		} else {
			unlink = "remove " + t.entry
		}
	} else if _, err := os.Lstat(t.entry); err == nil {
		fmt.Fprintf(c.stdout, "left %s alone: it is not a link to rrsh\n", t.entry)
	}

	if a.dryRun {
		if written {
			c.printDiff(t.settings, old, out, changes)
		} else {
			for _, ch := range changes {
				fmt.Fprintf(c.stdout, "%s: %s\n", t.settings, ch)
			}
		}
		if unlink != "" {
			fmt.Fprintf(c.stdout, "would %s\n", unlink)
		}
		return 0
	}
	if written {
		t.perm = mode
		if err := c.writeSettings(t, old, out, true); err != nil {
			c.errorf("uninstall: %v", err)
			return exitState
		}
	}
	for _, ch := range changes {
		fmt.Fprintf(c.stdout, "%s: %s\n", t.settings, ch)
	}
	if unlink != "" {
		if err := os.Remove(t.entry); err != nil && !errors.Is(err, fs.ErrNotExist) {
			c.errorf("uninstall: %v", err)
			return exitState
		}
		_ = os.Remove(filepath.Dir(t.entry)) // only if empty
		fmt.Fprintf(c.stdout, "removed %s\n", t.entry)
		c.hintf("Claude Code silently runs plain bash where a settings file still names %s: run `rrsh uninstall claude --project` in such projects", t.entry)
	}
	if !written && unlink == "" {
		fmt.Fprintf(c.stdout, "rrsh was not installed for Claude Code in %s; nothing changed\n", t.settings)
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// entryUsers names the other Claude Code settings files (user and this
// project's) whose CLAUDE_CODE_SHELL is still the entry point; after is
// the new content of the file being uninstalled.
func (c *cli) entryUsers(t *installTarget, after []byte) []string {
	var cands []string
	if p, err := agents.ClaudeUserSettings(c.getenv("HOME")); err == nil {
		cands = append(cands, p)
	}
	if cwd, err := os.Getwd(); err == nil {
		cands = append(cands, agents.ClaudeProjectSettings(paths.ProjectRoot(cwd)))
	}
	var users []string
	for _, p := range cands {
		data := after
		if p != t.settings {
			var err error
			if data, err = os.ReadFile(p); err != nil {
				continue
			}
		}
		if _, ch, err := agents.UninstallClaude(data, t.setup, t.self); err == nil && mentionsShell(ch) {
			users = append(users, p)
		}
	}
	return users
}

func mentionsShell(changes []string) bool {
	for _, ch := range changes {
		if strings.HasPrefix(ch, "removed env.") {
			return true
		}
	}
	return false
}

// entryChange says what must happen to make entry a link to self, or ""
// when it already is one. A file that is not a symlink is left alone.
func entryChange(entry, self string) (string, error) {
	fi, err := os.Lstat(entry)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("link %s -> %s", entry, self), nil
	}
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", fmt.Errorf("%s exists and is not a symbolic link; move it away and run install again", entry)
	}
	cur, err := os.Readlink(entry)
	if err != nil {
		return "", err
	}
	if cur == self {
		return "", nil
	}
	return fmt.Sprintf("relink %s -> %s (it pointed to %s)", entry, self, cur), nil
}

// isOurLink reports whether entry is a symlink to self or to a file named
// rrsh*.
func isOurLink(entry, self string) bool {
	fi, err := os.Lstat(entry)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return false
	}
	cur, err := os.Readlink(entry)
	return err == nil && (cur == self || strings.HasPrefix(filepath.Base(cur), "rrsh"))
}

// linkEntry makes entry a symlink to self, replacing an old link in one
// rename.
func linkEntry(entry, self string) error {
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return err
	}
	tmp := entry + ".rrsh-tmp"
	_ = os.Remove(tmp)
	if err := os.Symlink(self, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, entry); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return nil
}

// writeSettings backs up the old file (when it exists), then replaces it
// atomically with out.
func (c *cli) writeSettings(t *installTarget, old, out []byte, exists bool) error {
	dir := filepath.Dir(t.real)
	if err := os.MkdirAll(dir, t.dirPerm); err != nil {
		return err
	}
	if exists {
		b, err := backup(t.real, old, t.perm, c.now().UTC().Format("20060102T150405Z"))
		if err != nil {
			return fmt.Errorf("cannot back up %s: %w; nothing was changed", t.settings, err)
		}
		fmt.Fprintf(c.stdout, "backed up %s to %s\n", t.settings, b)
	}
	return writeAtomic(t.real, out, t.perm)
}

// backup writes data to path.rrsh-backup-<stamp>, never over an existing file.
func backup(path string, data []byte, perm fs.FileMode, stamp string) (string, error) {
	name := path + ".rrsh-backup-" + stamp
	for i := 1; ; i++ {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			name = fmt.Sprintf("%s.rrsh-backup-%s-%d", path, stamp, i)
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return "", err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return "", err
		}
		return name, f.Close()
	}
}

// writeAtomic replaces path with data: a temporary file in the same
// directory, synced, renamed over path, and the directory synced.
func writeAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".rrsh-tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// printDiff prints the change to a settings file as a unified diff.
func (c *cli) printDiff(name string, old, out []byte, changes []string) {
	if len(changes) == 0 || bytes.Equal(old, out) {
		return
	}
	for _, ch := range changes {
		fmt.Fprintf(c.stdout, "would change %s: %s\n", name, ch)
	}
	c.stdout.Write(diff.Diff(name, old, name+" (new)", out))
}
