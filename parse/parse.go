package parse

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The defaults for the zero fields of [Options].
// nestedBytesPerNode is the cost, in MaxNodes units, of parsing nested text:
// one node per this many bytes, so that text parsed again and again
// (a file that sources itself twice) is bounded like any other work.
const nestedBytesPerNode = 64

const (
	DefaultMaxBytes   = 1 << 20   // 1 MiB of command text
	DefaultMaxHeredoc = 256 << 10 // 256 KiB per heredoc or here-string body
	DefaultMaxDepth   = 16        // nested shells (bash -c, eval, source, …)
	DefaultMaxNodes   = 100000    // syntax nodes visited over all depths
)

// Options tunes [Parse]. The zero value is valid and uses the defaults.
type Options struct {
	// Dir is the working directory the command string starts in. Relative
	// paths of `source FILE`, `bash FILE`, `psql -f FILE` and `< FILE` are
	// resolved against it before they are handed to ReadFile.
	Dir string
	// ReadFile reads a file named by the command (`source FILE`, `. FILE`,
	// `bash FILE`, `psql -f FILE`, `psql < FILE`, …) so that its text can be
	// analysed too. Nil means no file is ever read: every such file is an
	// Unknown (UnknownSource for shell text, UnknownCode for code). Parse
	// never asks for files under /dev or /proc, but ReadFile must still not
	// block: it should refuse anything but regular files (a FIFO would hang
	// the check) and may stop reading past MaxBytes.
	ReadFile func(name string) ([]byte, error)
	// MaxBytes limits the size of the command string (and of every file
	// read through ReadFile). A larger command string is an *Error; a larger
	// file is an Unknown of kind UnknownLimit. Default DefaultMaxBytes.
	MaxBytes int
	// MaxHeredoc limits each heredoc and here-string body. A larger body is
	// not analysed and becomes an Unknown of kind UnknownLimit.
	// Default DefaultMaxHeredoc.
	MaxHeredoc int
	// MaxDepth limits nested shells (bash -c, eval, a heredoc or pipe into
	// a shell, source). Text nested deeper is not analysed and becomes an
	// Unknown of kind UnknownLimit. Default DefaultMaxDepth.
	MaxDepth int
	// MaxNodes limits the work: syntax nodes visited over all depths, plus
	// one per 64 bytes of nested shell text parsed. When it is reached the
	// walk stops and an Unknown of kind UnknownLimit covers the rest of the
	// input. Default DefaultMaxNodes.
	MaxNodes int
	// Env holds environment variables whose values are known because the
	// caller hands exactly this environment to the shell that will run the
	// command (rrsh passes __CLAUDE_CC_COMMAND_TEXT, which Claude Code's
	// wrapper evals, and HOME). They are known at the top level of the
	// script as if assigned before its first line; assignments, reads and
	// loops in the script change them as usual. Nested shells do not see
	// them (their environment is not tracked). Nil: no variable is known.
	Env map[string]string
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxHeredoc <= 0 {
		o.MaxHeredoc = DefaultMaxHeredoc
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxNodes <= 0 {
		o.MaxNodes = DefaultMaxNodes
	}
	return o
}

// Error is a syntax error in the top-level command string, or a command
// string over Options.MaxBytes. Pos is where the problem is.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Parse parses src as bash and returns what it will do, as far as can be
// known without running it. A syntax error returns an *Error and no plan;
// callers must fail closed. Everything that cannot be resolved statically is
// listed in Plan.Unknowns, never guessed.
func Parse(src string, opts Options) (*Plan, error) {
	w, err := parse(src, opts)
	if err != nil {
		return nil, err
	}
	return w.plan, nil
}

// parse is Parse, keeping the walker for tests.
func parse(src string, opts Options) (*walker, error) {
	opts = opts.withDefaults()
	w := &walker{opts: opts, top: src, plan: &Plan{Src: src}}
	if len(src) > opts.MaxBytes {
		return nil, &Error{Pos: w.pos(opts.MaxBytes), Msg: fmt.Sprintf("command is %d bytes, over the limit of %d", len(src), opts.MaxBytes)}
	}
	f, err := parseShell(src, syntax.LangBash)
	if err != nil {
		off, msg := syntaxErr(err)
		return nil, &Error{Pos: w.pos(off), Msg: msg}
	}
	w.file = f
	// About one simple command per two separators; growing a slice of
	// Execs by copying costs more than guessing.
	seps := strings.Count(src, "\n") + strings.Count(src, ";") + strings.Count(src, "|") + strings.Count(src, "&")
	n := min(seps/2+4, 4096)
	w.plan.Execs = make([]Exec, 0, n)
	w.info = make([]execInfo, 0, n)
	t := &text{src: src, base: 0}
	w.noteText(src)
	w.funcCwdUnknown = strings.Contains(src, "cd") || strings.Contains(src, "pushd") || strings.Contains(src, "popd")
	sc := newScope()
	for k, v := range opts.Env {
		sc.put(k, varState{val: v, known: true})
	}
	c := ctx{t: t, sc: sc}
	w.walkStmts(c, f.Stmts)
	w.plan.Nodes = w.nodes
	w.fillArgs()
	w.markUncalled()
	return w, nil
}

// fillArgs sets every Exec's Args from the words kept while walking, in
// one allocation.
func (w *walker) fillArgs() {
	n := 0
	for _, in := range w.info {
		n += len(in.words) - 1
	}
	buf := make([]Word, 0, n)
	for i, in := range w.info {
		if len(in.words) < 2 {
			continue
		}
		start := len(buf)
		for _, x := range in.words[1:] {
			buf = append(buf, x.Word)
		}
		w.plan.Execs[i].Args = buf[start:len(buf):len(buf)]
	}
}

func parseShell(src string, lang syntax.LangVariant) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(lang)).Parse(strings.NewReader(src), "")
}

// syntaxErr extracts the offset and a lowercase message from a parser error.
func syntaxErr(err error) (int, string) {
	var pe syntax.ParseError
	var le syntax.LangError
	off, msg := 0, err.Error()
	switch {
	case errors.As(err, &pe):
		off, msg = int(pe.Pos.Offset()), pe.Text
	case errors.As(err, &le):
		off = int(le.Pos.Offset())
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	if msg != "" && msg[0] >= 'A' && msg[0] <= 'Z' {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	return off, msg
}

// text is one piece of shell text being walked: the top-level string, or a
// nested one (bash -c '…', eval, a heredoc fed to a shell, a sourced file).
type text struct {
	src string
	// base is the offset of src[0] in the top-level string when src is an
	// exact substring of it; -1 otherwise.
	base int
	// span is where every position of src maps to when base is -1.
	span Span
}

// sub returns the text for src[s:s+len(val)] == val of t, mapped exactly.
func (t *text) sub(s int, val string) *text {
	if t.base < 0 {
		return &text{src: val, base: -1, span: t.span}
	}
	return &text{src: val, base: t.base + s}
}

// walker holds the state of one Parse call.
type walker struct {
	opts     Options
	top      string
	lines    []int // offsets of line starts in top, built on first use
	lastLine int   // index into lines of the last position asked for
	plan     *Plan
	info     []execInfo // parallel to plan.Execs
	nodes    int
	// stopped is set once MaxNodes is reached; the walk then does nothing.
	stopped bool
	// ifs is set once any analysed text mentions IFS: field splitting of
	// expansions is then unknown.
	ifs bool
	// funcCwdUnknown makes function bodies start in an unknown directory
	// (the script changes directory, so a call may happen elsewhere).
	funcCwdUnknown bool
	// inFunc is the function whose body is being walked ("" outside);
	// funcs are all function names defined anywhere in the command.
	inFunc string
	funcs  map[string]bool
	// lastPipeOut is the known output of the last pipeline walked, for
	// walkCmdSubst.
	lastPipeOut *input
	// file is the top-level syntax tree and empty the top-level offsets of
	// simple commands whose words expanded to nothing; both for tests.
	file  *syntax.File
	empty []int
}

func (w *walker) noteText(s string) {
	if !w.ifs && strings.Contains(s, "IFS") {
		w.ifs = true
	}
}

// pos converts a top-level byte offset into a Pos.
func (w *walker) pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(w.top) {
		off = len(w.top)
	}
	if w.lines == nil {
		w.lines = append(w.lines, 0)
		for i := 0; i < len(w.top); i++ {
			if w.top[i] == '\n' {
				w.lines = append(w.lines, i+1)
			}
		}
	}
	// The walk asks mostly in source order: try the last line first.
	i := w.lastLine
	if i >= len(w.lines) || w.lines[i] > off || (i+1 < len(w.lines) && w.lines[i+1] <= off) {
		i = sort.Search(len(w.lines), func(i int) bool { return w.lines[i] > off }) - 1
		w.lastLine = i
	}
	return Pos{Offset: off, Line: i + 1, Col: off - w.lines[i] + 1}
}

// span maps the range [s, e) of t.src to a top-level Span.
func (w *walker) span(t *text, s, e int) Span {
	if t.base < 0 {
		return t.span
	}
	if e < s {
		e = s
	}
	return Span{Start: w.pos(t.base + s), End: w.pos(t.base + e)}
}

func (w *walker) nodeSpan(t *text, n syntax.Node) Span {
	return w.span(t, off(n.Pos()), off(n.End()))
}

func off(p syntax.Pos) int { return int(p.Offset()) }

// raw returns the source text of [s, e) in t, clamped.
func raw(t *text, s, e int) string {
	if s < 0 {
		s = 0
	}
	if e > len(t.src) {
		e = len(t.src)
	}
	if s >= e {
		return ""
	}
	return t.src[s:e]
}

// mark is a rollback point of the plan.
type mark struct {
	execs, codes, writes, unknowns int
}

func (w *walker) mark() mark {
	p := w.plan
	return mark{len(p.Execs), len(p.CodeTexts), len(p.Writes), len(p.Unknowns)}
}

// rollback drops what was added to the plan since m. The nodes visited
// still count towards MaxNodes, so that walking again is bounded too.
func (w *walker) rollback(m mark) {
	p := w.plan
	p.Execs, w.info = p.Execs[:m.execs], w.info[:m.execs]
	p.CodeTexts, p.Writes, p.Unknowns = p.CodeTexts[:m.codes], p.Writes[:m.writes], p.Unknowns[:m.unknowns]
}

// visit counts one syntax node and reports whether the walk may go on. The
// first time MaxNodes is reached it records an Unknown covering the rest of
// the input from n.
func (w *walker) visit(c ctx, n syntax.Node) bool {
	if w.stopped {
		return false
	}
	w.nodes++
	if w.nodes <= w.opts.MaxNodes {
		return true
	}
	return w.stop(w.nodeSpan(c.t, n))
}

// charge counts cost nodes of work (nested text costs one node per
// nestedBytesPerNode bytes to parse) and reports whether the walk may go on.
func (w *walker) charge(sp Span, cost int) bool {
	if w.stopped {
		return false
	}
	w.nodes += cost
	if w.nodes <= w.opts.MaxNodes {
		return true
	}
	return w.stop(sp)
}

// stop ends the walk at MaxNodes with an Unknown from sp to the end.
func (w *walker) stop(sp Span) bool {
	w.stopped = true
	sp.End = w.pos(len(w.top))
	w.plan.Unknowns = append(w.plan.Unknowns, Unknown{
		Kind:   UnknownLimit,
		Text:   w.plan.Snippet(sp),
		Reason: fmt.Sprintf("more than %d syntax nodes; the rest was not analysed", w.opts.MaxNodes),
		Exec:   -1,
		Span:   sp,
	})
	return false
}

func (w *walker) unknown(kind UnknownKind, txt, reason string, exec int, sp Span) {
	w.plan.Unknowns = append(w.plan.Unknowns, Unknown{Kind: kind, Text: txt, Reason: reason, Exec: exec, Span: sp, InFunction: w.inFunc})
}
