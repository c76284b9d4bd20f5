package parse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rrsh/rrsh/internal/cputime"
	"mvdan.cc/sh/v3/syntax"
)

// script200 builds a realistic 200-line script: pipelines, conditionals,
// loops, functions, heredocs, substitutions and nested shells.
func script200() string {
	var b strings.Builder
	b.WriteString("#!/usr/bin/env bash\nset -euo pipefail\nROOT=$(git rev-parse --show-toplevel)\ncd \"$ROOT\"\n")
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < 200; i++ {
		switch i % 8 {
		case 0:
			fmt.Fprintf(&b, "log_%d() {\n  echo \"[$(date +%%T)] $*\" | tee -a build.log >&2\n}\n", i)
		case 1:
			fmt.Fprintf(&b, "if [[ -f pkg%d/package.json ]]; then\n  (cd pkg%d && npm ci --silent && npm test -- --runInBand)\nelse\n  log_%d \"skip pkg%d\"\nfi\n", i, i, i-1, i)
		case 2:
			fmt.Fprintf(&b, "for f in src/*.go; do\n  gofmt -l \"$f\" | grep -q . && echo \"unformatted: $f\"\ndone\n")
		case 3:
			fmt.Fprintf(&b, "psql \"$DATABASE_URL\" <<'SQL'\nCREATE TABLE IF NOT EXISTS t%d (id int);\nSELECT count(*) FROM t%d;\nSQL\n", i, i)
		case 4:
			fmt.Fprintf(&b, "VERSION_%d=\"1.%d.0\"\ndocker build -t app:$VERSION_%d . && docker push app:$VERSION_%d\n", i, i, i, i)
		case 5:
			fmt.Fprintf(&b, "find . -name '*.tmp' -mtime +%d -print0 | xargs -0 rm -f\n", i)
		case 6:
			fmt.Fprintf(&b, "case \"${1:-}\" in\n  deploy) bash -c 'kubectl apply -f k8s/ && kubectl rollout status deploy/app' ;;\n  *) echo usage ;;\nesac\n")
		case 7:
			fmt.Fprintf(&b, "while read -r line; do\n  [[ $line == \\#* ]] && continue\n  export \"$line\"\ndone < .env%d\n", i)
		}
	}
	return b.String()
}

func benchInputs() []struct{ name, src string } {
	heredoc := "psql <<'EOF'\n" + strings.Repeat("INSERT INTO t VALUES (1, 'some text here');\n", 20*1024/45) + "EOF\n"
	return []struct{ name, src string }{
		{"OneLine", "git status && npm test"},
		{"Script200", script200()},
		{"Heredoc20K", heredoc},
	}
}

// BenchmarkSyntaxOnly measures the syntax parser alone on the same inputs:
// the floor under BenchmarkParse.
func BenchmarkSyntaxOnly(b *testing.B) {
	for _, bc := range benchInputs() {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.src)))
			start := cputime.Used()
			for b.Loop() {
				if _, err := parseShell(bc.src, syntax.LangBash); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range benchInputs() {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.src)))
			b.ReportAllocs()
			start := cputime.Used()
			for b.Loop() {
				if _, err := Parse(bc.src, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

func TestBenchInputsParse(t *testing.T) {
	s := script200()
	if n := strings.Count(s, "\n"); n < 200 || n > 215 {
		t.Fatalf("script has %d lines", n)
	}
	p, err := Parse(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Execs) < 100 || len(p.CodeTexts) == 0 {
		t.Errorf("script: %d execs, %d code texts", len(p.Execs), len(p.CodeTexts))
	}
}
