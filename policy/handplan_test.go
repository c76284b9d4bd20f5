package policy

import (
	"strings"
	"testing"

	"github.com/rrsh/rrsh/parse"
)

// hw builds a Word: "$…" and "`…" are unknown, unquoted glob characters
// make a glob, a leading "~" is a tilde prefix. A leading "'" makes the
// rest literal.
func hw(s string) parse.Word {
	if lit, ok := strings.CutPrefix(s, "'"); ok {
		return parse.Word{Value: lit, Known: true, Raw: s}
	}
	w := parse.Word{Value: s, Known: true, Raw: s}
	if strings.ContainsAny(s, "$`") {
		w.Known = false
	}
	if strings.ContainsAny(s, "*?[") {
		w.Known, w.Glob = false, true
	}
	if strings.HasPrefix(s, "~") {
		w.Tilde = true
	}
	return w
}

func hexec(argv ...string) parse.Exec {
	e := parse.Exec{Name: argv[0], NameKnown: true}
	for _, a := range argv[1:] {
		e.Args = append(e.Args, hw(a))
	}
	return e
}

func TestHandBuiltPlans(t *testing.T) {
	seed, err := Load("railroad.yaml", []byte(seedYAML))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		argv []string
		want Tier
	}{
		{[]string{"rm", "-rf", "x"}, Block},
		{[]string{"rm", "-r", "-f", "x"}, Block},
		{[]string{"rm", "--recursive", "--force", "x"}, Block},
		{[]string{"rm", "-Rf", "x"}, Block},
		{[]string{"rm", "-r", "x"}, Allow},
		{[]string{"rm", "-r", "--", "-f"}, Allow},
		{[]string{"rm", "$X", "y"}, Approve},
		{[]string{"git", "-C", "r", "push", "--force"}, Block},
		{[]string{"git", "push", "-f"}, Block},
		{[]string{"git", "push", "origin", "+main"}, Block},
		{[]string{"git", "push", "--force-with-lease"}, Allow},
		{[]string{"git", "commit", "-m", "DROP TABLE"}, Allow},
		{[]string{"grep", "-rn", "push --force", "."}, Allow},
		{[]string{"terraform", "plan", "-destroy"}, Allow},
		{[]string{"terraform", "-chdir=i", "destroy"}, Block},
		{[]string{"terraform", "apply", "-destroy"}, Block},
		{[]string{"terraform", "apply"}, Approve},
		{[]string{"drizzle-kit", "push", "--force"}, Block},
		{[]string{"npx", "drizzle-kit", "push", "--force"}, Block},
		{[]string{"npm", "publish"}, Approve},
		{[]string{"docker", "push", "img"}, Approve},
		{[]string{"echo", "rm -rf /"}, Allow},
		{[]string{"git", "$X", "--force"}, Approve},
		{[]string{"git", "status", "$X"}, Allow},
	}
	for _, tt := range tests {
		plan := &parse.Plan{Execs: []parse.Exec{hexec(tt.argv...)}}
		d := seed.Decide(plan, Env{Home: "/home/u", Cwd: "/home/u/p"})
		if d.Tier != tt.want {
			t.Errorf("%q: got %s (%s: %s), want %s", tt.argv, d.Tier, d.Rule, d.Reason, tt.want)
		}
	}
}

const seedYAML = `blocklist: [terraform destroy, "rm -rf", "DROP TABLE", "push --force", drizzle-kit push --force]
approve:   [npm publish, docker push, terraform apply]
allowlist: [npm install, npm test, git status, git diff]
default: allow            # allow | approve | block
`
