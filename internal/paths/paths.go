package paths

import (
	"errors"
	"os"
	"path/filepath"
)

// Getenv looks up an environment variable, like os.Getenv.
type Getenv func(string) string

// ErrNoHome is returned when neither the XDG variable nor HOME is set.
var ErrNoHome = errors.New("neither XDG_STATE_HOME/XDG_CONFIG_HOME nor HOME is set")

func xdg(getenv Getenv, name, fallback string) (string, error) {
	if d := getenv(name); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "rrsh"), nil
	}
	home := getenv("HOME")
	if home == "" || !filepath.IsAbs(home) {
		return "", ErrNoHome
	}
	return filepath.Join(home, fallback, "rrsh"), nil
}

// StateDir is $XDG_STATE_HOME/rrsh (default ~/.local/state/rrsh). RRSH_STATE_DIR overrides it.
func StateDir(getenv Getenv) (string, error) {
	if d := getenv("RRSH_STATE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	return xdg(getenv, "XDG_STATE_HOME", ".local/state")
}

// ConfigDir is $XDG_CONFIG_HOME/rrsh (default ~/.config/rrsh).
func ConfigDir(getenv Getenv) (string, error) {
	return xdg(getenv, "XDG_CONFIG_HOME", ".config")
}

func stateSub(getenv Getenv, sub string) (string, error) {
	d, err := StateDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, sub), nil
}

// JournalDir is where the audit journal lives.
func JournalDir(getenv Getenv) (string, error) { return stateSub(getenv, "journal") }

// SnapshotDir is where pre-images and manifests live.
func SnapshotDir(getenv Getenv) (string, error) { return stateSub(getenv, "snapshots") }

// StorePath is the SQLite database of sessions, approvals and recent writes.
func StorePath(getenv Getenv) (string, error) { return stateSub(getenv, "rrsh.db") }

// ProjectRoot returns the root of the git work tree containing dir (the
// nearest ancestor with a .git entry), or dir itself when there is none.
func ProjectRoot(dir string) string {
	dir = filepath.Clean(dir)
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}
