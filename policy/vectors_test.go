package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVectors runs testdata/vectors/*.txt. Each file is a header of
// "key: value" lines — policy: (railroad.yaml, default.yaml or ci.yaml),
// expect: (allow, approve or block) and optionally rule: (a prefix of the
// deciding rule) — then an empty line and the command, whose final newline
// is not part of it.
func TestVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/vectors/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("only %d vectors", len(files))
	}
	policies := map[string]*Policy{}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			head, cmd, ok := strings.Cut(string(data), "\n\n")
			if !ok {
				t.Fatalf("%s: no empty line after the header", f)
			}
			cmd = strings.TrimSuffix(cmd, "\n")
			hdr := map[string]string{}
			for _, line := range strings.Split(head, "\n") {
				k, v, ok := strings.Cut(line, ":")
				if !ok {
					t.Fatalf("%s: bad header line %q", f, line)
				}
				hdr[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
			want, err := ParseTier(hdr["expect"])
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			name := hdr["policy"]
			p := policies[name]
			if p == nil {
				p = mustLoad(t, name)
				policies[name] = p
			}
			d, _ := p.Check(cmd, testOpts(), testEnv)
			if d.Tier != want || !strings.HasPrefix(d.Rule, hdr["rule"]) {
				t.Errorf("%s:\n%s\n got  %s (rule %s: %s)\n want %s %s", f, cmd, d.Tier, d.Rule, d.Reason, want, hdr["rule"])
			}
		})
	}
}
