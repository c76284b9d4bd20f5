package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// sessionEnv are the variables that carry an agent's own session id, in
// the order SessionID tries them:
//   - CLAUDE_CODE_SESSION_ID: set by Claude Code (2.1.132 and later) in
//     the Bash tool's environment; the same id its hooks get as session_id.
//   - CODEX_THREAD_ID: set by the Codex CLI in every shell command it runs
//     (its session is called a thread).
//   - CODEX_SESSION_ID: an older name some Codex builds and wrappers use.
//   - GEMINI_SESSION_ID: set by Gemini CLI for its hooks.
//   - RRSH_SESSION: set by hand or by a wrapper.
var sessionEnv = []string{
	"CLAUDE_CODE_SESSION_ID",
	"CODEX_THREAD_ID",
	"CODEX_SESSION_ID",
	"GEMINI_SESSION_ID",
	"RRSH_SESSION",
}

// maxSessionID is the longest session id taken as given; a longer (or
// non-printable) one is replaced by a hash of it.
const maxSessionID = 128

// SessionID names the session a command belongs to, and says where the
// name came from (the variable, or "parent" when derived). It takes the
// first non-empty variable of CLAUDE_CODE_SESSION_ID, CODEX_THREAD_ID,
// CODEX_SESSION_ID, GEMINI_SESSION_ID and RRSH_SESSION. Without one it
// derives "p" + 12 hex characters from the parent process: its pid, its
// start time (/proc/<ppid>/stat field 22) and the boot id. Agent shells
// are short-lived, so the parent (the agent itself) is the stable thing:
// every command one agent process runs gets the same id, and a later
// process that reuses the pid gets another.
func SessionID(getenv func(string) string, ppid int) (id, source string) {
	for _, name := range sessionEnv {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return cleanSessionID(v), name
		}
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "rrsh-session\x00%d\x00%d\x00%s", ppid, pidStartTime(ppid), bootID()))
	return "p" + hex.EncodeToString(sum[:6]), "parent"
}

// cleanSessionID keeps an id that is short and printable ASCII, and
// hashes any other (so a hostile value cannot smuggle control characters
// into listings).
func cleanSessionID(v string) string {
	ok := len(v) <= maxSessionID
	for i := 0; ok && i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e {
			ok = false
		}
	}
	if ok {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	return "h" + hex.EncodeToString(sum[:6])
}

// Agent names the kind of client running the command, from its
// environment: "claude-code" (CLAUDECODE=1), "codex" (CODEX_SANDBOX,
// CODEX_SANDBOX_NETWORK_DISABLED, CODEX_THREAD_ID, CODEX_SESSION_ID,
// CODEX_HOME, CODEX_MANAGED_BY_NPM or CODEX_MANAGED_BY_BUN set),
// "gemini-cli" (GEMINI_CLI=1), "github-actions" (GITHUB_ACTIONS=true),
// "gitlab-ci" (GITLAB_CI set), "ci" (CI=true or 1), else "terminal".
// The first match in that order wins.
func Agent(getenv func(string) string) string {
	if getenv("CLAUDECODE") == "1" {
		return "claude-code"
	}
	for _, v := range []string{
		"CODEX_SANDBOX", "CODEX_SANDBOX_NETWORK_DISABLED", "CODEX_THREAD_ID",
		"CODEX_SESSION_ID", "CODEX_HOME", "CODEX_MANAGED_BY_NPM", "CODEX_MANAGED_BY_BUN",
	} {
		if getenv(v) != "" {
			return "codex"
		}
	}
	if getenv("GEMINI_CLI") == "1" {
		return "gemini-cli"
	}
	if getenv("GITHUB_ACTIONS") == "true" {
		return "github-actions"
	}
	if getenv("GITLAB_CI") != "" {
		return "gitlab-ci"
	}
	if ci := strings.ToLower(getenv("CI")); ci == "true" || ci == "1" {
		return "ci"
	}
	return "terminal"
}
