package agents

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var testSetup = ClaudeSetup{
	Shell: "/home/u/.local/share/rrsh/bin/bash",
	Hook:  "/usr/local/bin/rrsh hook claude",
}

// ours is the settings text InstallClaude writes into an empty file.
const ours = `{
  "env": {
    "CLAUDE_CODE_SHELL": "/home/u/.local/share/rrsh/bin/bash"
  },
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/rrsh hook claude"
          }
        ]
      }
    ]
  }
}
`

func TestInstallClaude(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // exact output; "" means: same as in
		changes []string
		err     string
	}{
		{name: "missing file", in: "", want: ours, changes: []string{
			"set env.CLAUDE_CODE_SHELL to /home/u/.local/share/rrsh/bin/bash",
			"added a PreToolUse hook: /usr/local/bin/rrsh hook claude on Bash|Write|Edit|MultiEdit|NotebookEdit"}},
		{name: "empty object", in: "{}", want: ours},
		{name: "already installed", in: ours, want: ours, changes: nil},
		{
			name: "keeps other keys, their order, escapes and hooks",
			in: `{"model":"opus","permissions":{"allow":["Bash(npm test:*)"],"deny":[]},
			      "env":{"FOO":"<a&b>","BAR":"1"},
			      "hooks":{"PostToolUse":[{"matcher":"Write","hooks":[{"type":"command","command":"fmt.sh"}]}],
			               "PreToolUse":[{"matcher":"Read","hooks":[{"type":"command","command":"audit.sh","timeout":5}]}]},
			      "statusLine":{"type":"command","command":"x"}}`,
			want: `{
  "model": "opus",
  "permissions": {
    "allow": [
      "Bash(npm test:*)"
    ],
    "deny": []
  },
  "env": {
    "FOO": "<a&b>",
    "BAR": "1",
    "CLAUDE_CODE_SHELL": "/home/u/.local/share/rrsh/bin/bash"
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Write",
        "hooks": [
          {
            "type": "command",
            "command": "fmt.sh"
          }
        ]
      }
    ],
    "PreToolUse": [
      {
        "matcher": "Read",
        "hooks": [
          {
            "type": "command",
            "command": "audit.sh",
            "timeout": 5
          }
        ]
      },
      {
        "matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
        "hooks": [
          {
            "type": "command",
            "command": "/usr/local/bin/rrsh hook claude"
          }
        ]
      }
    ]
  },
  "statusLine": {
    "type": "command",
    "command": "x"
  }
}
`,
		},
		{
			name: "replaces another shell and says so",
			in:   `{"env":{"CLAUDE_CODE_SHELL":"/bin/zsh"}}`,
			changes: []string{
				"set env.CLAUDE_CODE_SHELL to /home/u/.local/share/rrsh/bin/bash (it was /bin/zsh)",
				"added a PreToolUse hook: /usr/local/bin/rrsh hook claude on Bash|Write|Edit|MultiEdit|NotebookEdit"},
		},
		{
			name:    "moves an rrsh hook from an old path, keeps a user's hook in the same group",
			in:      `{"env":{"CLAUDE_CODE_SHELL":"/home/u/.local/share/rrsh/bin/bash"},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"'/opt/rrsh v1/rrsh' hook claude"},{"type":"command","command":"mine.sh"}]}]}}`,
			changes: []string{"replaced rrsh's PreToolUse hook: /usr/local/bin/rrsh hook claude on Bash|Write|Edit|MultiEdit|NotebookEdit"},
		},
		{name: "not JSON", in: `{"env": {`, err: "not a JSON object"},
		{name: "comments", in: "// settings\n{}", err: "not a JSON object"},
		{name: "an array", in: `[]`, err: "want a JSON object"},
		{name: "trailing data", in: `{} {}`, err: "extra data"},
		{name: "env is a string", in: `{"env":"x"}`, err: `"env"`},
		{name: "PreToolUse is an object", in: `{"hooks":{"PreToolUse":{}}}`, err: "want an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changes, err := InstallClaude([]byte(tt.in), testSetup)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(out) != tt.want {
				t.Errorf("output:\n%s\nwant:\n%s", out, tt.want)
			}
			if tt.changes != nil && !reflect.DeepEqual(changes, tt.changes) {
				t.Errorf("changes = %q, want %q", changes, tt.changes)
			}
			if tt.want == tt.in && len(changes) > 0 {
				t.Errorf("changes on an installed file: %q", changes)
			}
			assertInstalled(t, out)
			// A second install changes nothing, byte for byte.
			again, changes2, err := InstallClaude(out, testSetup)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) || len(changes2) != 0 {
				t.Errorf("second install changed %q:\n%s", changes2, again)
			}
		})
	}
}

// assertInstalled decodes settings and checks rrsh's two entries are there,
// exactly once.
func assertInstalled(t *testing.T, data []byte) {
	t.Helper()
	var s struct {
		Env   map[string]string `json:"env"`
		Hooks struct {
			PreToolUse []struct {
				Matcher string     `json:"matcher"`
				Hooks   []hookItem `json:"hooks"`
			} `json:"PreToolUse"`
		} `json:"hooks"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, data)
	}
	if s.Env[ShellEnv] != testSetup.Shell {
		t.Errorf("env.%s = %q", ShellEnv, s.Env[ShellEnv])
	}
	n := 0
	for _, g := range s.Hooks.PreToolUse {
		for _, h := range g.Hooks {
			if IsRRSHHook(h.Command, "") {
				n++
				if g.Matcher != HookMatcher || h.Type != "command" || h.Command != testSetup.Hook {
					t.Errorf("rrsh hook %+v in group %q", h, g.Matcher)
				}
			}
		}
	}
	if n != 1 {
		t.Errorf("%d rrsh hooks, want 1:\n%s", n, data)
	}
}

func TestUninstallClaude(t *testing.T) {
	user := `{
  "model": "opus",
  "env": {
    "FOO": "1"
  },
  "hooks": {
    "PreToolUse": [
      {
        "matcher": "Read",
        "hooks": [
          {
            "type": "command",
            "command": "audit.sh"
          }
        ]
      }
    ]
  }
}
`
	tests := []struct {
		name    string
		in      string
		want    string
		changes []string
	}{
		{name: "undoes an install into a missing file", in: "", want: "{}\n"},
		{name: "undoes an install into a user's file, byte for byte", in: user, want: user},
		{name: "undoes an install into an empty object", in: "{}", want: "{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			installed, _, err := InstallClaude([]byte(tt.in), testSetup)
			if err != nil {
				t.Fatal(err)
			}
			out, changes, err := UninstallClaude(installed, testSetup, "")
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("output:\n%s\nwant:\n%s", out, tt.want)
			}
			if len(changes) != 2 {
				t.Errorf("changes = %q, want the env key and the hook", changes)
			}
			// Uninstalling again changes nothing.
			again, changes, err := UninstallClaude(out, testSetup, "")
			if err != nil || string(again) != string(out) || changed(changes) {
				t.Errorf("second uninstall: %v %q\n%s", err, changes, again)
			}
		})
	}

	t.Run("leaves another shell and the user's hooks", func(t *testing.T) {
		in := `{"env":{"CLAUDE_CODE_SHELL":"/bin/zsh"},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"rrsh hook claude"},{"type":"command","command":"mine.sh hook claude"}]}]}}`
		out, changes, err := UninstallClaude([]byte(in), testSetup, "")
		if err != nil {
			t.Fatal(err)
		}
		want := `{"env":{"CLAUDE_CODE_SHELL":"/bin/zsh"},"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"mine.sh hook claude"}]}]}}`
		if compactJSON(t, out) != want {
			t.Errorf("output %s\nwant %s", compactJSON(t, out), want)
		}
		if !reflect.DeepEqual(changes, []string{
			"left env.CLAUDE_CODE_SHELL alone: it is /bin/zsh, not rrsh's entry point",
			"removed rrsh's PreToolUse hook (1)"}) {
			t.Errorf("changes = %q", changes)
		}
	})
	t.Run("an rrsh binary not named rrsh is recognised as self", func(t *testing.T) {
		in := `{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"/opt/x/guard hook claude"}]}]}}`
		out, _, err := UninstallClaude([]byte(in), testSetup, "/opt/x/guard")
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != "{}\n" {
			t.Errorf("output %s", out)
		}
	})
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	o, err := parseObject(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := o.compact()
	if err != nil {
		t.Fatal(err)
	}
	return string(c)
}

func TestHookCommand(t *testing.T) {
	tests := []struct {
		path, want string
	}{
		{"/usr/local/bin/rrsh", "/usr/local/bin/rrsh hook claude"},
		{"/home/a b/bin/rrsh", "'/home/a b/bin/rrsh' hook claude"},
		{"/home/it's/rrsh", `"/home/it's/rrsh" hook claude`},
		{"/home/$x/rrsh", `'/home/$x/rrsh' hook claude`},
	}
	for _, tt := range tests {
		got, err := HookCommand(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("HookCommand(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
		if !IsRRSHHook(got, "") {
			t.Errorf("IsRRSHHook(%q) = false", got)
		}
	}
	if _, err := HookCommand("/bad\x00path"); err == nil {
		t.Error("HookCommand accepted a NUL byte")
	}
}

func TestIsRRSHHook(t *testing.T) {
	tests := []struct {
		cmd  string
		self string
		want bool
	}{
		{"rrsh hook claude", "", true},
		{"/usr/bin/rrsh hook claude", "", true},
		{`"/usr/bin/rrsh" 'hook' claude`, "", true},
		{"/opt/rrsh-1.2/rrsh-linux-amd64 hook claude", "", true},
		{"/opt/guard hook claude", "/opt/guard", true},
		{"/opt/guard hook claude", "", false},
		{"rrsh hook claude --x", "", false},
		{"rrsh hook codex", "", false},
		{"$HOME/bin/rrsh hook claude", "", false},
		{"~/bin/rrsh hook claude", "", false},
		{"rrsh hook claude; rm -rf /", "", false},
		{"rrsh hook claude > /tmp/x", "", false},
		{"X=1 rrsh hook claude", "", false},
		{"audit.sh", "", false},
		{"rrsh hook 'claude", "", false},
	}
	for _, tt := range tests {
		if got := IsRRSHHook(tt.cmd, tt.self); got != tt.want {
			t.Errorf("IsRRSHHook(%q, %q) = %v, want %v", tt.cmd, tt.self, got, tt.want)
		}
	}
}

func TestPaths(t *testing.T) {
	e, err := EntryPoint("/home/u")
	if err != nil || e != "/home/u/.local/share/rrsh/bin/bash" {
		t.Errorf("EntryPoint = %q, %v", e, err)
	}
	s, err := ShimDir("/home/u")
	if err != nil || s != "/home/u/.local/share/rrsh/shims" {
		t.Errorf("ShimDir = %q, %v", s, err)
	}
	if u, err := ClaudeUserSettings("/home/u"); err != nil || u != "/home/u/.claude/settings.json" {
		t.Errorf("ClaudeUserSettings = %q, %v", u, err)
	}
	for _, home := range []string{"", "relative/home"} {
		if _, err := EntryPoint(home); err == nil {
			t.Errorf("EntryPoint(%q) succeeded", home)
		}
		if _, err := ShimDir(home); err == nil {
			t.Errorf("ShimDir(%q) succeeded", home)
		}
	}
}

// TestClaudeSettingsExample: examples/integrations/claude-settings.json is
// exactly what install writes (for rrsh in /usr/local/bin and HOME
// /home/you).
func TestClaudeSettingsExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "integrations", "claude-settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	entry, _ := EntryPoint("/home/you")
	hook, _ := HookCommand("/usr/local/bin/rrsh")
	out, changes, err := InstallClaude(nil, ClaudeSetup{Shell: entry, Hook: hook})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(b) || len(changes) != 2 {
		t.Errorf("install writes:\n%s\nthe example is:\n%s", out, b)
	}
}
