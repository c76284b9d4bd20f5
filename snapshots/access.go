package snapshots

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// access lends the owner of a directory the permissions rollback needs
// (a command may have run chmod -R 000) and takes them back afterwards.
// Root needs none of this.
type access struct {
	orig map[string]fs.FileMode
}

func newAccess() *access { return &access{orig: map[string]fs.FileMode{}} }

// open makes every directory on the way to path searchable and writable
// by its owner, where allowed. It reports whether it changed anything.
func (c *access) open(path string, allowed func(string) bool) bool {
	if isRoot() {
		return false
	}
	changed := false
	var dirs []string
	for d := filepath.Dir(path); d != "/" && allowed(d); d = filepath.Dir(d) {
		dirs = append(dirs, d)
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		if c.writable(d, allowed) {
			changed = true
		}
	}
	return changed
}

// writable gives dir's owner rwx when it lacks them and the current user
// owns it.
func (c *access) writable(dir string, allowed func(string) bool) bool {
	if isRoot() || !allowed(dir) {
		return false
	}
	if _, ok := c.orig[dir]; ok {
		return false
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o700 == 0o700 {
		return false
	}
	if _, _, uid, _, _ := statSys(fi); uid != os.Geteuid() {
		return false
	}
	if err := os.Chmod(dir, fi.Mode()&modeBits|0o700); err != nil {
		return false
	}
	c.orig[dir] = fi.Mode() & modeBits
	return true
}

// undo gives back the modes of directories that were opened, deepest first.
func (c *access) undo() {
	dirs := make([]string, 0, len(c.orig))
	for d := range c.orig {
		dirs = append(dirs, d)
	}
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range dirs {
		_ = os.Chmod(d, c.orig[d])
		delete(c.orig, d)
	}
}

// walkOpen is walkTree that lends the owner access to directories the
// command made inaccessible (never beneath a skipped path).
func walkOpen(top string, c *access, allowed, skipped func(string) bool, fn func(string)) error {
	c.open(filepath.Join(top, "x"), allowed)
	return filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == top {
				return err
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if path == top {
			return nil
		}
		fn(path)
		if d.IsDir() && !skipped(path) {
			c.writable(path, allowed)
		}
		return nil
	})
}
