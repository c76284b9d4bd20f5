package snapshots

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// schemaVersion is written as "v" in every manifest and post-state file.
const schemaVersion = 1

// Store is a snapshot store rooted at one directory. A Store holds no open
// files; it is safe for concurrent use by several goroutines and several
// processes (an advisory lock file keeps [Store.GC] from deleting blobs that
// a concurrent [Store.Capture] or [Store.Rollback] is using).
type Store struct {
	dir string
}

// Open opens the store in dir, creating dir, dir/blobs and dir/manifests
// (mode 0700) when they do not exist. dir must be absolute.
func Open(dir string) (*Store, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("open snapshot store: %q is not an absolute path", dir)
	}
	dir = filepath.Clean(dir)
	for _, d := range []string{dir, filepath.Join(dir, "blobs"), filepath.Join(dir, "manifests")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("open snapshot store: %w", err)
		}
	}
	return &Store{dir: dir}, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) blobsDir() string     { return filepath.Join(s.dir, "blobs") }
func (s *Store) manifestsDir() string { return filepath.Join(s.dir, "manifests") }

func (s *Store) blobPath(sum string) string {
	return filepath.Join(s.dir, "blobs", sum[:2], sum)
}

func (s *Store) manifestPath(id string) string {
	return filepath.Join(s.manifestsDir(), id+".json")
}

func (s *Store) postPath(id string) string {
	return filepath.Join(s.manifestsDir(), id+".post.json")
}

// lock takes the store's advisory lock: shared for writers of blobs and
// manifests and for readers of blobs, exclusive for GC's deletions.
func (s *Store) lock(exclusive bool) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock snapshot store: %w", err)
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock snapshot store: %w", err)
	}
	return func() { f.Close() }, nil
}

// tempPrefix starts the name of every temporary file the store creates, in
// the store and next to restored files. GC removes stale ones from the store.
const tempPrefix = ".rrsh-tmp-"

// writeFileAtomic writes data to dir/name durably: a temporary file in dir,
// fsync, close, rename, fsync dir. With exclusive, an existing file is an
// error (write once).
func writeFileAtomic(dir, name string, data []byte, perm fs.FileMode, exclusive bool) error {
	final := filepath.Join(dir, name)
	if exclusive {
		if _, err := os.Lstat(final); err == nil {
			return fmt.Errorf("%s already exists", final)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	f, err := os.CreateTemp(dir, tempPrefix+"*")
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
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

// syncDir fsyncs a directory so that renames and creations in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func writeJSONAtomic(dir, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeFileAtomic(dir, name, append(data, '\n'), 0o400, true)
}

// checkID reports whether id can name a manifest: 1–128 characters from
// [A-Za-z0-9._-], not starting with a dot and not ending in ".post".
func checkID(id string) error {
	if id == "" || len(id) > 128 {
		return fmt.Errorf("invalid snapshot id %q: must be 1 to 128 characters", id)
	}
	if id[0] == '.' || strings.HasSuffix(id, ".post") {
		return fmt.Errorf("invalid snapshot id %q", id)
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return fmt.Errorf("invalid snapshot id %q: only letters, digits, '.', '_' and '-' are allowed", id)
		}
	}
	return nil
}

// newID returns a time-ordered id: UTC time to the nanosecond plus 32 random bits.
func newID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(b[:])
}

// within reports whether p is root or lies under it. Both are clean and absolute.
func within(p, root string) bool {
	if root == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == root || strings.HasPrefix(p, root+"/")
}
