package snapshots

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func writeRandom(t testing.TB, path string, n int, seed uint64) {
	t.Helper()
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	buf := make([]byte, n)
	_, _ = r.Read(buf)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAtomicWrites watches the store while captures run: every blob seen
// under its final name hashes to that name, every manifest seen parses,
// and no temporary file is left behind.
func TestAtomicWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 75 MB")
	}
	e := newEnv(t)
	var stop atomic.Bool
	var seenBlobs, seenManifests atomic.Int64
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		for !stop.Load() {
			for _, rel := range storeFiles(t, e.store) {
				name := filepath.Base(rel)
				if strings.HasPrefix(name, tempPrefix) {
					continue
				}
				full := filepath.Join(e.store.Dir(), rel)
				switch {
				case strings.HasPrefix(rel, "blobs/"):
					f, err := os.Open(full)
					if err != nil {
						continue // renamed away or removed meanwhile
					}
					sum, _, err := hashReader(f)
					f.Close()
					if err == nil && sum != name {
						errc <- fmt.Errorf("blob %s observed with content hashing to %s", name, sum)
						return
					}
					seenBlobs.Add(1)
				case strings.HasSuffix(rel, ".json"):
					data, err := os.ReadFile(full)
					if err != nil {
						continue
					}
					var v map[string]any
					if err := json.Unmarshal(data, &v); err != nil {
						errc <- fmt.Errorf("%s observed partially written: %v", rel, err)
						return
					}
					seenManifests.Add(1)
				}
			}
		}
	}()
	for round := range 3 {
		dir := e.path(fmt.Sprintf("r%d", round))
		writeRandom(t, filepath.Join(dir, "big"), 24<<20, uint64(round))
		for i := range 100 {
			writeRandom(t, filepath.Join(dir, "small", fmt.Sprint(i)), 1500, uint64(1000*round+i+7))
		}
		o := e.opts()
		o.MaxBytes = -1
		m, err := e.store.Capture([]Target{{Path: dir, Recursive: true}}, o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Finish(m); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if seenBlobs.Load() == 0 || seenManifests.Load() == 0 {
		t.Fatalf("observer saw %d blobs and %d manifests; it proved nothing", seenBlobs.Load(), seenManifests.Load())
	}
	for _, rel := range storeFiles(t, e.store) {
		if strings.Contains(rel, tempPrefix) {
			t.Errorf("temporary file left: %s", rel)
		}
		fi, err := os.Stat(filepath.Join(e.store.Dir(), rel))
		if err != nil {
			t.Fatal(err)
		}
		if rel != "lock" && fi.Mode().Perm() != 0o400 {
			t.Errorf("%s has mode %v, want read-only 0400", rel, fi.Mode().Perm())
		}
	}
	if n := countBlobs(t, e.store); n != 3*101 {
		t.Errorf("%d blobs, want %d", n, 3*101)
	}
}

func TestRestoreLeavesNoTempFiles(t *testing.T) {
	e := newEnv(t)
	for i := range 40 { // more than the per-file fsync threshold: the syncfs path
		writeRandom(t, e.path(fmt.Sprintf("t/%d", i)), 100+i, uint64(i))
	}
	before := snapshotTree(t, e.root, treeOpts{})
	m, err := e.store.Capture([]Target{{Path: e.path("t"), Recursive: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("rm -rf t; mkdir t; echo x > t/0")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Rollback([]string{m.ID}, RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	e.assertTree(before, treeOpts{}, "after rollback")
}

// gcEnv captures one manifest per content set at the given times.
type gcCapture struct {
	at    time.Time
	files map[string]string // rel path -> content
}

func TestGC(t *testing.T) {
	// The GC clock runs 3h ahead, so blobs written now are past the grace period.
	base := time.Now().Add(3 * time.Hour)
	setup := func(t *testing.T, caps []gcCapture) (*testEnv, []*Manifest) {
		e := newEnv(t)
		var ms []*Manifest
		for i, c := range caps {
			var targets []Target
			for rel, content := range c.files {
				if err := os.WriteFile(e.path(rel), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				targets = append(targets, Target{Path: e.path(rel)})
			}
			o := e.opts()
			o.ID = fmt.Sprintf("m%d", i+1)
			at := c.at
			o.Now = func() time.Time { return at }
			m, err := e.store.Capture(targets, o)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.Finish(m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		return e, ms
	}
	blobOf := func(m *Manifest, e *testEnv, rel string) string {
		for _, en := range m.Entries {
			if en.Path == e.path(rel) {
				return en.SHA256
			}
		}
		t.Fatalf("%s not in %s", rel, m.ID)
		return ""
	}
	exists := func(e *testEnv, sum string) bool {
		_, err := os.Stat(e.store.blobPath(sum))
		return err == nil
	}

	t.Run("age", func(t *testing.T) {
		e, ms := setup(t, []gcCapture{
			{base.Add(-3 * time.Hour), map[string]string{"a": "only in m1", "s": "shared"}},
			{base.Add(-2 * time.Hour), map[string]string{"b": "only in m2"}},
			{base.Add(-10 * time.Minute), map[string]string{"c": "only in m3", "s2": "shared"}},
		})
		a, b, c, s := blobOf(ms[0], e, "a"), blobOf(ms[1], e, "b"), blobOf(ms[2], e, "c"), blobOf(ms[0], e, "s")
		rep, err := e.store.GC(GCOptions{MaxAge: 90 * time.Minute, Now: func() time.Time { return base }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.ManifestsRemoved != 2 || rep.ManifestsKept != 1 || rep.BlobsRemoved != 2 || rep.BlobsKept != 2 {
			t.Errorf("report = %+v", rep)
		}
		if exists(e, a) || exists(e, b) || !exists(e, c) || !exists(e, s) {
			t.Errorf("blobs after GC: a=%v b=%v c=%v shared=%v; want only c and shared", exists(e, a), exists(e, b), exists(e, c), exists(e, s))
		}
		list, _ := e.store.List()
		if len(list) != 1 || list[0].ID != "m3" {
			t.Errorf("List = %+v", list)
		}
		for _, id := range []string{"m1", "m2"} {
			if _, err := os.Stat(e.store.postPath(id)); !os.IsNotExist(err) {
				t.Errorf("post-state of %s kept", id)
			}
		}
		// The kept snapshot still rolls back.
		e.bash("echo x > c; echo x > s2")
		if _, err := e.store.Rollback([]string{"m3"}, RollbackOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(e.path("s2")); string(got) != "shared" {
			t.Errorf("s2 = %q", got)
		}
	})

	t.Run("size", func(t *testing.T) {
		big := func(n int, c byte) string { return strings.Repeat(string(c), n) }
		e, ms := setup(t, []gcCapture{
			{base.Add(-5 * time.Hour), map[string]string{"a": big(3000, 'a')}},
			{base.Add(-4 * time.Hour), map[string]string{"b": big(2000, 'b')}},
			{base.Add(-3 * time.Hour), map[string]string{"c": big(1000, 'c'), "b2": big(2000, 'b')}},
		})
		rep, err := e.store.GC(GCOptions{MaxBytes: 3500, Now: func() time.Time { return base }})
		if err != nil {
			t.Fatal(err)
		}
		// m3 needs 3000 B (c and the b content), m2 adds nothing new, m1 would add 3000.
		if rep.ManifestsRemoved != 1 || rep.ManifestsKept != 2 || rep.BytesKept != 3000 || rep.BytesFreed != 3000 {
			t.Errorf("report = %+v", rep)
		}
		if exists(e, blobOf(ms[0], e, "a")) || !exists(e, blobOf(ms[1], e, "b")) || !exists(e, blobOf(ms[2], e, "c")) {
			t.Error("wrong blobs deleted")
		}
		// Within the grace period nothing goes, whatever the limits.
		e2, _ := setup(t, []gcCapture{{time.Now(), map[string]string{"a": big(3000, 'a')}}})
		rep, err = e2.store.GC(GCOptions{MaxBytes: 1, MaxAge: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		if rep.ManifestsRemoved != 0 || rep.BlobsRemoved != 0 {
			t.Errorf("young snapshot collected: %+v", rep)
		}
	})

	t.Run("orphans and temporary files", func(t *testing.T) {
		e, ms := setup(t, []gcCapture{{base.Add(-3 * time.Hour), map[string]string{"a": "a", "b": "b"}}})
		sum := blobOf(ms[0], e, "a")
		if err := os.Remove(e.store.manifestPath("m1")); err != nil {
			t.Fatal(err)
		}
		stale := filepath.Join(e.store.blobsDir(), sum[:2], tempPrefix+"123")
		if err := os.WriteFile(stale, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(e.store.manifestsDir(), tempPrefix+"456")
		if err := os.WriteFile(fresh, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-2 * time.Hour)
		if err := os.Chtimes(stale, old, old); err != nil {
			t.Fatal(err)
		}
		// With the real clock, the unreferenced blobs are still in their grace period.
		if rep, err := e.store.GC(GCOptions{}); err != nil || rep.BlobsRemoved != 0 {
			t.Fatalf("GC within grace: %+v %v", rep, err)
		}
		if _, err := os.Stat(stale); !os.IsNotExist(err) {
			t.Error("stale temporary file kept")
		}
		if _, err := os.Stat(fresh); err != nil {
			t.Error("fresh temporary file removed")
		}
		rep, err := e.store.GC(GCOptions{Now: func() time.Time { return base }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.BlobsRemoved != 2 || exists(e, sum) {
			t.Errorf("unreferenced blobs kept: %+v", rep)
		}
		if _, err := os.Stat(e.store.postPath("m1")); !os.IsNotExist(err) {
			t.Error("post-state without manifest kept")
		}
	})

	t.Run("unreadable manifest keeps every blob", func(t *testing.T) {
		e, _ := setup(t, []gcCapture{
			{base.Add(-3 * time.Hour), map[string]string{"a": "a"}},
			{base.Add(-3 * time.Hour), map[string]string{"b": "b"}},
		})
		if err := os.Chmod(e.store.manifestPath("m2"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(e.store.manifestPath("m2"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := e.store.GC(GCOptions{MaxAge: time.Minute, Now: func() time.Time { return base }})
		if err == nil || !strings.Contains(err.Error(), "no blob deleted") {
			t.Errorf("err = %v", err)
		}
		if rep.BlobsRemoved != 0 || countBlobs(t, e.store) != 2 {
			t.Errorf("blobs deleted although a manifest is unreadable: %+v", rep)
		}
	})
}

// TestGCConcurrentCapture runs GC with no grace period in a loop while
// captures run: the store lock must keep every manifest's blobs alive.
func TestGCConcurrentCapture(t *testing.T) {
	if testing.Short() {
		t.Skip("runs GC in a loop for seconds")
	}
	e := newEnv(t)
	future := func() time.Time { return time.Now().Add(24 * time.Hour) }
	var stop atomic.Bool
	var gcs atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			if _, err := e.store.GC(GCOptions{Grace: time.Nanosecond, Now: future}); err != nil {
				t.Error(err)
				return
			}
			gcs.Add(1)
		}
	})
	halt := func() { stop.Store(true); wg.Wait() }
	defer halt()
	var ids []string
	for i := range 30 {
		dir := e.path(fmt.Sprint(i))
		for j := range 20 {
			writeRandom(t, filepath.Join(dir, fmt.Sprint(j)), 4096, uint64(i*100+j+1))
		}
		m, err := e.store.Capture([]Target{{Path: dir, Recursive: true}}, e.opts())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	halt()
	if gcs.Load() < 2 {
		t.Fatalf("GC ran %d times; the test proved nothing", gcs.Load())
	}
	for _, id := range ids {
		m, _, err := e.store.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range m.Entries {
			if en.SHA256 != "" {
				if err := e.store.verifyBlob(en.SHA256); err != nil {
					t.Fatalf("%s: %v", id, err)
				}
			}
		}
	}
}
