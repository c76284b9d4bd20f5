package policy_test

import (
	"fmt"

	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
)

func ExamplePolicy_Check() {
	p, err := policy.Load("railroad.yaml", []byte(`
blocklist: [terraform destroy, "rm -rf", "DROP TABLE", "push --force"]
approve:   [npm publish]
allowlist: [npm test, git status]
default: allow
`))
	if err != nil {
		panic(err)
	}
	env := policy.Env{Home: "/home/me", Cwd: "/home/me/app", Root: "/home/me/app"}
	for _, cmd := range []string{
		"git status && git push -f origin main",
		`sudo sh -c "rm -r -f build"`,
		"psql <<EOF\ndrop   table users;\nEOF",
		"npm test && npm publish",
		`git commit -m "DROP TABLE is only mentioned"`,
		"rm $FLAGS build",
	} {
		d, _ := p.Check(cmd, parse.Options{}, env)
		fmt.Printf("%-7s %s\n", d.Tier, d.Rule)
	}
	// Output:
	// block   blocklist:push --force
	// block   blocklist:rm -rf
	// block   blocklist:DROP TABLE
	// approve approve:npm publish
	// allow   default
	// approve blocklist:rm -rf
}

func ExamplePolicy_Decide() {
	p, err := policy.Load("railroad.yaml", []byte(`blocklist: ["rm -rf"]`+"\ndefault: allow\n"))
	if err != nil {
		panic(err)
	}
	plan, err := parse.Parse("find . -name '*.tmp' -exec rm -rf {} +", parse.Options{})
	if err != nil {
		panic(err)
	}
	d := p.Decide(plan, policy.Env{Cwd: "/src"})
	m := d.Matches[d.Deciding]
	fmt.Println(d.Tier, m.Rule, "on", m.Part)
	// Output:
	// block blocklist:rm -rf on rm -rf {}
}
