package agents

import (
	"errors"
	"path/filepath"
)

// ErrNoHome is returned when HOME is unset or not absolute.
var ErrNoHome = errors.New("HOME is not set to an absolute path")

// DataDir is ~/.local/share/rrsh: where the entry points live.
func DataDir(home string) (string, error) {
	if home == "" || !filepath.IsAbs(home) {
		return "", ErrNoHome
	}
	return filepath.Join(home, ".local", "share", "rrsh"), nil
}

// EntryPoint is ~/.local/share/rrsh/bin/bash, the bash-named link to rrsh
// that CLAUDE_CODE_SHELL (and a Codex login shell) points at.
func EntryPoint(home string) (string, error) {
	d, err := DataDir(home)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "bin", "bash"), nil
}

// ShimDir is ~/.local/share/rrsh/shims, a directory holding only a bash
// link to rrsh, to put first on PATH for agents that run "bash" by name.
func ShimDir(home string) (string, error) {
	d, err := DataDir(home)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "shims"), nil
}

// ClaudeUserSettings is ~/.claude/settings.json.
func ClaudeUserSettings(home string) (string, error) {
	if home == "" || !filepath.IsAbs(home) {
		return "", ErrNoHome
	}
	return filepath.Join(home, ".claude", "settings.json"), nil
}

// ClaudeProjectSettings is <root>/.claude/settings.json.
func ClaudeProjectSettings(root string) string {
	return filepath.Join(root, ".claude", "settings.json")
}
