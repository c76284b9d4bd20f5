package policy

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		// want is the start of the error: "p.yaml:LINE:COL: " followed by a
		// fragment of the message.
		pos, msg string
	}{
		{"unknown top key", "blocklst: [x]\n", "1:1", `unknown key "blocklst"`},
		{"unknown rule key", "rules:\n  - name: a\n    tier: block\n    pattern: x\n    colour: red\n", "5:5", `unknown key "colour" in a rule`},
		{"unknown protect key", "protect:\n  - name: a\n    paths: [/x]\n    mode: w\n", "4:5", `unknown key "mode"`},
		{"bad default tier", "default: maybe\n", "1:10", `invalid tier "maybe"`},
		{"bad unknown tier", "unknown: sometimes\n", "1:10", `invalid tier`},
		{"bad rule tier", "rules:\n  - name: a\n    tier: never\n    pattern: x\n", "3:11", `invalid tier "never"`},
		{"missing tier", "rules:\n  - name: a\n    pattern: x\n", "2:5", `needs a tier`},
		{"missing name", "rules:\n  - tier: block\n    pattern: x\n", "2:5", `needs a name`},
		{"no pattern", "rules:\n  - name: a\n    tier: block\n", "2:5", `needs a pattern`},
		{"pattern and patterns", "rules:\n  - name: a\n    tier: block\n    pattern: x\n    patterns: [y]\n", "5:5", `not both`},
		{"bad rule name", "rules:\n  - name: 'a b'\n    tier: block\n    pattern: x\n", "2:11", `bad rule name`},
		{"reserved rule name", "rules:\n  - name: default\n    tier: block\n    pattern: x\n", "2:11", `reserved`},
		{"duplicate rule name", "rules:\n  - name: a\n    tier: block\n    pattern: x\n  - name: a\n    tier: allow\n    pattern: y\n", "5:11", `duplicate rule name "a" (first at line 2)`},
		{"duplicate across protect", "rules:\n  - name: a\n    tier: block\n    pattern: x\nprotect:\n  - name: a\n    paths: [/x]\n", "6:11", `duplicate rule name "a"`},
		{"duplicate key", "default: allow\ndefault: block\n", "2:1", `duplicate key "default"`},
		{"duplicate list pattern", "blocklist: [rm -rf, x, rm -rf]\n", "1:24", `duplicate pattern "rm -rf"`},
		{"pattern with variable", "blocklist: [\"rm $X\"]\n", "1:13", `bad pattern "rm $X"`},
		{"pattern with substitution", "blocklist: [\"rm $(x)\"]\n", "1:13", `literal words`},
		{"pattern with operator", "blocklist: [\"a; b\"]\n", "1:13", `not a list of shell words`},
		{"pattern with pipe", "approve: [\"a | b\"]\n", "1:11", `not a list of shell words`},
		{"pattern unterminated quote", "allowlist: [\"'rm\"]\n", "1:13", `bad pattern`},
		{"empty pattern", "blocklist: [\"  \"]\n", "1:13", `empty pattern`},
		{"pattern not a string", "blocklist: [[a]]\n", "1:13", `must be a string`},
		{"list not a list", "blocklist: rm -rf\n", "1:12", `must be a list`},
		{"bad glob user", "rules:\n  - name: a\n    tier: block\n    pattern: rm\n    paths: ['~bob/x']\n", "5:13", `~user`},
		{"bad glob variable", "protect:\n  - name: a\n    paths: ['$XDG/x']\n", "3:13", `only $HOME`},
		{"bad glob escape", "protect:\n  - name: a\n    paths: ['../x']\n", "3:13", `may not leave`},
		{"empty paths", "protect:\n  - name: a\n    paths: []\n", "3:12", `must not be empty`},
		{"paths without pattern", "rules:\n  - name: a\n    tier: block\n    code: [x]\n    paths: [/]\n", "5:5", `has none`},
		{"lang with pattern", "rules:\n  - name: a\n    tier: block\n    pattern: x\n    lang: [sql]\n", "5:5", `use code instead`},
		{"bad lang", "rules:\n  - name: a\n    tier: block\n    code: [x]\n    lang: [SQL!]\n", "5:12", `bad language`},
		{"bad access", "protect:\n  - name: a\n    paths: [/x]\n    access: read\n", "4:13", `access must be write or any`},
		{"bad remote", "rules:\n  - name: a\n    tier: block\n    pattern: x\n    remote: yes\n", "5:13", `true or false`},
		{"multi-line message", "rules:\n  - name: a\n    tier: block\n    pattern: x\n    message: \"a\\nb\"\n", "5:14", `one line`},
		{"version 2", "version: 2\n", "1:10", `unsupported version "2"`},
		{"version string", "version: \"1\"\n", "1:10", `unsupported version`},
		{"bad duration", "approval:\n  timeout: soon\n", "2:12", `bad duration "soon"`},
		{"bad locks", "sessions:\n  locks: maybe\n", "2:10", `locks`},
		{"unknown sessions key", "sessions:\n  lock: true\n", "2:3", `lock`},
		{"negative duration", "sessions:\n  window: -5m\n", "2:11", `must be positive`},
		{"bad size", "snapshots:\n  max_bytes: lots\n", "2:14", `bad size "lots"`},
		{"huge size", "snapshots:\n  max_bytes: 99999999999TiB\n", "2:14", `too large`},
		{"zero size", "snapshots:\n  max_bytes: 0\n", "2:14", `must be positive`},
		{"unknown snapshots key", "snapshots:\n  max: 1\n", "2:3", `unknown key "max" in snapshots`},
		{"bad jail", "jail: on\n", "1:7", `jail must be off or a mapping`},
		{"bad network", "jail:\n  network: some\n", "2:12", `network must be allow or none`},
		{"jail glob", "jail:\n  writable: [/tmp/*]\n", "2:14", `cannot be globs`},
		{"jail tree glob", "jail:\n  hidden: [~/x, /tmp/**]\n", "2:17", `cannot be globs`},
		{"unknown jail key", "jail:\n  net: none\n", "2:3", `unknown key "net" in jail`},
		{"alias", "blocklist: &b [x]\napprove: *b\n", "2:10", `aliases (*b) are not supported`},
		{"custom tag", "blocklist: [!foo x]\n", "1:13", `unsupported YAML tag`},
		{"not a mapping", "- a\n- b\n", "1:1", `must be a mapping`},
		{"two documents", "default: allow\n---\ndefault: block\n", "3:1", `only one YAML document`},
		{"tests unknown tier", "tests:\n  deny: [x]\n", "2:3", `unknown key "deny" in tests`},
		{"rules not a list", "rules: {name: a}\n", "1:8", `rules must be a list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("p.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error for:\n%s", tt.yaml)
			}
			want := "p.yaml:" + tt.pos + ": "
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got  %v\nwant %s…%s…", err, want, tt.msg)
			}
			if m := err.Error()[len("p.yaml:"):]; len(m) > 0 && regexp.MustCompile(`: [A-Z]`).MatchString(m[:min(len(m), 12)]) {
				t.Errorf("error is not lowercase: %v", err)
			}
		})
	}
}

func TestLoadSyntaxError(t *testing.T) {
	_, err := Load("p.yaml", []byte("blocklist: [a\nb: c\n"))
	if err == nil || !regexp.MustCompile(`^p\.yaml:\d+: `).MatchString(err.Error()) {
		t.Fatalf("got %v, want p.yaml:LINE: …", err)
	}
	_, err = Load("p.yaml", make([]byte, MaxPolicyBytes+1))
	if err == nil || !strings.Contains(err.Error(), "over the limit") {
		t.Fatalf("got %v for an over-size policy", err)
	}
}

func TestLoadSeedUnchanged(t *testing.T) {
	p, err := Load("railroad.yaml", []byte(seedYAML))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "railroad.yaml" || p.DefaultTier() != Allow || p.UnknownTier() != Approve {
		t.Errorf("name %q default %s unknown %s", p.Name(), p.DefaultTier(), p.UnknownTier())
	}
	var names []string
	for _, r := range p.Rules() {
		names = append(names, r.Name()+"="+r.Tier().String())
	}
	want := "blocklist:terraform destroy=block blocklist:rm -rf=block blocklist:DROP TABLE=block blocklist:push --force=block " +
		"blocklist:drizzle-kit push --force=block approve:npm publish=approve approve:docker push=approve approve:terraform apply=approve " +
		"allowlist:npm install=allow allowlist:npm test=allow allowlist:git status=allow allowlist:git diff=allow"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("rules:\n got  %s\n want %s", got, want)
	}
	s := p.Settings()
	if s.Jail.Off || s.Jail.Network != NetworkAllow || s.Snapshots.MaxBytes != 100<<20 || s.Approval.Timeout != 50*time.Second || s.Sessions.Window != 10*time.Minute {
		t.Errorf("default settings: %+v", s)
	}
}

func TestLoadSettings(t *testing.T) {
	p, err := Load("p.yaml", []byte(`
jail:
  network: none
  writable: ["~/.cache/go-build", /opt/x]
  hidden: [~/secrets]
  readonly: [.vscode]
snapshots: {max_bytes: 1GiB}
approval: {timeout: 2m}
sessions: {window: 1h, locks: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := p.Settings()
	if s.Jail.Network != NetworkNone || s.Jail.Off || len(s.Jail.Writable) != 2 || s.Jail.Hidden[0] != "~/secrets" ||
		s.Snapshots.MaxBytes != 1<<30 || s.Approval.Timeout != 2*time.Minute || s.Sessions.Window != time.Hour || !s.Sessions.Locks {
		t.Errorf("settings: %+v", s)
	}
	s.Jail.Writable[0] = "changed"
	if p.Settings().Jail.Writable[0] == "changed" {
		t.Error("Settings returns shared slices")
	}
	env := Env{Home: "/home/u", Cwd: "/home/u/p/sub", Root: "/home/u/p"}
	for in, want := range map[string]string{"~/.cache/go-build": "/home/u/.cache/go-build", "/opt/x": "/opt/x", ".vscode": "/home/u/p/.vscode", "$HOME": "/home/u", "${HOME}/a/../b": "/home/u/b"} {
		if got := env.Path(in); got != want {
			t.Errorf("Env.Path(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Env{}).Path("~/x"); got != "" {
		t.Errorf("Env{}.Path(~/x) = %q, want empty", got)
	}

	off, err := Load("p.yaml", []byte("jail: off\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !off.Settings().Jail.Off {
		t.Error("jail: off not decoded")
	}
	for in, want := range map[string]int64{"100MiB": 100 << 20, "1GB": 1e9, "4096": 4096, "512K": 512 << 10, "2 MiB": 2 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
		if got, _ := parseSize(formatSize(want)); got != want {
			t.Errorf("formatSize(%d) does not round-trip", want)
		}
	}
}

func TestZeroPolicy(t *testing.T) {
	var p Policy
	if p.DefaultTier() != Approve || p.UnknownTier() != Approve || len(p.Rules()) != 0 || p.Name() != "" {
		t.Errorf("zero policy: default %s unknown %s rules %d", p.DefaultTier(), p.UnknownTier(), len(p.Rules()))
	}
	var nilp *Policy
	if nilp.DefaultTier() != Approve {
		t.Error("nil policy default is not approve")
	}
	for _, src := range []string{"", "\n", "# just a comment\n", "~\n"} {
		lp, err := Load("p.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if lp.DefaultTier() != Approve || lp.UnknownTier() != Approve {
			t.Errorf("%q: not the zero policy", src)
		}
	}
}

func TestTestsFailedError(t *testing.T) {
	e := &TestsFailedError{Name: "p.yaml", Results: []TestResult{
		{Command: "ok", Line: 3, Col: 5, Want: Allow, Pass: true},
		{Command: "rm -rf /", Line: 4, Col: 7, Want: Block, Got: Decision{Tier: Allow, Rule: "default"}},
	}}
	want := `p.yaml:4:7: test "rm -rf /": want block, got allow (rule default)`
	if e.Error() != want {
		t.Errorf("got %q\nwant %q", e.Error(), want)
	}
	var target *TestsFailedError
	if !errors.As(error(e), &target) {
		t.Error("errors.As fails")
	}
}

// TestDocExample loads the full example of the file format in doc.go.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "Every key is optional:\n//\n")
	end := strings.Index(text, "\n//\n// Loading is strict")
	if start < 0 || end < start {
		t.Fatal("example not found in doc.go")
	}
	var y strings.Builder
	for _, line := range strings.Split(text[start:end], "\n")[2:] {
		y.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "//"), "\t") + "\n")
	}
	p, err := Load("doc.go example", []byte(y.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, y.String())
	}
	if len(p.TestResults()) != 3 || len(p.Rules()) != 7 || p.Settings().Jail.Network != NetworkAllow {
		t.Errorf("example: %d tests, %d rules", len(p.TestResults()), len(p.Rules()))
	}
}

func TestValidNames(t *testing.T) {
	for _, tc := range []struct {
		s          string
		name, lang bool
	}{
		{"rm-home", true, true},
		{"a", true, true},
		{"A.b_c-9", true, false},
		{"9lives", true, false},
		{"", false, false},
		{"-x", false, false},
		{".x", false, false},
		{"x y", false, false},
		{"ü", false, false},
		{strings.Repeat("a", 32), true, true},
		{strings.Repeat("a", 33), true, false},
		{strings.Repeat("a", 100), true, false},
		{strings.Repeat("a", 101), false, false},
	} {
		if got := validName(tc.s); got != tc.name {
			t.Errorf("validName(%q) = %v, want %v", tc.s, got, tc.name)
		}
		if got := validLang(tc.s); got != tc.lang {
			t.Errorf("validLang(%q) = %v, want %v", tc.s, got, tc.lang)
		}
	}
}
