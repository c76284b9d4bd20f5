package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rrsh/rrsh/store"
)

// apprEnv is a cli whose state lives in a temporary directory.
type apprEnv struct {
	t              *testing.T
	env            map[string]string
	stdout, stderr strings.Builder
	now            time.Time
	dbPath         string
}

func newApprEnv(t *testing.T) *apprEnv {
	dir := t.TempDir()
	e := &apprEnv{t: t, now: time.Now(), env: map[string]string{
		"HOME":           filepath.Join(dir, "home"),
		"XDG_STATE_HOME": filepath.Join(dir, "state"),
		"USER":           "alice",
	}}
	e.dbPath = filepath.Join(dir, "state", "rrsh", "rrsh.db")
	return e
}

// run runs one subcommand and returns its exit status.
func (e *apprEnv) run(name string, args ...string) int {
	e.stdout.Reset()
	e.stderr.Reset()
	c := &cli{stdin: strings.NewReader(""), stdout: &e.stdout, stderr: &e.stderr,
		getenv: func(k string) string { return e.env[k] }, now: func() time.Time { return e.now }, argv0: "rrsh"}
	sc, ok := subcommands[name]
	if !ok {
		e.t.Fatalf("subcommand %q is not registered", name)
	}
	return sc.run(c, args)
}

func (e *apprEnv) store() *store.Store {
	st, err := store.Open(e.dbPath)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	return st
}

// request queues one request waited for by this (live) process.
func (e *apprEnv) request(session, command, rule string) string {
	id, err := e.store().Request(context.Background(), store.Request{Session: session, Agent: "claude-code",
		Command: command, Rule: rule, Reason: "needs approval", Cwd: "/p", Pid: os.Getpid()})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *apprEnv) wait(id string) store.Outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	o, err := e.store().Wait(ctx, id)
	if err != nil {
		e.t.Fatalf("Wait(%s): %v", id, err)
	}
	return o
}

func TestPendingCommand(t *testing.T) {
	e := newApprEnv(t)
	// No store yet: nothing is pending, and nothing is created.
	if code := e.run("pending"); code != 0 || !strings.Contains(e.stdout.String(), "no commands are waiting") {
		t.Fatalf("pending without a store: %d %q %q", code, e.stdout.String(), e.stderr.String())
	}
	if _, err := os.Stat(e.dbPath); err == nil {
		t.Error("rrsh pending created the store")
	}
	if code := e.run("pending", "--json"); code != 0 || strings.TrimSpace(e.stdout.String()) != "[]" {
		t.Fatalf("pending --json without a store: %d %q", code, e.stdout.String())
	}
	long := "npm publish " + strings.Repeat("--tag x ", 20) + "\x1b[2J"
	id := e.request("8a718ed2-2856-435b-bd9a-63c5b8291b42", long, "npm-publish")
	e.now = time.Now().Add(90 * time.Second)
	if code := e.run("pending"); code != 0 {
		t.Fatalf("pending: %d %s", code, e.stderr.String())
	}
	out := e.stdout.String()
	for _, want := range []string{"ID", "AGE", "SESSION", "AGENT", "RULE", "COMMAND", id, "1m", "8a718ed2-28…", "claude-code", "npm-publish", "npm publish --tag x"} {
		if !strings.Contains(out, want) {
			t.Errorf("pending output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, strings.Repeat("--tag x ", 20)) {
		t.Errorf("pending printed the command untruncated or with control characters:\n%q", out)
	}
	if !strings.Contains(e.stderr.String(), "rrsh: hint: rrsh approve ID") {
		t.Errorf("no hint: %q", e.stderr.String())
	}
	if code := e.run("pending", "--json"); code != 0 {
		t.Fatal(code)
	}
	var reqs []store.PendingRequest
	if err := json.Unmarshal([]byte(e.stdout.String()), &reqs); err != nil || len(reqs) != 1 || reqs[0].ID != id || reqs[0].Command != long {
		t.Errorf("pending --json: %v %+v", err, reqs)
	}
}

func TestApproveCommand(t *testing.T) {
	tests := []struct {
		name      string
		args      []string // after the id
		wantScope store.Scope
		wantFor   time.Duration
		wantOut   string
	}{
		{"once", nil, store.ScopeOnce, 0, "approved %s, once: docker push app"},
		{"for", []string{"--for", "10m"}, store.ScopeCommand, 10 * time.Minute, "approved %s: this exact command in session s1 for 10m: docker push app"},
		{"session", []string{"--session"}, store.ScopeRule, time.Hour, "approved %s: every command under rule docker-push in session s1 for 1h"},
		{"session for", []string{"--session", "--for=2h", "--by", "bob"}, store.ScopeRule, 2 * time.Hour, "for 2h"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newApprEnv(t)
			id := e.request("s1", "docker push app", "docker-push")
			// Flags may also come before the id.
			args := append([]string{id}, tc.args...)
			if tc.name == "session for" {
				args = append(tc.args, id)
			}
			if code := e.run("approve", args...); code != 0 {
				t.Fatalf("approve %q: %d %s", args, code, e.stderr.String())
			}
			want := tc.wantOut
			if strings.Contains(want, "%s") {
				want = strings.ReplaceAll(want, "%s", id)
			}
			if !strings.Contains(e.stdout.String(), want) {
				t.Errorf("approve output %q, want it to contain %q", e.stdout.String(), want)
			}
			o := e.wait(id)
			wantBy := "alice"
			if tc.name == "session for" {
				wantBy = "bob"
			}
			if !o.Granted || o.Scope != tc.wantScope || o.By != wantBy {
				t.Errorf("outcome %+v, want granted, scope %s, by %s", o, tc.wantScope, wantBy)
			}
			g, err := e.store().Standing(context.Background(), "s1", "docker push app", "docker-push", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantScope == store.ScopeOnce {
				if g != nil {
					t.Errorf("a once approval stands: %+v", g)
				}
				return
			}
			if g == nil || g.Scope != tc.wantScope || g.Expires.Sub(g.Approved) != tc.wantFor {
				t.Errorf("standing grant %+v, want scope %s for %s", g, tc.wantScope, tc.wantFor)
			}
		})
	}
}

func TestDenyCommand(t *testing.T) {
	e := newApprEnv(t)
	id := e.request("s1", "terraform apply", "terraform-apply")
	if code := e.run("deny", id, "--reason", "run the plan first"); code != 0 {
		t.Fatalf("deny: %d %s", code, e.stderr.String())
	}
	if got := e.stdout.String(); got != "denied "+id+": terraform apply\n" {
		t.Errorf("deny output %q", got)
	}
	if o := e.wait(id); o.Granted || o.Reason != "run the plan first" || o.By != "alice" {
		t.Errorf("outcome %+v", o)
	}
	// A second answer is refused and says why.
	if code := e.run("approve", id); code != exitUsage || !strings.Contains(e.stderr.String(), "was already denied") {
		t.Errorf("approve after deny: %d %q", code, e.stderr.String())
	}
}

func TestApproveErrors(t *testing.T) {
	e := newApprEnv(t)
	timedOut := e.request("s1", "npm publish", "npm-publish")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if o, err := e.store().Wait(ctx, timedOut); err != nil || !o.TimedOut {
		t.Fatalf("Wait: %+v %v", o, err)
	}
	noRule := e.request("s1", "something odd", "")
	tests := []struct {
		name     string
		sub      string
		args     []string
		code     int
		inStderr string
	}{
		{"no id", "approve", nil, exitUsage, "usage: rrsh approve ID"},
		{"two ids", "deny", []string{"abcd", "ef01"}, exitUsage, "usage: rrsh deny ID"},
		{"not an id", "approve", []string{"rm -rf"}, exitUsage, "is not an approval id"},
		{"unknown id", "approve", []string{"abcd"}, exitUsage, "no approval request abcd"},
		{"unknown flag", "approve", []string{"abcd", "--forever"}, exitUsage, "flag provided but not defined"},
		{"bad duration", "approve", []string{"abcd", "--for", "soon"}, exitUsage, "invalid value"},
		{"negative duration", "approve", []string{"abcd", "--for", "-5m"}, exitUsage, "positive duration"},
		{"zero duration", "approve", []string{"abcd", "--for", "0s"}, exitUsage, "positive duration"},
		{"timed out", "approve", []string{timedOut}, exitUsage, "approval " + timedOut + " timed out; its command did not run"},
		{"session without a rule", "approve", []string{noRule, "--session"}, exitUsage, "names no rule"},
		{"pending takes no arguments", "pending", []string{"x"}, exitUsage, "usage: rrsh pending"},
		{"sessions window", "sessions", []string{"--window", "0s"}, exitUsage, "usage: rrsh sessions"},
	}
	for _, tc := range tests {
		code := e.run(tc.sub, tc.args...)
		if code != tc.code || !strings.Contains(e.stderr.String(), tc.inStderr) {
			t.Errorf("%s: rrsh %s %q = %d, stderr %q; want %d and %q", tc.name, tc.sub, tc.args, code, e.stderr.String(), tc.code, tc.inStderr)
		}
	}
	// The request without a rule is still pending after the refusal.
	if p, _ := e.store().Pending(context.Background()); len(p) != 1 || p[0].ID != noRule {
		t.Errorf("pending: %+v", p)
	}
}

func TestApprovalsRefusedInsideTheJail(t *testing.T) {
	e := newApprEnv(t)
	id := e.request("s1", "npm publish", "npm-publish")
	e.env["RRSH_JAILED"] = "1"
	for _, args := range [][]string{{"approve", id}, {"approve", id, "--session"}, {"deny", id}, {"pending"}, {"sessions"}} {
		code := e.run(args[0], args[1:]...)
		if code != exitDenied || !strings.Contains(e.stderr.String(), "rrsh: cannot answer approvals from inside the jail") || e.stdout.Len() != 0 {
			t.Errorf("rrsh %q inside the jail: %d, stdout %q, stderr %q", args, code, e.stdout.String(), e.stderr.String())
		}
	}
	if p, _ := e.store().Pending(context.Background()); len(p) != 1 {
		t.Errorf("the request was answered from inside the jail: pending %+v", p)
	}
}

func TestApprovalsStoreUnwritable(t *testing.T) {
	e := newApprEnv(t)
	// The state directory's place is taken by a file: the store cannot be
	// created, whoever runs the test.
	if err := os.MkdirAll(e.env["XDG_STATE_HOME"], 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.env["XDG_STATE_HOME"], "rrsh"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"approve", "abcd"}, {"deny", "abcd"}} {
		code := e.run(args[0], args[1:]...)
		if code != exitState || !strings.Contains(e.stderr.String(), "rrsh: cannot open the approval store") ||
			!strings.Contains(e.stderr.String(), "rrsh: hint: the state directory") {
			t.Errorf("rrsh %q: %d %q", args, code, e.stderr.String())
		}
	}
	delete(e.env, "XDG_STATE_HOME")
	delete(e.env, "HOME")
	if code := e.run("pending"); code != exitState || !strings.Contains(e.stderr.String(), "hint: set HOME or XDG_STATE_HOME") {
		t.Errorf("pending without HOME: %d %q", code, e.stderr.String())
	}
}

func TestApprDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", time.Hour: "1h", 150 * time.Minute: "2h30m", 45 * time.Second: "45s",
		90 * time.Second: "1m30s", time.Hour + time.Second: "1h0m1s",
	} {
		if got := apprDur(d); got != want {
			t.Errorf("apprDur(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSessionsCommand(t *testing.T) {
	e := newApprEnv(t)
	if code := e.run("sessions"); code != 0 || !strings.Contains(e.stdout.String(), "no sessions ran a command in the last 10m") {
		t.Fatalf("sessions without a store: %d %q %q", code, e.stdout.String(), e.stderr.String())
	}
	st := e.store()
	ctx := context.Background()
	now := time.Now()
	for _, s := range []store.Session{
		{ID: "claude-1", Agent: "claude-code", Cwd: "/work/app", LastCommand: "go test ./...", LastSeen: now.Add(-2 * time.Minute)},
		{ID: "codex-1", Agent: "codex", Cwd: "/work/lib", LastCommand: "make", LastSeen: now.Add(-time.Hour)},
	} {
		if err := st.Touch(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordWrites(ctx, "claude-1", "c1", []string{"/work/app/main.go", "/work/app/go.sum"}, now.Add(-2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	e.now = now
	if code := e.run("sessions"); code != 0 {
		t.Fatalf("sessions: %d %s", code, e.stderr.String())
	}
	out := e.stdout.String()
	for _, want := range []string{"SESSION", "claude-1", "claude-code", "2m ago", "/work/app", "go test ./...", "/work/app/main.go"} {
		if !strings.Contains(out, want) {
			t.Errorf("sessions output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "codex-1") {
		t.Errorf("sessions lists a session idle for an hour:\n%s", out)
	}
	if code := e.run("sessions", "--window", "2h", "--json"); code != 0 {
		t.Fatal(code)
	}
	var list []store.SessionInfo
	if err := json.Unmarshal([]byte(e.stdout.String()), &list); err != nil || len(list) != 2 || list[0].ID != "claude-1" || list[1].ID != "codex-1" || len(list[0].RecentFiles) != 2 {
		t.Errorf("sessions --json: %v %+v", err, list)
	}
}
