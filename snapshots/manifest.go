package snapshots

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Manifest is the pre-image of one command: what every path it was known to
// write looked like before it started. It is stored as
// manifests/<ID>.json after all of its blobs.
type Manifest struct {
	V       int       `json:"v"`
	ID      string    `json:"id"`
	Session string    `json:"session,omitempty"`
	Command string    `json:"command,omitempty"`
	Cwd     string    `json:"cwd,omitempty"`
	Root    string    `json:"root"`
	Time    time.Time `json:"time"`
	// Bytes is the total size of the file contents captured (before
	// deduplication against blobs already in the store).
	Bytes   int64   `json:"bytes"`
	Entries []Entry `json:"entries"`
	Skipped []Skip  `json:"skipped,omitempty"`
}

// Entry is the pre-image of one path.
type Entry struct {
	// Path is absolute and has no symlinks in its parent directories (it
	// is resolved inside the root), so it may differ from the target given.
	Path string      `json:"path"`
	Kind string      `json:"kind"` // file|dir|symlink|absent
	Mode fs.FileMode `json:"mode,omitempty"`
	Size int64       `json:"size,omitempty"`
	// SHA256 names the blob holding the file's content; empty for
	// metadata-only entries and for everything but regular files.
	SHA256  string    `json:"sha256,omitempty"`
	Link    string    `json:"link,omitempty"` // a symlink's target text
	UID     int       `json:"uid"`
	GID     int       `json:"gid"`
	ModTime time.Time `json:"mtime,omitzero"`
	// Under is the target (as given to Capture) this entry was found under.
	Under string `json:"under"`
	// Tree is set on the top of a recursive target: everything beneath it
	// was recorded, so rollback removes what is beneath it now (should it
	// be a directory) and was not then.
	Tree bool `json:"tree,omitempty"`
	// Meta is set for metadata-only entries (chmod, chown): mode and owner
	// are restored, content was not captured.
	Meta  bool   `json:"meta,omitempty"`
	Ino   uint64 `json:"ino,omitempty"`
	Ctime int64  `json:"ctime,omitempty"`
}

// Skip is a path that was not captured, and why.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Post is the state of every entry of a manifest (and of everything beneath
// its recursive targets) when the command ended. It is stored as
// manifests/<ID>.post.json; it is absent when rrsh did not see the command end.
type Post struct {
	V      int       `json:"v"`
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	States []State   `json:"states"`
}

// state returns the entry as a State, for comparisons.
func (e *Entry) state() State {
	return State{
		Path: e.Path, Exists: e.Kind != KindAbsent, Kind: e.Kind, Mode: e.Mode, Size: e.Size,
		SHA256: e.SHA256, Link: e.Link, UID: e.UID, GID: e.GID, ModTime: e.ModTime, Ino: e.Ino, Ctime: e.Ctime,
	}
}

// Summary describes one manifest in [Store.List].
type Summary struct {
	ID      string    `json:"id"`
	Time    time.Time `json:"time"`
	Session string    `json:"session,omitempty"`
	Command string    `json:"command,omitempty"`
	Entries int       `json:"entries"`
	Bytes   int64     `json:"bytes"`
	HasPost bool      `json:"has_post"`
}

// Load reads the manifest id and its post-state. The post-state is nil when
// the command was not seen to end.
func (s *Store) Load(id string) (*Manifest, *Post, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	m, err := s.readManifest(id)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.readPost(id)
	if err != nil {
		return nil, nil, err
	}
	return m, p, nil
}

func (s *Store) readManifest(id string) (*Manifest, error) {
	data, err := os.ReadFile(s.manifestPath(id))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("snapshot %s: %w", id, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read snapshot %s: %w", id, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read snapshot %s: %w", id, err)
	}
	if m.V != schemaVersion {
		return nil, fmt.Errorf("read snapshot %s: unsupported version %d", id, m.V)
	}
	if m.ID != id {
		return nil, fmt.Errorf("read snapshot %s: manifest names id %q", id, m.ID)
	}
	for _, e := range m.Entries {
		if !filepath.IsAbs(e.Path) || filepath.Clean(e.Path) != e.Path {
			return nil, fmt.Errorf("read snapshot %s: entry path %q is not absolute and clean", id, e.Path)
		}
		if e.Kind == KindFile && !e.Meta && !validSum(e.SHA256) {
			return nil, fmt.Errorf("read snapshot %s: entry %s has no valid sha256", id, e.Path)
		}
	}
	return &m, nil
}

func (s *Store) readPost(id string) (*Post, error) {
	data, err := os.ReadFile(s.postPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read post-state of %s: %w", id, err)
	}
	var p Post
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("read post-state of %s: %w", id, err)
	}
	if p.V != schemaVersion || p.ID != id {
		return nil, fmt.Errorf("read post-state of %s: bad version or id", id)
	}
	return &p, nil
}

// manifestIDs lists the ids that have a manifest file.
func (s *Store) manifestIDs() ([]string, error) {
	des, err := os.ReadDir(s.manifestsDir())
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var ids []string
	for _, de := range des {
		name := de.Name()
		id, ok := strings.CutSuffix(name, ".json")
		if !ok || strings.HasSuffix(id, ".post") || checkID(id) != nil {
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// List returns a summary of every manifest, newest first. Unreadable
// manifests are left out and reported in the error (the list is still
// returned).
func (s *Store) List() ([]Summary, error) {
	ids, err := s.manifestIDs()
	if err != nil {
		return nil, err
	}
	var out []Summary
	var errs []error
	for _, id := range ids {
		m, err := s.readManifest(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, statErr := os.Stat(s.postPath(id))
		out = append(out, Summary{
			ID: m.ID, Time: m.Time, Session: m.Session, Command: m.Command,
			Entries: len(m.Entries), Bytes: m.Bytes, HasPost: statErr == nil,
		})
	}
	slices.SortFunc(out, func(a, b Summary) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, errors.Join(errs...)
}

// Discard removes the manifest of a command that never ran (it was refused
// after its pre-images were taken), so it is never rolled back. Its blobs
// stay until GC finds them unreferenced.
func (s *Store) Discard(id string) error {
	if err := checkID(id); err != nil {
		return err
	}
	unlock, err := s.lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	for _, p := range []string{s.postPath(id), s.manifestPath(id)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("discard snapshot %s: %w", id, err)
		}
	}
	return syncDir(s.manifestsDir())
}
