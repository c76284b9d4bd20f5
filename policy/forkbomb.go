package policy

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/rrsh/rrsh/parse"
)

// maxForkBombBytes bounds the shell text searched for fork bombs.
const maxForkBombBytes = 4 << 20

// forkBombs finds shell functions that call themselves in a way that
// forks: in a pipeline, in the background, in a subshell or a command
// substitution (`:(){ :|:& };:`). A Plan lists the calls as ordinary Execs
// marked Function, but not which function body they are in, so this looks
// at the definitions themselves: for every function the plan calls, each
// place in the shell text that looks like its definition header is parsed
// as one statement. The texts searched are the top-level string and the
// literal text of every nested shell the plan shows (bash -c STRING, eval
// WORDS, a heredoc fed to a shell).
func (dc *decider) forkBombs() {
	var names []string
	for i := range dc.plan.Execs {
		e := &dc.plan.Execs[i]
		if e.Function && e.Name != "" && !slices.Contains(names, e.Name) {
			names = append(names, e.Name)
		}
	}
	if len(names) == 0 {
		return // no command calls a function the script defined
	}
	budget := maxForkBombBytes
	parser := syntax.NewParser(syntax.Variant(syntax.LangBash))
	look := func(src string, sp parse.Span, top bool, exec int) {
		if len(src) > budget {
			return
		}
		budget -= len(src)
		for _, off := range funcHeaders(src, names) {
			fd := firstFuncDecl(parser, src[off:])
			if fd == nil {
				continue
			}
			fnames := funcNames(fd)
			if !selfForks(fd.Body, fnames) {
				continue
			}
			s := sp
			if top {
				s = spanOf(src, off+int(fd.Pos().Offset()), off+int(fd.End().Offset()))
			}
			part := fnames[0] + "() { … }"
			dc.add(Match{Rule: "fork-bomb", Tier: Block, Kind: "exec", Part: part, Exec: exec, Span: s,
				Reason: "blocked: `" + part + "` is a fork bomb (a function that calls itself in a pipeline or in the background); it would exhaust the machine's processes"})
			return
		}
	}
	look(dc.plan.Src, parse.Span{}, true, -1)
	for i := range dc.plan.Execs {
		e := &dc.plan.Execs[i]
		if !e.NameKnown {
			continue
		}
		switch e.Name {
		case "bash", "sh", "zsh", "dash", "ksh", "mksh", "busybox":
			for j, a := range e.Args {
				if !a.Known || len(a.Value) < 2 || a.Value[0] != '-' || a.Value[1] == '-' {
					continue
				}
				if strings.Contains(a.Value[1:], "c") && j+1 < len(e.Args) && e.Args[j+1].Known {
					look(e.Args[j+1].Value, e.Span, false, i)
					break
				}
			}
			for _, r := range e.Redirects {
				if r.Op == "<<" || r.Op == "<<-" || r.Op == "<<<" {
					look(r.Target.Value, e.Span, false, i)
				}
			}
		case "eval":
			var b strings.Builder
			for j, a := range e.Args {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(a.Value)
			}
			look(b.String(), e.Span, false, i)
		}
	}
}

// maxHeaders bounds the definition headers parsed per text.
const maxHeaders = 64

// funcHeaders returns the offsets in src where a definition of one of
// names may start: "name ()", "name()" or "function name", at a word
// boundary.
func funcHeaders(src string, names []string) []int {
	var out []int
	for _, n := range names {
		for from := 0; from < len(src) && len(out) < maxHeaders; {
			i := strings.Index(src[from:], n)
			if i < 0 {
				break
			}
			i += from
			from = i + 1
			if i > 0 && !isBoundary(src[i-1]) {
				continue
			}
			j := i + len(n)
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			before := strings.TrimRight(src[:i], " \t")
			kw := len(before) - len("function")
			isKw := len(before) < i && strings.HasSuffix(before, "function") && (kw == 0 || isBoundary(src[kw-1]))
			switch {
			case isKw:
				out = append(out, kw)
			case j < len(src) && src[j] == '(':
				out = append(out, i)
			}
		}
	}
	return out
}

func isBoundary(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '(', ')', '{', '}', '`':
		return true
	}
	return false
}

// firstFuncDecl parses the first statement of src and returns it when it
// is a function definition.
func firstFuncDecl(p *syntax.Parser, src string) *syntax.FuncDecl {
	var fd *syntax.FuncDecl
	_ = p.Stmts(strings.NewReader(src), func(st *syntax.Stmt) bool {
		fd, _ = st.Cmd.(*syntax.FuncDecl)
		return false
	})
	return fd
}

func funcNames(fd *syntax.FuncDecl) []string {
	var names []string
	if fd.Name != nil {
		names = append(names, fd.Name.Value)
	}
	for _, n := range fd.Names {
		names = append(names, n.Value)
	}
	if len(names) == 0 {
		names = []string{"?"}
	}
	return names
}

// selfForks reports whether body calls one of names and forks: a call in
// a pipeline, in the background, in a subshell or command substitution.
func selfForks(body *syntax.Stmt, names []string) bool {
	calls, forks := false, false
	syntax.Walk(body, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CallExpr:
			if len(x.Args) > 0 {
				if lit := x.Args[0].Lit(); lit != "" && has(names, strings.TrimPrefix(lit, `\`)) {
					calls = true
				}
			}
		case *syntax.Stmt:
			if x.Background || x.Coprocess {
				forks = true
			}
		case *syntax.BinaryCmd:
			if x.Op == syntax.Pipe || x.Op == syntax.PipeAll {
				forks = true
			}
		case *syntax.Subshell, *syntax.CmdSubst, *syntax.ProcSubst:
			forks = true
		}
		return true
	})
	return calls && forks
}

// spanOf returns the Span of src[s:e].
func spanOf(src string, s, e int) parse.Span {
	return parse.Span{Start: posOf(src, s), End: posOf(src, e)}
}

func posOf(src string, off int) parse.Pos {
	if off > len(src) {
		off = len(src)
	}
	line := 1 + strings.Count(src[:off], "\n")
	col := off + 1
	if i := strings.LastIndexByte(src[:off], '\n'); i >= 0 {
		col = off - i
	}
	return parse.Pos{Offset: off, Line: line, Col: col}
}
