// Package agents holds what rrsh needs to sit in front of coding agents:
// the places of its bash-named entry point and shim directory, the editing
// of Claude Code's settings.json, and the JSON of Claude Code's PreToolUse
// hook with the mapping from a policy decision to the hook's answer.
//
// Everything here is pure or touches only the file it is given, so it can
// be tested without an agent. The subcommands that use it (rrsh install,
// rrsh uninstall, rrsh hook, rrsh shim-dir) live in cmd/rrsh.
//
// # Entry points
//
// Claude Code accepts a shell only when its path contains "bash" or "zsh"
// and the file is executable; Codex runs the login shell only when its
// file name is exactly bash, zsh or sh; Gemini CLI runs "bash" from PATH.
// So rrsh is installed under the name bash:
//
//	~/.local/share/rrsh/bin/bash     → rrsh   (CLAUDE_CODE_SHELL, chsh for Codex)
//	~/.local/share/rrsh/shims/bash   → rrsh   (first on PATH for Gemini CLI)
//
// Both are below ~/.local/share/rrsh, which rrsh's jail mounts read-only
// and the default policy protects (rule rrsh-self). They are fixed below
// HOME, not below XDG_DATA_HOME, so that the jail, the policy and the
// installer always agree on them.
//
// # Claude Code settings
//
// [InstallClaude] and [UninstallClaude] edit the text of a settings.json:
// they keep every other key, in its order, with its value as written, and
// print the file with two-space indentation. Install sets
// env.CLAUDE_CODE_SHELL to the entry point and adds one PreToolUse hook
// group:
//
//	{"matcher": "Bash|Write|Edit|MultiEdit|NotebookEdit",
//	 "hooks": [{"type": "command", "command": "/abs/rrsh hook claude"}]}
//
// Running it twice changes nothing the second time. Uninstall removes the
// env key only while it still names the entry point, and removes only
// rrsh's hook (a command that is "<…rrsh…> hook claude"), then any env,
// PreToolUse or hooks container left empty.
//
// # The PreToolUse hook
//
// [ReadPreToolUse] reads and checks the JSON Claude Code writes on a
// hook's stdin; [PreToolUse.Call] says what the tool call would do: run a
// shell command (Bash) or write a file (Write, Edit, MultiEdit,
// NotebookEdit). [BashAnswer] and [WriteAnswer] turn a policy decision into
// the hook's answer: block → deny, approve → ask, allow → no opinion (an
// empty answer, so Claude Code's own permission rules apply).
//
// A grant recorded for an "ask" is a promise that a human saw Claude
// Code's dialog. [PromptsOnAsk] says in which permission modes Claude Code
// shows it: default, acceptEdits and plan. In bypassPermissions, dontAsk
// and auto it may not (Claude Code 2.1.199 ran "ask" silently under
// bypassPermissions, anthropics/claude-code#77212; auto lets a classifier
// answer), so there the hook records no grant and rrsh's shell asks
// through its own approval queue.
//
// # Limitations
//
//   - Settings files are JSON as Claude Code writes them. A file with
//     comments or trailing commas is refused, not repaired. Duplicate keys
//     are kept; the last one is the one read and changed, as in
//     JavaScript's JSON.parse.
//   - The re-indented file differs from a hand-formatted one in white space
//     only; --dry-run shows the exact difference.
//   - [EvalText] reproduces Claude Code 2.1.197's rewriting of the command
//     before it is eval'd (">nul" → ">/dev/null"). Other versions may
//     rewrite differently; a grant for a text the shell never sees is
//     simply not used, and the shell asks again.
//   - A grant that the human then refuses in Claude Code's dialog stays
//     valid for its time to live for that exact command text in that
//     session; Claude Code does not tell hooks about the refusal.
package agents
