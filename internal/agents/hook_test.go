package agents

import (
	"encoding/json"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"

	"github.com/rrsh/rrsh/examples"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
)

// A PreToolUse input as Claude Code 2.1.197 writes it (the extra fields
// prompt_id, agent_type and effort are ones rrsh ignores).
const bashInput = `{"session_id":"7f3c9a1e-2b4d-4c8e-9f10-1a2b3c4d5e6f","transcript_path":"/home/u/.claude/projects/-home-u-p/7f3c9a1e.jsonl",
"cwd":"/home/u/p","prompt_id":"p1","permission_mode":"default","agent_type":"main","hook_event_name":"PreToolUse",
"tool_name":"Bash","tool_input":{"command":"npm publish","description":"Publish the package","timeout":120000},
"tool_use_id":"toolu_01ABCDEF"}`

func TestReadPreToolUse(t *testing.T) {
	in, err := ReadPreToolUse(strings.NewReader(bashInput))
	if err != nil {
		t.Fatal(err)
	}
	if in.SessionID != "7f3c9a1e-2b4d-4c8e-9f10-1a2b3c4d5e6f" || in.Cwd != "/home/u/p" || in.PermissionMode != "default" ||
		in.ToolName != "Bash" || in.ToolUseID != "toolu_01ABCDEF" || in.TranscriptPath == "" {
		t.Errorf("decoded %+v", in)
	}

	bad := []struct {
		name, in, err string
	}{
		{"empty", "", "empty"},
		{"not JSON", "{", "not valid JSON"},
		{"two objects", bashInput + bashInput, "extra data"},
		{"other event", strings.Replace(bashInput, `"PreToolUse"`, `"PostToolUse"`, 1), "want PreToolUse"},
		{"no session", strings.Replace(bashInput, `"7f3c9a1e-2b4d-4c8e-9f10-1a2b3c4d5e6f"`, `"  "`, 1), "session_id"},
		{"relative cwd", strings.Replace(bashInput, `"/home/u/p"`, `"p"`, 1), "cwd"},
		{"no tool", strings.Replace(bashInput, `"Bash"`, `""`, 1), "tool_name"},
		{"tool input not an object", strings.Replace(bashInput, `{"command":"npm publish","description":"Publish the package","timeout":120000}`, `"npm publish"`, 1), "tool_input"},
		{"too large", `{"x":"` + strings.Repeat("a", MaxHookInput) + `"}`, "larger than"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPreToolUse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want it to contain %q", err, tt.err)
			}
		})
	}
}

func TestCall(t *testing.T) {
	tests := []struct {
		tool, input string
		want        Call
		err         string
	}{
		{"Bash", `{"command":"ls -la","description":"List"}`, Call{Kind: ShellCommand, Tool: "Bash", Command: "ls -la"}, ""},
		{"Bash", `{"command":""}`, Call{}, "missing or empty"},
		{"Bash", `{"description":"no command"}`, Call{}, "missing or empty"},
		{"Bash", `{"command":7}`, Call{}, "tool_input of Bash"},
		{"Write", `{"file_path":"/home/u/p/a.go","content":"package a"}`, Call{Kind: FileWrite, Tool: "Write", Path: "/home/u/p/a.go"}, ""},
		{"Edit", `{"file_path":"src/../b.go","old_string":"a","new_string":"b"}`, Call{Kind: FileWrite, Tool: "Edit", Path: "/home/u/p/b.go"}, ""},
		{"MultiEdit", `{"file_path":"~/.bashrc","edits":[{"old_string":"a","new_string":"b"}]}`, Call{Kind: FileWrite, Tool: "MultiEdit", Path: "/home/u/.bashrc"}, ""},
		{"NotebookEdit", `{"notebook_path":"/home/u/p/n.ipynb","new_source":"x"}`, Call{Kind: FileWrite, Tool: "NotebookEdit", Path: "/home/u/p/n.ipynb"}, ""},
		{"NotebookEdit", `{"file_path":"/home/u/p/n.ipynb"}`, Call{}, "notebook_path"},
		{"Write", `{"content":"x"}`, Call{}, "file_path"},
		{"Write", `{"file_path":"/a\u0000b"}`, Call{}, "NUL"},
		{"Read", `{"file_path":"/etc/passwd"}`, Call{Kind: OtherTool, Tool: "Read"}, ""},
		{"mcp__github__create_issue", `{"title":"x"}`, Call{Kind: OtherTool, Tool: "mcp__github__create_issue"}, ""},
	}
	for _, tt := range tests {
		p := &PreToolUse{Cwd: "/home/u/p", ToolName: tt.tool, ToolInput: json.RawMessage(tt.input)}
		got, err := p.Call("/home/u")
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s %s: err = %v, want %q", tt.tool, tt.input, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s %s: got %+v, %v; want %+v", tt.tool, tt.input, got, err, tt.want)
		}
	}
}

func TestAnswerJSON(t *testing.T) {
	if out := (Answer{}).JSON(); out != nil {
		t.Errorf("no opinion printed %q", out)
	}
	got := string(Answer{Decision: "deny", Reason: "rm -rf <x> & more"}.JSON())
	want := `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"rm -rf <x> & more"}}` + "\n"
	if got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestPromptsOnAsk(t *testing.T) {
	for mode, want := range map[string]bool{
		"default": true, "acceptEdits": true, "plan": true,
		"bypassPermissions": false, "dontAsk": false, "auto": false, "": false, "somethingNew": false,
	} {
		if got := PromptsOnAsk(mode); got != want {
			t.Errorf("PromptsOnAsk(%q) = %v", mode, got)
		}
	}
}

func TestEvalText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"npm publish", "npm publish"},
		{"dir >nul", "dir >/dev/null"},
		{"cmd 2>NUL && x", "cmd 2>/dev/null && x"},
		{"cmd &> nul", "cmd &> /dev/null"},
		{"cmd >>Nul|wc", "cmd >>/dev/null|wc"},
		{"cmd 2>&1 >nul; y", "cmd 2>&1 >/dev/null; y"},
		{"echo >nullable", "echo >nullable"},
		{"echo nul", "echo nul"},
		{"cat < in >nul", "cat < in >nul"}, // "<": unchanged
		{"echo $x >nul", "echo $x >nul"},   // "$": unchanged
		{"echo `x` >nul", "echo `x` >nul"}, // "`": unchanged
		{"a >nul\nb 2>nul", "a >/dev/null\nb 2>/dev/null"},
		{"x 12>nul", "x 12>/dev/null"},
	}
	for _, tt := range tests {
		if got := EvalText(tt.in); got != tt.want {
			t.Errorf("EvalText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func defaultPolicy(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policy.Load("default.yaml", examples.Default)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var testEnv = policy.Env{Home: "/home/u", Cwd: "/home/u/p", Root: "/home/u/p"}

func TestBashAnswer(t *testing.T) {
	p := defaultPolicy(t)
	tests := []struct {
		cmd      string
		granted  bool
		decision string
		reason   []string // substrings, in order
	}{
		{"ls -la && go test ./...", true, "", nil},
		{"npm publish", true, "ask", []string{"publish: `npm publish` at 1:1 ", "[rrsh: approve to let it run once]"}},
		{"npm publish", false, "ask", []string{"publish: ", "rrsh approve ID"}},
		{"npm test && git push --force origin main", true, "deny", []string{"rrsh blocked this command, nothing of it ran: force-push-shared: `git push --force origin main` at 1:13", "(policy: default.yaml;"}},
		{"echo 'unclosed", true, "deny", []string{"parse-error: "}},
	}
	for _, tt := range tests {
		dec, _ := p.Check(tt.cmd, parse.Options{Dir: testEnv.Cwd}, testEnv)
		a := BashAnswer(dec, tt.granted, "default.yaml")
		if a.Decision != tt.decision {
			t.Errorf("%q: decision %q (%s), want %q", tt.cmd, a.Decision, a.Reason, tt.decision)
			continue
		}
		rest := a.Reason
		for _, sub := range tt.reason {
			i := strings.Index(rest, sub)
			if i < 0 {
				t.Errorf("%q: reason %q lacks %q", tt.cmd, a.Reason, sub)
				break
			}
			rest = rest[i+len(sub):]
		}
	}
	// The approve reason starts with the rule and the matched part.
	dec, _ := p.Check("npm publish --tag next", parse.Options{}, testEnv)
	if a := BashAnswer(dec, true, "x"); !strings.HasPrefix(a.Reason, "publish: `npm publish --tag next` at 1:1") {
		t.Errorf("reason %q", a.Reason)
	}
}

// TestWriteProtection checks, through the same synthetic command the hook
// uses, that the default policy protects what the agent must not edit with
// its editor tools. The hook adds rrsh's own directories on top (tested in
// cmd/rrsh), so those are listed here only where the policy has them too.
func TestWriteProtection(t *testing.T) {
	p := defaultPolicy(t)
	tests := []struct {
		path string
		want policy.Tier
		rule string
	}{
		{"/home/u/.claude/settings.json", policy.Block, "agent-settings"},
		{"/home/u/.claude/settings.local.json", policy.Block, "agent-settings"},
		{"/home/u/p/.claude/settings.json", policy.Block, "agent-settings"},
		{"/home/u/p/.claude/settings.local.json", policy.Block, "agent-settings"},
		{"/home/u/.claude.json", policy.Block, "agent-settings"},
		{"/home/u/p/.mcp.json", policy.Block, "agent-settings"},
		{"/home/u/p/railroad.yaml", policy.Block, "rrsh-self"},
		{"/home/u/p/sub/.rrsh.yaml", policy.Block, "rrsh-self"},
		{"/home/u/.config/rrsh/railroad.yaml", policy.Block, "rrsh-self"},
		{"/home/u/.local/state/rrsh/journal/x.jsonl", policy.Block, "rrsh-self"},
		{"/home/u/.local/share/rrsh/bin/bash", policy.Block, "rrsh-self"},
		{"/home/u/.local/share/rrsh/shims/bash", policy.Block, "rrsh-self"},
		{"/home/u/.bashrc", policy.Block, "shell-startup"},
		{"/home/u/p/.git/hooks/pre-commit", policy.Block, "git-internals"},
		{"/home/u/p/.git/config", policy.Block, "git-internals"},
		{"/home/u/.ssh/authorized_keys", policy.Block, "credentials"},
		{"/home/u/p/main.go", policy.Allow, ""},
		{"/home/u/p/.claude/commands/review.md", policy.Allow, ""},
		{"/home/u/p/it's a file.txt", policy.Allow, ""},
	}
	for _, tt := range tests {
		q, err := syntax.Quote(tt.path, syntax.LangBash)
		if err != nil {
			t.Fatal(err)
		}
		dec, _ := p.Check(": > "+q, parse.Options{Dir: testEnv.Cwd}, testEnv)
		dec = WriteDecision(dec)
		if dec.Tier != tt.want || dec.Rule != tt.rule {
			t.Errorf("%s: %s (%s), want %s (%s)", tt.path, dec.Tier, dec.Rule, tt.want, tt.rule)
		}
		a := WriteAnswer(dec, "default", "default.yaml")
		switch tt.want {
		case policy.Block:
			if a.Decision != "deny" || !strings.Contains(a.Reason, tt.rule+": write of `"+tt.path+"`") {
				t.Errorf("%s: answer %+v", tt.path, a)
			}
		case policy.Allow:
			if a.Decision != "" {
				t.Errorf("%s: answer %+v, want no opinion", tt.path, a)
			}
		}
	}
}

func TestWriteDecision(t *testing.T) {
	// A policy whose default is approve must not make every editor write
	// ask: the synthetic ":" is not the agent's command.
	p, err := policy.Load("strict.yaml", []byte("default: approve\nprotect:\n  - name: secrets\n    tier: approve\n    paths: [\"/home/u/p/secrets/**\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := p.Check(": > /home/u/p/a.go", parse.Options{}, testEnv)
	if dec.Tier != policy.Approve {
		t.Fatalf("the synthetic command itself is %s; the test needs approve", dec.Tier)
	}
	if w := WriteDecision(dec); w.Tier != policy.Allow {
		t.Errorf("WriteDecision = %s (%s)", w.Tier, w.Rule)
	}
	dec, _ = p.Check(": > /home/u/p/secrets/k", parse.Options{}, testEnv)
	w := WriteDecision(dec)
	if w.Tier != policy.Approve || w.Rule != "secrets" {
		t.Fatalf("WriteDecision = %s (%s)", w.Tier, w.Rule)
	}
	if a := WriteAnswer(w, "acceptEdits", "strict.yaml"); a.Decision != "ask" || !strings.HasPrefix(a.Reason, "secrets: write of `/home/u/p/secrets/k`") {
		t.Errorf("acceptEdits: %+v", a)
	}
	if a := WriteAnswer(w, "bypassPermissions", "strict.yaml"); a.Decision != "deny" || !strings.Contains(a.Reason, "permission mode bypassPermissions") {
		t.Errorf("bypassPermissions: %+v", a)
	}
	// Failures never become allow.
	for _, rule := range []string{"parse-error", "internal-error", "limit"} {
		d := policy.Decision{Tier: policy.Block, Rule: rule, Deciding: -1, Reason: "blocked: x"}
		if WriteDecision(d).Tier != policy.Block {
			t.Errorf("%s became %s", rule, WriteDecision(d).Tier)
		}
	}
}
