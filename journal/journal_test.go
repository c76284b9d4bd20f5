package journal

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// fixedClock returns a clock that starts at t and moves step per call.
func fixedClock(t time.Time, step time.Duration) func() time.Time {
	return func() time.Time {
		now := t
		t = t.Add(step)
		return now
	}
}

func openT(t *testing.T, dir string, opts Options) *Journal {
	t.Helper()
	j, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// readAll returns every entry, failing the test on any error.
func readAll(t *testing.T, dir string) []Entry {
	t.Helper()
	var out []Entry
	for e, err := range Read(dir) {
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func mustVerify(t *testing.T, dir string) {
	t.Helper()
	brk, err := Verify(dir)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if brk != nil {
		t.Fatalf("Verify: chain broken at %s", brk)
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// roundTrips is one full example of every event type, with the JSON each
// field must read back as (encoding/json types).
var roundTrips = []struct {
	typ    string
	write  func(j *Journal, h Header) error
	fields map[string]any
}{
	{
		typ: TypeDecision,
		write: func(j *Journal, h Header) error {
			return j.Decision(h, Decision{
				Command: "rm -rf build && make", Mode: "shell", Shell: "bash",
				Cwd: "/home/u/p", Root: "/home/u/p", Agent: "claude", Policy: "/home/u/p/railroad.yaml",
				Tier: "approve", Rule: "approve:rm -rf", Reason: "rm -rf needs approval", Part: "rm -rf build",
				Line: 1, Col: 1,
				Execs: []string{"rm -rf build", "make"}, Writes: []string{"build"}, Unknowns: []string{},
				Jail: "bwrap",
			})
		},
		fields: map[string]any{
			"command": "rm -rf build && make", "mode": "shell", "shell": "bash",
			"cwd": "/home/u/p", "root": "/home/u/p", "agent": "claude", "policy": "/home/u/p/railroad.yaml",
			"tier": "approve", "rule": "approve:rm -rf", "reason": "rm -rf needs approval", "part": "rm -rf build",
			"line": 1.0, "col": 1.0,
			"execs": []any{"rm -rf build", "make"}, "writes": []any{"build"}, "unknowns": []any{},
			"jail": "bwrap",
		},
	},
	{
		typ: TypeStart,
		write: func(j *Journal, h Header) error {
			return j.Start(h, Start{Jail: "bwrap(ro=/, rw=/home/u/p, net=off)", Pid: 4242, Argv: []string{"bash", "-c", "make"}})
		},
		fields: map[string]any{"jail": "bwrap(ro=/, rw=/home/u/p, net=off)", "pid": 4242.0, "argv": []any{"bash", "-c", "make"}},
	},
	{
		typ: TypeExit,
		write: func(j *Journal, h Header) error {
			return j.Exit(h, Exit{Status: 130, Signal: "SIGINT", DurationMS: 12.5, Snapshot: "m-1",
				Files: []FileChange{
					{Path: "build/a.o", PreExists: false, PostExists: true, PostSHA256: sha("x"), PostSize: 1},
					{Path: "Makefile", PreExists: true, PreSHA256: sha("y"), PreSize: 10, PostExists: false},
				}})
		},
		fields: map[string]any{"status": 130.0, "signal": "SIGINT", "duration_ms": 12.5, "snapshot": "m-1",
			"files": []any{
				map[string]any{"path": "build/a.o", "pre_exists": false, "pre_sha256": "", "pre_size": 0.0,
					"post_exists": true, "post_sha256": sha("x"), "post_size": 1.0},
				map[string]any{"path": "Makefile", "pre_exists": true, "pre_sha256": sha("y"), "pre_size": 10.0,
					"post_exists": false, "post_sha256": "", "post_size": 0.0},
			}},
	},
	{
		typ: TypeApproval,
		write: func(j *Journal, h Header) error {
			return j.Approval(h, Approval{Channel: "tty", Granted: true, By: "u", Scope: "command", Request: "r-7", Reason: "ok"})
		},
		fields: map[string]any{"channel": "tty", "granted": true, "by": "u", "scope": "command", "request": "r-7", "reason": "ok"},
	},
	{
		typ: TypeRollback,
		write: func(j *Journal, h Header) error {
			return j.Rollback(h, Rollback{Target: "c1", Restored: 2, Removed: 1, Skipped: 0, Files: []string{"a", "b", "c"}, Forced: true})
		},
		fields: map[string]any{"target": "c1", "restored": 2.0, "removed": 1.0, "skipped": 0.0, "files": []any{"a", "b", "c"}, "forced": true},
	},
	{
		typ: TypeHook,
		write: func(j *Journal, h Header) error {
			return j.Hook(h, Hook{Agent: "claude", Tool: "Bash", Decision: "deny", Reason: "blocked", Target: "rm -rf /"})
		},
		fields: map[string]any{"agent": "claude", "tool": "Bash", "decision": "deny", "reason": "blocked", "target": "rm -rf /"},
	},
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.FixedZone("X", 3600))
	j := openT(t, dir, Options{Now: fixedClock(t0, time.Second)})
	for i, rt := range roundTrips {
		if err := rt.write(j, Header{Session: "sess-1", ID: "cmd-" + rt.typ}); err != nil {
			t.Fatalf("%s: %v", rt.typ, err)
		}
		_ = i
	}
	got := readAll(t, dir)
	if len(got) != len(roundTrips) {
		t.Fatalf("read %d entries, want %d", len(got), len(roundTrips))
	}
	prev := GenesisPrev
	for i, rt := range roundTrips {
		e := got[i]
		t.Run(rt.typ, func(t *testing.T) {
			if e.Type != rt.typ || e.Seq != int64(i+1) || e.Session != "sess-1" || e.ID != "cmd-"+rt.typ {
				t.Errorf("header = %q seq %d %q %q", e.Type, e.Seq, e.Session, e.ID)
			}
			wantTS := t0.Add(time.Duration(i) * time.Second).UTC()
			if !e.TS.Equal(wantTS) || e.TS.Location() != time.UTC {
				t.Errorf("ts = %v, want %v in UTC", e.TS, wantTS)
			}
			if ts := e.Str("ts"); ts != wantTS.Format("2006-01-02T15:04:05.000000000Z") {
				t.Errorf("ts text = %q", ts)
			}
			if e.Prev != prev {
				t.Errorf("prev = %s, want %s", e.Prev, prev)
			}
			if e.Fields["v"] != 1.0 {
				t.Errorf("v = %v", e.Fields["v"])
			}
			if e.File != filepath.Join(dir, CurrentFile) || e.Line != i+1 {
				t.Errorf("at %s:%d", e.File, e.Line)
			}
			for k, want := range rt.fields {
				if !reflect.DeepEqual(e.Fields[k], want) {
					t.Errorf("%s = %#v, want %#v", k, e.Fields[k], want)
				}
			}
			common := []string{"v", "type", "ts", "session", "id", "seq", "prev"}
			if len(e.Fields) != len(rt.fields)+len(common) {
				t.Errorf("%d fields, want %d: %s", len(e.Fields), len(rt.fields)+len(common), e.Raw)
			}
			// The common fields come first, in the documented order.
			if !strings.HasPrefix(string(e.Raw), `{"v":1,"type":"`+rt.typ+`","ts":"`) {
				t.Errorf("line does not start with the common fields: %s", e.Raw)
			}
		})
		prev = lineHash(e.Raw)
	}
	mustVerify(t, dir)
}

// docFields parses the field tables of doc.go: for each event type (and
// "" for the common fields, "files" for the objects in exit's files), the
// fields every line has and the optional ones.
func docFields(t *testing.T) (always, optional map[string][]string) {
	t.Helper()
	f, err := os.Open("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	always, optional = map[string][]string{}, map[string][]string{}
	section := ""
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "// Fields of every line"):
			section, inTable = "", false
			continue
		case strings.HasPrefix(line, `// type "`):
			section = strings.Split(line, `"`)[1]
			inTable = false
			continue
		case strings.HasPrefix(line, "//\tfield "):
			inTable = true
			continue
		case !strings.HasPrefix(line, "//\t"):
			if line != "//" {
				inTable = false
			}
			continue
		}
		if !inTable {
			continue
		}
		body := strings.TrimPrefix(line, "//\t")
		sec := section
		if strings.HasPrefix(body, "  ") && !strings.HasPrefix(body, "   ") {
			sec = "files" // nested rows of exit's files
		} else if strings.HasPrefix(body, " ") {
			continue // continuation of a meaning
		}
		name := strings.Fields(body)[0]
		if strings.Contains(body, "(only when") {
			optional[sec] = append(optional[sec], name)
		} else {
			always[sec] = append(always[sec], name)
		}
	}
	if len(always) != 8 {
		t.Fatalf("doc.go: found tables for %d sections, want 8 (common, 6 types, files): %v", len(always), always)
	}
	return always, optional
}

// TestDocumentedFields checks that every line has exactly the fields doc.go
// documents for its type, and that each optional field documented can
// appear.
func TestDocumentedFields(t *testing.T) {
	always, optional := docFields(t)
	dir := t.TempDir()
	j := openT(t, dir, Options{})
	for _, rt := range roundTrips {
		if err := rt.write(j, Header{Session: "s", ID: "i"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range readAll(t, dir) {
		want := append(slices.Clone(always[""]), always[e.Type]...)
		var got []string
		for k := range e.Fields {
			got = append(got, k)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: fields %v, documented %v", e.Type, got, want)
		}
		if e.Type == TypeExit {
			files := e.Fields["files"].([]any)
			obj := files[0].(map[string]any)
			var keys []string
			for k := range obj {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantF := slices.Sorted(slices.Values(always["files"]))
			if !slices.Equal(keys, wantF) {
				t.Errorf("exit files object: fields %v, documented %v", keys, wantF)
			}
		}
	}
	// The documented optional field of exit appears when files are cut.
	if !slices.Equal(optional[TypeExit], []string{"files_omitted"}) {
		t.Errorf("optional exit fields documented: %v", optional[TypeExit])
	}
}

func TestRedact(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, tc := range []struct {
		name     string
		in       string
		max      int
		wantText string
		wantCut  bool
	}{
		{"empty", "", 10, "", false},
		{"short", "abc", 10, "abc", false},
		{"exact", "abcdefghij", 10, "abcdefghij", false},
		{"long", long, 256, long[:256], true},
		{"zero max", "abc", 0, "", true},
		{"negative max", "abc", -5, "", true},
		// "é" is 2 bytes, "€" is 3: never split a character.
		{"utf8 boundary 2", "aé", 2, "a", true},
		{"utf8 boundary 3", "ab€c", 4, "ab", true},
		{"utf8 whole", "ab€c", 5, "ab€", true},
		{"invalid utf8", "\xff\xfe\xfd\xfc\xfb", 2, "\xff\xfe", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, sum, cut := Redact(tc.in, tc.max)
			if text != tc.wantText || cut != tc.wantCut {
				t.Errorf("Redact(%q, %d) = %q, %v; want %q, %v", tc.in, tc.max, text, cut, tc.wantText, tc.wantCut)
			}
			wantSum := ""
			if tc.wantCut {
				wantSum = sha(tc.in)
			}
			if sum != wantSum {
				t.Errorf("sha = %q, want %q", sum, wantSum)
			}
		})
	}
}

// TestLimits checks that long values are cut and hashed in the line, and
// that the full values are not stored.
func TestLimits(t *testing.T) {
	dir := t.TempDir()
	j := openT(t, dir, Options{})
	secret := "SECRET-" + strings.Repeat("s", 5000)
	cmd := strings.Repeat("c", 3000) + secret
	longItem := strings.Repeat("x", 300)
	many := make([]string, MaxItems+7)
	for i := range many {
		many[i] = "e"
	}
	many[3] = longItem
	files := make([]FileChange, MaxFiles+3)
	for i := range files {
		files[i].Path = "f"
	}
	files[0].Path = strings.Repeat("p", 2000)
	if err := j.Decision(Header{Session: strings.Repeat("S", 300), ID: "i"}, Decision{Command: cmd, Execs: many, Reason: strings.Repeat("r", 2000)}); err != nil {
		t.Fatal(err)
	}
	if err := j.Exit(Header{}, Exit{Files: files}); err != nil {
		t.Fatal(err)
	}
	es := readAll(t, dir)
	d, x := es[0], es[1]
	if strings.Contains(string(d.Raw), "SECRET") {
		t.Error("the part of the command past the limit is in the journal")
	}
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"command", len(d.Str("command")), MaxCommand},
		{"command_len", d.Fields["command_len"], float64(len(cmd))},
		{"command_sha256", d.Fields["command_sha256"], sha(cmd)},
		{"reason", len(d.Str("reason")), MaxText},
		{"reason_sha256", d.Fields["reason_sha256"], sha(strings.Repeat("r", 2000))},
		{"session", len(d.Session), MaxShort},
		{"session_len", d.Fields["session_len"], 300.0},
		{"execs", len(d.Strs("execs")), MaxItems},
		{"execs[3]", d.Strs("execs")[3], longItem[:MaxItem]},
		{"execs_cut", d.Fields["execs_cut"], []any{map[string]any{"i": 3.0, "len": 300.0, "sha256": sha(longItem)}}},
		{"execs_omitted", d.Fields["execs_omitted"], 7.0},
		{"writes_cut absent", d.Fields["writes_cut"], nil},
		{"files", len(x.Fields["files"].([]any)), MaxFiles},
		{"files_omitted", x.Fields["files_omitted"], 3.0},
		{"files[0].path_len", x.Fields["files"].([]any)[0].(map[string]any)["path_len"], 2000.0},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	mustVerify(t, dir)
}

// TestStrings checks that control characters, quotes and invalid UTF-8 in
// any string keep the line one valid JSON line.
func TestStrings(t *testing.T) {
	dir := t.TempDir()
	j := openT(t, dir, Options{})
	nasty := "a\nb\r\"c\\\t\x00\x1b[31m\xff\u2028é"
	if err := j.Decision(Header{Session: nasty, ID: nasty}, Decision{Command: nasty, Execs: []string{nasty}}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), "\n"); n != 1 {
		t.Fatalf("%d newlines in the file, want 1", n)
	}
	e := readAll(t, dir)[0]
	want := strings.ToValidUTF8(nasty, "\uFFFD")
	if e.Str("command") != want || e.Session != want || e.Strs("execs")[0] != want {
		t.Errorf("command read back as %q, want %q", e.Str("command"), want)
	}
	mustVerify(t, dir)
}

func TestOpenErrors(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "journal"), Options{}); err == nil {
		t.Error("Open under a regular file: no error")
	}

	dir := filepath.Join(base, "j")
	j, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", fi.Mode().Perm())
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Decision(Header{}, Decision{}); !errors.Is(err, ErrClosed) {
		t.Errorf("append after Close: %v, want ErrClosed", err)
	}
}

func TestEmptyJournal(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), t.TempDir()} {
		if n := len(readAll(t, dir)); n != 0 {
			t.Errorf("%s: %d entries", dir, n)
		}
		mustVerify(t, dir)
	}
	// Opened but never written: still intact and empty.
	dir := t.TempDir()
	openT(t, dir, Options{})
	mustVerify(t, dir)
}

// TestTwoJournalsOneDir checks that two Journals on the same directory in
// one process share one chain (each append reads the head under the lock).
func TestTwoJournalsOneDir(t *testing.T) {
	dir := t.TempDir()
	a, b := openT(t, dir, Options{}), openT(t, dir, Options{})
	for i := range 10 {
		j := a
		if i%3 == 0 {
			j = b
		}
		if err := j.Start(Header{ID: "x"}, Start{Pid: i}); err != nil {
			t.Fatal(err)
		}
	}
	for i, e := range readAll(t, dir) {
		if e.Seq != int64(i+1) || e.Int("pid") != int64(i) {
			t.Errorf("line %d: seq %d pid %d", i+1, e.Seq, e.Int("pid"))
		}
	}
	mustVerify(t, dir)
}

// TestDecisionIsJSON checks each line against encoding/json's validator.
func TestDecisionIsJSON(t *testing.T) {
	dir := t.TempDir()
	j := openT(t, dir, Options{})
	for _, rt := range roundTrips {
		if err := rt.write(j, Header{Session: "s", ID: "i"}); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, CurrentFile))
	for i, l := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %d is not valid JSON: %s", i+1, l)
		}
	}
}

// TestLockFileReplaced checks that a writer whose lock file was removed
// locks the new one, so it still excludes writers that opened it.
func TestLockFileReplaced(t *testing.T) {
	dir := t.TempDir()
	a := openT(t, dir, Options{})
	if err := os.Remove(filepath.Join(dir, lockName)); err != nil {
		t.Fatal(err)
	}
	b := openT(t, dir, Options{}) // creates a new lock file
	if err := a.Start(Header{}, Start{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(Header{}, Start{}); err != nil {
		t.Fatal(err)
	}
	want, err := os.Stat(filepath.Join(dir, lockName))
	if err != nil {
		t.Fatal(err)
	}
	for name, j := range map[string]*Journal{"a": a, "b": b} {
		have, err := j.lock.Stat()
		if err != nil || !os.SameFile(want, have) {
			t.Errorf("journal %s holds a lock on another file", name)
		}
	}
	checkChain(t, dir, 2)
}

// TestEncoderDisabled checks that a program that turns zerolog off globally
// gets an error from the journal, not a silently empty journal.
func TestEncoderDisabled(t *testing.T) {
	dir := t.TempDir()
	j := openT(t, dir, Options{})
	old := zerolog.GlobalLevel()
	zerolog.SetGlobalLevel(zerolog.Disabled)
	err := j.Decision(Header{}, Decision{Command: "ls"})
	zerolog.SetGlobalLevel(old)
	if err == nil {
		t.Fatal("append with zerolog disabled: no error")
	}
	if n := len(readAll(t, dir)); n != 0 {
		t.Errorf("%d lines written", n)
	}
	if err := j.Decision(Header{}, Decision{Command: "ls"}); err != nil {
		t.Fatal(err)
	}
	checkChain(t, dir, 1)
}
