package parse

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Programs replaced by fakes that only log their argv. npx also runs the
// rest of its arguments, like the real one runs a package bin.
var (
	fakeLoggers = []string{"rm", "psql", "mysql", "git", "terraform", "curl", "drizzle-kit"}
	fakeRunners = []string{"npx"}
	// realTools are linked into the fake PATH: harmless programs that run
	// other commands (found again on the fake PATH) or move data.
	realTools = []string{"bash", "sh", "env", "timeout", "xargs", "find", "cat", "base64"}
)

// TestBashConfirm runs rows of extractTests with real bash, in a temporary
// directory, with a PATH holding only logging fakes and a few harmless
// real tools, and checks that the commands bash ran are the ones Parse
// predicted.
func TestBashConfirm(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	logger := "#!" + bash + "\n{ printf '%s\\x1f' \"${0##*/}\" \"$@\"; printf '\\x1e'; } >> \"$RRSH_FAKE_LOG\"\n"
	for _, n := range fakeLoggers {
		if err := os.WriteFile(filepath.Join(bin, n), []byte(logger), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range fakeRunners {
		if err := os.WriteFile(filepath.Join(bin, n), []byte(logger+"exec \"$@\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range realTools {
		p, err := exec.LookPath(n)
		if err != nil {
			t.Skipf("%s not found", n)
		}
		if err := os.Symlink(p, filepath.Join(bin, n)); err != nil {
			t.Fatal(err)
		}
	}
	fakes := append(slices.Clone(fakeLoggers), fakeRunners...)
	n := 0
	for _, tt := range extractTests {
		if !tt.confirm {
			continue
		}
		n++
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(root, "case", strings.ReplaceAll(tt.name, " ", "_"))
			work := filepath.Join(dir, "work")
			if err := os.MkdirAll(work, 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "log")
			ran := runLogged(t, bash, tt.src, work, bin, log)
			p, err := Parse(tt.src, Options{Dir: work})
			if err != nil {
				t.Fatal(err)
			}
			confirm(t, p, fakes, ran)
		})
	}
	if n < 30 {
		t.Errorf("only %d rows are confirmed with bash", n)
	}
}

func runLogged(t *testing.T, bash, src, work, bin, log string) [][]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-c", src)
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + bin, "HOME=" + work, "XDG_CONFIG_HOME=" + work, "LANG=C", "RRSH_FAKE_LOG=" + log}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("bash timed out: %s", out)
	}
	_ = err // a failing command is fine; what ran is what matters
	data, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var ran [][]string
	for _, rec := range strings.Split(string(data), "\x1e") {
		if rec == "" {
			continue
		}
		ran = append(ran, strings.Split(strings.TrimSuffix(rec, "\x1f"), "\x1f"))
	}
	return ran
}

// confirm matches what bash ran against the Execs Parse predicted for the
// fake programs. Unknown words match any argument, an Exec with unknown
// arguments (xargs, find -exec +) may get more, and an Exec with an
// unknown name may be any program.
func confirm(t *testing.T, p *Plan, fakes []string, ran [][]string) {
	t.Helper()
	type pattern struct {
		e     Exec
		extra bool
		used  bool
	}
	var pats []*pattern
	for i, e := range p.Execs {
		if e.NameKnown && (e.Path != "" || !slices.Contains(fakes, e.Name)) {
			continue
		}
		pat := &pattern{e: e}
		for _, u := range p.Unknowns {
			pat.extra = pat.extra || u.Exec == i && u.Kind == UnknownArgs
		}
		pats = append(pats, pat)
	}
	match := func(pat *pattern, argv []string) bool {
		e := pat.e
		if e.NameKnown && e.Name != argv[0] {
			return false
		}
		args := argv[1:]
		if len(args) < len(e.Args) || len(args) > len(e.Args) && !pat.extra {
			return false
		}
		for i, a := range e.Args {
			if a.Known && a.Value != args[i] {
				return false
			}
		}
		return true
	}
	for _, argv := range ran {
		found := false
		for _, pat := range pats {
			if !pat.used && match(pat, argv) {
				pat.used, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("bash ran %q, which Parse did not predict; predicted %q", argv, fmtPats(p, fakes))
		}
	}
	for _, pat := range pats {
		if !pat.used && pat.e.NameKnown {
			t.Errorf("Parse predicted %q, which bash did not run (ran %q)", fmtExec(pat.e), ran)
		}
	}
}

func fmtPats(p *Plan, fakes []string) []string {
	var out []string
	for _, e := range p.Execs {
		if !e.NameKnown || e.Path == "" && slices.Contains(fakes, e.Name) {
			out = append(out, fmtExec(e))
		}
	}
	return out
}
