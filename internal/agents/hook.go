package agents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// MaxHookInput is the largest hook input read. A Write tool call carries
// the whole file content, so this is generous; larger input is refused.
const MaxHookInput = 32 << 20

// PreToolUse is the JSON Claude Code writes on a PreToolUse hook's stdin
// (field names as in Claude Code 2.1.197's hook input builder). Fields it
// adds later are ignored.
type PreToolUse struct {
	SessionID      string          `json:"session_id"`
	TranscriptPath string          `json:"transcript_path"`
	Cwd            string          `json:"cwd"`
	PermissionMode string          `json:"permission_mode"`
	HookEventName  string          `json:"hook_event_name"`
	ToolName       string          `json:"tool_name"`
	ToolInput      json.RawMessage `json:"tool_input"`
	ToolUseID      string          `json:"tool_use_id"`
}

// ReadPreToolUse reads one PreToolUse input and checks what rrsh relies
// on: the event name, a session id, an absolute cwd, a tool name and an
// object as tool input.
func ReadPreToolUse(r io.Reader) (*PreToolUse, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxHookInput+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the hook input: %w", err)
	}
	if len(data) > MaxHookInput {
		return nil, fmt.Errorf("the hook input is larger than %d bytes", MaxHookInput)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("the hook input is empty (rrsh hook claude reads Claude Code's PreToolUse JSON on stdin)")
	}
	var in PreToolUse
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("the hook input is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the hook input has extra data after its JSON object")
	}
	switch {
	case in.HookEventName != "PreToolUse":
		return nil, fmt.Errorf("hook_event_name is %q, want PreToolUse: register rrsh's hook under PreToolUse only", in.HookEventName)
	case strings.TrimSpace(in.SessionID) == "":
		return nil, errors.New("session_id is missing")
	case in.Cwd == "" || !filepath.IsAbs(in.Cwd):
		return nil, fmt.Errorf("cwd %q is not an absolute path", in.Cwd)
	case in.ToolName == "":
		return nil, errors.New("tool_name is missing")
	}
	if t := bytes.TrimSpace(in.ToolInput); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("tool_input is missing or not an object")
	}
	in.Cwd = filepath.Clean(in.Cwd)
	return &in, nil
}

// CallKind says what a tool call does, as far as rrsh is concerned.
type CallKind int

// The kinds of tool call.
const (
	// OtherTool is any tool rrsh has no opinion on.
	OtherTool CallKind = iota
	// ShellCommand runs Call.Command with the shell (Bash).
	ShellCommand
	// FileWrite writes or edits the file Call.Path (Write, Edit,
	// MultiEdit, NotebookEdit).
	FileWrite
)

// Call is what one tool call would do.
type Call struct {
	Kind    CallKind
	Tool    string
	Command string // ShellCommand: tool_input.command
	Path    string // FileWrite: the absolute, clean target path
}

// Call decodes the tool input. A Bash call needs a non-empty command; a
// file tool needs its path (file_path, or notebook_path for NotebookEdit).
// A relative path is taken relative to cwd and "~/" to home, as Claude
// Code does.
func (p *PreToolUse) Call(home string) (Call, error) {
	c := Call{Tool: p.ToolName}
	switch p.ToolName {
	case "Bash":
		var in struct {
			Command *string `json:"command"`
		}
		if err := json.Unmarshal(p.ToolInput, &in); err != nil {
			return c, fmt.Errorf("tool_input of Bash: %w", err)
		}
		if in.Command == nil || strings.TrimSpace(*in.Command) == "" {
			return c, errors.New("tool_input.command of Bash is missing or empty")
		}
		c.Kind, c.Command = ShellCommand, *in.Command
	case "Write", "Edit", "MultiEdit", "NotebookEdit":
		key := "file_path"
		if p.ToolName == "NotebookEdit" {
			key = "notebook_path"
		}
		var in map[string]json.RawMessage
		if err := json.Unmarshal(p.ToolInput, &in); err != nil {
			return c, fmt.Errorf("tool_input of %s: %w", p.ToolName, err)
		}
		var path string
		if raw, ok := in[key]; !ok || json.Unmarshal(raw, &path) != nil || path == "" {
			return c, fmt.Errorf("tool_input.%s of %s is missing or not a string", key, p.ToolName)
		}
		if strings.ContainsRune(path, 0) {
			return c, fmt.Errorf("tool_input.%s of %s contains a NUL byte", key, p.ToolName)
		}
		switch {
		case path == "~" || strings.HasPrefix(path, "~/"):
			if home == "" || !filepath.IsAbs(home) {
				return c, fmt.Errorf("tool_input.%s %q starts with ~ and HOME is not set", key, path)
			}
			path = filepath.Join(home, strings.TrimPrefix(path[1:], "/"))
		case !filepath.IsAbs(path):
			path = filepath.Join(p.Cwd, path)
		}
		c.Kind, c.Path = FileWrite, filepath.Clean(path)
	}
	return c, nil
}

// Answer is a PreToolUse hook's reply. The zero Answer is "no opinion":
// nothing is printed and Claude Code's own permission rules decide.
type Answer struct {
	// Decision is "allow", "deny", "ask" or "" (no opinion).
	Decision string
	// Reason is shown to the model (deny) or to the user (ask).
	Reason string
}

// JSON is the hook's stdout for a: nothing for no opinion, else
// {"hookSpecificOutput": {"hookEventName": "PreToolUse",
// "permissionDecision": …, "permissionDecisionReason": …}} and a newline.
func (a Answer) JSON() []byte {
	if a.Decision == "" {
		return nil
	}
	type specific struct {
		HookEventName            string `json:"hookEventName"`
		PermissionDecision       string `json:"permissionDecision"`
		PermissionDecisionReason string `json:"permissionDecisionReason,omitempty"`
	}
	out, err := marshal(struct {
		HookSpecificOutput specific `json:"hookSpecificOutput"`
	}{specific{"PreToolUse", a.Decision, a.Reason}})
	if err != nil {
		// Only strings are encoded; this cannot fail.
		panic("rrsh bug: encoding a hook answer: " + err.Error())
	}
	return append(out, '\n')
}

// Deny is a deny answer with the reason.
func Deny(format string, args ...any) Answer {
	return Answer{Decision: "deny", Reason: fmt.Sprintf(format, args...)}
}

// PromptsOnAsk reports whether Claude Code, in this permission mode,
// shows its own dialog to a human when a hook answers "ask": in default,
// acceptEdits and plan. In bypassPermissions, dontAsk and auto (and an
// unknown or missing mode) it may not, so an "ask" there must not be
// taken as a human's yes.
func PromptsOnAsk(mode string) bool {
	switch mode {
	case "default", "acceptEdits", "plan":
		return true
	}
	return false
}

// EvalText is the command text Claude Code's per-command wrapper hands to
// eval for the Bash command cmd (Claude Code 2.1.197: "eval '<text>' <
// /dev/null"). Claude Code rewrites a Windows-style redirection to nul
// (">nul", "2>NUL", "&>nul") into /dev/null first, unless the command
// contains "<", "$" or "`". The shell's grant lookup matches this text.
func EvalText(cmd string) string {
	if strings.ContainsAny(cmd, "<$`") {
		return cmd
	}
	var b strings.Builder
	i := 0
	for i < len(cmd) {
		// A redirection: an optional digit, an optional &, one or more >,
		// spaces or tabs, then nul in any case before a word end.
		j := i
		if j < len(cmd) && cmd[j] >= '0' && cmd[j] <= '9' {
			j++
		}
		if j < len(cmd) && cmd[j] == '&' {
			j++
		}
		k := j
		for k < len(cmd) && cmd[k] == '>' {
			k++
		}
		if k == j {
			b.WriteByte(cmd[i])
			i++
			continue
		}
		for k < len(cmd) && (cmd[k] == ' ' || cmd[k] == '\t') {
			k++
		}
		if k+3 <= len(cmd) && strings.EqualFold(cmd[k:k+3], "nul") && (k+3 == len(cmd) || strings.IndexByte(" \t\n\r\f\v|&;)", cmd[k+3]) >= 0) {
			b.WriteString(cmd[i:k])
			b.WriteString("/dev/null")
			i = k + 3
			continue
		}
		b.WriteString(cmd[i:k])
		i = k
	}
	return b.String()
}
