package snapshots

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// RollbackOptions control [Store.Rollback].
type RollbackOptions struct {
	// DryRun computes the report without changing anything.
	DryRun bool
	// Force restores paths that changed after the command ended
	// (conflicts), losing those later changes; beneath a recursive target
	// this includes removing files that appeared after the command ended.
	Force bool
	// Files limits the rollback to these absolute paths and the trees
	// beneath them.
	Files []string
	// Progress, when set, is called after each path is handled with the
	// content bytes written so far and the total to write.
	Progress func(done, total int64)
}

// Rollback operations, as in [Action].Op.
const (
	OpRestore   = "restore"   // write recorded content, or recreate a directory
	OpRemove    = "remove"    // remove a file or symlink the command created
	OpRmdir     = "rmdir"     // remove a directory the command created, when empty
	OpChmod     = "chmod"     // restore mode (and owner, as root)
	OpRelink    = "relink"    // recreate a symlink
	OpUnchanged = "unchanged" // already as recorded
	OpSkip      = "skip"      // cannot be restored; see Reason
)

// Action is what rollback does (or, in a dry run, would do) to one path.
type Action struct {
	Path string `json:"path"`
	Op   string `json:"op"`
	// Kind is the kind restored, or for remove/rmdir the kind removed.
	Kind string `json:"kind"`
	// ID is the snapshot whose pre-image decides this path.
	ID string `json:"id"`
	// Cur is the path's state before the rollback.
	Cur State `json:"cur"`
	// Size, Mode and Link describe the recorded pre-image.
	Size   int64       `json:"size,omitempty"`
	Mode   fs.FileMode `json:"mode,omitempty"`
	Link   string      `json:"link,omitempty"`
	Reason string      `json:"reason,omitempty"`

	sha   string
	entry *Entry // nil for paths created beneath a recursive target
}

// Conflict is a path that changed after the command ended, so restoring
// its pre-image would lose that later change.
type Conflict struct {
	Path   string `json:"path"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// Report is the outcome of [Store.Rollback].
type Report struct {
	DryRun    bool       `json:"dry_run"`
	Actions   []Action   `json:"actions"`
	Restored  int        `json:"restored"` // restore, relink and chmod actions
	Removed   int        `json:"removed"`  // remove and rmdir actions
	Skipped   int        `json:"skipped"`
	Unchanged int        `json:"unchanged"`
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Bytes is the content written (to be written, in a dry run).
	Bytes int64 `json:"bytes"`
	// NoPost lists the snapshots without a post-state (rrsh did not see
	// the command end): their paths were rolled back without a conflict check.
	NoPost []string `json:"no_post,omitempty"`
}

// ErrConflict is returned (wrapped) by [Store.Rollback] when paths changed
// after the command ended and Force is not set. Nothing was changed.
var ErrConflict = errors.New("files changed since the command ended")

// ErrCorruptBlob is returned (wrapped) by [Store.Rollback] when a blob is
// missing or does not hash to its name. Nothing was changed.
var ErrCorruptBlob = errors.New("corrupt snapshot blob")

// Rollback restores the pre-images of the snapshots ids (newest first; they
// are ordered by time regardless), so that every recorded path is as it was
// before the oldest of them ran.
//
// Before writing anything it checks, for every path it would change, that
// the path is still as the command left it (its post-state); paths that
// changed since are returned as conflicts with an error wrapping
// [ErrConflict], unless Force is set. Snapshots without a post-state are
// rolled back without that check and listed in Report.NoPost. It then
// verifies every blob it needs; a missing or corrupt one aborts with an
// error wrapping [ErrCorruptBlob]. Only then are files touched.
//
// Paths are removed only when the pre-image shows they did not exist
// before the command (or lay beneath a recursive target where they did not
// exist), never beneath a path that was skipped at capture; directories are
// removed only when empty.
func (s *Store) Rollback(ids []string, o RollbackOptions) (*Report, error) {
	if len(ids) == 0 {
		return nil, errors.New("rollback: no snapshot ids")
	}
	unlock, err := s.lock(false)
	if err != nil {
		return nil, fmt.Errorf("rollback: %w", err)
	}
	defer unlock()
	r := &rollback{s: s, o: o, report: &Report{DryRun: o.DryRun}, acc: newAccess()}
	if err := r.load(ids); err != nil {
		return nil, fmt.Errorf("rollback: %w", err)
	}
	if err := r.filters(); err != nil {
		return nil, fmt.Errorf("rollback: %w", err)
	}
	r.scan()
	r.plan()
	rep := r.report
	if len(rep.Conflicts) > 0 && !o.Force {
		r.acc.undo()
		return rep, fmt.Errorf("rollback: %w: %d path(s), first %s (%s); force restores them anyway",
			ErrConflict, len(rep.Conflicts), rep.Conflicts[0].Path, rep.Conflicts[0].Reason)
	}
	if err := r.verify(); err != nil {
		r.acc.undo()
		return rep, fmt.Errorf("rollback: %w", err)
	}
	if o.DryRun {
		return rep, nil
	}
	if err := r.apply(); err != nil {
		return rep, fmt.Errorf("rollback: %w", err)
	}
	return rep, nil
}

type loaded struct {
	m    *Manifest
	post map[string]State // nil when there is no post-state
}

type rollback struct {
	s      *Store
	o      RollbackOptions
	report *Report
	acc    *access

	ms     []loaded          // newest first
	pre    map[string]*Entry // oldest pre-image of each path
	preID  map[string]string
	owner  map[string]int // newest manifest that knows the path
	scopes []scope        // tops of recursive targets, newest snapshot first
	skips  []Skip
	files  []string
	roots  []string

	order []string // every path considered, sorted
	cur   map[string]State
	cerr  map[string]error
}

func (r *rollback) load(ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		m, p, err := r.s.Load(id)
		if err != nil {
			return err
		}
		l := loaded{m: m}
		if p != nil {
			l.post = make(map[string]State, len(p.States))
			for _, st := range p.States {
				l.post[st.Path] = st
			}
		} else {
			r.report.NoPost = append(r.report.NoPost, id)
		}
		r.ms = append(r.ms, l)
	}
	slices.SortStableFunc(r.ms, func(a, b loaded) int {
		if c := b.m.Time.Compare(a.m.Time); c != 0 {
			return c
		}
		return strings.Compare(b.m.ID, a.m.ID)
	})
	r.pre, r.preID, r.owner = map[string]*Entry{}, map[string]string{}, map[string]int{}
	for i, l := range r.ms {
		m := l.m
		r.roots = append(r.roots, m.Root)
		r.skips = append(r.skips, m.Skipped...)
		for j := range m.Entries {
			e := &m.Entries[j]
			r.pre[e.Path], r.preID[e.Path] = e, m.ID // older manifests overwrite
			if _, ok := r.owner[e.Path]; !ok {
				r.owner[e.Path] = i
			}
			if e.Tree {
				r.scopes = append(r.scopes, scope{path: e.Path, idx: i})
			}
		}
		for path := range l.post {
			if _, ok := r.owner[path]; !ok {
				r.owner[path] = i
			}
		}
	}
	return nil
}

func (r *rollback) filters() error {
	for _, f := range r.o.Files {
		if !filepath.IsAbs(f) {
			return fmt.Errorf("file %q is not an absolute path", f)
		}
		f = filepath.Clean(f)
		dir, err := resolvePath(filepath.Dir(f))
		if err != nil {
			return err
		}
		if f != "/" {
			f = filepath.Join(dir, filepath.Base(f))
		}
		r.files = append(r.files, f)
	}
	return nil
}

func (r *rollback) selected(path string) bool {
	if len(r.files) == 0 {
		return true
	}
	for _, f := range r.files {
		if within(path, f) {
			return true
		}
	}
	return false
}

func (r *rollback) skipped(path string) bool { return skipChecker(r.skips)(path) }

// scope is the top of a recursive target and the snapshot it belongs to.
type scope struct {
	path string
	idx  int
}

// scopeOf returns the index of the newest snapshot whose recursive target
// covers path, or -1.
func (r *rollback) scopeOf(path string) int {
	for _, sc := range r.scopes {
		if within(path, sc.path) {
			return sc.idx
		}
	}
	return -1
}

// postOf returns the post-state that decides conflicts for path: that of
// the newest snapshot knowing it (or, beneath a recursive target, of the
// newest snapshot whose target covers it), when that snapshot has one.
func (r *rollback) postOf(path string) (st State, known, hasPost bool) {
	i, ok := r.owner[path]
	if !ok {
		if i = r.scopeOf(path); i < 0 {
			return State{}, false, false
		}
	}
	l := r.ms[i]
	if l.post == nil {
		return State{}, false, false
	}
	st, known = l.post[path]
	return st, known, true
}

// scan observes the current state of every recorded path and finds what
// was created beneath recursive targets.
func (r *rollback) scan() {
	r.cur, r.cerr = map[string]State{}, map[string]error{}
	look := func(path string) {
		if _, ok := r.cur[path]; ok {
			return
		}
		var refs []State
		if e := r.pre[path]; e != nil {
			refs = append(refs, e.state())
		}
		if st, ok, _ := r.postOf(path); ok {
			refs = append(refs, st)
		}
		// Metadata-only paths need no hash, unless a post-state has one to compare.
		hash := r.pre[path] == nil || !r.pre[path].Meta
		if st, ok, _ := r.postOf(path); ok && st.SHA256 != "" {
			hash = true
		}
		st, err := observe(path, hash, refs...)
		if errors.Is(err, fs.ErrPermission) && !r.o.DryRun && r.acc.open(path, r.elevatable) {
			st, err = observe(path, hash, refs...)
		}
		if mode, ok := r.acc.orig[path]; ok {
			st.Mode = mode // opened by rollback itself: report its own mode
		}
		r.cur[path] = st
		if err != nil {
			r.cerr[path] = err
		}
	}
	paths := make([]string, 0, len(r.pre))
	for path := range r.pre {
		if r.selected(path) {
			paths = append(paths, path)
		}
	}
	slices.Sort(paths)
	for _, path := range paths {
		look(path)
	}
	walked := map[string]bool{}
	for _, sc := range r.scopes {
		top := sc.path
		if walked[top] {
			continue
		}
		walked[top] = true
		if !r.selected(top) && !r.coversFile(top) {
			continue
		}
		if r.skipped(top) {
			continue
		}
		_ = r.walk(top, func(path string) {
			if r.pre[path] != nil || !r.selected(path) || r.skipped(path) {
				return
			}
			look(path)
		})
	}
	for path := range r.cur {
		r.order = append(r.order, path)
	}
	slices.Sort(r.order)
}

func (r *rollback) walk(top string, fn func(string)) error {
	if r.o.DryRun {
		return walkTree(top, fn)
	}
	return walkOpen(top, r.acc, r.elevatable, r.skipped, fn)
}

// coversFile reports whether a selected file lies beneath top.
func (r *rollback) coversFile(top string) bool {
	for _, f := range r.files {
		if within(f, top) {
			return true
		}
	}
	return false
}

// elevatable reports whether rollback may lend a directory's owner the
// permissions it needs: only inside a project root or a recorded directory.
func (r *rollback) elevatable(dir string) bool {
	for _, root := range r.roots {
		if within(dir, root) {
			return true
		}
	}
	if e := r.pre[dir]; e != nil && e.Kind == KindDir {
		return true
	}
	return false
}

// plan decides an action for every path and checks for conflicts.
func (r *rollback) plan() {
	root := isRoot()
	rep := r.report
	planned := map[string]bool{}
	for _, path := range r.order {
		planned[path] = true
	}
	var extra []Action // parent directories to recreate
	for _, path := range r.order {
		a := r.decide(path, root)
		if a.Op != OpUnchanged && a.Op != OpSkip {
			if st, known, hasPost := r.postOf(path); hasPost {
				if !known {
					rep.Conflicts = append(rep.Conflicts, Conflict{Path: path, ID: a.ID, Reason: "appeared after the command ended"})
				} else if why := differs(r.cur[path], st, root); why != "" {
					rep.Conflicts = append(rep.Conflicts, Conflict{Path: path, ID: a.ID, Reason: why + " since the command ended"})
				}
			}
		}
		if a.Op == OpRestore || a.Op == OpRelink {
			extra = append(extra, r.parents(path, planned)...)
		}
		rep.Actions = append(rep.Actions, a)
	}
	rep.Actions = append(rep.Actions, extra...)
	slices.SortFunc(rep.Actions, func(a, b Action) int { return strings.Compare(a.Path, b.Path) })
	r.recount()
}

// parents returns restore actions for the missing parent directories of
// path that nothing else recreates, with their recorded modes when known.
func (r *rollback) parents(path string, planned map[string]bool) []Action {
	var out []Action
	for d := filepath.Dir(path); d != "/" && !planned[d]; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !isNotExist(err) {
			break
		}
		planned[d] = true
		a := Action{Path: d, Op: OpRestore, Kind: KindDir, Cur: State{Path: d, Kind: KindAbsent}, Mode: 0o755, Reason: "parent directory"}
		if e := r.pre[d]; e != nil && e.Kind == KindDir {
			a.Mode, a.ID, a.entry = e.Mode, r.preID[d], e
		}
		out = append(out, a)
	}
	return out
}

func (r *rollback) decide(path string, root bool) Action {
	cur := r.cur[path]
	e := r.pre[path]
	a := Action{Path: path, Cur: cur, entry: e}
	if e != nil {
		a.ID, a.Kind, a.Size, a.Mode, a.Link, a.sha = r.preID[path], e.Kind, e.Size, e.Mode, e.Link, e.SHA256
	} else {
		a.ID = r.treeID(path)
	}
	if err := r.cerr[path]; err != nil {
		a.Op, a.Reason = OpSkip, "cannot inspect: "+err.Error()
		return a
	}
	if e == nil || e.Kind == KindAbsent {
		switch {
		case !cur.Exists:
			a.Op = OpUnchanged
		case cur.Kind == KindDir:
			a.Op, a.Kind, a.Reason = OpRmdir, KindDir, "created by the command"
		default:
			a.Op, a.Kind, a.Reason = OpRemove, cur.Kind, "created by the command"
		}
		return a
	}
	metaDiffers := (e.Kind != KindSymlink && e.Mode != cur.Mode) ||
		(root && (e.UID != cur.UID || e.GID != cur.GID))
	switch e.Kind {
	case KindFile:
		if e.Meta {
			switch {
			case cur.Kind != KindFile:
				a.Op, a.Reason = OpSkip, "content was not captured (metadata-only target)"
			case metaDiffers:
				a.Op = OpChmod
			default:
				a.Op = OpUnchanged
			}
			return a
		}
		if cur.Kind == KindFile && cur.SHA256 == e.SHA256 {
			a.Op = OpUnchanged
			if metaDiffers {
				a.Op = OpChmod
			}
			return a
		}
		a.Op = OpRestore
	case KindDir:
		if cur.Kind == KindDir {
			a.Op = OpUnchanged
			if metaDiffers {
				a.Op = OpChmod
			}
			return a
		}
		a.Op = OpRestore
	case KindSymlink:
		if cur.Kind == KindSymlink && cur.Link == e.Link {
			a.Op = OpUnchanged
			if root && (e.UID != cur.UID || e.GID != cur.GID) {
				a.Op = OpChmod
			}
			return a
		}
		a.Op = OpRelink
	default:
		a.Op, a.Reason = OpSkip, "unknown kind "+e.Kind
	}
	return a
}

// treeID names the newest snapshot whose recursive target covers path.
func (r *rollback) treeID(path string) string {
	if i := r.scopeOf(path); i >= 0 {
		return r.ms[i].m.ID
	}
	return ""
}

// differs explains how the current state of a path differs from its
// post-state, or returns "".
func differs(cur, post State, root bool) string {
	switch {
	case cur.Exists != post.Exists:
		if cur.Exists {
			return "created"
		}
		return "deleted"
	case !cur.Exists:
		return ""
	case post.Kind == KindOther || cur.Kind != post.Kind:
		return "replaced"
	case cur.Kind == KindFile && post.SHA256 != "" && cur.SHA256 != post.SHA256:
		return "modified"
	case cur.Kind == KindSymlink && cur.Link != post.Link:
		return "relinked"
	case cur.Kind != KindSymlink && cur.Mode != post.Mode:
		return "mode changed"
	case root && (cur.UID != post.UID || cur.GID != post.GID):
		return "owner changed"
	}
	return ""
}

// verify checks every blob the rollback needs before anything is written.
func (r *rollback) verify() error {
	done := map[string]bool{}
	for _, a := range r.report.Actions {
		if a.Op != OpRestore || a.Kind != KindFile || done[a.sha] {
			continue
		}
		done[a.sha] = true
		if err := r.s.verifyBlob(a.sha); err != nil {
			return fmt.Errorf("%s (needed for %s): %w", err.Error(), a.Path, ErrCorruptBlob)
		}
	}
	return nil
}

func (s *Store) verifyBlob(sum string) error {
	if !validSum(sum) {
		return fmt.Errorf("invalid blob name %q", sum)
	}
	f, err := os.Open(s.blobPath(sum))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blob %s is missing", sum)
		}
		return fmt.Errorf("blob %s: %v", sum, err)
	}
	defer f.Close()
	got, _, err := hashReader(f)
	if err != nil {
		return fmt.Errorf("blob %s: %v", sum, err)
	}
	if got != sum {
		return fmt.Errorf("blob %s is corrupt (its content hashes to %s)", sum, got)
	}
	return nil
}

// staged is a restored file written to a temporary name, renamed into place
// once every staged file is durable.
type staged struct {
	tmp, path string
}

// apply carries out the plan: removals deepest first, then creations
// shallowest first, then directory modes deepest first.
func (r *rollback) apply() error {
	rep := r.report
	root := isRoot()
	var total, done int64 = rep.Bytes, 0
	progress := func(n int64) {
		done += n
		if r.o.Progress != nil {
			r.o.Progress(done, total)
		}
	}
	var errs []error
	fail := func(a *Action, err error) {
		errs = append(errs, fmt.Errorf("%s: %w", a.Path, err))
	}
	depth := func(p string) int { return strings.Count(p, "/") }
	idx := make([]int, len(rep.Actions))
	for i := range idx {
		idx[i] = i
	}
	// 1. Removals, deepest first. A restore that finds a directory in the
	// way removes it first (only when empty).
	slices.SortStableFunc(idx, func(i, j int) int { return depth(rep.Actions[j].Path) - depth(rep.Actions[i].Path) })
	for _, i := range idx {
		a := &rep.Actions[i]
		switch {
		case a.Op == OpRemove:
			r.acc.writable(filepath.Dir(a.Path), r.elevatable)
			if err := os.Remove(a.Path); err != nil && !isNotExist(err) {
				fail(a, err)
			}
			progress(0)
		case a.Op == OpRmdir || (a.Op == OpRestore || a.Op == OpRelink) && a.Cur.Kind == KindDir ||
			a.Op == OpRestore && a.Kind == KindDir && a.Cur.Exists:
			r.acc.writable(filepath.Dir(a.Path), r.elevatable)
			err := os.Remove(a.Path)
			switch {
			case err == nil || isNotExist(err):
			case errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST):
				if a.Op == OpRmdir {
					a.Reason = "directory not empty: it holds files the command is not known to have created"
				} else {
					a.Reason = "a non-empty directory is in the way"
				}
				a.Op = OpSkip
			default:
				fail(a, err)
			}
			if a.Op == OpRmdir {
				progress(0)
			}
		}
	}
	r.recount()
	// 2. Creations, shallowest first.
	slices.SortStableFunc(idx, func(i, j int) int { return depth(rep.Actions[i].Path) - depth(rep.Actions[j].Path) })
	dirModes := map[string]*Action{}
	var pending []staged
	fsyncEach := !haveSyncfs
	nfiles := 0
	for _, a := range rep.Actions {
		if a.Op == OpRestore && a.Kind == KindFile {
			nfiles++
		}
	}
	if nfiles <= 16 {
		fsyncEach = true
	}
	for _, i := range idx {
		a := &rep.Actions[i]
		switch a.Op {
		case OpRestore:
			r.acc.writable(filepath.Dir(a.Path), r.elevatable)
			switch a.Kind {
			case KindDir:
				if err := os.Mkdir(a.Path, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
					fail(a, err)
					continue
				}
				dirModes[a.Path] = a
				progress(0)
			case KindFile:
				tmp, err := r.stage(a, root, fsyncEach)
				if err != nil {
					fail(a, err)
					continue
				}
				pending = append(pending, staged{tmp: tmp, path: a.Path})
			}
		case OpRelink:
			r.acc.writable(filepath.Dir(a.Path), r.elevatable)
			if err := relink(a, root); err != nil {
				fail(a, err)
			}
			progress(0)
		case OpChmod:
			if a.Kind == KindDir {
				dirModes[a.Path] = a
				continue
			}
			if err := setMeta(a.Path, a.entry, root); err != nil {
				fail(a, err)
			}
			progress(0)
		}
	}
	// 3. Make staged files durable, then rename them into place.
	if len(pending) > 0 && !fsyncEach {
		if err := syncFilesystems(pending); err != nil {
			for _, p := range pending {
				os.Remove(p.tmp)
			}
			return errors.Join(append(errs, err)...)
		}
	}
	syncDirs := map[string]bool{}
	for _, p := range pending {
		if err := os.Rename(p.tmp, p.path); err != nil {
			os.Remove(p.tmp)
			errs = append(errs, fmt.Errorf("%s: %w", p.path, err))
			continue
		}
		syncDirs[filepath.Dir(p.path)] = true
		if e := r.pre[p.path]; e != nil {
			progress(e.Size)
		}
	}
	// 4. Directory modes and owners, deepest first, so that a read-only
	// directory is made read-only only after everything inside is written.
	// Directories opened for the rollback get their own mode back.
	for d := range dirModes {
		delete(r.acc.orig, d)
	}
	dirs := make([]string, 0, len(dirModes)+len(r.acc.orig))
	for d := range dirModes {
		dirs = append(dirs, d)
	}
	for d := range r.acc.orig {
		dirs = append(dirs, d)
	}
	slices.SortFunc(dirs, func(a, b string) int { return depth(b) - depth(a) })
	for _, d := range dirs {
		a, ok := dirModes[d]
		if !ok {
			_ = os.Chmod(d, r.acc.orig[d])
			continue
		}
		var err error
		if a.entry != nil {
			err = setMeta(d, a.entry, root)
		} else {
			err = os.Chmod(d, a.Mode)
		}
		if err != nil {
			fail(a, err)
		}
		syncDirs[filepath.Dir(d)] = true
		if a.Op == OpChmod {
			progress(0)
		}
	}
	clear(r.acc.orig)
	for d := range syncDirs {
		if err := syncDir(d); err != nil && !isNotExist(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// recount recomputes the report's counters after an action changed.
func (r *rollback) recount() {
	rep := r.report
	rep.Restored, rep.Removed, rep.Skipped, rep.Unchanged, rep.Bytes = 0, 0, 0, 0, 0
	for _, a := range rep.Actions {
		switch a.Op {
		case OpRestore, OpRelink, OpChmod:
			rep.Restored++
			if a.Op == OpRestore && a.Kind == KindFile {
				rep.Bytes += a.Size
			}
		case OpRemove, OpRmdir:
			rep.Removed++
		case OpSkip:
			rep.Skipped++
		case OpUnchanged:
			rep.Unchanged++
		}
	}
}

// stage copies a blob to a temporary file next to the path, verifying its
// hash again while copying, and gives it the recorded owner, mode and
// modification time.
func (r *rollback) stage(a *Action, root, fsyncEach bool) (string, error) {
	e := a.entry
	src, err := os.Open(r.s.blobPath(e.SHA256))
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(a.Path), tempPrefix+"*")
	if err != nil {
		return "", err
	}
	name := dst.Name()
	ok := false
	defer func() {
		if !ok {
			dst.Close()
			os.Remove(name)
		}
	}()
	got, _, err := hashReader(teeReader{src, dst})
	if err != nil {
		return "", err
	}
	if got != e.SHA256 {
		return "", fmt.Errorf("blob %s changed while restoring: %w", e.SHA256, ErrCorruptBlob)
	}
	if root {
		if err := dst.Chown(e.UID, e.GID); err != nil {
			return "", err
		}
	}
	if err := dst.Chmod(e.Mode); err != nil {
		return "", err
	}
	if fsyncEach {
		if err := dst.Sync(); err != nil {
			return "", err
		}
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	if !e.ModTime.IsZero() {
		if err := os.Chtimes(name, time.Time{}, e.ModTime); err != nil {
			return "", err
		}
	}
	ok = true
	return name, nil
}

// syncFilesystems makes the staged files durable with one syncfs per file system.
func syncFilesystems(pending []staged) error {
	seen := map[uint64]bool{}
	for _, p := range pending {
		dir := filepath.Dir(p.path)
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		_, _, _, _, dev := statSys(fi)
		if seen[dev] {
			continue
		}
		seen[dev] = true
		if err := syncFS(dir); err != nil {
			return err
		}
	}
	return nil
}

// relink recreates a symlink atomically (a temporary name, then rename).
func relink(a *Action, root bool) error {
	var b [6]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(a.Path), tempPrefix+hex.EncodeToString(b[:]))
	if err := os.Symlink(a.Link, tmp); err != nil {
		return err
	}
	if root && a.entry != nil {
		if err := lchown(tmp, a.entry.UID, a.entry.GID); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, a.Path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// setMeta restores owner (as root) and then mode: chown clears setuid bits,
// so the mode comes last.
func setMeta(path string, e *Entry, root bool) error {
	if root {
		if err := lchown(path, e.UID, e.GID); err != nil {
			return err
		}
	}
	if e.Kind == KindSymlink {
		return nil
	}
	return os.Chmod(path, e.Mode)
}
