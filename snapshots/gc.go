package snapshots

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// GCOptions bound the store.
type GCOptions struct {
	// MaxAge drops manifests older than this; 0 means no age limit.
	MaxAge time.Duration
	// MaxBytes drops the oldest manifests until the blobs the others
	// reference fit; 0 means no size limit.
	MaxBytes int64
	// Grace protects anything younger than this (manifests, blobs, temporary
	// files) from deletion, so a command that is still running keeps its
	// snapshot; 0 means one hour.
	Grace time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultGrace is GCOptions.Grace when it is 0.
const DefaultGrace = time.Hour

// GCReport says what [Store.GC] kept and deleted.
type GCReport struct {
	ManifestsKept    int   `json:"manifests_kept"`
	ManifestsRemoved int   `json:"manifests_removed"`
	BlobsKept        int   `json:"blobs_kept"`
	BlobsRemoved     int   `json:"blobs_removed"`
	BytesKept        int64 `json:"bytes_kept"`
	BytesFreed       int64 `json:"bytes_freed"`
}

type blobInfo struct {
	size  int64
	mtime time.Time
}

// GC drops the oldest manifests beyond the age and size limits, then
// deletes blobs that no remaining manifest references, stale temporary
// files and post-states without a manifest. It holds the store's lock
// exclusively, so a concurrent Capture or Rollback waits for it (and it for
// them). When a manifest cannot be read, no blob is deleted.
func (s *Store) GC(o GCOptions) (GCReport, error) {
	var rep GCReport
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	t := now()
	grace := o.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	unlock, err := s.lock(true)
	if err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	defer unlock()

	blobs, temps, err := s.scanBlobs()
	if err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	ids, err := s.manifestIDs()
	if err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	var ms []*Manifest
	var readErrs []error
	for _, id := range ids {
		m, err := s.readManifest(id)
		if err != nil {
			readErrs = append(readErrs, err)
			continue
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b *Manifest) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})

	referenced := map[string]bool{}
	var kept int64
	full := false
	var errs []error
	for _, m := range ms {
		young := t.Sub(m.Time) < grace
		var add int64
		fresh := map[string]bool{}
		for _, e := range m.Entries {
			if e.SHA256 != "" && !referenced[e.SHA256] && !fresh[e.SHA256] {
				fresh[e.SHA256] = true
				add += blobs[e.SHA256].size
			}
		}
		drop := !young && (full ||
			o.MaxAge > 0 && t.Sub(m.Time) > o.MaxAge ||
			o.MaxBytes > 0 && kept+add > o.MaxBytes)
		if drop {
			if o.MaxBytes > 0 && kept+add > o.MaxBytes {
				full = true // everything older goes too
			}
			for _, p := range []string{s.manifestPath(m.ID), s.postPath(m.ID)} {
				if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			rep.ManifestsRemoved++
			continue
		}
		rep.ManifestsKept++
		kept += add
		for sum := range fresh {
			referenced[sum] = true
		}
	}

	if len(readErrs) == 0 {
		for sum, b := range blobs {
			if referenced[sum] || t.Sub(b.mtime) < grace {
				rep.BlobsKept++
				rep.BytesKept += b.size
				continue
			}
			if err := os.Remove(s.blobPath(sum)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			rep.BlobsRemoved++
			rep.BytesFreed += b.size
		}
	} else {
		for _, b := range blobs {
			rep.BlobsKept++
			rep.BytesKept += b.size
		}
		errs = append(errs, fmt.Errorf("unreadable manifests, no blob deleted: %w", errors.Join(readErrs...)))
	}

	// Stale temporary files, and post-states whose manifest is gone.
	if des, err := os.ReadDir(s.manifestsDir()); err == nil {
		for _, de := range des {
			name := de.Name()
			id, isPost := strings.CutSuffix(name, ".post.json")
			if !isPost && !strings.HasPrefix(name, tempPrefix) {
				continue
			}
			if isPost {
				if _, err := os.Lstat(s.manifestPath(id)); err == nil {
					continue
				}
			}
			temps = append(temps, filepath.Join(s.manifestsDir(), name))
		}
	}
	for _, p := range temps {
		if fi, err := os.Lstat(p); err == nil && t.Sub(fi.ModTime()) >= grace {
			_ = os.Remove(p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	return rep, nil
}

// scanBlobs lists the blobs with their sizes and times, and the temporary
// files beneath blobs/.
func (s *Store) scanBlobs() (map[string]blobInfo, []string, error) {
	blobs := map[string]blobInfo{}
	var temps []string
	subs, err := os.ReadDir(s.blobsDir())
	if err != nil {
		return nil, nil, err
	}
	for _, sub := range subs {
		dir := filepath.Join(s.blobsDir(), sub.Name())
		if strings.HasPrefix(sub.Name(), tempPrefix) {
			temps = append(temps, dir)
			continue
		}
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		des, err := os.ReadDir(dir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, nil, err
		}
		for _, de := range des {
			name := de.Name()
			if strings.HasPrefix(name, tempPrefix) {
				temps = append(temps, filepath.Join(dir, name))
				continue
			}
			if !validSum(name) || name[:2] != sub.Name() {
				continue
			}
			fi, err := de.Info()
			if err != nil {
				continue
			}
			blobs[name] = blobInfo{size: fi.Size(), mtime: fi.ModTime()}
		}
	}
	return blobs, temps, nil
}
