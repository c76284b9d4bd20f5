package snapshots

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testEnv is a project root and a store in a fresh temporary directory,
// with HOME and git's configuration pointed inside it.
type testEnv struct {
	t     *testing.T
	tmp   string
	root  string
	store *Store
	env   []string
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	tmp := t.TempDir()
	// Resolve the temp dir so that entry paths (which are resolved) and
	// test paths agree even when TMPDIR is a symlink.
	tmp, err := filepath.EvalSymlinks(tmp)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "proj")
	home := filepath.Join(tmp, "home")
	for _, d := range []string{root, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Let the temp dir's removal into directories a test left without access.
	t.Cleanup(func() {
		filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
			if d != nil && d.IsDir() {
				os.Chmod(path, 0o755)
			}
			return nil
		})
	})
	s, err := Open(filepath.Join(tmp, "store"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LC_ALL=C", "TMPDIR=" + tmp,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".state"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	}
	// Capture runs git in this process: keep it away from the real HOME too.
	for _, kv := range env[1:] {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return &testEnv{t: t, tmp: tmp, root: root, store: s, env: env}
}

// bash runs a script with the real bash in the project root.
func (e *testEnv) bash(script string) {
	e.t.Helper()
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = e.root
	cmd.Env = e.env
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Fatalf("bash %q: %v\n%s", script, err, out)
	}
}

func (e *testEnv) path(rel string) string { return filepath.Join(e.root, rel) }

func (e *testEnv) opts() CaptureOptions {
	return CaptureOptions{Root: e.root, Session: "s1", Command: "test", Cwd: e.root}
}

// treeOpts select what snapshotTree compares.
type treeOpts struct {
	skipGit   bool // leave out .git
	noModTime bool // do not compare file modification times
}

// snapshotTree describes every path beneath dir exactly: kind, mode,
// owner, content hash and size, symlink target, and file mtime. As non-root
// it lends itself access to what a test made unreadable and gives the mode
// back at once.
func snapshotTree(t *testing.T, dir string, o treeOpts) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err := describe(dir, "", o, out); err != nil {
		t.Fatalf("snapshot tree %s: %v", dir, err)
	}
	return out
}

func describe(top, rel string, o treeOpts, out map[string]string) error {
	path := filepath.Join(top, rel)
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	mode := fi.Mode()
	_, _, uid, gid, _ := statSys(fi)
	desc := fmt.Sprintf("%s %s %d:%d", kindOf(mode), unixMode(mode&modeBits), uid, gid)
	need := fs.FileMode(0o400)
	if mode.IsDir() {
		need = 0o500
	}
	if (mode.IsDir() || mode.IsRegular()) && mode.Perm()&need != need && os.Geteuid() != 0 {
		if err := os.Chmod(path, mode&modeBits|need); err != nil {
			return err
		}
		defer os.Chmod(path, mode&modeBits)
	}
	switch kindOf(mode) {
	case KindFile:
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		desc += fmt.Sprintf(" %d %s", len(data), hex.EncodeToString(sum[:8]))
		if !o.noModTime {
			desc += " " + fi.ModTime().UTC().String()
		}
	case KindSymlink:
		link, err := os.Readlink(path)
		if err != nil {
			return err
		}
		desc = "symlink -> " + link
	case KindDir:
		des, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, de := range des {
			r := filepath.Join(rel, de.Name())
			if o.skipGit && r == ".git" {
				continue
			}
			if err := describe(top, r, o, out); err != nil {
				return err
			}
		}
	}
	if rel == "" {
		rel = "."
	}
	out[rel] = desc
	return nil
}

// diffTrees reports the differences between two tree snapshots.
func diffTrees(want, got map[string]string) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		w, wok := want[k]
		g, gok := got[k]
		switch {
		case !wok:
			fmt.Fprintf(&b, "  + %s: %s\n", k, g)
		case !gok:
			fmt.Fprintf(&b, "  - %s: %s\n", k, w)
		case w != g:
			fmt.Fprintf(&b, "  ~ %s:\n      want %s\n      got  %s\n", k, w, g)
		}
	}
	return b.String()
}

func (e *testEnv) assertTree(want map[string]string, o treeOpts, msg string) {
	e.t.Helper()
	got := snapshotTree(e.t, e.root, o)
	if d := diffTrees(want, got); d != "" {
		e.t.Fatalf("%s: tree differs:\n%s", msg, d)
	}
}

// storeFiles lists the files under the store, relative to it.
func storeFiles(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir(), path)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func countBlobs(t *testing.T, s *Store) int {
	n := 0
	for _, f := range storeFiles(t, s) {
		if strings.HasPrefix(f, "blobs/") {
			n++
		}
	}
	return n
}
