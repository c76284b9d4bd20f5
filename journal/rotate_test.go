package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var rotatedName = regexp.MustCompile(`^journal-\d{8}T\d{6}Z(-\d+)?\.jsonl$`)

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := journalFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		files[i] = filepath.Base(files[i])
	}
	return files
}

// checkChain reads the whole journal and checks seq runs 1..n.
func checkChain(t *testing.T, dir string, n int) []Entry {
	t.Helper()
	es := readAll(t, dir)
	if len(es) != n {
		t.Fatalf("%d lines, want %d", len(es), n)
	}
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d (%s:%d) has seq %d", i, e.File, e.Line, e.Seq)
		}
	}
	mustVerify(t, dir)
	return es
}

func TestRotateBySize(t *testing.T) {
	const maxSize, n = 2000, 60
	dir := t.TempDir()
	// A clock that stays in one second: rotated names collide and get
	// suffixes, and order must come from seq.
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	j := openT(t, dir, Options{MaxSize: maxSize, NoSync: true, Now: fixedClock(t0, time.Millisecond)})
	for i := range n {
		if err := j.Decision(Header{ID: "c"}, Decision{Command: strings.Repeat("x", i*5)}); err != nil {
			t.Fatal(err)
		}
	}
	files := listFiles(t, dir)
	if len(files) < 5 {
		t.Fatalf("only %d files: %v", len(files), files)
	}
	if files[len(files)-1] != CurrentFile {
		t.Errorf("last file %s, want %s", files[len(files)-1], CurrentFile)
	}
	if files[0] != "journal-20261203T100000Z.jsonl" || files[1] != "journal-20261203T100000Z-2.jsonl" {
		t.Errorf("first rotated files %v", files[:2])
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > maxSize {
			t.Errorf("%s is %d bytes, over %d", f, fi.Size(), maxSize)
		}
		if f != CurrentFile && !rotatedName.MatchString(f) {
			t.Errorf("rotated file name %s", f)
		}
	}
	// -10 sorts before -2 by name; the chain order must not.
	es := checkChain(t, dir, n)
	// Each file's first line starts at line 1.
	for i := 1; i < len(es); i++ {
		if es[i].File != es[i-1].File && es[i].Line != 1 {
			t.Errorf("%s starts at line %d", es[i].File, es[i].Line)
		}
	}
	if len(files) <= 11 {
		t.Errorf("only %d files; the -10 suffix (which sorts before -2 by name) is not exercised", len(files))
	}
}

func TestRotateDaily(t *testing.T) {
	dir := t.TempDir()
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }
	times := []time.Time{day(3, 10, 0), day(3, 23, 59), day(4, 0, 1), day(4, 12, 0), day(6, 8, 30)}
	i := 0
	now := func() time.Time { t := times[i]; i++; return t }
	j := openT(t, dir, Options{Daily: true, Now: now})
	for range times {
		if err := j.Start(Header{ID: "c"}, Start{}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"journal-20261203T100000Z.jsonl", "journal-20261204T000100Z.jsonl", CurrentFile}
	if got := listFiles(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v, want %v", got, want)
	}
	es := checkChain(t, dir, len(times))
	for k, e := range es {
		if !e.TS.Equal(times[k]) {
			t.Errorf("line %d ts %v, want %v", k+1, e.TS, times[k])
		}
	}
	// A second process (a new Journal) keeps rotating on the same days.
	i = 0
	times = []time.Time{day(7, 1, 0)}
	j2 := openT(t, dir, Options{Daily: true, Now: now})
	if err := j2.Start(Header{}, Start{}); err != nil {
		t.Fatal(err)
	}
	if got := listFiles(t, dir); len(got) != 4 || got[2] != "journal-20261206T083000Z.jsonl" {
		t.Fatalf("files %v", got)
	}
	checkChain(t, dir, 6)
}

// TestRotateOtherProcess checks that a Journal whose journal.jsonl was
// rotated by another writer follows to the new file.
func TestRotateOtherProcess(t *testing.T) {
	dir := t.TempDir()
	small := openT(t, dir, Options{MaxSize: 600, NoSync: true})
	big := openT(t, dir, Options{MaxSize: -1, NoSync: true})
	for i := range 20 {
		j := small
		if i%2 == 1 {
			j = big
		}
		if err := j.Decision(Header{ID: "c"}, Decision{Command: "make"}); err != nil {
			t.Fatal(err)
		}
	}
	checkChain(t, dir, 20)
	if len(listFiles(t, dir)) < 3 {
		t.Errorf("files %v", listFiles(t, dir))
	}
}

func TestVerifyAcrossFiles(t *testing.T) {
	setup := func(t *testing.T) (string, []string) {
		dir := t.TempDir()
		j, err := Open(dir, Options{MaxSize: 1000, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		for range 12 {
			if err := j.Decision(Header{ID: "c"}, Decision{Command: "make all"}); err != nil {
				t.Fatal(err)
			}
		}
		files := listFiles(t, dir)
		if len(files) < 3 {
			t.Fatalf("files %v", files)
		}
		return dir, files
	}
	t.Run("intact", func(t *testing.T) {
		dir, _ := setup(t)
		checkChain(t, dir, 12)
	})
	t.Run("edited in a rotated file", func(t *testing.T) {
		dir, files := setup(t)
		path := filepath.Join(dir, files[1])
		raw, _ := os.ReadFile(path)
		raw = bytes.Replace(raw, []byte("make all"), []byte("make evil"), 1)
		os.WriteFile(path, raw, 0o600)
		brk, _ := Verify(dir)
		if brk == nil || brk.File != path || brk.Line != 1 || !strings.HasPrefix(brk.Reason, "edited") {
			t.Fatalf("Verify = %v, want edited at %s:1", brk, path)
		}
	})
	t.Run("rotated file removed", func(t *testing.T) {
		dir, files := setup(t)
		os.Remove(filepath.Join(dir, files[1]))
		brk, _ := Verify(dir)
		if brk == nil || brk.File != filepath.Join(dir, files[2]) || brk.Line != 1 || !strings.HasPrefix(brk.Reason, "removed") {
			t.Fatalf("Verify = %v, want removed at %s:1", brk, files[2])
		}
	})
	t.Run("oldest file removed", func(t *testing.T) {
		dir, files := setup(t)
		os.Remove(filepath.Join(dir, files[0]))
		brk, _ := Verify(dir)
		if brk == nil || brk.File != filepath.Join(dir, files[1]) || brk.Line != 1 {
			t.Fatalf("Verify = %v, want a break at %s:1", brk, files[1])
		}
	})
}
