package policy

import (
	"testing"

	"github.com/rrsh/rrsh/parse"
)

// TestProtectHits checks path matching for protect entries on its own,
// through Decide with hand-built writes (so it does not depend on how parse
// finds them).
func TestProtectHits(t *testing.T) {
	p, err := Load("p.yaml", []byte(`
default: allow
protect:
  - name: ssh
    paths: ["~/.ssh/**"]
  - name: etc
    paths: ["/etc"]
  - name: hooks
    paths: ["/**/.git/hooks/**"]
  - name: rel
    paths: ["conf/*.yaml"]
`))
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Home: "/home/u", Cwd: "/home/u/proj/sub", Root: "/home/u/proj"}
	tests := []struct {
		path      string
		recursive bool
		want      string // the protect entry that hits, or ""
		tier      Tier
	}{
		{"~/.ssh/id_rsa", false, "ssh", Block},
		{"~/.ssh", false, "ssh", Block},
		{"/home/u/.ssh/config", false, "ssh", Block},
		{"$HOME/.ssh/x", false, "ssh", Block},
		{"${HOME}/.ssh/x", false, "ssh", Block},
		{"../../.ssh/x", false, "ssh", Block},
		{"~", true, "ssh", Block},
		{"/home", true, "ssh", Block},
		{"/", true, "ssh", Block},
		{"~", false, "", Allow},
		{"~/.sshx", false, "", Allow},
		{"/etc", false, "etc", Block},
		{"/etc/passwd", false, "", Allow},
		{"//etc/.", false, "etc", Block},
		{"x/.git/hooks/pre-commit", false, "hooks", Block},
		{"/tmp/r/.git/hooks/x", false, "hooks", Block},
		{"/tmp/r/.git/hooksx", false, "", Allow},
		{"../conf/a.yaml", false, "rel", Block},
		{"conf/a.yaml", false, "", Allow}, // relative to sub/, not the root
		{"$HOME/$F", false, "ssh", Approve},
		{"$F", false, "", Allow},
		{"~/.ssh/*", false, "ssh", Block},
		{"/e*", false, "etc", Block},
	}
	for _, tt := range tests {
		w := hw(tt.path)
		plan := &parse.Plan{
			Execs:  []parse.Exec{hexec("touch", tt.path)},
			Writes: []parse.Write{{Path: w, Kind: parse.WriteTouch, Recursive: tt.recursive, Exec: 0}},
		}
		d := p.Decide(plan, env)
		got := ""
		if d.Rule != "default" {
			got = d.Rule
		}
		if got != tt.want || d.Tier != tt.tier {
			t.Errorf("%s (recursive %v): got %s %q, want %s %q (%s)", tt.path, tt.recursive, d.Tier, got, tt.tier, tt.want, d.Reason)
		}
	}
}

func TestRelMay(t *testing.T) {
	pl := newPlaces(Env{Home: "/home/u", Cwd: "/home/u/p"})
	for _, tt := range []struct {
		glob, rel string
		want      bool
	}{
		{"/etc", "etc", true},
		{"/etc", "dist", false},
		{"/usr/*", "bin", true},
		{"~", "u", true},
		{"~", "x", false},
		{"/", "x", false},
		{"/etc", ".", true},
		{"/etc", "../x", true},
		{"/usr/lib", "usr/lib", true},
		{"/usr/lib", "a/usr/lib", false},
	} {
		g, err := compileGlob(tt.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := pl.relMay(g, tt.rel); got != tt.want {
			t.Errorf("relMay(%s, %s) = %v", tt.glob, tt.rel, got)
		}
	}
}
