package agents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// HookMatcher is the PreToolUse matcher rrsh's hook is registered with:
// the tools that run commands or write files.
const HookMatcher = "Bash|Write|Edit|MultiEdit|NotebookEdit"

// ShellEnv is the Claude Code setting that names the shell it runs.
const ShellEnv = "CLAUDE_CODE_SHELL"

// ClaudeSetup is what rrsh installs into a Claude Code settings file.
type ClaudeSetup struct {
	// Shell is the bash-named entry point, set as env.CLAUDE_CODE_SHELL.
	Shell string
	// Hook is the PreToolUse hook's command line (see [HookCommand]).
	Hook string
}

// HookCommand is the hook command line for the rrsh binary at path:
// "<path> hook claude", the path quoted for /bin/sh (Claude Code runs hook
// commands with a shell).
func HookCommand(path string) (string, error) {
	q, err := syntax.Quote(path, syntax.LangPOSIX)
	if err != nil {
		return "", fmt.Errorf("cannot quote %q for a shell: %w", path, err)
	}
	return q + " hook claude", nil
}

// IsRRSHHook reports whether a hook command line is rrsh's Claude Code
// hook: exactly three literal words, the first a program whose file name
// starts with "rrsh" (or is self, when given), then "hook" and "claude".
func IsRRSHHook(command, self string) bool {
	words, ok := literalWords(command)
	if !ok || len(words) != 3 || words[1] != "hook" || words[2] != "claude" {
		return false
	}
	return strings.HasPrefix(filepath.Base(words[0]), "rrsh") || (self != "" && words[0] == self)
}

// literalWords splits a one-command line into its words when every word is
// literal (quotes allowed; no expansions, redirections or assignments).
func literalWords(line string) ([]string, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(line), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil, false
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || len(st.Redirs) > 0 || len(call.Assigns) > 0 {
		return nil, false
	}
	var out []string
	for _, w := range call.Args {
		if !literalWord(w) {
			return nil, false
		}
		s, err := expand.Literal(&expand.Config{}, w)
		if err != nil {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func literalWord(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.HasPrefix(p.Value, "~") {
				return false
			}
		case *syntax.SglQuoted:
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if _, ok := q.(*syntax.Lit); !ok {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// hookItem is one entry of a matcher group's "hooks" array.
type hookItem struct {
	Type    string `json:"type"`
	Command string `json:"command"`
}

// InstallClaude returns settings with s installed, and one line per change
// (none when s was already installed exactly). Empty data is an empty
// object. Other keys, hooks and their order are kept.
func InstallClaude(data []byte, s ClaudeSetup) ([]byte, []string, error) {
	if s.Shell == "" || s.Hook == "" {
		return nil, nil, errors.New("install: the entry point and the hook command must be set")
	}
	top, err := parseSettings(data)
	if err != nil {
		return nil, nil, err
	}
	var changes []string

	env, _, err := top.getObject("env")
	if err != nil {
		return nil, nil, err
	}
	cur, isStr := env.getString(ShellEnv)
	if _, present := env.get(ShellEnv); !present || !isStr || cur != s.Shell {
		v, err := marshal(s.Shell)
		if err != nil {
			return nil, nil, err
		}
		env.set(ShellEnv, v)
		if present && isStr {
			changes = append(changes, fmt.Sprintf("set env.%s to %s (it was %s)", ShellEnv, s.Shell, cur))
		} else {
			changes = append(changes, fmt.Sprintf("set env.%s to %s", ShellEnv, s.Shell))
		}
		if err := setObject(top, "env", env); err != nil {
			return nil, nil, err
		}
	}

	hooks, _, err := top.getObject("hooks")
	if err != nil {
		return nil, nil, err
	}
	groups, _, err := hooks.getArray("PreToolUse")
	if err != nil {
		return nil, nil, fmt.Errorf("hooks: %w", err)
	}
	ok, err := installedExactly(groups, s.Hook)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		kept, removed, err := withoutRRSHHooks(groups, "")
		if err != nil {
			return nil, nil, err
		}
		group, err := marshal(map[string]any{"matcher": HookMatcher, "hooks": []hookItem{{Type: "command", Command: s.Hook}}})
		if err != nil {
			return nil, nil, err
		}
		// Keep "matcher" before "hooks", as Claude Code writes them.
		group, err = orderKeys(group, "matcher", "hooks")
		if err != nil {
			return nil, nil, err
		}
		groups = append(kept, group)
		if removed > 0 {
			changes = append(changes, fmt.Sprintf("replaced rrsh's PreToolUse hook: %s on %s", s.Hook, HookMatcher))
		} else {
			changes = append(changes, fmt.Sprintf("added a PreToolUse hook: %s on %s", s.Hook, HookMatcher))
		}
		arr, err := marshalArray(groups)
		if err != nil {
			return nil, nil, err
		}
		hooks.set("PreToolUse", arr)
		if err := setObject(top, "hooks", hooks); err != nil {
			return nil, nil, err
		}
	}
	if len(changes) == 0 {
		return data, nil, nil
	}
	out, err := top.indent()
	return out, changes, err
}

// UninstallClaude returns settings without what [InstallClaude] added:
// env.CLAUDE_CODE_SHELL only while it is s.Shell, and every rrsh hook (see
// [IsRRSHHook]; self is the running rrsh's path), then the env, PreToolUse
// and hooks containers when that left them empty.
func UninstallClaude(data []byte, s ClaudeSetup, self string) ([]byte, []string, error) {
	top, err := parseSettings(data)
	if err != nil {
		return nil, nil, err
	}
	var changes []string
	if env, present, err := top.getObject("env"); err != nil {
		return nil, nil, err
	} else if present {
		if cur, ok := env.getString(ShellEnv); ok && s.Shell != "" && filepath.Clean(cur) == filepath.Clean(s.Shell) {
			env.remove(ShellEnv)
			changes = append(changes, fmt.Sprintf("removed env.%s (%s)", ShellEnv, cur))
			if env.len() == 0 {
				top.remove("env")
			} else if err := setObject(top, "env", env); err != nil {
				return nil, nil, err
			}
		} else if ok {
			changes = append(changes, fmt.Sprintf("left env.%s alone: it is %s, not rrsh's entry point", ShellEnv, cur))
		}
	}
	hooks, present, err := top.getObject("hooks")
	if err != nil {
		return nil, nil, err
	}
	if present {
		groups, _, err := hooks.getArray("PreToolUse")
		if err != nil {
			return nil, nil, fmt.Errorf("hooks: %w", err)
		}
		kept, removed, err := withoutRRSHHooks(groups, self)
		if err != nil {
			return nil, nil, err
		}
		if removed > 0 {
			changes = append(changes, fmt.Sprintf("removed rrsh's PreToolUse hook (%d)", removed))
			if len(kept) == 0 {
				hooks.remove("PreToolUse")
			} else {
				arr, err := marshalArray(kept)
				if err != nil {
					return nil, nil, err
				}
				hooks.set("PreToolUse", arr)
			}
			if hooks.len() == 0 {
				top.remove("hooks")
			} else if err := setObject(top, "hooks", hooks); err != nil {
				return nil, nil, err
			}
		}
	}
	if !changed(changes) {
		return data, changes, nil
	}
	out, err := top.indent()
	return out, changes, err
}

// changed reports whether any change line is more than a note.
func changed(changes []string) bool {
	for _, c := range changes {
		if !strings.HasPrefix(c, "left ") {
			return true
		}
	}
	return false
}

func parseSettings(data []byte) (*object, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &object{}, nil
	}
	o, err := parseObject(data)
	if err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	return o, nil
}

func setObject(o *object, key string, sub *object) error {
	c, err := sub.compact()
	if err != nil {
		return err
	}
	o.set(key, c)
	return nil
}

// orderKeys re-encodes a flat JSON object with the given keys first.
func orderKeys(raw json.RawMessage, first ...string) (json.RawMessage, error) {
	o, err := parseObject(raw)
	if err != nil {
		return nil, err
	}
	out := &object{}
	for _, k := range first {
		if v, ok := o.get(k); ok {
			out.members = append(out.members, member{k, v})
			o.remove(k)
		}
	}
	out.members = append(out.members, o.members...)
	return out.compact()
}

// installedExactly reports whether groups hold exactly one rrsh hook, with
// the wanted command, of type command, in a group matching HookMatcher.
func installedExactly(groups []json.RawMessage, command string) (bool, error) {
	n, exact := 0, false
	for i, g := range groups {
		grp, err := parseObject(g)
		if err != nil {
			return false, fmt.Errorf("hooks.PreToolUse[%d]: %w", i, err)
		}
		items, _, err := grp.getArray("hooks")
		if err != nil {
			return false, fmt.Errorf("hooks.PreToolUse[%d]: %w", i, err)
		}
		matcher, _ := grp.getString("matcher")
		for _, it := range items {
			var h hookItem
			if json.Unmarshal(it, &h) != nil || !IsRRSHHook(h.Command, "") {
				continue
			}
			n++
			exact = h.Type == "command" && h.Command == command && matcher == HookMatcher
		}
	}
	return n == 1 && exact, nil
}

// withoutRRSHHooks removes rrsh's hook items from groups, and groups that
// held only those; other groups and items are kept as written.
func withoutRRSHHooks(groups []json.RawMessage, self string) ([]json.RawMessage, int, error) {
	var kept []json.RawMessage
	removed := 0
	for i, g := range groups {
		grp, err := parseObject(g)
		if err != nil {
			return nil, 0, fmt.Errorf("hooks.PreToolUse[%d]: %w", i, err)
		}
		items, present, err := grp.getArray("hooks")
		if err != nil {
			return nil, 0, fmt.Errorf("hooks.PreToolUse[%d]: %w", i, err)
		}
		var keep []json.RawMessage
		for _, it := range items {
			var h hookItem
			if json.Unmarshal(it, &h) == nil && IsRRSHHook(h.Command, self) {
				removed++
				continue
			}
			keep = append(keep, it)
		}
		switch {
		case len(keep) == len(items):
			kept = append(kept, g)
		case len(keep) == 0 && present:
			// The group held only rrsh's hook: drop it.
		default:
			arr, err := marshalArray(keep)
			if err != nil {
				return nil, 0, err
			}
			grp.set("hooks", arr)
			c, err := grp.compact()
			if err != nil {
				return nil, 0, err
			}
			kept = append(kept, c)
		}
	}
	return kept, removed, nil
}
