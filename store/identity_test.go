package store

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestSessionIDFromEnvironment(t *testing.T) {
	long := strings.Repeat("x", maxSessionID+1)
	tests := []struct {
		name       string
		getenv     func(string) string
		wantID     string
		wantSource string
	}{
		{"claude code", env("CLAUDE_CODE_SESSION_ID", "8a718ed2-2856-435b-bd9a-63c5b8291b42", "RRSH_SESSION", "mine"),
			"8a718ed2-2856-435b-bd9a-63c5b8291b42", "CLAUDE_CODE_SESSION_ID"},
		{"codex thread", env("CODEX_THREAD_ID", "019d1afb-b2c7-72d3-b240-f3ee9d31b2c9", "GEMINI_SESSION_ID", "g"),
			"019d1afb-b2c7-72d3-b240-f3ee9d31b2c9", "CODEX_THREAD_ID"},
		{"codex session", env("CODEX_SESSION_ID", "c1", "GEMINI_SESSION_ID", "g"), "c1", "CODEX_SESSION_ID"},
		{"gemini", env("GEMINI_SESSION_ID", "g1", "RRSH_SESSION", "mine"), "g1", "GEMINI_SESSION_ID"},
		{"rrsh", env("RRSH_SESSION", " mine "), "mine", "RRSH_SESSION"},
		{"blank is unset", env("CLAUDE_CODE_SESSION_ID", "  ", "RRSH_SESSION", "mine"), "mine", "RRSH_SESSION"},
		{"control characters are hashed", env("RRSH_SESSION", "a\x1b[31mb"), "", "RRSH_SESSION"},
		{"too long is hashed", env("RRSH_SESSION", long), "", "RRSH_SESSION"},
	}
	hashed := regexp.MustCompile(`^h[0-9a-f]{12}$`)
	for _, tc := range tests {
		id, src := SessionID(tc.getenv, os.Getppid())
		if src != tc.wantSource {
			t.Errorf("%s: source %q, want %q", tc.name, src, tc.wantSource)
		}
		if tc.wantID == "" {
			if !hashed.MatchString(id) {
				t.Errorf("%s: id %q, want h + 12 hex", tc.name, id)
			}
			continue
		}
		if id != tc.wantID {
			t.Errorf("%s: id %q, want %q", tc.name, id, tc.wantID)
		}
	}
}

func TestSessionIDDerivedFromParent(t *testing.T) {
	none := env()
	a1, src := SessionID(none, os.Getppid())
	a2, _ := SessionID(none, os.Getppid())
	if src != "parent" || !regexp.MustCompile(`^p[0-9a-f]{12}$`).MatchString(a1) {
		t.Fatalf("derived id %q from %q; want p + 12 hex from parent", a1, src)
	}
	if a1 != a2 {
		t.Errorf("same parent, different ids: %q, %q", a1, a2)
	}
	if b, _ := SessionID(none, os.Getpid()); b == a1 {
		t.Errorf("different parents, same id %q", b)
	}
	// Two commands run by one parent process share the id; the id is
	// computed in each child from its own parent pid.
	id1 := strings.TrimSpace(runHelper(t, "sessionid"))
	id2 := strings.TrimSpace(runHelper(t, "sessionid"))
	if id1 == "" || id1 != id2 {
		t.Errorf("children of one parent: %q and %q; want the same non-empty id", id1, id2)
	}
	mine, _ := SessionID(none, os.Getpid())
	if id1 != mine {
		t.Errorf("child's derived id %q, want the one for this process as parent, %q", id1, mine)
	}
}

func init() {
	// sessionid: prints the session id derived from the parent process.
	roles["sessionid"] = func([]string) error {
		id, _ := SessionID(func(string) string { return "" }, os.Getppid())
		fmt.Println(id)
		return nil
	}
}

func TestAgent(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"CLAUDECODE", "1", "CI", "true"}, "claude-code"},
		{[]string{"CLAUDECODE", "0"}, "terminal"},
		{[]string{"CODEX_SANDBOX", "seatbelt"}, "codex"},
		{[]string{"CODEX_SANDBOX_NETWORK_DISABLED", "1"}, "codex"},
		{[]string{"CODEX_THREAD_ID", "019d"}, "codex"},
		{[]string{"CODEX_HOME", "/home/u/.codex"}, "codex"},
		{[]string{"CODEX_MANAGED_BY_NPM", "1"}, "codex"},
		{[]string{"GEMINI_CLI", "1", "GITHUB_ACTIONS", "true"}, "gemini-cli"},
		{[]string{"GITHUB_ACTIONS", "true", "CI", "true"}, "github-actions"},
		{[]string{"GITLAB_CI", "true", "CI", "true"}, "gitlab-ci"},
		{[]string{"CI", "true"}, "ci"},
		{[]string{"CI", "1"}, "ci"},
		{[]string{"CI", "false"}, "terminal"},
		{[]string{}, "terminal"},
	}
	for _, tc := range tests {
		if got := Agent(env(tc.env...)); got != tc.want {
			t.Errorf("Agent(%q) = %q, want %q", tc.env, got, tc.want)
		}
	}
}
