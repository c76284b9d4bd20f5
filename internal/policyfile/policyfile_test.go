package policyfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rrsh/rrsh/examples"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	const pol = "default: allow\n"
	tests := []struct {
		name   string
		files  []string // relative to the temp dir
		cwd    string   // relative
		env    map[string]string
		want   string // relative path, or "" for embedded
		source string
	}{
		{"embedded", nil, "a/b", nil, "", SourceEmbedded},
		{"in cwd", []string{"a/b/railroad.yaml"}, "a/b", nil, "a/b/railroad.yaml", SourceProject},
		{"dot name", []string{"a/b/.rrsh.yaml"}, "a/b", nil, "a/b/.rrsh.yaml", SourceProject},
		{"railroad wins in one dir", []string{"a/b/.rrsh.yaml", "a/b/railroad.yaml"}, "a/b", nil, "a/b/railroad.yaml", SourceProject},
		{"parent", []string{"a/railroad.yaml"}, "a/b/c", nil, "a/railroad.yaml", SourceProject},
		{"nearest wins", []string{"a/railroad.yaml", "a/b/.rrsh.yaml"}, "a/b/c", nil, "a/b/.rrsh.yaml", SourceProject},
		{"user xdg", []string{"cfg/rrsh/railroad.yaml"}, "a", map[string]string{"XDG_CONFIG_HOME": "@/cfg", "HOME": "@/home"}, "cfg/rrsh/railroad.yaml", SourceUser},
		{"user home", []string{"home/.config/rrsh/railroad.yaml"}, "a", map[string]string{"HOME": "@/home"}, "home/.config/rrsh/railroad.yaml", SourceUser},
		{"project beats user", []string{"a/railroad.yaml", "home/.config/rrsh/railroad.yaml"}, "a", map[string]string{"HOME": "@/home"}, "a/railroad.yaml", SourceProject},
		{"env beats all", []string{"a/railroad.yaml", "x.yaml"}, "a", map[string]string{"RRSH_POLICY": "@/x.yaml"}, "x.yaml", SourceEnv},
		{"env relative to cwd", []string{"a/p.yaml"}, "a", map[string]string{"RRSH_POLICY": "p.yaml"}, "a/p.yaml", SourceEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				write(t, filepath.Join(dir, f), pol)
			}
			cwd := filepath.Join(dir, tt.cwd)
			if err := os.MkdirAll(cwd, 0o755); err != nil {
				t.Fatal(err)
			}
			e := map[string]string{"HOME": filepath.Join(dir, "nohome")}
			for k, v := range tt.env {
				e[k] = strings.ReplaceAll(v, "@", dir)
			}
			if _, ok := tt.env["HOME"]; !ok && tt.env != nil {
				e["HOME"] = filepath.Join(dir, "nohome")
			}
			f, err := Find(cwd, env(e))
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(dir, tt.want)
			}
			if f.Path != want || f.Source != tt.source {
				t.Errorf("got %q (%s), want %q (%s)", f.Path, f.Source, want, tt.source)
			}
			if tt.want == "" && string(f.Data) != string(examples.Default) {
				t.Error("embedded data is not examples.Default")
			}
			if tt.want != "" && string(f.Data) != pol {
				t.Errorf("data %q", f.Data)
			}
		})
	}
}

// TestFindFailsClosed: a policy that is there but cannot be read is an
// error, never a fall back to a more permissive policy.
func TestFindFailsClosed(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"HOME": filepath.Join(dir, "home")})

	// A directory where the file should be.
	d1 := filepath.Join(dir, "d1")
	if err := os.MkdirAll(filepath.Join(d1, "railroad.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Find(d1, e); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: got %v", err)
	}
	// A dangling symbolic link.
	d2 := filepath.Join(dir, "d2")
	if err := os.MkdirAll(d2, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone.yaml"), filepath.Join(d2, ".rrsh.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, err := Find(d2, e); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("dangling link: got %v", err)
	}
	// A missing RRSH_POLICY.
	_, err := Find(dir, env(map[string]string{"RRSH_POLICY": filepath.Join(dir, "missing.yaml")}))
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "RRSH_POLICY: ") {
		t.Errorf("missing RRSH_POLICY: got %v", err)
	}
	// Too large.
	big := filepath.Join(dir, "big")
	write(t, filepath.Join(big, "railroad.yaml"), strings.Repeat("#\n", 1<<20))
	if _, err := Find(big, e); err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Errorf("big: got %v", err)
	}
	// No permission (root can read anything, so only as a user).
	if os.Geteuid() != 0 {
		np := filepath.Join(dir, "np")
		write(t, filepath.Join(np, "railroad.yaml"), "default: allow\n")
		if err := os.Chmod(filepath.Join(np, "railroad.yaml"), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := Find(np, e); err == nil || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("unreadable: got %v", err)
		}
	}
	// A relative working directory is refused.
	if _, err := Find("rel/dir", e); err == nil {
		t.Error("relative cwd accepted")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"HOME": filepath.Join(dir, "home")})
	p, f, err := Load(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	if f.Source != SourceEmbedded || p.Name() != "embedded default.yaml" || f.Name() != p.Name() {
		t.Errorf("embedded: %s %q", f.Source, p.Name())
	}
	bad := filepath.Join(dir, "railroad.yaml")
	write(t, bad, "default: allow\nblocklst: [x]\n")
	_, f, err = Load(dir, e)
	if err == nil || !strings.HasPrefix(err.Error(), bad+":2:1: ") {
		t.Errorf("bad policy: got %v", err)
	}
	if f.Path != bad {
		t.Errorf("file of a bad policy: %+v", f)
	}
	write(t, bad, "default: block\n")
	p, _, err = Load(dir, e)
	if err != nil || p.Name() != bad || p.DefaultTier().String() != "block" {
		t.Errorf("good policy: %v %v", p, err)
	}
}

// The examples of a policy file run once per content and binary: the
// marker is written in the state directory after they pass, and a later
// load of the same bytes skips them. A policy whose examples fail never
// gets a marker.
func TestLoadRecordsVerified(t *testing.T) {
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	write(t, filepath.Join(project, "railroad.yaml"), "blocklist: [\"rm -rf\"]\ntests:\n  block: [\"rm -rf x\"]\n")
	getenv := env(map[string]string{"HOME": dir, "XDG_STATE_HOME": filepath.Join(dir, "state")})
	if _, _, err := Load(project, getenv); err != nil {
		t.Fatal(err)
	}
	markers, _ := filepath.Glob(filepath.Join(dir, "state", "rrsh", "policy-verified", "*"))
	if len(markers) != 1 {
		t.Fatalf("markers after a passing load: %v", markers)
	}
	// Same bytes, marker present: the examples are not run again, so
	// TestResults runs them on demand and they still pass.
	p, _, err := Load(project, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if r := p.TestResults(); len(r) != 1 || !r[0].Pass {
		t.Fatalf("TestResults = %+v", r)
	}
	// Changed bytes with failing examples: no marker applies, Load fails.
	write(t, filepath.Join(project, "railroad.yaml"), "blocklist: [\"rm -rf\"]\ntests:\n  allow: [\"rm -rf x\"]\n")
	if _, _, err := Load(project, getenv); err == nil {
		t.Fatal("a policy with failing examples loaded")
	}
	markers, _ = filepath.Glob(filepath.Join(dir, "state", "rrsh", "policy-verified", "*"))
	if len(markers) != 1 {
		t.Fatalf("a failing policy got a marker: %v", markers)
	}
}
