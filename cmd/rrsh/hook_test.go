package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

// hookEnv runs rrsh hook claude in-process with its state in a temporary
// directory and the embedded default policy.
type hookEnv struct {
	t                 testing.TB
	dir, home, proj   string
	env               map[string]string
	stdout, stderr    strings.Builder
	session, permMode string
}

func newHookEnv(t testing.TB) *hookEnv {
	dir := t.TempDir()
	h := &hookEnv{t: t, dir: dir, home: filepath.Join(dir, "home"), proj: filepath.Join(dir, "project"),
		session: "7f3c9a1e-2b4d-4c8e-9f10-1a2b3c4d5e6f", permMode: "default"}
	h.env = map[string]string{
		"HOME":            h.home,
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"TMPDIR":          filepath.Join(dir, "tmp"),
	}
	for _, d := range []string{h.home, h.proj, h.env["TMPDIR"]} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// hook answers one tool call and returns the decoded answer ("" for none).
func (h *hookEnv) hook(tool string, input any) (decision, reason string) {
	h.t.Helper()
	in, err := json.Marshal(map[string]any{
		"session_id": h.session, "transcript_path": filepath.Join(h.home, ".claude", "projects", "p", h.session+".jsonl"),
		"cwd": h.proj, "permission_mode": h.permMode, "hook_event_name": "PreToolUse",
		"tool_name": tool, "tool_input": input, "tool_use_id": "toolu_01",
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.stdout.Reset()
	h.stderr.Reset()
	c := &cli{stdin: strings.NewReader(string(in)), stdout: &h.stdout, stderr: &h.stderr,
		getenv: func(k string) string { return h.env[k] }, now: time.Now, argv0: "rrsh"}
	if code := cmdHook(c, []string{"claude"}); code != 0 {
		h.t.Fatalf("rrsh hook claude: exit %d: %s", code, h.stderr.String())
	}
	if h.stdout.Len() == 0 {
		return "", ""
	}
	var out struct {
		HookSpecificOutput struct {
			HookEventName            string `json:"hookEventName"`
			PermissionDecision       string `json:"permissionDecision"`
			PermissionDecisionReason string `json:"permissionDecisionReason"`
		} `json:"hookSpecificOutput"`
	}
	if err := json.Unmarshal([]byte(h.stdout.String()), &out); err != nil {
		h.t.Fatalf("answer is not JSON: %v: %s", err, h.stdout.String())
	}
	if out.HookSpecificOutput.HookEventName != "PreToolUse" {
		h.t.Errorf("hookEventName = %q", out.HookSpecificOutput.HookEventName)
	}
	return out.HookSpecificOutput.PermissionDecision, out.HookSpecificOutput.PermissionDecisionReason
}

// hookLines returns the journal's hook lines.
func (h *hookEnv) hookLines() []journal.Entry {
	var out []journal.Entry
	for e, err := range journal.Read(filepath.Join(h.env["XDG_STATE_HOME"], "rrsh", "journal")) {
		if err != nil {
			h.t.Fatal(err)
		}
		if e.Type == journal.TypeHook {
			out = append(out, e)
		}
	}
	return out
}

// TestHookEditorRollback: the hook snapshots a file before Claude Code's
// Edit or Write tool changes it, under the id of its journal line, so that
// rollback restores the agent's editor writes like its shell writes.
func TestHookEditorRollback(t *testing.T) {
	h := newHookEnv(t)
	main := filepath.Join(h.proj, "main.go")
	created := filepath.Join(h.proj, "pkg", "new.go")
	if err := os.WriteFile(main, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	if d, r := h.hook("Edit", map[string]any{"file_path": main, "old_string": "package main", "new_string": "package app"}); d != "" {
		t.Fatalf("Edit: %s %s", d, r)
	}
	// Claude Code's Edit tool runs after the hook:
	if err := os.WriteFile(main, []byte("package app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, r := h.hook("Write", map[string]any{"file_path": created, "content": "package pkg\n"}); d != "" {
		t.Fatalf("Write: %s %s", d, r)
	}
	if err := os.MkdirAll(filepath.Dir(created), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(created, []byte("package pkg\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	lines := h.hookLines()
	if len(lines) != 2 {
		t.Fatalf("%d hook lines, want 2", len(lines))
	}
	s, err := snapshots.Open(filepath.Join(h.env["XDG_STATE_HOME"], "rrsh", "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, want := range []string{"Edit " + main, "Write " + created} {
		e := lines[i]
		if e.Session != h.session || e.Str("decision") != "allow" || e.Str("tool") != strings.Fields(want)[0] {
			t.Errorf("journal line %d: %s", i, e.Raw)
		}
		m, post, err := s.Load(e.ID)
		if err != nil {
			t.Fatalf("no snapshot under the journal id %s: %v", e.ID, err)
		}
		if m.Command != want || m.Session != h.session || post != nil {
			t.Errorf("manifest %s: command %q session %q post %v", e.ID, m.Command, m.Session, post)
		}
		ids = append(ids, e.ID)
	}

	rep, err := s.Rollback(ids, snapshots.RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(main); err != nil || string(b) != "package main\n" {
		t.Errorf("main.go after rollback: %q, %v", b, err)
	}
	if _, err := os.Stat(created); !os.IsNotExist(err) {
		t.Errorf("the created file is still there after rollback: %v", err)
	}
	if len(rep.NoPost) != 2 {
		t.Errorf("NoPost = %v: the hook never sees the edit end", rep.NoPost)
	}
}

// TestHookGrant: an approve-tier command gets one grant, in the store, for
// the session id the shell will compute from CLAUDE_CODE_SESSION_ID and for
// the text Claude Code's wrapper evals; no grant where Claude Code may not
// ask a human.
func TestHookGrant(t *testing.T) {
	tests := []struct {
		name, session, mode, command, evalText string
		granted                                bool
	}{
		{"default mode", "7f3c9a1e-2b4d-4c8e-9f10-1a2b3c4d5e6f", "default", "npm publish", "npm publish", true},
		{"acceptEdits, >nul rewritten as Claude Code does", "s-2", "acceptEdits", "npm publish >nul", "npm publish >/dev/null", true},
		{"a session id with spaces is cleaned as the shell cleans it", "  s 3\t", "plan", "npm publish", "npm publish", true},
		{"bypassPermissions: no grant", "s-4", "bypassPermissions", "npm publish", "npm publish", false},
		{"auto: no grant", "s-5", "auto", "npm publish", "npm publish", false},
		{"allowed: no grant", "s-6", "default", "npm test", "npm test", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHookEnv(t)
			h.session, h.permMode = tt.session, tt.mode
			d, r := h.hook("Bash", map[string]any{"command": tt.command, "description": "x"})
			if tt.command == "npm test" {
				if d != "" {
					t.Fatalf("allowed command answered %s %s", d, r)
				}
			} else if d != "ask" {
				t.Fatalf("answer %q %q, want ask", d, r)
			}
			shellSession, _ := store.SessionID(func(k string) string {
				if k == "CLAUDE_CODE_SESSION_ID" {
					return tt.session
				}
				return ""
			}, os.Getppid())
			dbPath := filepath.Join(h.env["XDG_STATE_HOME"], "rrsh", "rrsh.db")
			if _, err := os.Stat(dbPath); err != nil {
				if tt.granted {
					t.Fatalf("no store: %v", err)
				}
				return
			}
			st, err := store.Open(dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			ok, err := st.ConsumeGrant(ctx, shellSession, tt.evalText, time.Now())
			if err != nil || ok != tt.granted {
				t.Fatalf("ConsumeGrant(%q, %q) = %v, %v; want %v", shellSession, tt.evalText, ok, err, tt.granted)
			}
			if ok, _ := st.ConsumeGrant(ctx, shellSession, tt.evalText, time.Now()); ok {
				t.Error("the grant was usable twice")
			}
			if ok, _ := st.ConsumeGrant(ctx, shellSession, tt.evalText, time.Now().Add(grantTTL+time.Second)); ok {
				t.Error("a grant outlived its ttl")
			}
		})
	}
}

// TestHookSelfProtectionFloor: rrsh's own files are protected from editor
// writes even under a policy that protects nothing.
func TestHookSelfProtectionFloor(t *testing.T) {
	h := newHookEnv(t)
	if err := os.WriteFile(filepath.Join(h.proj, "railroad.yaml"), []byte("default: allow\nunknown: allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	self, err := selfPath()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		filepath.Join(h.env["XDG_STATE_HOME"], "rrsh", "journal", "x.jsonl"),
		filepath.Join(h.env["XDG_CONFIG_HOME"], "rrsh", "railroad.yaml"),
		filepath.Join(h.home, ".local", "share", "rrsh", "bin", "bash"),
		filepath.Join(h.home, ".claude", "settings.json"),
		filepath.Join(h.proj, ".claude", "settings.local.json"),
		self,
	} {
		if d, r := h.hook("Write", map[string]any{"file_path": p, "content": "x"}); d != "deny" || !strings.Contains(r, "rrsh-self (built in)") {
			t.Errorf("Write %s: %q %q", p, d, r)
		}
	}
	// What this policy does not protect is the policy's business.
	for _, p := range []string{filepath.Join(h.proj, "railroad.yaml"), filepath.Join(h.proj, ".claude", "commands", "x.md")} {
		if d, r := h.hook("Write", map[string]any{"file_path": p, "content": "x"}); d != "" {
			t.Errorf("Write %s: %q %q, want no opinion", p, d, r)
		}
	}
}

func TestResolvePath(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"dirlink":  real,                                 // a directory link
		"dangling": filepath.Join(dir, "gone", "x.json"), // a link to nothing yet
		"rel":      "real/sub/f",                         // relative
		"loop":     "loop",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]string{
		filepath.Join(dir, "dirlink", "sub", "new.txt"): filepath.Join(real, "sub", "new.txt"),
		filepath.Join(dir, "dangling"):                  filepath.Join(dir, "gone", "x.json"),
		filepath.Join(dir, "rel"):                       filepath.Join(real, "sub", "f"),
		filepath.Join(dir, "nope", "deeper", "f"):       filepath.Join(dir, "nope", "deeper", "f"),
		filepath.Join(dir, "loop"):                      filepath.Join(dir, "loop"),
	}
	for in, want := range tests {
		// t.TempDir may itself lie below a symlink (macOS /var).
		if w, err := filepath.EvalSymlinks(filepath.Dir(dir)); err == nil {
			want = strings.Replace(want, filepath.Dir(dir), w, 1)
		}
		if got := resolvePath(in); got != want {
			t.Errorf("resolvePath(%s) = %s, want %s", in, got, want)
		}
	}
}

// BenchmarkHook measures one hook answer in-process: reading the input,
// loading the policy, deciding, the journal line (synced) and, for Write,
// the snapshot; for the approve case, the grant in the store too.
func BenchmarkHook(b *testing.B) {
	for _, bc := range []struct {
		name, tool string
		input      map[string]any
	}{
		{"bash-allow", "Bash", map[string]any{"command": "go test ./... && git status"}},
		{"bash-block", "Bash", map[string]any{"command": "git push --force origin main"}},
		{"bash-ask-grant", "Bash", map[string]any{"command": "npm publish"}},
		{"edit-snapshot", "Edit", map[string]any{"file_path": "main.go", "old_string": "a", "new_string": "b"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := newHookEnv(b)
			if err := os.WriteFile(filepath.Join(h.proj, "main.go"), []byte("package main\n"), 0o644); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				h.hook(bc.tool, bc.input)
			}
		})
	}
}
