package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeN writes n decision lines and returns the journal's lines.
func writeN(t *testing.T, dir string, n int) [][]byte {
	t.Helper()
	j, err := Open(dir, Options{NoSync: true, Now: fixedClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := range n {
		if err := j.Decision(Header{Session: "s", ID: fmt.Sprint("c", i+1)}, Decision{Command: fmt.Sprint("echo ", i+1), Tier: "allow"}); err != nil {
			t.Fatal(err)
		}
	}
	return readLines(t, dir)
}

func readLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.SplitAfter(raw, []byte("\n"))[:bytes.Count(raw, []byte("\n"))]
}

func writeLines(t *testing.T, dir string, lines [][]byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, CurrentFile), bytes.Join(lines, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

// forge builds a line that claims the given seq and prev.
func forge(seq int64, prev string) []byte {
	return fmt.Appendf(nil, `{"v":1,"type":"decision","ts":"2026-12-03T10:00:00.000000000Z","session":"s","id":"forged","seq":%d,"prev":"%s","command":"rm -rf /","tier":"allow"}`+"\n", seq, prev)
}

func hashOf(line []byte) string { return lineHash(bytes.TrimSuffix(line, []byte("\n"))) }

func TestVerifyTamper(t *testing.T) {
	const n = 6
	for _, tc := range []struct {
		name     string
		tamper   func(lines [][]byte) [][]byte
		wantLine int
		reason   string
	}{
		{"intact", func(l [][]byte) [][]byte { return l }, 0, ""},
		{"edited middle value", func(l [][]byte) [][]byte {
			l[2] = bytes.Replace(l[2], []byte("echo 3"), []byte("echo X"), 1)
			return l
		}, 3, "edited"},
		{"edited middle seq", func(l [][]byte) [][]byte {
			l[2] = bytes.Replace(l[2], []byte(`"seq":3`), []byte(`"seq":9`), 1)
			return l
		}, 3, "edited"},
		{"edited middle prev", func(l [][]byte) [][]byte {
			i := bytes.Index(l[2], []byte(`"prev":"`)) + len(`"prev":"`)
			l[2][i] = "01"[btoi(l[2][i] == '0')]
			return l
		}, 3, "edited"},
		{"edited first", func(l [][]byte) [][]byte {
			l[0] = bytes.Replace(l[0], []byte("echo 1"), []byte("echo X"), 1)
			return l
		}, 1, "edited"},
		{"edited last value (head)", func(l [][]byte) [][]byte {
			l[n-1] = bytes.Replace(l[n-1], []byte("echo 6"), []byte("echo X"), 1)
			return l
		}, n, "edited"},
		{"removed middle", func(l [][]byte) [][]byte { return append(l[:2:2], l[3:]...) }, 3, "removed"},
		{"removed first", func(l [][]byte) [][]byte { return l[1:] }, 1, "removed"},
		{"removed last (head)", func(l [][]byte) [][]byte { return l[:n-1] }, n, "removed"},
		{"removed all (head)", func(l [][]byte) [][]byte { return nil }, 1, "removed"},
		{"inserted forged, chained", func(l [][]byte) [][]byte {
			// Claims seq 3 and links to line 2: the real line 3 then links
			// to line 2 too.
			return append(l[:2:2], append([][]byte{forge(3, hashOf(l[1]))}, l[2:]...)...)
		}, 3, "inserted"},
		{"inserted forged, unchained", func(l [][]byte) [][]byte {
			return append(l[:2:2], append([][]byte{forge(3, GenesisPrev)}, l[2:]...)...)
		}, 3, "inserted"},
		{"inserted duplicate", func(l [][]byte) [][]byte {
			return append(l[:3:3], append([][]byte{bytes.Clone(l[3])}, l[3:]...)...)
		}, 4, "inserted"},
		{"inserted at end", func(l [][]byte) [][]byte {
			return append(l, forge(n+1, GenesisPrev))
		}, n + 1, "inserted"},
		{"truncated last line", func(l [][]byte) [][]byte {
			l[n-1] = l[n-1][:len(l[n-1])/2]
			return l
		}, n, "truncated"},
		{"newline removed from last line", func(l [][]byte) [][]byte {
			l[n-1] = bytes.TrimSuffix(l[n-1], []byte("\n"))
			return l
		}, n, "truncated"},
		{"bad JSON middle", func(l [][]byte) [][]byte {
			l[1] = []byte("not json\n")
			return l
		}, 2, "bad JSON"},
		{"blank line", func(l [][]byte) [][]byte {
			return append(l[:4:4], append([][]byte{[]byte("\n")}, l[4:]...)...)
		}, 5, "bad JSON"},
		{"swapped lines", func(l [][]byte) [][]byte {
			l[2], l[3] = l[3], l[2]
			return l
		}, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lines := writeN(t, dir, n)
			writeLines(t, dir, tc.tamper(lines))
			brk, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantLine == 0 {
				if brk != nil {
					t.Fatalf("Verify = %s, want intact", brk)
				}
				return
			}
			if brk == nil {
				t.Fatalf("Verify = intact, want a break at line %d", tc.wantLine)
			}
			if brk.Line != tc.wantLine || !strings.HasPrefix(brk.Reason, tc.reason) {
				t.Errorf("Verify = %s; want line %d, reason %q…", brk, tc.wantLine, tc.reason)
			}
			t.Logf("%s", brk)
			if brk.File != filepath.Join(dir, CurrentFile) {
				t.Errorf("Break.File = %s", brk.File)
			}
		})
	}
}

// TestVerifyEveryByte changes each byte of a middle line and of the last
// line in turn: Verify must report exactly that line every time.
func TestVerifyEveryByte(t *testing.T) {
	const n = 5
	dir := t.TempDir()
	orig := writeN(t, dir, n)
	for _, target := range []int{2, n - 1} {
		for i := 0; i < len(orig[target])-1; i++ { // not the newline itself
			lines := make([][]byte, n)
			for k := range orig {
				lines[k] = bytes.Clone(orig[k])
			}
			c := byte('x')
			if lines[target][i] == 'x' {
				c = 'y'
			}
			lines[target][i] = c
			writeLines(t, dir, lines)
			brk, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if brk == nil || brk.Line != target+1 {
				t.Fatalf("line %d byte %d (%q→%q): Verify = %v, want a break at line %d",
					target+1, i, orig[target][i], c, brk, target+1)
			}
		}
	}
}

func TestVerifyHead(t *testing.T) {
	t.Run("missing head", func(t *testing.T) {
		dir := t.TempDir()
		writeN(t, dir, 3)
		os.Remove(filepath.Join(dir, headFile))
		brk, _ := Verify(dir)
		if brk == nil || !strings.HasPrefix(brk.Reason, "head") {
			t.Fatalf("Verify = %v, want a head break", brk)
		}
	})
	t.Run("stale head is a crash, not a break", func(t *testing.T) {
		// A writer that died between its write and the head update leaves
		// the head one line behind.
		dir := t.TempDir()
		writeN(t, dir, 3)
		old, _ := os.ReadFile(filepath.Join(dir, headFile))
		j := openT(t, dir, Options{})
		if err := j.Decision(Header{}, Decision{Command: "x"}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, headFile), old, 0o600)
		mustVerify(t, dir)
	})
}

// TestRecovery checks what a writer does with a journal whose end does not
// match its head.
func TestRecovery(t *testing.T) {
	appendOne := func(t *testing.T, dir string) {
		t.Helper()
		j := openT(t, dir, Options{})
		if err := j.Decision(Header{ID: "after"}, Decision{Command: "after"}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("stale head: lines are adopted", func(t *testing.T) {
		dir := t.TempDir()
		writeN(t, dir, 2)
		old, _ := os.ReadFile(filepath.Join(dir, headFile))
		writeN(t, dir, 2) // lines 3 and 4
		os.WriteFile(filepath.Join(dir, headFile), old, 0o600)
		appendOne(t, dir)
		mustVerify(t, dir)
		es := readAll(t, dir)
		if len(es) != 5 || es[4].Seq != 5 {
			t.Fatalf("%d lines, last seq %d", len(es), es[len(es)-1].Seq)
		}
	})
	t.Run("torn append is removed", func(t *testing.T) {
		dir := t.TempDir()
		lines := writeN(t, dir, 3)
		f, _ := os.OpenFile(filepath.Join(dir, CurrentFile), os.O_WRONLY|os.O_APPEND, 0)
		f.Write(lines[0][:40])
		f.Close()
		if brk, _ := Verify(dir); brk == nil || brk.Line != 4 || !strings.HasPrefix(brk.Reason, "truncated") {
			t.Fatalf("Verify = %v, want truncated at line 4", brk)
		}
		appendOne(t, dir)
		mustVerify(t, dir)
		if es := readAll(t, dir); len(es) != 4 {
			t.Fatalf("%d lines, want 4", len(es))
		}
	})
	t.Run("head deleted: rebuilt from the tail", func(t *testing.T) {
		dir := t.TempDir()
		writeN(t, dir, 3)
		os.Remove(filepath.Join(dir, headFile))
		appendOne(t, dir)
		mustVerify(t, dir)
	})
	t.Run("head deleted right after a rotation", func(t *testing.T) {
		dir := t.TempDir()
		j := openT(t, dir, Options{MaxSize: 700, NoSync: true})
		for range 4 {
			if err := j.Decision(Header{ID: "c"}, Decision{Command: strings.Repeat("x", 300)}); err != nil {
				t.Fatal(err)
			}
		}
		// Leave journal.jsonl empty, as right after a rotation.
		os.Rename(filepath.Join(dir, CurrentFile), filepath.Join(dir, "journal-20991231T000000Z.jsonl"))
		os.Remove(filepath.Join(dir, headFile))
		appendOne(t, dir)
		mustVerify(t, dir)
		if es := readAll(t, dir); len(es) != 5 || es[4].Seq != 5 {
			t.Fatalf("%d lines", len(es))
		}
	})
	t.Run("removed last line stays visible", func(t *testing.T) {
		dir := t.TempDir()
		lines := writeN(t, dir, 4)
		writeLines(t, dir, lines[:3])
		appendOne(t, dir)
		brk, _ := Verify(dir)
		if brk == nil || brk.Line != 4 || !strings.HasPrefix(brk.Reason, "removed") {
			t.Fatalf("Verify = %v, want removed at line 4", brk)
		}
	})
	t.Run("edited middle line stays visible", func(t *testing.T) {
		dir := t.TempDir()
		lines := writeN(t, dir, 4)
		lines[1] = bytes.Replace(lines[1], []byte("echo 2"), []byte("echo XYZ"), 1)
		writeLines(t, dir, lines)
		appendOne(t, dir)
		brk, _ := Verify(dir)
		if brk == nil || brk.Line != 2 {
			t.Fatalf("Verify = %v, want a break at line 2", brk)
		}
	})
	t.Run("garbage fragment is kept and ended", func(t *testing.T) {
		dir := t.TempDir()
		lines := writeN(t, dir, 3)
		// Cut the middle of the last line away: the file shrank below the
		// head's size and ends in a fragment that is not a torn append.
		lines[2] = lines[2][:20]
		writeLines(t, dir, lines)
		appendOne(t, dir)
		es := 0
		for _, err := range Read(dir) {
			if err == nil {
				es++
			}
		}
		if es != 3 {
			t.Errorf("%d readable lines, want 3 (2 old + the new one)", es)
		}
		brk, _ := Verify(dir)
		if brk == nil || brk.Line != 3 {
			t.Fatalf("Verify = %v, want a break at line 3", brk)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
