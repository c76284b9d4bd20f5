package snapshots

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Target is one path a command is statically known to write.
type Target struct {
	// Path is absolute and clean. A relative path is resolved against
	// CaptureOptions.Cwd.
	Path string
	// Recursive: the whole tree under Path may change (rm -r, cp -r into,
	// chmod -R, git clean).
	Recursive bool
	// Git: Path is in a git work tree; capture the dirty tracked files and
	// the untracked files under it (git status --porcelain=v1 -z
	// --untracked-files=all), and with Ignored the ignored files too.
	Git     bool
	Ignored bool
	// MetaOnly: chmod/chown; record mode and owner only, no content.
	MetaOnly bool
}

// CaptureOptions describe the command whose targets are captured.
type CaptureOptions struct {
	// ID names the manifest; empty means a new time-ordered id.
	ID      string
	Session string
	Command string
	Cwd     string
	// Root is the project root (absolute, existing). Targets outside it,
	// or reached through a symlink that leads outside it, are skipped.
	Root string
	// TempDirs are directories outside Root whose targets are captured
	// too: the user's TMPDIR, which the jail also lets commands write.
	TempDirs []string
	// MaxBytes caps the total size of file contents captured for one
	// command: 0 means 100 MiB, a negative value means no cap.
	MaxBytes int64
	// Now is the clock for the manifest's time; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxBytes is the size cap per command when CaptureOptions.MaxBytes is 0.
const DefaultMaxBytes = 100 << 20

// TooLargeError is returned by [Store.Capture] when the files to capture
// add up to more than the cap. Nothing has been stored.
type TooLargeError struct {
	Size  int64  // total bytes the capture would store
	Limit int64  // the cap
	Path  string // the target that contributes the most bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("snapshot would store %s (most under %s), over the %s limit",
		formatBytes(e.Size), e.Path, formatBytes(e.Limit))
}

// Capture records the pre-image of targets and stores it as a manifest
// before returning it: blobs first, then the manifest, both durable. It
// sums the sizes of the files first and returns *TooLargeError, having
// stored nothing, when they exceed the cap.
func (s *Store) Capture(targets []Target, o CaptureOptions) (*Manifest, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	t := now().UTC()
	if o.ID == "" {
		o.ID = newID(t)
	}
	if err := checkID(o.ID); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if !filepath.IsAbs(o.Root) {
		return nil, fmt.Errorf("capture: project root %q is not an absolute path", o.Root)
	}
	root, err := resolvePath(filepath.Clean(o.Root))
	if err != nil {
		return nil, fmt.Errorf("capture: project root: %w", err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("capture: project root %s is not a directory", o.Root)
	}
	p := &planner{index: map[string]int{}}
	p.allowed = append(p.allowed, root)
	for _, d := range o.TempDirs {
		if !filepath.IsAbs(d) {
			continue
		}
		if r, err := resolvePath(filepath.Clean(d)); err == nil {
			p.allowed = append(p.allowed, r)
		}
	}
	for _, tg := range targets {
		if !filepath.IsAbs(tg.Path) && filepath.IsAbs(o.Cwd) {
			tg.Path = filepath.Join(o.Cwd, tg.Path)
		}
		p.add(tg)
	}

	m := &Manifest{
		V: schemaVersion, ID: o.ID, Session: o.Session, Command: o.Command, Cwd: o.Cwd,
		Root: root, Time: t, Entries: p.entries, Skipped: p.skipped,
	}
	// Sizes first: nothing is stored when the cap is exceeded.
	perTarget := map[string]int64{}
	for _, e := range m.Entries {
		if e.Kind == KindFile && !e.Meta {
			m.Bytes += e.Size
			perTarget[e.Under] += e.Size
		}
	}
	if o.MaxBytes > 0 && m.Bytes > o.MaxBytes {
		e := &TooLargeError{Size: m.Bytes, Limit: o.MaxBytes}
		var most int64 = -1
		for under, n := range perTarget {
			if n > most || n == most && under < e.Path {
				e.Path, most = under, n
			}
		}
		return nil, e
	}
	if _, err := os.Lstat(s.manifestPath(m.ID)); err == nil {
		return nil, fmt.Errorf("capture: snapshot %s already exists", m.ID)
	}

	unlock, err := s.lock(false)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	defer unlock()
	if err := s.storeBlobs(m); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	slices.SortFunc(m.Entries, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	m.Bytes = 0
	for _, e := range m.Entries {
		if e.Kind == KindFile && !e.Meta {
			m.Bytes += e.Size
		}
	}
	if err := writeJSONAtomic(s.manifestsDir(), m.ID+".json", m); err != nil {
		return nil, fmt.Errorf("capture: write manifest: %w", err)
	}
	return m, nil
}

// planner turns targets into entries (without content) and skips.
type planner struct {
	allowed []string // root, then the temp dirs; all resolved
	entries []Entry
	index   map[string]int
	skipped []Skip
	skipSet map[string]bool
}

func (p *planner) skip(path, reason string) {
	if p.skipSet == nil {
		p.skipSet = map[string]bool{}
	}
	if p.skipSet[path] {
		return
	}
	p.skipSet[path] = true
	p.skipped = append(p.skipped, Skip{Path: path, Reason: reason})
}

// isAllowed reports whether a resolved path may be captured.
func (p *planner) isAllowed(path string) bool {
	for _, a := range p.allowed {
		if within(path, a) {
			return true
		}
	}
	return false
}

// put adds or merges an entry. A path seen twice keeps its first record;
// Tree is or-ed and content wins over metadata-only.
func (p *planner) put(e Entry) {
	if i, ok := p.index[e.Path]; ok {
		old := &p.entries[i]
		old.Tree = old.Tree || e.Tree
		old.Meta = old.Meta && e.Meta
		return
	}
	p.index[e.Path] = len(p.entries)
	p.entries = append(p.entries, e)
}

func (p *planner) add(t Target) {
	if !filepath.IsAbs(t.Path) {
		p.skip(t.Path, "not an absolute path")
		return
	}
	path := filepath.Clean(t.Path)
	if t.Git {
		p.addGit(path, t)
		return
	}
	p.addPath(path, path, t, 0)
}

// addPath captures one path (given or found), resolving its parent
// directories without leaving the allowed roots.
func (p *planner) addPath(path, under string, t Target, depth int) {
	if path == "/" {
		p.skip(path, "outside the project root")
		return
	}
	dir, err := resolvePath(filepath.Dir(path))
	if err != nil {
		p.skip(path, "cannot resolve parent directory: "+err.Error())
		return
	}
	real := filepath.Join(dir, filepath.Base(path))
	if !p.isAllowed(real) {
		if p.isAllowed(path) {
			p.skip(path, "a parent directory is a symlink that leads outside the project root ("+real+"); not followed")
		} else {
			p.skip(path, "outside the project root")
		}
		return
	}
	p.capture(real, under, t, depth)
}

func (p *planner) capture(path, under string, t Target, depth int) {
	now := time.Now()
	fi, err := os.Lstat(path)
	if err != nil {
		if !isNotExist(err) {
			p.skip(path, "cannot stat: "+err.Error())
			return
		}
		p.put(Entry{Path: path, Kind: KindAbsent, Under: under, Tree: t.Recursive && !t.MetaOnly})
		// mkdir -p a/b/c creates a and b too: record missing parents as absent.
		for d := filepath.Dir(path); p.isAllowed(d) && d != "/"; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); !isNotExist(err) {
				break
			}
			p.put(Entry{Path: d, Kind: KindAbsent, Under: under})
		}
		return
	}
	switch kindOf(fi.Mode()) {
	case KindSymlink:
		e := entryFromInfo(path, fi, under, now)
		e.Tree = t.Recursive && !t.MetaOnly
		if e.Link, err = os.Readlink(path); err != nil {
			p.skip(path, "cannot read symlink: "+err.Error())
			return
		}
		p.put(e)
		// Writing through a symlink changes its destination: capture that
		// too when it stays inside the root. Never follow it outside.
		dest, err := resolvePath(path)
		if err != nil {
			p.skip(path, "cannot resolve symlink: "+err.Error())
			return
		}
		if !p.isAllowed(dest) {
			p.skip(dest, "destination of symlink "+path+" is outside the project root; not followed")
			return
		}
		if depth < 1 {
			p.capture(dest, under, t, depth+1)
		}
	case KindDir:
		e := entryFromInfo(path, fi, under, now)
		e.Tree = t.Recursive && !t.MetaOnly
		e.Meta = t.MetaOnly
		p.put(e)
		if t.Recursive {
			p.walk(path, under, t)
		}
	case KindFile:
		e := entryFromInfo(path, fi, under, now)
		e.Meta = t.MetaOnly
		e.Tree = t.Recursive && !t.MetaOnly // rm f && mkdir f && …: what appears beneath goes
		p.put(e)
	default:
		p.skip(path, otherReason(fi.Mode()))
	}
}

// walk records everything beneath dir without following symlinks.
func (p *planner) walk(top, under string, t Target) {
	_ = filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable directory is skipped whole; rollback never
			// deletes beneath a skipped path.
			p.skip(path, "cannot read: "+err.Error())
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if path == top {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if !isNotExist(err) {
				p.skip(path, "cannot stat: "+err.Error())
			}
			return nil
		}
		e := entryFromInfo(path, fi, under, time.Now())
		e.Meta = t.MetaOnly
		switch e.Kind {
		case KindSymlink:
			if e.Link, err = os.Readlink(path); err != nil {
				p.skip(path, "cannot read symlink: "+err.Error())
				return nil
			}
		case KindOther:
			p.skip(path, otherReason(fi.Mode()))
			return nil
		}
		p.put(e)
		return nil
	})
}

func entryFromInfo(path string, fi fs.FileInfo, under string, now time.Time) Entry {
	st := stateFromInfo(path, fi, now)
	return Entry{
		Path: path, Kind: st.Kind, Mode: st.Mode, Size: st.Size, UID: st.UID, GID: st.GID,
		ModTime: st.ModTime, Under: under, Ino: st.Ino, Ctime: st.Ctime,
	}
}

// addGit captures what git status lists under path, plus the directories
// between path and each listed file (git clean -d removes them; rollback
// recreates them with their modes).
func (p *planner) addGit(path string, t Target) {
	top, list, err := gitStatus(path, t.Ignored)
	if err != nil {
		p.skip(path, err.Error())
		return
	}
	base, err := resolvePath(path)
	if err != nil {
		p.skip(path, "cannot resolve: "+err.Error())
		return
	}
	for _, rel := range list {
		recursive := strings.HasSuffix(rel, "/") // a nested repository or an ignored directory
		rel = strings.TrimSuffix(rel, "/")
		file := filepath.Join(top, filepath.FromSlash(rel))
		for d := filepath.Dir(file); within(d, base) && d != base; d = filepath.Dir(d) {
			if _, ok := p.index[d]; ok {
				break
			}
			p.addPath(d, path, Target{}, 0)
		}
		p.addPath(file, path, Target{Recursive: recursive}, 0)
	}
}

// gitStatus runs git status in dir and returns the work tree's top and the
// listed paths (relative to the top, '/'-separated).
func gitStatus(dir string, ignored bool) (top string, paths []string, err error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", nil, errors.New("git is not installed; git-managed files not captured")
	}
	// No optional locks: status must not write the index. No fsmonitor:
	// never run a program named by the repository's configuration.
	base := []string{"--no-optional-locks", "-c", "core.fsmonitor=false", "-C", dir}
	out, err := runGit(append(base, "rev-parse", "--show-toplevel"))
	if err != nil {
		return "", nil, fmt.Errorf("not a git work tree: %w", err)
	}
	top = strings.TrimSuffix(string(out), "\n")
	if !filepath.IsAbs(top) {
		return "", nil, fmt.Errorf("not a git work tree: git printed %q", top)
	}
	top = filepath.Clean(top)
	args := append(base, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
	if ignored {
		args = append(args, "--ignored=traditional")
	}
	args = append(args, "--", ".")
	out, err = runGit(args)
	if err != nil {
		return "", nil, fmt.Errorf("git status failed: %w", err)
	}
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) < 4 || rec[2] != ' ' {
			continue
		}
		paths = append(paths, string(rec[3:]))
	}
	return top, paths, nil
}

func runGit(args []string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	return out, nil
}

// resolvePath resolves every symlink in an absolute, clean path, like
// realpath -m: components that do not exist are kept literally.
func resolvePath(path string) (string, error) {
	const maxLinks = 255
	links := 0
	rest := strings.Split(strings.TrimPrefix(path, "/"), "/")
	cur := "/"
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if err != nil {
			if isNotExist(err) {
				return filepath.Join(append([]string{next}, rest...)...), nil
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links", path)
		}
		link, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(link) {
			cur = "/"
		}
		rest = append(strings.Split(link, "/"), rest...)
	}
	return cur, nil
}

// storeBlobs stores the content of every file entry, in parallel.
func (s *Store) storeBlobs(m *Manifest) error {
	var idx []int
	for i, e := range m.Entries {
		if e.Kind == KindFile && !e.Meta {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	st := newStager(s, len(idx))
	work := make(chan int)
	var mu sync.Mutex
	var errs []error
	skips := map[int]string{} // entries that become skips, by index
	var wg sync.WaitGroup
	for range min(len(idx), 2*runtime.GOMAXPROCS(0)+2) {
		wg.Go(func() {
			for i := range work {
				e := &m.Entries[i]
				sum, n, err := st.put(e.Path)
				if err == nil {
					e.SHA256, e.Size = sum, n
					continue
				}
				mu.Lock()
				switch {
				case isNotExist(err), errors.Is(err, errChanged):
					skips[i] = "changed or removed while being captured"
				case errors.Is(err, fs.ErrPermission):
					skips[i] = "unreadable; content not captured"
				default:
					errs = append(errs, fmt.Errorf("store %s: %w", e.Path, err))
				}
				mu.Unlock()
			}
		})
	}
	for _, i := range idx {
		work <- i
	}
	close(work)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		st.abort()
		return err
	}
	// Files that vanished or changed while being read, and unreadable
	// files, become skips: rollback leaves those paths alone.
	if len(skips) > 0 {
		kept := m.Entries[:0]
		for i, e := range m.Entries {
			if reason, ok := skips[i]; ok {
				m.Skipped = append(m.Skipped, Skip{Path: e.Path, Reason: reason})
				continue
			}
			kept = append(kept, e)
		}
		m.Entries = kept
	}
	return st.commit()
}

// stager writes new blobs as temporary files, then makes them durable and
// renames them into place in commit.
type stager struct {
	s *Store
	// fsyncEach: fsync every temporary file. Otherwise one syncfs(2) in
	// commit makes them all durable, which is far cheaper for many files.
	fsyncEach bool

	mu      sync.Mutex
	pending map[string]string // sum -> temp file ("" while being written)
	newDirs bool
}

func newStager(s *Store, n int) *stager {
	return &stager{s: s, fsyncEach: !haveSyncfs || n <= 16, pending: map[string]string{}}
}

// put stores the content of the file at path (unless the store has it
// already) and returns its SHA-256 and length.
func (st *stager) put(path string) (string, int64, error) {
	var err error
	for range 3 {
		var sum string
		var n int64
		sum, n, err = st.try(path)
		if !errors.Is(err, errChanged) {
			return sum, n, err
		}
	}
	return "", 0, err
}

func (st *stager) try(path string) (string, int64, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, errChanged
	}
	f, err := openCapture(path, fi)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	// Hash first: content the store already holds is not written again.
	sum, n, err := hashReader(f)
	if err != nil {
		return "", 0, err
	}
	final := st.s.blobPath(sum)
	st.mu.Lock()
	if _, busy := st.pending[sum]; busy {
		st.mu.Unlock()
		return sum, n, nil
	}
	if _, err := os.Lstat(final); err == nil {
		st.mu.Unlock()
		return sum, n, nil
	}
	st.pending[sum] = ""
	st.mu.Unlock()

	tmp, err := st.write(f, sum)
	st.mu.Lock()
	defer st.mu.Unlock()
	if err != nil {
		delete(st.pending, sum)
		return "", 0, err
	}
	st.pending[sum] = tmp
	return sum, n, nil
}

// write copies f into a temporary file next to the blob's final name,
// checking that the copy hashes to sum.
func (st *stager) write(f *os.File, sum string) (string, error) {
	dir := filepath.Dir(st.s.blobPath(sum))
	if err := os.Mkdir(dir, 0o700); err == nil {
		st.mu.Lock()
		st.newDirs = true
		st.mu.Unlock()
	} else if !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	got, _, err := hashReader(teeReader{f, tmp})
	if err != nil {
		return "", err
	}
	if got != sum {
		return "", errChanged
	}
	if err := tmp.Chmod(0o400); err != nil {
		return "", err
	}
	if st.fsyncEach {
		if err := tmp.Sync(); err != nil {
			return "", err
		}
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	ok = true
	return name, nil
}

// teeReader is io.TeeReader with a write error that stops the copy.
type teeReader struct {
	r *os.File
	w *os.File
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		if _, werr := t.w.Write(p[:n]); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// commit makes every staged blob durable under its final name.
func (st *stager) commit() error {
	if len(st.pending) == 0 {
		return nil
	}
	if !st.fsyncEach {
		if err := syncFS(st.s.blobsDir()); err != nil {
			st.abort()
			return err
		}
	}
	dirs := map[string]bool{}
	for sum, tmp := range st.pending {
		final := st.s.blobPath(sum)
		if err := os.Rename(tmp, final); err != nil {
			st.abort()
			return err
		}
		delete(st.pending, sum)
		dirs[filepath.Dir(final)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	if st.newDirs {
		return syncDir(st.s.blobsDir())
	}
	return nil
}

func (st *stager) abort() {
	for sum, tmp := range st.pending {
		if tmp != "" {
			os.Remove(tmp)
		}
		delete(st.pending, sum)
	}
}
