package parse

import (
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// ctx is where in the input the walk is.
type ctx struct {
	t        *text
	depth    int
	wrappers []Wrapper // the chain of the nested shell being walked
	remote   bool
	sc       *scope
	redirs   []Redirect // redirects of enclosing compound commands
	stdin    *input     // standard input, when it is not inherited
	noAlias  []string   // aliases being expanded (bash does not recurse)
}

// input describes a command's standard input.
type input struct {
	kind  string // "pipe", "heredoc", "herestring", "file"
	known bool   // text is fully known
	text  string // the content; unknown parts as source text
	t     *text  // text mapped for nested parsing; set when known
	file  *xword // for "file": the redirect target
	limit bool   // over MaxHeredoc: not analysed
	span  Span
}

// execInfo is what the walk keeps about an Exec beyond the public fields.
type execInfo struct {
	words  []xword // argv, name first
	stdin  *input
	direct bool // run by the current shell itself (a builtin or function could run)
	// noFunc is set after `command`, `builtin` and `exec`, which never run
	// a function or alias.
	noFunc bool
	// shadowed is set when a function or alias of the command's name may
	// run instead of the builtin or program: its output is then unknown.
	shadowed bool
	t        *text // the text the words come from
	// assigns are the command's environment assignments (VAR=x cmd,
	// env VAR=x, export VAR=x), with values as words.
	assigns []assignWord
}

type assignWord struct {
	name string
	val  xword
}

const maxLoopPasses = 8

func (w *walker) walkStmts(c ctx, stmts []*syntax.Stmt) {
	for _, s := range stmts {
		w.walkStmt(c, s)
	}
}

// walkStmt walks one statement and returns the index of the Exec of its
// simple command, or -1.
func (w *walker) walkStmt(c ctx, s *syntax.Stmt) int {
	if !w.visit(c, s) {
		return -1
	}
	if s.Background || s.Coprocess || s.Disown {
		child := c.sc.child()
		defer c.sc.mergeDiscard(child)
		c.sc = child
	}
	pending := len(w.plan.Writes)
	rds, in := w.redirects(c, s.Redirs)
	npending := len(w.plan.Writes)
	if len(rds) > 0 {
		c.redirs = append(slices.Clip(c.redirs), rds...)
	}
	if in != nil {
		c.stdin = in
	}
	start := len(w.plan.Execs)
	main := w.walkCommand(c, s, s.Cmd)
	target := main
	if target < 0 && len(w.plan.Execs) > start {
		target = start
	}
	for i := pending; i < npending; i++ {
		w.plan.Writes[i].Exec = target
	}
	return main
}

// devNoWrite are redirect targets that are not files being written.
func devNoWrite(p string) bool {
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/zero", "/dev/full":
		return true
	}
	return strings.HasPrefix(p, "/dev/fd/")
}

// redirects expands a statement's redirections. Writes they make are added
// with Exec -1; the caller sets it. The returned input is the statement's
// standard input when a redirect sets it.
func (w *walker) redirects(c ctx, rs []*syntax.Redirect) ([]Redirect, *input) {
	var out []Redirect
	var in *input
	for _, r := range rs {
		if !w.visit(c, r) {
			break
		}
		fd := -1
		if r.N != nil {
			if n, err := strconv.Atoi(r.N.Value); err == nil {
				fd = n
			}
		}
		rd := Redirect{Op: r.Op.String(), Fd: fd}
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			body, bin := w.heredoc(c, r)
			rd.Target = body
			rd.Span = w.span(c.t, off(r.Pos()), off(r.End()))
			if fd <= 0 {
				in = bin
			}
		case syntax.WordHdoc:
			xw := w.expandOne(c, r.Word, modeSingle)
			rd.Target = xw.Word
			rd.Span = w.span(c.t, off(r.Pos()), off(r.Word.End()))
			if fd <= 0 {
				in = w.hereString(c, xw)
			}
		default:
			xw := w.expandOne(c, r.Word, modeRedir)
			rd.Target = xw.Word
			rd.Span = w.span(c.t, off(r.Pos()), off(r.Word.End()))
			w.redirectWrite(c, r, fd, xw)
			if (r.Op == syntax.RdrIn || r.Op == syntax.RdrInOut || r.Op == syntax.DplIn) && fd <= 0 {
				x := xw
				in = &input{kind: "file", file: &x, span: rd.Span}
				if r.Op == syntax.DplIn {
					in.file = nil
				}
			}
		}
		out = append(out, rd)
	}
	return out, in
}

func (w *walker) redirectWrite(c ctx, r *syntax.Redirect, fd int, xw xword) {
	var kind WriteKind
	switch r.Op {
	case syntax.RdrOut, syntax.RdrClob, syntax.RdrAll, syntax.RdrAllClob, syntax.RdrInOut:
		kind = WriteRedirect
	case syntax.AppOut, syntax.AppAll, syntax.AppClob, syntax.AppAllClob:
		kind = WriteAppend
	case syntax.DplOut:
		// >&word with a word that is not a number or "-" is &>word.
		if r.N != nil || xw.Known && (xw.Value == "-" || isNumber(strings.TrimSuffix(xw.Value, "-"))) {
			return
		}
		kind = WriteRedirect
	default:
		return
	}
	if xw.Known && devNoWrite(xw.Value) {
		return
	}
	w.plan.Writes = append(w.plan.Writes, Write{
		Path:       w.resolve(c, xw.Word),
		Kind:       kind,
		Exec:       -1,
		InFunction: w.inFunc,
		Span:       xw.Span,
	})
}

// heredoc expands a heredoc body and describes it as an input.
func (w *walker) heredoc(c ctx, r *syntax.Redirect) (Word, *input) {
	if r.Hdoc == nil || len(r.Hdoc.Parts) == 0 {
		t := &text{src: "", base: -1, span: w.nodeSpan(c.t, r)}
		return Word{Known: true, Span: t.span}, &input{kind: "heredoc", known: true, t: t, span: t.span}
	}
	s, e := off(r.Hdoc.Pos()), off(r.Hdoc.End())
	rawBody := raw(c.t, s, e)
	// The body's end includes the closing delimiter line; leave it out.
	if i := strings.LastIndexByte(rawBody, '\n'); i >= 0 {
		e = s + i + 1
		rawBody = rawBody[:i+1]
	}
	sp := w.span(c.t, s, e)
	if e-s > w.opts.MaxHeredoc {
		w.unknown(UnknownLimit, "", "heredoc body is larger than the limit; not analysed", -1, sp)
		return Word{Raw: "", Span: sp}, &input{kind: "heredoc", limit: true, span: sp}
	}
	dash := r.Op == syntax.DashHdoc
	var xw xword
	if quotedDelim(r.Word) {
		v := ""
		for _, p := range r.Hdoc.Parts {
			if l, ok := p.(*syntax.Lit); ok {
				v += l.Value
			}
		}
		if dash {
			v = stripTabs(v)
		}
		xw = xword{Word: Word{Value: v, Known: true, Raw: rawBody, Span: sp}, sw: r.Hdoc, whole: true}
	} else {
		m := modeHdoc
		if dash {
			m = modeHdocDash
		}
		fs := w.expandParts(c, r.Hdoc.Parts, m)
		f := &fs[0]
		xw = xword{Word: Word{Value: f.b.String(), Known: !f.unknown, Raw: rawBody, Span: sp}, sw: r.Hdoc, whole: true}
	}
	in := &input{kind: "heredoc", known: xw.Known, text: xw.Value, span: sp}
	if xw.Known {
		in.t = w.textOf(c.t, xw)
	}
	return xw.Word, in
}

func (w *walker) hereString(c ctx, xw xword) *input {
	in := &input{kind: "herestring", known: xw.Known, text: xw.Value + "\n", span: xw.Span}
	if len(xw.Value) > w.opts.MaxHeredoc {
		w.unknown(UnknownLimit, "", "here-string is larger than the limit; not analysed", -1, xw.Span)
		return &input{kind: "herestring", limit: true, span: xw.Span}
	}
	if xw.Known {
		t := w.textOf(c.t, xw)
		t.src = in.text
		in.t = t
	}
	return in
}

// quotedDelim reports whether a heredoc delimiter is quoted, which makes
// the body literal.
func quotedDelim(wd *syntax.Word) bool {
	for _, p := range wd.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, "\\") {
				return true
			}
		}
	}
	return false
}

func stripTabs(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "")
}

// textOf returns the text of a known word's value for nested parsing:
// mapped exactly onto the top-level string when the value is a verbatim
// piece of t, else mapped to the word's span.
func (w *walker) textOf(t *text, xw xword) *text {
	if s, ok := exactStart(t, xw); ok {
		return t.sub(s, xw.Value)
	}
	return &text{src: xw.Value, base: -1, span: xw.Span}
}

// exactStart returns where xw's value starts in t.src when it appears
// there verbatim (a single-quoted string, a plain literal, a double-quoted
// string without escapes or expansions, a quoted heredoc body).
func exactStart(t *text, xw xword) (int, bool) {
	if xw.sw == nil || !xw.whole || !xw.Known || len(xw.sw.Parts) == 0 {
		return 0, false
	}
	var s int
	if len(xw.sw.Parts) == 1 {
		switch p := xw.sw.Parts[0].(type) {
		case *syntax.SglQuoted:
			if p.Dollar {
				return 0, false
			}
			s = off(p.Left) + 1
		case *syntax.DblQuoted:
			if p.Dollar {
				return 0, false
			}
			s = off(p.Left) + 1
		case *syntax.Lit:
			s = off(p.Pos())
		default:
			return 0, false
		}
	} else {
		s = off(xw.sw.Pos())
	}
	if s < 0 || s+len(xw.Value) > len(t.src) || t.src[s:s+len(xw.Value)] != xw.Value {
		return 0, false
	}
	return s, true
}

func (w *walker) walkCommand(c ctx, st *syntax.Stmt, cmd syntax.Command) int {
	if cmd == nil || !w.visit(c, cmd) {
		return -1
	}
	switch x := cmd.(type) {
	case *syntax.CallExpr:
		return w.walkCall(c, st, x)
	case *syntax.BinaryCmd:
		switch x.Op {
		case syntax.AndStmt:
			w.walkStmt(c, x.X)
			w.cond(c, func(c ctx) {
				if isCd(x.X) {
					c.sc.cdSucceeded()
				}
				w.walkStmt(c, x.Y)
			})
		case syntax.OrStmt:
			w.walkStmt(c, x.X)
			w.cond(c, func(c ctx) { w.walkStmt(c, x.Y) })
			if isCd(x.X) && isExit(x.Y) {
				c.sc.cdSucceeded()
			}
		default:
			w.walkPipeline(c, x)
		}
	case *syntax.Subshell:
		w.sub(c, func(c ctx) { w.walkStmts(c, x.Stmts) })
	case *syntax.Block:
		w.walkStmts(c, x.Stmts)
	case *syntax.IfClause:
		w.walkIf(c, x)
	case *syntax.WhileClause:
		w.loop(c, func(c ctx) {
			w.walkStmts(c, x.Cond)
			w.walkStmts(c, x.Do)
		})
	case *syntax.ForClause:
		switch l := x.Loop.(type) {
		case *syntax.WordIter:
			for _, it := range l.Items {
				w.expandWord(c, it, modeArgs)
			}
			w.loop(c, func(c ctx) {
				c.sc.forget(l.Name.Value)
				w.walkStmts(c, x.Do)
			})
		case *syntax.CStyleLoop:
			if l.Init != nil {
				w.walkArith(c, l.Init)
			}
			w.loop(c, func(c ctx) {
				if l.Cond != nil {
					w.walkArith(c, l.Cond)
				}
				w.walkStmts(c, x.Do)
				if l.Post != nil {
					w.walkArith(c, l.Post)
				}
			})
		}
	case *syntax.CaseClause:
		w.expandOne(c, x.Word, modeSingle)
		for _, it := range x.Items {
			w.cond(c, func(c ctx) {
				for _, p := range it.Patterns {
					w.expandOne(c, p, modeSingle)
				}
				w.walkStmts(c, it.Stmts)
			})
		}
	case *syntax.FuncDecl:
		w.walkFunc(c, x)
	case *syntax.ArithmCmd:
		w.walkArith(c, x.X)
	case *syntax.TestClause:
		w.walkTest(c, x.X)
	case *syntax.DeclClause:
		return w.walkDecl(c, st, x)
	case *syntax.LetClause:
		return w.walkLet(c, st, x)
	case *syntax.TimeClause:
		return w.walkTime(c, st, x)
	case *syntax.CoprocClause:
		w.sub(c, func(c ctx) { w.walkStmt(c, x.Stmt) })
	case *syntax.TestDecl:
		w.walkStmt(c, x.Body)
	}
	return -1
}

// cond walks a part that runs on some paths only.
func (w *walker) cond(c ctx, f func(ctx)) {
	child := c.sc.child()
	c2 := c
	c2.sc = child
	f(c2)
	c.sc.mergeCond(child)
}

// sub walks a part that runs in a subshell.
func (w *walker) sub(c ctx, f func(ctx)) {
	child := c.sc.child()
	c2 := c
	c2.sc = child
	f(c2)
	c.sc.mergeDiscard(child)
}

// loop walks a loop body. A value read in the body that the body later
// changes is not known on the second pass, so the body is walked again
// with such variables unknown until no read depends on a value the body
// itself changes.
func (w *walker) loop(c ctx, f func(ctx)) {
	var poison []string
	for pass := 0; ; pass++ {
		m := w.mark()
		child := c.sc.child()
		for _, n := range poison {
			child.forget(n)
		}
		if pass >= maxLoopPasses {
			child.invalidateAll()
		}
		c2 := c
		c2.sc = child
		f(c2)
		var bad []string
		if pass < maxLoopPasses {
			for n := range child.inherited {
				if (child.assigned[n] || child.invalid) && !slices.Contains(poison, n) {
					bad = append(bad, n)
				}
			}
		}
		if len(bad) == 0 || w.stopped {
			c.sc.mergeCond(child)
			return
		}
		slices.Sort(bad)
		poison = append(poison, bad...)
		w.rollback(m)
	}
}

func (w *walker) walkIf(c ctx, x *syntax.IfClause) {
	w.walkStmts(c, x.Cond)
	w.cond(c, func(c ctx) { w.walkStmts(c, x.Then) })
	if x.Else != nil {
		w.cond(c, func(c ctx) { w.walkIf(c, x.Else) })
	}
}

func (w *walker) walkTest(c ctx, x syntax.TestExpr) {
	if x == nil || !w.visit(c, x) {
		return
	}
	switch x := x.(type) {
	case *syntax.Word:
		w.expandOne(c, x, modeSingle)
	case *syntax.BinaryTest:
		w.walkTest(c, x.X)
		if x.Op == syntax.AndTest || x.Op == syntax.OrTest {
			w.cond(c, func(c ctx) { w.walkTest(c, x.Y) })
		} else {
			w.walkTest(c, x.Y)
		}
	case *syntax.UnaryTest:
		w.walkTest(c, x.X)
	case *syntax.ParenTest:
		w.walkTest(c, x.X)
	}
}

// walkCmdSubst walks the statements of $(…) or <(…) and returns their
// output when it is known: a single simple command or pipeline whose last
// stage's output pipeOutput knows (echo, printf, cat, base64 -d of known
// input). Otherwise nil.
func (w *walker) walkCmdSubst(c ctx, stmts []*syntax.Stmt) (out *input) {
	w.sub(c, func(c ctx) {
		c.redirs = nil
		if len(stmts) != 1 || !plainStmt(stmts[0]) {
			w.walkStmts(c, stmts)
			return
		}
		st := stmts[0]
		w.lastPipeOut = nil
		main := w.walkStmt(c, st)
		switch x := st.Cmd.(type) {
		case *syntax.CallExpr:
			out = w.pipeOutput(c, st, main)
		case *syntax.BinaryCmd:
			if x.Op == syntax.Pipe || x.Op == syntax.PipeAll {
				out = w.lastPipeOut
			}
		}
	})
	if out != nil && !out.known {
		out = nil
	}
	return out
}

// plainStmt reports whether st runs in the foreground, unnegated, with no
// redirects of its own (which could divert its output).
func plainStmt(st *syntax.Stmt) bool {
	return len(st.Redirs) == 0 && !st.Background && !st.Coprocess && !st.Negated
}

// walkPipeline walks a | b | c. Each stage runs in a subshell; a stage's
// standard input is the previous stage's output, known when that stage is
// a literal echo, printf or cat.
func (w *walker) walkPipeline(c ctx, x *syntax.BinaryCmd) {
	var stages []*syntax.Stmt
	var flatten func(s *syntax.Stmt)
	flatten = func(s *syntax.Stmt) {
		if b, ok := s.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) &&
			len(s.Redirs) == 0 && !s.Negated && !s.Background {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		stages = append(stages, s)
	}
	flatten(x.X)
	flatten(x.Y)
	var prev *input
	for i, st := range stages {
		c2 := c
		child := c.sc.child()
		c2.sc = child
		if i > 0 {
			c2.stdin = prev
		}
		main := w.walkStmt(c2, st)
		c.sc.mergeDiscard(child)
		prev = w.pipeOutput(c2, st, main)
	}
	if len(stages) > 0 && plainStmt(stages[len(stages)-1]) {
		w.lastPipeOut = prev
	}
}

func (w *walker) walkFunc(c ctx, x *syntax.FuncDecl) {
	var names []string
	if x.Name != nil {
		names = append(names, x.Name.Value)
	}
	for _, n := range x.Names {
		names = append(names, n.Value)
	}
	fsc := c.sc.function()
	if v, ok := c.sc.lookup(cwdKey); w.funcCwdUnknown {
		fsc.put(cwdKey, varState{val: "$PWD"})
	} else if ok {
		fsc.put(cwdKey, v)
	}
	for _, n := range names {
		fsc.defineFunc(n, &funcInfo{})
	}
	c2 := c
	c2.sc = fsc
	c2.stdin = nil
	c2.redirs = nil
	if w.funcs == nil {
		w.funcs = map[string]bool{}
	}
	for _, n := range names {
		w.funcs[n] = true
	}
	outer := w.inFunc
	w.inFunc = "?"
	if len(names) > 0 {
		w.inFunc = names[0]
	}
	w.walkStmt(c2, x.Body)
	w.inFunc = outer
	fi := &funcInfo{all: fsc.invalid}
	for k := range fsc.assigned {
		fi.assigned = append(fi.assigned, k)
	}
	slices.Sort(fi.assigned)
	for _, n := range names {
		c.sc.defineFunc(n, fi)
	}
}

// stmtSpan is the span of a simple command with its redirects (heredoc
// bodies excluded).
func (w *walker) stmtSpan(c ctx, st *syntax.Stmt, n syntax.Node) Span {
	s, e := off(n.Pos()), off(n.End())
	if st != nil {
		for _, r := range st.Redirs {
			rs, re := off(r.Pos()), off(r.Word.End())
			s, e = min(s, rs), max(e, re)
		}
	}
	return w.span(c.t, s, e)
}

func plain(ws []xword) []Word {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Word, len(ws))
	for i, x := range ws {
		out[i] = x.Word
	}
	return out
}

// walkCall turns a simple command into an Exec.
func (w *walker) walkCall(c ctx, st *syntax.Stmt, call *syntax.CallExpr) int {
	if len(call.Args) == 0 {
		for _, a := range call.Assigns {
			w.assign(c, c.sc, a)
		}
		return -1
	}
	fields := make([]xword, 0, len(call.Args))
	for _, a := range call.Args {
		fields = w.expandInto(fields, c, a, modeArgs)
	}
	if w.stopped {
		return -1
	}
	tmp := c.sc
	var assigns []string
	var awords []assignWord
	if len(call.Assigns) > 0 {
		tmp = c.sc.child()
		ctmp := c
		ctmp.sc = tmp
		for _, a := range call.Assigns {
			if v, ok := w.assign(ctmp, tmp, a); ok {
				assigns = append(assigns, v)
				awords = append(awords, w.assignWordOf(ctmp, a, v))
			}
		}
		c.sc.mergeDiscard(tmp)
	}
	if len(fields) == 0 {
		if c.t.base == 0 && c.depth == 0 {
			w.empty = append(w.empty, off(call.Pos()))
		}
		// The words expanded to nothing: the assignments apply to the shell.
		for _, a := range call.Assigns {
			if a.Name != nil {
				if v, ok := tmp.lookup(a.Name.Value); ok {
					c.sc.set(a.Name.Value, v.val, v.known)
				}
			}
		}
		return -1
	}
	e := Exec{
		Assigns:   assigns,
		Redirects: slices.Clone(c.redirs),
		Stdin:     inputKind(c.stdin),
		Wrappers:  slices.Clone(c.wrappers),
		Remote:    c.remote,
		Depth:     c.depth,
		Span:      w.stmtSpan(c, st, call),
	}
	return w.addExec(c, e, execInfo{words: fields, stdin: c.stdin, direct: true, t: c.t, assigns: awords})
}

// assignWordOf describes an evaluated assignment NAME=value for the
// environment checks of analyse.
func (w *walker) assignWordOf(c ctx, a *syntax.Assign, nameVal string) assignWord {
	name, val, _ := strings.Cut(nameVal, "=")
	x := xword{Word: Word{Value: val, Known: true}}
	if v, ok := c.sc.lookup(name); ok {
		x.Known = v.known
	} else {
		x.Known = false
	}
	if a.Value != nil {
		s, e := off(a.Value.Pos()), off(a.Value.End())
		x.Raw, x.Span = raw(c.t, s, e), w.span(c.t, s, e)
		if x.Known && len(a.Value.Parts) > 0 {
			x.sw, x.whole = a.Value, true
		}
	} else {
		x.Span = w.span(c.t, off(a.Pos()), off(a.End()))
	}
	return assignWord{name: name, val: x}
}

func inputKind(in *input) string {
	if in == nil {
		return ""
	}
	return in.kind
}

// addExec resolves the command name, appends the Exec and analyses it.
func (w *walker) addExec(c ctx, e Exec, info execInfo) int {
	name := info.words[0]
	setName(&e, name)
	e.InFunction = w.inFunc
	if name.sw != nil && hasCmdSubst(name.sw) {
		// $(echo rm) -rf x: even when the output is known, a command
		// name built by running commands is reported as built at run
		// time, so the policy's treatment of unknowns applies.
		e.Name, e.Path, e.NameKnown = "", "", false
	}
	idx := len(w.plan.Execs)
	w.plan.Execs = append(w.plan.Execs, e)
	w.info = append(w.info, info)
	if !e.NameKnown {
		w.unknown(UnknownName, name.Raw, "command name is built at run time", idx, name.Span)
		if info.direct {
			// It may be a builtin or function that changes variables.
			c.sc.invalidateAll()
		}
		return idx
	}
	w.analyse(c, idx)
	return idx
}

// hasCmdSubst reports whether sw has a command or process substitution
// (at any quoting level).
func hasCmdSubst(sw *syntax.Word) bool {
	found := false
	syntax.Walk(sw, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			found = true
		}
		return !found
	})
	return found
}

// setName fills Name, Path and NameKnown from the command word.
func setName(e *Exec, name xword) {
	v := name.Value
	if !name.Known {
		// "$HOME/bin/tool" still names "tool": the part after the last
		// slash is literal, and the quotes prevent splitting.
		i := strings.LastIndexByte(v, '/')
		if i < 0 || name.sw == nil || !name.whole || !literalTail(name.sw, v[i+1:]) || name.Glob {
			e.Name, e.NameKnown = "", false
			return
		}
		e.Name, e.Path, e.NameKnown = v[i+1:], v, true
		return
	}
	e.NameKnown = true
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		e.Path = v
		if i < len(v)-1 {
			v = v[i+1:]
		}
	}
	e.Name = v
}

// literalTail reports whether the word ends in the literal, unsplittable
// text tail that starts after a literal slash: "$HOME/bin/rm", ~/bin/rm.
func literalTail(sw *syntax.Word, tail string) bool {
	if tail == "" || strings.ContainsAny(tail, "*?[$`\\") {
		return false
	}
	// Unquoted expansions before the tail could split the word.
	for _, p := range sw.Parts {
		switch p := p.(type) {
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp, *syntax.ProcSubst, *syntax.ExtGlob:
			return false
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "*?[") {
				return false
			}
		}
	}
	last := sw.Parts[len(sw.Parts)-1]
	switch p := last.(type) {
	case *syntax.Lit:
		return strings.HasSuffix(p.Value, "/"+tail)
	case *syntax.SglQuoted:
		return strings.HasSuffix(p.Value, "/"+tail)
	case *syntax.DblQuoted:
		if len(p.Parts) == 0 {
			return false
		}
		l, ok := p.Parts[len(p.Parts)-1].(*syntax.Lit)
		return ok && strings.HasSuffix(l.Value, "/"+tail)
	}
	return false
}

// assign evaluates one assignment into sc and returns it as NAME=value.
func (w *walker) assign(c ctx, sc *scope, a *syntax.Assign) (string, bool) {
	if a.Name == nil {
		if a.Value != nil {
			w.expandWord(c, a.Value, modeArgs)
		}
		return "", false
	}
	name := a.Name.Value
	if a.Index != nil {
		w.walkArith(c, a.Index)
	}
	if a.Array != nil {
		for _, el := range a.Array.Elems {
			if el.Index != nil {
				w.walkArith(c, el.Index)
			}
			if el.Value != nil {
				w.expandWord(c, el.Value, modeArgs)
			}
		}
		sc.forget(name)
		return name + "=" + raw(c.t, off(a.Array.Pos()), off(a.Array.End())), true
	}
	var xw xword
	if a.Value != nil {
		xw = w.expandOne(c, a.Value, modeSingle)
	} else {
		xw = xword{Word: Word{Known: true}}
	}
	val, known := xw.Value, xw.Known
	if a.Append {
		old, ok := sc.get(name)
		val, known = old+val, known && ok
	}
	if a.Index != nil || dynamicVars[name] {
		known = false
	}
	if name == "PS4" && promptRuns(val, known) {
		w.unknown(UnknownShellText, xw.Raw, "PS4 is expanded, command substitutions included, each time set -x traces a command", -1, xw.Span)
	}
	sc.set(name, val, known)
	return name + "=" + xw.Value, true
}

// promptRuns reports whether a prompt string (PS4) may run commands when
// bash expands it: a command substitution, a ${var@P} that expands
// another prompt string, or a value not known statically.
func promptRuns(val string, known bool) bool {
	return !known || strings.Contains(val, "$(") || strings.Contains(val, "`") || strings.Contains(val, "@P")
}

// walkDecl handles declare/local/export/readonly/typeset as an Exec and
// applies their assignments.
func (w *walker) walkDecl(c ctx, st *syntax.Stmt, d *syntax.DeclClause) int {
	variant := d.Variant.Value
	words := []xword{{Word: Word{Value: variant, Known: true, Raw: variant, Span: w.nodeSpan(c.t, d.Variant)}}}
	attrs := false
	var named []*syntax.Assign
	var awords []assignWord
	for _, a := range d.Args {
		switch {
		case a.Naked && a.Name == nil && a.Value != nil:
			ws := w.expandWord(c, a.Value, modeArgs)
			for _, x := range ws {
				if !x.Known {
					c.sc.invalidateAll()
				} else if strings.HasPrefix(x.Value, "-") || strings.HasPrefix(x.Value, "+") {
					attrs = attrs || strings.ContainsAny(x.Value[1:], "aAnilu")
				}
			}
			words = append(words, ws...)
		case a.Naked && a.Name != nil:
			named = append(named, a)
			words = append(words, xword{Word: Word{Value: a.Name.Value, Known: true, Raw: a.Name.Value, Span: w.nodeSpan(c.t, a.Name)}})
		default:
			named = append(named, a)
			s, e := off(a.Pos()), off(a.End())
			v, _ := w.assign(c, c.sc, a)
			xw := xword{Word: Word{Value: v, Known: true, Raw: raw(c.t, s, e), Span: w.span(c.t, s, e)}}
			if vs, ok := c.sc.lookup(a.Name.Value); ok && !vs.known {
				xw.Known = false
			}
			words = append(words, xw)
			awords = append(awords, w.assignWordOf(c, a, v))
		}
	}
	for _, a := range named {
		if a.Name == nil {
			continue
		}
		if attrs || a.Naked && (variant == "local" || variant == "declare" || variant == "typeset") {
			c.sc.forget(a.Name.Value)
		}
	}
	e := Exec{
		Redirects: slices.Clone(c.redirs),
		Stdin:     inputKind(c.stdin),
		Wrappers:  slices.Clone(c.wrappers),
		Remote:    c.remote,
		Depth:     c.depth,
		Span:      w.stmtSpan(c, st, d),
	}
	return w.addExec(c, e, execInfo{words: words, stdin: c.stdin, t: c.t, assigns: awords})
}

func (w *walker) walkLet(c ctx, st *syntax.Stmt, l *syntax.LetClause) int {
	words := []xword{{Word: Word{Value: "let", Known: true, Raw: "let", Span: w.span(c.t, off(l.Let), off(l.Let)+3)}}}
	for _, x := range l.Exprs {
		w.walkArith(c, x)
		s, e := off(x.Pos()), off(x.End())
		r := raw(c.t, s, e)
		words = append(words, xword{Word: Word{Value: r, Raw: r, Span: w.span(c.t, s, e)}})
	}
	e := Exec{
		Redirects: slices.Clone(c.redirs),
		Stdin:     inputKind(c.stdin),
		Wrappers:  slices.Clone(c.wrappers),
		Remote:    c.remote,
		Depth:     c.depth,
		Span:      w.stmtSpan(c, st, l),
	}
	return w.addExec(c, e, execInfo{words: words, stdin: c.stdin, t: c.t})
}

// walkTime handles the time keyword: an Exec "time" and the timed
// pipeline with "time" in its wrapper chain.
func (w *walker) walkTime(c ctx, st *syntax.Stmt, x *syntax.TimeClause) int {
	words := []xword{{Word: Word{Value: "time", Known: true, Raw: "time", Span: w.span(c.t, off(x.Time), off(x.Time)+4)}}}
	if x.PosixFormat {
		words = append(words, xword{Word: Word{Value: "-p", Known: true, Raw: "-p", Span: words[0].Span}})
	}
	e := Exec{
		Redirects: slices.Clone(c.redirs),
		Stdin:     inputKind(c.stdin),
		Wrappers:  slices.Clone(c.wrappers),
		Remote:    c.remote,
		Depth:     c.depth,
		Span:      w.stmtSpan(c, st, x),
	}
	idx := w.addExec(c, e, execInfo{words: words, stdin: c.stdin, t: c.t})
	if x.Stmt != nil {
		c2 := c
		c2.wrappers = append(slices.Clone(c.wrappers), Wrapper{Name: "time", Args: plain(words[1:]), Span: e.Span})
		w.walkStmt(c2, x.Stmt)
	}
	return idx
}

// isCd reports whether a statement is a cd (or an && chain with one) that
// must have succeeded for what follows it with && to run.
func isCd(s *syntax.Stmt) bool {
	if s == nil || s.Negated {
		return false
	}
	switch x := s.Cmd.(type) {
	case *syntax.CallExpr:
		if len(x.Args) > 0 {
			n := x.Args[0].Lit()
			return n == "cd" || n == "pushd"
		}
	case *syntax.BinaryCmd:
		return x.Op == syntax.AndStmt && (isCd(x.X) || isCd(x.Y))
	}
	return false
}

// isExit reports whether a statement leaves the script (exit, return).
func isExit(s *syntax.Stmt) bool {
	if s == nil {
		return false
	}
	switch x := s.Cmd.(type) {
	case *syntax.CallExpr:
		if len(x.Args) > 0 {
			n := x.Args[0].Lit()
			return n == "exit" || n == "return"
		}
	case *syntax.Block:
		return len(x.Stmts) > 0 && isExit(x.Stmts[len(x.Stmts)-1])
	}
	return false
}
