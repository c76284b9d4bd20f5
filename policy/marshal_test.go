package policy

import (
	"strings"
	"testing"
)

// TestYAMLRoundTrip: every example policy and the zero Policy load back
// from their canonical form and decide every table command the same.
func TestYAMLRoundTrip(t *testing.T) {
	var cmds []string
	for _, c := range seedCases {
		cmds = append(cmds, c.src)
	}
	for _, c := range defaultCases {
		cmds = append(cmds, c.src)
	}
	for _, name := range []string{"railroad.yaml", "default.yaml", "ci.yaml", "zero"} {
		p := mustLoad(t, name)
		y, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(y), "version: 1\n") {
			t.Errorf("%s: canonical form does not start with version: 1:\n%s", name, y)
		}
		p2, err := Load("canonical-"+name, y)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, y)
		}
		y2, _ := p2.YAML()
		if string(y) != string(y2) {
			t.Errorf("%s: canonical form is not stable", name)
		}
		if len(p2.TestResults()) != len(p.TestResults()) {
			t.Errorf("%s: %d tests after the round trip, %d before", name, len(p2.TestResults()), len(p.TestResults()))
		}
		for _, c := range cmds {
			d1, _ := p.Check(c, testOpts(), testEnv)
			d2, _ := p2.Check(c, testOpts(), testEnv)
			if d1.Tier != d2.Tier || d1.Rule != d2.Rule || d1.Reason != d2.Reason || len(d1.Matches) != len(d2.Matches) {
				t.Errorf("%s: %q: %s/%s before, %s/%s after", name, c, d1.Tier, d1.Rule, d2.Tier, d2.Rule)
			}
		}
	}
	if y, _ := (&Policy{}).YAML(); string(y) != "version: 1\ndefault: approve\nunknown: approve\n" {
		t.Errorf("zero policy: %q", y)
	}
}
