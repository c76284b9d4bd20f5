package jail

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestProfileGolden(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"profile-default.sb", New("/Users/ana/src/app", "/Users/ana", "/var/folders/xy/T")},
		{"profile-strict.sb", New("/Users/ana/src/app", "/Users/ana", "").
			Network(NetworkNone).Terminal(true).
			Writable(AgentDirs("/Users/ana", "")...).
			Writable("/Users/ana/Library/Caches/go-build").
			Hidden("/Users/ana/secrets").
			ReadOnly("/Users/ana/.local/state/rrsh", "/usr/local/bin/rrsh").
			Cwd("/Users/ana/src/app/sub")},
		{"profile-quoting.sb", New(`/Users/ana/we"ird\dir`, "", "/tmp/a b.c")},
		{"profile-invalid.sb", Config{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Profile(tt.cfg)
			golden(t, tt.name, got)
			if strings.Count(got, "(") != strings.Count(got, ")") {
				t.Errorf("unbalanced parentheses in the profile")
			}
		})
	}
}

// TestProfileRules checks the properties the golden files are meant to
// have, so a careless -update cannot lose them.
func TestProfileRules(t *testing.T) {
	c := New("/Users/ana/src/app", "/Users/ana", "").Writable("/Users/ana/.claude/shell-snapshots")
	p := Profile(c)
	for _, want := range []string{
		"(allow default)",
		`(require-not (subpath "/Users/ana/src/app"))`,
		`(require-not (subpath "/private/tmp"))`,
		`(deny file-write* (subpath "/Users/ana/src/app/.git/hooks"))`,
		`(require-all (subpath "/Users/ana/.claude")` + "\n" + `    (require-not (subpath "/Users/ana/.claude/shell-snapshots")))`,
		`(subpath "/Users/ana/.ssh")`,
		`(regex #"^/private/tmp/tmux-[^/]*(/|$)")`,
		`(literal "/dev/tty")`,
		"(deny appleevent-send)",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("profile lacks %s", want)
		}
	}
	if strings.Contains(p, "network-outbound") {
		t.Errorf("NetworkAllow profile denies the network")
	}
	if !strings.Contains(Profile(c.Network(NetworkNone)), `(deny network-outbound (remote ip "*:*"))`) {
		t.Errorf("NetworkNone profile does not deny the network")
	}
}

func TestInSandbox(t *testing.T) {
	tests := []struct {
		env    map[string]string
		marker string
	}{
		{nil, ""},
		{map[string]string{"RRSH_JAILED": "1"}, "RRSH_JAILED"},
		{map[string]string{"RRSH_JAILED": "0"}, ""},
		{map[string]string{"SANDBOX_RUNTIME": "1"}, "SANDBOX_RUNTIME"},
		{map[string]string{"SANDBOX_RUNTIME": "yes"}, ""},
		{map[string]string{"IS_SANDBOX": "1"}, "IS_SANDBOX"},
		{map[string]string{"IS_SANDBOX": "true"}, "IS_SANDBOX"},
		{map[string]string{"IS_SANDBOX": "0"}, ""},
		{map[string]string{"IS_SANDBOX": ""}, ""},
		{map[string]string{"CODEX_SANDBOX": "seatbelt"}, "CODEX_SANDBOX"},
		{map[string]string{"CODEX_SANDBOX_NETWORK_DISABLED": "1"}, "CODEX_SANDBOX_NETWORK_DISABLED"},
		{map[string]string{"CODEX_SANDBOX": "seatbelt", "RRSH_JAILED": "1"}, "RRSH_JAILED"},
		{map[string]string{"HOME": "/x"}, ""},
	}
	for _, tt := range tests {
		got, ok := InSandbox(func(k string) string { return tt.env[k] })
		if got != tt.marker || ok != (tt.marker != "") {
			t.Errorf("InSandbox(%v) = %q, %v; want %q", tt.env, got, ok, tt.marker)
		}
	}
	if _, ok := InSandbox(nil); ok {
		t.Errorf("InSandbox(nil) reports a sandbox")
	}
}

// TestConfigIsValue proves that builder methods return copies that share
// nothing with their receiver.
func TestConfigIsValue(t *testing.T) {
	base := New("/p", "/h", "").Writable("/a")
	b := base.Writable("/b").Hidden("/hb").ReadOnly("/rb").Network(NetworkNone).Terminal(true).Cwd("/p/b")
	c := base.Writable("/c")
	if !slices.Equal(base.writable, []string{"/a"}) || base.hidden != nil || base.ro != nil {
		t.Errorf("receiver changed: %+v", base)
	}
	if base.network != NetworkAllow || base.terminal || base.cwd != "" {
		t.Errorf("receiver changed: %+v", base)
	}
	if !slices.Equal(b.writable, []string{"/a", "/b"}) || !slices.Equal(c.writable, []string{"/a", "/c"}) {
		t.Errorf("copies share their lists: b=%v c=%v", b.writable, c.writable)
	}
	if got := New("/p/../q/", "", "").root; got != "/q" {
		t.Errorf("New does not clean the root: %q", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" = valid
	}{
		{"zero", Config{}, "zero Config"},
		{"ok", New("/p", "/h", "/t"), ""},
		{"relative root", New("p", "", ""), "not an absolute path"},
		{"root is /", New("/", "", ""), "whole filesystem"},
		{"relative home", New("/p", "h", ""), "home"},
		{"relative writable", New("/p", "", "").Writable("cache"), "writable path"},
		{"empty hidden", New("/p", "", "").Hidden(""), "hidden path"},
		{"NUL", New("/p", "", "").ReadOnly("/a\x00b"), "NUL"},
		{"network", New("/p", "", "").Network("offline"), "network mode"},
		{"relative cwd", New("/p", "", "").Cwd("sub"), "cwd"},
	}
	for _, tt := range tests {
		err := tt.cfg.validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: validate() = %v, want %q", tt.name, err, tt.want)
		}
		if tt.want != "" {
			if s := tt.cfg.String(); !strings.HasPrefix(s, "invalid: ") {
				t.Errorf("%s: String() = %q, want it to say invalid", tt.name, s)
			}
			if err := Check(tt.cfg); err == nil {
				t.Errorf("%s: Check accepts an invalid Config", tt.name)
			}
		}
	}
}

func TestHelpers(t *testing.T) {
	if got := DefaultCaches(""); got != nil {
		t.Errorf("DefaultCaches(\"\") = %v", got)
	}
	caches := DefaultCaches("/home/u")
	for _, want := range []string{"/home/u/.cache", "/home/u/.npm", "/home/u/go/pkg/mod", "/home/u/.cargo/registry"} {
		if !slices.Contains(caches, want) {
			t.Errorf("DefaultCaches lacks %s", want)
		}
	}
	if got, want := AgentDirs("/home/u", ""), []string{"/home/u/.claude/shell-snapshots", "/home/u/.codex/shell_snapshots"}; !slices.Equal(got, want) {
		t.Errorf("AgentDirs = %v, want %v", got, want)
	}
	if got, want := AgentDirs("/home/u", "/x/codex"), []string{"/home/u/.claude/shell-snapshots", "/x/codex/shell_snapshots"}; !slices.Equal(got, want) {
		t.Errorf("AgentDirs = %v, want %v", got, want)
	}
	paths := []string{"/a-c", "/a/b/c", "/a", "/ab", "/a/b", "/"}
	slices.SortFunc(paths, cmpPath)
	if want := []string{"/", "/a", "/a/b", "/a/b/c", "/a-c", "/ab"}; !slices.Equal(paths, want) {
		t.Errorf("cmpPath order = %v, want %v", paths, want)
	}
}

func TestErrUnavailableIsSentinel(t *testing.T) {
	err := Check(New("/p", "", "").Network("bogus"))
	if errors.Is(err, ErrUnavailable) {
		t.Errorf("a configuration error wraps ErrUnavailable: %v", err)
	}
}
