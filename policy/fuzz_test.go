package policy

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"

	"github.com/rrsh/rrsh/parse"
)

// fuzzCommands is the fixed command set FuzzLoad compares decisions on.
var fuzzCommands = []string{
	"rm -rf x", "rm -rf /", "rm -rf ~", "git push --force", "git status", "npm test", "npm publish",
	"psql -c 'DROP TABLE t'", "echo hi > ~/.bashrc", "cat ~/.ssh/id_rsa", "curl x | sh", "$X",
	"terraform destroy", "ssh h psql", ":(){ :|:& };:", "rm $X y", "ls", "",
}

func addDecideSeeds(f *testing.F) {
	for _, c := range seedCases {
		f.Add(c.src)
	}
	for _, c := range defaultCases {
		f.Add(c.src)
	}
	for _, c := range fuzzCommands {
		f.Add(c)
	}
}

// FuzzDecide checks properties of deciding any command:
//   - the same input always gets the same decision;
//   - blocklisting the command's first word never leaves it allowed;
//   - bash -c 'X', sudo X and true | X are never more permissive than X.
func FuzzDecide(f *testing.F) {
	addDecideSeeds(f)
	def := mustLoad(f, "default.yaml")
	seed := mustLoad(f, "seed")
	opts := parse.Options{}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		for _, p := range []*Policy{def, seed} {
			d1, plan := p.Check(src, opts, testEnv)
			d2, _ := p.Check(src, opts, testEnv)
			if d1.Tier != d2.Tier || d1.Rule != d2.Rule || d1.Reason != d2.Reason || len(d1.Matches) != len(d2.Matches) {
				t.Fatalf("%q: not deterministic: %s/%s then %s/%s", src, d1.Tier, d1.Rule, d2.Tier, d2.Rule)
			}
			if d1.Rule == "internal-error" {
				t.Fatalf("%q: %s", src, d1.Reason)
			}
			if plan == nil {
				if d1.Tier == Allow {
					t.Fatalf("%q: allowed without a plan", src)
				}
				continue // not bash: the wrapping properties are about commands
			}
			bare := d1.Tier
			quoted, err := syntax.Quote(src, syntax.LangBash)
			if err == nil {
				// Each wrapping keeps the meaning: the whole command is one
				// pipeline stage ({ …; } keeps its assignments together), and
				// sudo wraps a single command directly, else through bash -c.
				wrapped := []string{"true | {\n" + src + "\n}"}
				if !positionalRE.MatchString(src) && !strings.HasPrefix(src, "-") && !strings.HasPrefix(src, "+") {
					// bash -c gives $0, $1, … values of its own, and
					// reads a string starting with - or + as an option.
					wrapped = append(wrapped, "bash -c "+quoted, "sudo bash -c "+quoted)
				}
				if len(plan.Execs) == 1 && len(plan.Unknowns) == 0 && plan.Execs[0].Depth == 0 && plan.Execs[0].Span.Start.Offset == 0 && !strings.ContainsAny(src, ";&|\n()#") {
					wrapped = append(wrapped, "sudo "+src)
				}
				for _, w := range wrapped {
					dw, _ := p.Check(w, opts, testEnv)
					if dw.Tier < bare {
						t.Fatalf("%q is %s (%s) but %q is %s (%s: %s)", src, bare, d1.Rule, w, dw.Tier, dw.Rule, dw.Reason)
					}
				}
			}
		}
		// Blocklisting the first command's name blocks it (the first that
		// runs: a body of a function nothing calls does not).
		plan, err := parse.Parse(src, opts)
		if err != nil {
			return
		}
		first := slices.IndexFunc(plan.Execs, func(e parse.Exec) bool { return !e.Uncalled })
		if first < 0 || !plan.Execs[first].NameKnown || plan.Execs[first].Name == "" {
			return
		}
		name := plan.Execs[first].Name
		q, err := syntax.Quote(name, syntax.LangBash)
		if err != nil {
			return
		}
		bp, err := Load("fuzz.yaml", []byte("default: allow\nblocklist:\n  - "+yamlQuote(q)+"\n"))
		if err != nil {
			if strings.HasPrefix(q, "$'") {
				return // $'…' is not a pattern word
			}
			t.Fatalf("blocklisting %q (%s): %v", name, q, err)
		}
		if d := bp.Decide(plan, testEnv); d.Tier == Allow {
			t.Fatalf("%q: allowed although its command %q is blocklisted (%s)", src, name, d.Reason)
		}
	})
}

// positionalRE finds the special parameters whose values bash -c sets.
var positionalRE = regexp.MustCompile(`\$\{?[#!]?[0-9@*#]`)

// yamlQuote quotes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzLoad checks that loading never panics and that any accepted policy
// round-trips through YAML() to one that decides the same.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(seedYAML))
	for _, n := range []string{"default.yaml", "ci.yaml", "railroad.yaml"} {
		p := mustLoad(f, n)
		y, err := p.YAML()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(y)
	}
	f.Add([]byte("rules:\n  - name: a\n    tier: block\n    patterns: ['rm -r']\n    paths: ['~', /etc/**]\nprotect:\n  - name: p\n    paths: [~/.ssh/**]\n    access: any\n"))
	f.Add([]byte("rules:\n  - name: s\n    tier: approve\n    code: [DELETE FROM]\n    unless: [WHERE]\n    lang: [sql]\n"))
	f.Add([]byte("jail: off\nsnapshots: {max_bytes: 1GiB}\napproval: {timeout: 1m}\nsessions: {window: 1h}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("fuzz.yaml", data)
		if err != nil {
			return
		}
		y, err := p.YAML()
		if err != nil {
			t.Fatalf("YAML: %v", err)
		}
		p2, err := Load("round-trip.yaml", y)
		if err != nil {
			t.Fatalf("canonical form does not load: %v\n%s", err, y)
		}
		y2, err := p2.YAML()
		if err != nil || string(y2) != string(y) {
			t.Fatalf("canonical form is not stable:\n%s\n---\n%s", y, y2)
		}
		if !reflect.DeepEqual(p.Settings(), p2.Settings()) {
			t.Fatalf("settings differ: %+v vs %+v", p.Settings(), p2.Settings())
		}
		for _, c := range fuzzCommands {
			d1, _ := p.Check(c, parse.Options{}, testEnv)
			d2, _ := p2.Check(c, parse.Options{}, testEnv)
			if d1.Tier != d2.Tier || d1.Rule != d2.Rule || len(d1.Matches) != len(d2.Matches) {
				t.Fatalf("%q: %s/%s before, %s/%s after the round trip\n%s", c, d1.Tier, d1.Rule, d2.Tier, d2.Rule, y)
			}
		}
	})
}
