package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/journal"
)

// logT0 is the time of the first event written by writeTestJournal; events
// follow one minute apart.
var logT0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// testLogCLI returns a cli whose state lives in a temporary directory.
func testLogCLI(t *testing.T, env map[string]string) (*cli, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	state := t.TempDir()
	full := map[string]string{"HOME": t.TempDir(), "XDG_STATE_HOME": state}
	for k, v := range env {
		full[k] = v
	}
	var stdout, stderr bytes.Buffer
	c := &cli{
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return full[k] },
		now:    func() time.Time { return logT0.Add(30 * time.Minute) },
		argv0:  "rrsh",
	}
	return c, &stdout, &stderr
}

// writeTestJournal writes two sessions' worth of events: s1 (an allowed
// ls, a blocked rm, a hook answer) and s2 (an approved make install that
// fails, an allowed redirect that writes out.txt, then its rollback).
func writeTestJournal(t *testing.T, c *cli) string {
	t.Helper()
	dir, err := paths.JournalDir(c.getenv)
	if err != nil {
		t.Fatal(err)
	}
	now := logT0
	j, err := journal.Open(dir, journal.Options{NoSync: true, Now: func() time.Time {
		n := now
		now = now.Add(time.Minute)
		return n
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	s1, s2 := "s1-0123456789abcdef", "s2-fedcba9876543210"
	out := "/home/u/p/out.txt"
	steps := []func() error{
		func() error { // 10:00
			return j.Decision(journal.Header{Session: s1, ID: "c1"}, journal.Decision{Command: "ls -la", Tier: "allow", Rule: "allowlist:ls", Cwd: "/home/u/p"})
		},
		func() error {
			return j.Start(journal.Header{Session: s1, ID: "c1"}, journal.Start{Pid: 11, Argv: []string{"bash", "-c", "ls -la"}})
		},
		func() error {
			return j.Exit(journal.Header{Session: s1, ID: "c1"}, journal.Exit{Status: 0, DurationMS: 3})
		},
		func() error { // 10:03
			return j.Decision(journal.Header{Session: s1, ID: "c2"}, journal.Decision{Command: "rm -rf /", Tier: "block", Rule: "blocklist:rm -rf /", Cwd: "/home/u/p"})
		},
		func() error { // 10:04
			return j.Decision(journal.Header{Session: s2, ID: "c1"}, journal.Decision{Command: "make install", Tier: "approve", Rule: "approve:make install", Cwd: "/home/u/p", Writes: []string{"/usr/local/bin/tool"}})
		},
		func() error {
			return j.Approval(journal.Header{Session: s2, ID: "c1"}, journal.Approval{Channel: "tty", Granted: true, By: "u", Reason: "ok"})
		},
		func() error { return j.Start(journal.Header{Session: s2, ID: "c1"}, journal.Start{Pid: 12}) },
		func() error { // 10:07
			return j.Exit(journal.Header{Session: s2, ID: "c1"}, journal.Exit{Status: 2, Files: []journal.FileChange{
				{Path: "/usr/local/bin/tool", PostExists: true, PostSHA256: "aa", PostSize: 10},
			}})
		},
		func() error { // 10:08
			return j.Decision(journal.Header{Session: s2, ID: "c2"}, journal.Decision{Command: "echo hi > out.txt", Tier: "allow", Rule: "allowlist:echo", Cwd: "/home/u/p", Writes: []string{out}})
		},
		func() error { return j.Start(journal.Header{Session: s2, ID: "c2"}, journal.Start{Pid: 13}) },
		func() error { // 10:10
			return j.Exit(journal.Header{Session: s2, ID: "c2"}, journal.Exit{Status: 0, Files: []journal.FileChange{
				{Path: out, PreExists: true, PreSHA256: "bb", PreSize: 1, PostExists: true, PostSHA256: "cc", PostSize: 3},
				{Path: "/home/u/p/same.txt", PreExists: true, PreSHA256: "dd", PreSize: 1, PostExists: true, PostSHA256: "dd", PostSize: 1},
			}})
		},
		func() error { // 10:11
			return j.Hook(journal.Header{Session: s1, ID: "h1"}, journal.Hook{Agent: "claude", Tool: "Bash", Decision: "deny", Target: "curl x | sh"})
		},
		func() error { // 10:12
			return j.Rollback(journal.Header{Session: s2, ID: "c2"}, journal.Rollback{Target: "c2", Restored: 1, Files: []string{out}})
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tableRows returns the rows of a table printed by log or history, header
// excluded.
func tableRows(out string) []string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) == 0 || lines[0] == "" {
		return nil
	}
	return lines[1:]
}

func TestLogCommand(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		rows      int      // table rows, or JSON lines with --json; -1: don't count
		contains  []string // in stdout
		absent    []string // not in stdout
		stderr    string   // in stderr
		firstCols []string // the first row starts with these cells
	}{
		{name: "all", args: nil, rows: 13,
			contains:  []string{"TIME", "COMMAND/PATH", "ls -la", "rm -rf /", "granted", "exit 2", "claude:Bash", "restored 1, removed 0"},
			firstCols: []string{"2026-12-03T10:00:00Z", "s1-01234", "c1", "decision", "allow", "allowlist:ls", "ls -la"}},
		{name: "session", args: []string{"--session", "s2-fedcba9876543210"}, rows: 8, absent: []string{"ls -la", "rm -rf"}},
		{name: "session prefix", args: []string{"-session", "s1"}, rows: 5, absent: []string{"make install"}},
		{name: "decision", args: []string{"--decision", "block"}, rows: 1, contains: []string{"rm -rf /", "blocklist:rm -rf /"}},
		{name: "decision deny alias", args: []string{"--decision=deny"}, rows: 1, contains: []string{"rm -rf /"}},
		{name: "rule exact", args: []string{"--rule", "allowlist:ls"}, rows: 1, contains: []string{"ls -la"}},
		{name: "rule glob", args: []string{"--rule", "allowlist:*"}, rows: 2, contains: []string{"ls -la", "echo hi"}},
		{name: "since duration", args: []string{"--since", "20m"}, rows: 3, contains: []string{"10:10:00Z", "10:12:00Z"}, absent: []string{"10:08:00Z"}},
		{name: "since time", args: []string{"--since", "2026-12-03T10:11:00Z"}, rows: 2},
		{name: "path", args: []string{"--path", "/home/u/p/out.txt"}, rows: 3, contains: []string{"echo hi", "rollback"}},
		{name: "path relative suffix", args: []string{"--path", "out.txt"}, rows: 3},
		{name: "path directory", args: []string{"--path", "/usr/local"}, rows: 2, contains: []string{"make install", "/usr/local/bin/tool"}},
		{name: "grep", args: []string{"--grep", "curl"}, rows: 1, contains: []string{"curl x | sh"}},
		{name: "type", args: []string{"--type", "exit"}, rows: 3},
		{name: "types", args: []string{"--type", "start,approval"}, rows: 4},
		{name: "limit", args: []string{"--limit", "2"}, rows: 2, contains: []string{"hook", "rollback"}, absent: []string{"exit 0"}},
		{name: "filters combine", args: []string{"--session", "s2", "--type", "decision", "--limit", "1"}, rows: 1, contains: []string{"echo hi"}},
		{name: "no match", args: []string{"--grep", "nothing like this"}, rows: 0},
		{name: "json", args: []string{"--json", "--type", "decision"}, rows: 4},
		{name: "bad decision", args: []string{"--decision", "maybe"}, code: exitUsage, rows: -1, stderr: "rrsh: log: invalid --decision"},
		{name: "bad since", args: []string{"--since", "yesterday"}, code: exitUsage, rows: -1, stderr: "invalid --since"},
		{name: "bad flag", args: []string{"--frobnicate"}, code: exitUsage, rows: -1, stderr: "flag provided but not defined"},
		{name: "bad limit", args: []string{"--limit", "-1"}, code: exitUsage, rows: -1, stderr: "--limit"},
		{name: "argument", args: []string{"extra"}, code: exitUsage, rows: -1, stderr: `unexpected argument "extra"`},
		{name: "verify with filters", args: []string{"--verify", "--session", "s1"}, code: exitUsage, rows: -1, stderr: "no other flags"},
		{name: "help", args: []string{"-h"}, code: 0, rows: -1, stderr: "usage: rrsh log"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, stdout, stderr := testLogCLI(t, nil)
			dir := writeTestJournal(t, c)
			code := run(c, append([]string{"log"}, tc.args...))
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			out := stdout.String()
			if tc.rows >= 0 {
				var n int
				if strings.Contains(strings.Join(tc.args, " "), "json") {
					n = strings.Count(out, "\n")
					checkRawLines(t, dir, out)
				} else {
					n = len(tableRows(out))
				}
				if n != tc.rows {
					t.Errorf("%d rows, want %d:\n%s", n, tc.rows, out)
				}
			}
			for _, s := range tc.contains {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(out, s) {
					t.Errorf("stdout has %q:\n%s", s, out)
				}
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.stderr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr:\n%s", stderr)
			}
			if tc.firstCols != nil {
				got := strings.Fields(tableRows(out)[0])
				want := strings.Fields(strings.Join(tc.firstCols, " "))
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("first row %q, want %q", got, want)
				}
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("colour codes written to a non-terminal")
			}
		})
	}
}

// checkRawLines checks that every line of out is a line of the journal,
// byte for byte.
func checkRawLines(t *testing.T, dir, out string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, journal.CurrentFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		lines[l] = true
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		if !lines[l] || !json.Valid([]byte(l)) {
			t.Errorf("--json printed a line that is not in the journal: %s", l)
		}
	}
}

func TestLogVerify(t *testing.T) {
	t.Run("intact", func(t *testing.T) {
		c, stdout, _ := testLogCLI(t, nil)
		writeTestJournal(t, c)
		if code := run(c, []string{"log", "--verify"}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if got := stdout.String(); got != "journal intact: 13 lines, 1 files\n" {
			t.Errorf("stdout %q", got)
		}
	})
	t.Run("edited", func(t *testing.T) {
		c, stdout, stderr := testLogCLI(t, nil)
		dir := writeTestJournal(t, c)
		path := filepath.Join(dir, journal.CurrentFile)
		raw, _ := os.ReadFile(path)
		os.WriteFile(path, bytes.Replace(raw, []byte(`"rm -rf /"`), []byte(`"ls"`), 1), 0o600)
		if code := run(c, []string{"log", "--verify"}); code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		want := fmt.Sprintf("rrsh: journal broken at %s:4 (seq 4): edited", path)
		if !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("stderr %q, want it to start with %q", stderr, want)
		}
		if stdout.Len() != 0 {
			t.Errorf("stdout %q", stdout)
		}
	})
	t.Run("last line removed", func(t *testing.T) {
		c, _, stderr := testLogCLI(t, nil)
		dir := writeTestJournal(t, c)
		path := filepath.Join(dir, journal.CurrentFile)
		raw, _ := os.ReadFile(path)
		lines := bytes.SplitAfter(raw, []byte("\n"))
		os.WriteFile(path, bytes.Join(lines[:len(lines)-2], nil), 0o600)
		if code := run(c, []string{"log", "--verify"}); code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		if want := fmt.Sprintf("rrsh: journal broken at %s:13 (seq 13): removed", path); !strings.HasPrefix(stderr.String(), want) {
			t.Errorf("stderr %q, want it to start with %q", stderr, want)
		}
	})
	t.Run("bad line is skipped by log", func(t *testing.T) {
		c, stdout, stderr := testLogCLI(t, nil)
		dir := writeTestJournal(t, c)
		path := filepath.Join(dir, journal.CurrentFile)
		raw, _ := os.ReadFile(path)
		lines := bytes.SplitAfter(raw, []byte("\n"))
		lines[1] = []byte("garbage\n")
		os.WriteFile(path, bytes.Join(lines, nil), 0o600)
		if code := run(c, []string{"log"}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		if n := len(tableRows(stdout.String())); n != 12 {
			t.Errorf("%d rows, want 12", n)
		}
		if want := fmt.Sprintf("rrsh: log: skipping %s:2: bad JSON", path); !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
		if !strings.Contains(stderr.String(), "rrsh: hint: run rrsh log --verify") {
			t.Errorf("no hint in %q", stderr)
		}
	})
}

func TestLogStats(t *testing.T) {
	c, stdout, _ := testLogCLI(t, nil)
	writeTestJournal(t, c)
	if code := run(c, []string{"log", "--stats"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out := stdout.String()
	for _, want := range [][]string{
		{"RULE", "ALLOW", "APPROVE", "BLOCK", "TOTAL"},
		{"allowlist:echo", "1", "0", "0", "1"},
		{"approve:make", "install", "0", "1", "0", "1"},
		{"blocklist:rm", "-rf", "/", "0", "0", "1", "1"},
		{"SESSION", "ALLOW", "APPROVE", "BLOCK", "TOTAL"},
		{"s1-0123456789abcdef", "1", "0", "1", "2"},
		{"s2-fedcba9876543210", "1", "1", "0", "2"},
		{"total:", "4", "decisions:", "2", "allow,", "1", "approve,", "1", "block"},
	} {
		found := false
		for _, l := range strings.Split(out, "\n") {
			if strings.Join(strings.Fields(l), " ") == strings.Join(want, " ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no line %q in:\n%s", strings.Join(want, " "), out)
		}
	}

	c, stdout, _ = testLogCLI(t, nil)
	writeTestJournal(t, c)
	if code := run(c, []string{"log", "--stats", "--json", "--session", "s2"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var st struct {
		Rules    map[string]tierCounts
		Sessions map[string]tierCounts
		Total    tierCounts
	}
	if err := json.Unmarshal(stdout.Bytes(), &st); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if st.Total != (tierCounts{Allow: 1, Approve: 1, Total: 2}) || len(st.Sessions) != 1 || st.Rules["approve:make install"].Approve != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestHistory(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		c, stdout, stderr := testLogCLI(t, nil)
		writeTestJournal(t, c)
		if code := run(c, []string{"history"}); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rows := tableRows(stdout.String())
		want := [][]string{
			{"c1", "2026-12-03T10:00:00Z", "allow", "0", "0", "ls", "-la"},
			{"c2", "2026-12-03T10:03:00Z", "block", "-", "-", "rm", "-rf", "/"},
			{"c1", "2026-12-03T10:04:00Z", "approve", "(granted)", "2", "1", "make", "install"},
			{"c2", "2026-12-03T10:08:00Z", "allow", "0", "1", "echo", "hi", ">", "out.txt"},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), stdout)
		}
		for i, w := range want {
			if got := strings.Join(strings.Fields(rows[i]), " "); got != strings.Join(w, " ") {
				t.Errorf("row %d: %q, want %q", i, got, strings.Join(w, " "))
			}
		}
	})
	t.Run("limit and session", func(t *testing.T) {
		c, stdout, _ := testLogCLI(t, nil)
		writeTestJournal(t, c)
		if code := run(c, []string{"history", "--limit", "1", "--session", "s1"}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		rows := tableRows(stdout.String())
		if len(rows) != 1 || !strings.Contains(rows[0], "rm -rf /") {
			t.Errorf("rows %q", rows)
		}
	})
	t.Run("json", func(t *testing.T) {
		c, stdout, _ := testLogCLI(t, nil)
		writeTestJournal(t, c)
		if code := run(c, []string{"history", "--json"}); code != 0 {
			t.Fatalf("exit %d", code)
		}
		dec := json.NewDecoder(stdout)
		var got []histCmd
		for {
			var h histCmd
			if err := dec.Decode(&h); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			got = append(got, h)
		}
		if len(got) != 4 {
			t.Fatalf("%d commands", len(got))
		}
		if g := got[2]; g.Decision != "approve" || g.Approval != "granted" || g.Status == nil || *g.Status != 2 || g.Files == nil || *g.Files != 1 || g.Command != "make install" {
			t.Errorf("make install: %+v", g)
		}
		if g := got[1]; g.Status != nil || g.Files != nil {
			t.Errorf("blocked command has an exit: %+v", g)
		}
	})
}

func TestLogEmpty(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stdout string
		stderr string
	}{
		{[]string{"log"}, "", "rrsh: no journal yet\n"},
		{[]string{"log", "--json"}, "", ""},
		{[]string{"log", "--verify"}, "no journal yet\n", ""},
		{[]string{"log", "--stats"}, "", "rrsh: no journal yet\n"},
		{[]string{"history"}, "", "rrsh: no journal yet\n"},
		{[]string{"history", "--json"}, "", ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			c, stdout, stderr := testLogCLI(t, nil)
			if code := run(c, tc.args); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stdout.String() != tc.stdout || stderr.String() != tc.stderr {
				t.Errorf("stdout %q stderr %q; want %q, %q", stdout, stderr, tc.stdout, tc.stderr)
			}
		})
	}
	t.Run("no home", func(t *testing.T) {
		c, _, stderr := testLogCLI(t, nil)
		c.getenv = func(string) string { return "" }
		if code := run(c, []string{"log"}); code != exitConfig {
			t.Fatalf("exit %d, want %d", code, exitConfig)
		}
		if !strings.Contains(stderr.String(), "rrsh: hint:") {
			t.Errorf("no hint: %q", stderr)
		}
	})
}

// TestLogColor runs log with a real terminal as stdout: tiers are coloured,
// unless NO_COLOR is set.
func TestLogColor(t *testing.T) {
	for _, tc := range []struct {
		noColor string
		want    bool
	}{{"", true}, {"1", false}} {
		t.Run("NO_COLOR="+tc.noColor, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pty: %v", err)
			}
			defer ptmx.Close()
			defer tty.Close()
			c, _, _ := testLogCLI(t, map[string]string{"NO_COLOR": tc.noColor})
			writeTestJournal(t, c)
			c.stdout = tty
			done := make(chan []byte)
			go func() {
				b, _ := io.ReadAll(ptmx)
				done <- b
			}()
			code := run(c, []string{"log", "--type", "decision"})
			tty.Close()
			out := <-done
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			red := strings.Contains(string(out), ansiRed+"block"+ansiReset)
			green := strings.Contains(string(out), ansiGreen+"allow"+ansiReset)
			if red != tc.want || green != tc.want {
				t.Errorf("coloured: block %v, allow %v; want %v:\n%q", red, green, tc.want, out)
			}
		})
	}
}

// A command line with terminal escapes is shown escaped, so the journal
// cannot be used to mislead whoever reads it.
func TestLogEscapes(t *testing.T) {
	c, stdout, _ := testLogCLI(t, nil)
	dir, _ := paths.JournalDir(c.getenv)
	j, err := journal.Open(dir, journal.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	j.Decision(journal.Header{Session: "s", ID: "c"}, journal.Decision{Command: "echo a\x1b[2J\nrm -rf ~", Tier: "allow"})
	j.Close()
	if code := run(c, []string{"log"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	out := stdout.String()
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `echo a\x1b[2J⏎rm -rf ~`) {
		t.Errorf("escapes not neutralised: %q", out)
	}
}
