package policy

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/rrsh/rrsh/examples"

	"github.com/rrsh/rrsh/parse"
)

// script200 is a realistic 200-line shell script: setup, a build, tests,
// cleanup, functions, conditionals and loops.
func script200() string {
	block := `set -euo pipefail
ROOT="$(git rev-parse --show-toplevel)"
cd "$ROOT"
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
if [ ! -d node_modules ]; then
  log "installing"
  npm ci --no-audit --prefer-offline
fi
for pkg in packages/*; do
  if [ -f "$pkg/package.json" ]; then
    (cd "$pkg" && npm run build --if-present)
  fi
done
npm test -- --ci --reporters=default
go vet ./... && go test -count=1 ./...
rm -rf dist coverage .cache
mkdir -p dist && cp -r build/* dist/
tar czf "dist/app-$(git describe --tags --always).tgz" -C dist .
grep -rn "TODO" src | wc -l > reports/todo.txt
find . -name '*.orig' -delete
git status --porcelain | awk '{print $2}' | xargs -r ls -l
echo "done: $(ls dist | wc -l) files"
`
	var b strings.Builder
	for strings.Count(b.String(), "\n") < 200 {
		b.WriteString(block)
	}
	return b.String()
}

// heredoc20k is a 20 KB SQL heredoc fed to psql.
func heredoc20k() string {
	var b strings.Builder
	b.WriteString("psql \"$DATABASE_URL\" <<'SQL'\nBEGIN;\n")
	for i := 0; b.Len() < 20<<10; i++ {
		b.WriteString("INSERT INTO events (id, kind, payload) VALUES (1, 'click', '{\"x\": 1}'); -- seed row\n")
		b.WriteString("UPDATE counters SET n = n + 1 WHERE name = 'events';\n")
	}
	b.WriteString("COMMIT;\nSQL\n")
	return b.String()
}

func BenchmarkCheck(b *testing.B) {
	p := mustLoad(b, "default.yaml")
	for _, bc := range []struct{ name, src string }{
		{"one-line", "git status && npm test -- --watch=false 2>&1 | tail -n 50"},
		{"200-line", script200()},
		{"heredoc-20KB", heredoc20k()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if d, _ := p.Check(bc.src, parse.Options{}, testEnv); d.Rule == "parse-error" {
				b.Fatalf("does not parse: %s", d.Reason)
			}
			b.SetBytes(int64(len(bc.src)))
			b.ReportAllocs()
			for b.Loop() {
				p.Check(bc.src, parse.Options{}, testEnv)
			}
		})
	}
}

// BenchmarkDecide measures deciding alone (the plan parsed once).
func BenchmarkDecide(b *testing.B) {
	p := mustLoad(b, "default.yaml")
	for _, bc := range []struct{ name, src string }{
		{"one-line", "git status && npm test -- --watch=false 2>&1 | tail -n 50"},
		{"200-line", script200()},
		{"heredoc-20KB", heredoc20k()},
	} {
		plan, err := parse.Parse(bc.src, parse.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Decide(plan, testEnv)
			}
		})
	}
}

// BenchmarkLoad measures loading default.yaml, which rrsh does for every
// command it checks (its tests: section runs on every load).
// BenchmarkLoad measures loading the default policy: "tests" runs its
// examples (a policy file seen for the first time), "verified" skips them
// (the embedded policy, or a file whose examples passed before).
func BenchmarkLoad(b *testing.B) {
	data, err := fs.ReadFile(examples.FS, "default.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts []LoadOption
	}{{"tests", nil}, {"verified", []LoadOption{Verified()}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Load("default.yaml", data, bc.opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
