package snapshots

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Change is one path whose state after the command differs from its
// pre-image. Paths created beneath a recursive target are included.
type Change struct {
	Path       string      `json:"path"`
	PreExists  bool        `json:"pre_exists"`
	PreKind    string      `json:"pre_kind"`
	PreSHA256  string      `json:"pre_sha256,omitempty"`
	PreSize    int64       `json:"pre_size"`
	PreMode    fs.FileMode `json:"pre_mode,omitempty"`
	PostExists bool        `json:"post_exists"`
	PostKind   string      `json:"post_kind"`
	PostSHA256 string      `json:"post_sha256,omitempty"`
	PostSize   int64       `json:"post_size"`
	PostMode   fs.FileMode `json:"post_mode,omitempty"`
}

// Finish records the state of every entry of m (and of everything beneath
// its recursive targets) as m's post-state, and returns the paths whose
// state differs from the pre-image. Call it when the command has ended;
// it can be called once per manifest.
//
// A path that cannot be inspected is recorded with kind "other", so a later
// rollback reports it as a conflict instead of guessing.
func (s *Store) Finish(m *Manifest) ([]Change, error) {
	if m == nil {
		return nil, fmt.Errorf("finish: nil manifest")
	}
	if err := checkID(m.ID); err != nil {
		return nil, fmt.Errorf("finish: %w", err)
	}
	if _, err := os.Lstat(s.manifestPath(m.ID)); err != nil {
		return nil, fmt.Errorf("finish: snapshot %s: %w", m.ID, err)
	}
	post := &Post{V: schemaVersion, ID: m.ID, Time: time.Now().UTC()}
	skips := skipChecker(m.Skipped)
	known := make(map[string]*Entry, len(m.Entries))
	for i := range m.Entries {
		known[m.Entries[i].Path] = &m.Entries[i]
	}
	// Look inside directories the command made inaccessible (chmod -R 000),
	// giving their modes back before returning.
	acc := newAccess()
	defer acc.undo()
	allowed := func(dir string) bool {
		e := known[dir]
		return within(dir, m.Root) || e != nil && e.Kind == KindDir
	}
	look := func(path string, hash bool, refs ...State) State {
		st, err := observe(path, hash, refs...)
		if errors.Is(err, fs.ErrPermission) && acc.open(path, allowed) {
			st, err = observe(path, hash, refs...)
		}
		if err != nil {
			return State{Path: path, Exists: true, Kind: KindOther}
		}
		if mode, ok := acc.orig[path]; ok {
			st.Mode = mode // opened by Finish itself: record its own mode
		}
		return st
	}
	var changes []Change
	for i := range m.Entries {
		e := &m.Entries[i]
		st := look(e.Path, !e.Meta, e.state())
		post.States = append(post.States, st)
		if changed(e, st) {
			changes = append(changes, makeChange(e.state(), st))
		}
	}
	// Everything beneath a recursive target that was not there before.
	seen := map[string]bool{}
	for i := range m.Entries {
		e := &m.Entries[i]
		if !e.Tree {
			continue
		}
		_ = walkOpen(e.Path, acc, allowed, skips, func(path string) {
			if known[path] != nil || seen[path] || skips(path) {
				return
			}
			seen[path] = true
			st := look(path, true)
			post.States = append(post.States, st)
			changes = append(changes, makeChange(State{Path: path, Kind: KindAbsent}, st))
		})
	}
	slices.SortFunc(post.States, func(a, b State) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	if err := writeJSONAtomic(s.manifestsDir(), m.ID+".post.json", post); err != nil {
		return changes, fmt.Errorf("finish %s: write post-state: %w", m.ID, err)
	}
	return changes, nil
}

// walkTree calls fn for every path beneath top (not top itself), without
// following symlinks. Unreadable directories are not entered.
func walkTree(top string, fn func(path string)) error {
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
		if path != top {
			fn(path)
		}
		return nil
	})
}

// skipChecker reports whether a path is at or beneath a skipped path.
func skipChecker(skipped []Skip) func(string) bool {
	return func(path string) bool {
		for _, sk := range skipped {
			if within(path, sk.Path) {
				return true
			}
		}
		return false
	}
}

// changed reports whether st differs from the pre-image e.
func changed(e *Entry, st State) bool {
	pre := e.state()
	if !pre.Exists || !st.Exists {
		return pre.Exists != st.Exists
	}
	if pre.Kind != st.Kind || pre.UID != st.UID || pre.GID != st.GID {
		return true
	}
	if pre.Kind != KindSymlink && pre.Mode != st.Mode { // a symlink's mode means nothing
		return true
	}
	switch pre.Kind {
	case KindFile:
		return !e.Meta && pre.SHA256 != st.SHA256
	case KindSymlink:
		return pre.Link != st.Link
	}
	return false
}

func makeChange(pre, post State) Change {
	return Change{
		Path:      pre.Path,
		PreExists: pre.Exists, PreKind: pre.Kind, PreSHA256: pre.SHA256, PreSize: pre.Size, PreMode: pre.Mode,
		PostExists: post.Exists, PostKind: post.Kind, PostSHA256: post.SHA256, PostSize: post.Size, PostMode: post.Mode,
	}
}
