package parse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

func addSeeds(f *testing.F) {
	for _, tt := range extractTests {
		f.Add(tt.src)
	}
	for _, s := range []string{
		"", "#", "\n\n", "a=1", "$(", "x <<EOF\nEOF", "f() { g; }; f",
		"for ((;;)); do :; done", "case x in a|b) ;; esac", "a[$(b)]=c", "${x[$(a)]}",
		"echo ${x/$(a)/$(b)}", "coproc c { d; }", "time", "! ! a", "a &> b &",
	} {
		f.Add(s)
	}
}

// FuzzParse checks that Parse never panics, that every simple command of
// the syntax tree is accounted for, and that printing the tree and parsing
// it again finds the same commands.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		w, err := parse(src, Options{})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			return
		}
		p := w.plan
		checkInvariants(t, p)
		checkCalls(t, w)

		var buf bytes.Buffer
		if err := syntax.NewPrinter().Print(&buf, w.file); err != nil {
			t.Fatalf("print: %v", err)
		}
		w2, err := parse(buf.String(), Options{})
		if err != nil {
			// A printer round-trip problem in the parser library, not
			// something Parse decides; note it and move on.
			t.Skipf("printed source does not parse again: %v\n%s", err, buf.String())
		}
		if n1, n2 := callWords(w.file), callWords(w2.file); !slices.Equal(n1, n2) {
			t.Skipf("the printer changed the command words from %q to %q", n1, n2)
		}
		p2 := w2.plan
		if got, want := execNames(p2), execNames(p); !slices.Equal(got, want) {
			t.Errorf("exec names differ after printing:\n src: %q\nprinted: %q\n got: %q\nwant: %q", src, buf.String(), got, want)
		}
	})
}

// callWords returns a signature of the literal text of the whole tree, to
// tell changes made by the printer (it rewrites some control characters)
// apart from Parse's own behaviour.
func callWords(f *syntax.File) []string {
	var out []string
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Lit:
			out = append(out, "L"+n.Value)
		case *syntax.SglQuoted:
			out = append(out, "S"+n.Value)
		case *syntax.CallExpr:
			out = append(out, fmt.Sprintf("C%d", len(n.Args)))
		}
		return true
	})
	return out
}

func execNames(p *Plan) []string {
	var out []string
	for _, e := range p.Execs {
		n := e.Name
		if !e.NameKnown {
			n = "?"
		}
		out = append(out, n)
	}
	return out
}

// checkCalls checks that every *syntax.CallExpr with words in the
// top-level tree is an Exec at depth 0 (its span starts where the command
// and its redirects start), expanded to nothing, or lies under an Unknown.
func checkCalls(t *testing.T, w *walker) {
	t.Helper()
	p := w.plan
	starts := map[*syntax.CallExpr]int{}
	syntax.Walk(w.file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if c, ok := n.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 {
				s := off(c.Pos())
				for _, r := range n.Redirs {
					s = min(s, off(r.Pos()))
				}
				starts[c] = s
			}
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				if _, ok := starts[n]; !ok {
					starts[n] = off(n.Pos())
				}
			}
		}
		return true
	})
	for c, s := range starts {
		if slices.Contains(w.empty, off(c.Pos())) {
			continue
		}
		found := false
		for _, e := range p.Execs {
			if e.Depth == 0 && e.Span.Start.Offset == s {
				found = true
				break
			}
		}
		for _, u := range p.Unknowns {
			if u.Span.Start.Offset <= off(c.Pos()) && off(c.End()) <= u.Span.End.Offset {
				found = true
			}
		}
		if !found {
			t.Errorf("simple command %q at %d is neither an Exec nor under an Unknown", raw(&text{src: p.Src}, off(c.Pos()), off(c.End())), s)
		}
	}
}

// FuzzBashAgrees compares whether the parser and `bash -n` (syntax check
// only; nothing runs) accept the input. Input bash rejects but the parser
// accepts is where the plan and what bash does could part ways, so it
// fails; the other way round Parse fails closed and it is only logged.
func FuzzBashAgrees(f *testing.F) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		f.Skip("bash not found")
	}
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		if strings.ContainsRune(src, 0) {
			return // not representable in an argv string
		}
		_, perr := Parse(src, Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bash, "--noprofile", "--norc", "-n", "-c", "--", src)
		cmd.Env = []string{"PATH=/nonexistent", "LANG=C"}
		cmd.Dir = t.TempDir()
		out, berr := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Skip("bash -n timed out")
		}
		switch {
		case perr == nil && berr != nil:
			if known := bashRejectsKnown(src, string(out)); known != "" {
				t.Skipf("known difference (%s)", known)
			}
			if logTo := os.Getenv("RRSH_FUZZ_DISAGREE"); logTo != "" {
				f, _ := os.OpenFile(logTo, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				fmt.Fprintf(f, "%q\t%s\n", src, strings.ReplaceAll(string(out), "\n", " | "))
				f.Close()
				return
			}
			t.Errorf("parser accepts but bash -n rejects %q: %s", src, out)
		case perr != nil && berr == nil:
			if logTo := os.Getenv("RRSH_FUZZ_DISAGREE"); logTo != "" {
				f, _ := os.OpenFile(logTo, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				fmt.Fprintf(f, "bash-only %q\t%v\n", src, perr)
				f.Close()
			}
			t.Logf("parser rejects but bash -n accepts %q: %v", src, perr)
		}
	})
}

// bashRejectsKnown names the known kinds of input that the parser accepts
// and bash -n rejects. In each, bash runs nothing of the rejected line and
// the plan lists more than runs (commands bash never reaches), so Parse
// errs on the safe side. They are listed in doc.go.
func bashRejectsKnown(src, bashOut string) string {
	const prefix = "syntax error near unexpected token `"
	i := strings.Index(bashOut, prefix)
	if i < 0 {
		return ""
	}
	tok, _, _ := strings.Cut(bashOut[i+len(prefix):], "'")
	switch {
	case slices.Contains([]string{"in", "do", "done", "then", "fi", "esac", "elif", "else", "}"}, tok):
		return "reserved word as a command name"
	case strings.Contains(src, "()") && tok != "(":
		return "function declaration bash does not accept (no name, or a body that is not a compound command)"
	case strings.Contains(src, "!(") || strings.Contains(src, "*(") || strings.Contains(src, "+(") ||
		strings.Contains(src, "@(") || strings.Contains(src, "?("):
		return "extended glob pattern while extglob is off"
	case tok == "(" && strings.Contains(src, "let"):
		return "let with a parenthesised word"
	case tok == "(" && strings.Contains(src, "=("):
		return "array assignment followed by more text"
	case isNumber(tok) && strings.ContainsAny(src, "<>"):
		return "redirect target that bash reads as a descriptor number (<0<0)"
	case (tok == "&" || tok == ";" || tok == "|" || tok == "&&" || tok == "||" || tok == ";;") && strings.Contains(src, "time"):
		return "time without a pipeline"
	}
	return ""
}
