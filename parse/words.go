package parse

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// mode says which expansions bash applies to a word.
type mode int

const (
	modeArgs     mode = iota // command words: braces, tilde, splitting, globbing
	modeSingle               // assignment values, here-strings, case and [[ ]] words
	modeRedir                // redirect targets: tilde and globbing, no splitting
	modeHdoc                 // unquoted heredoc body
	modeHdocDash             // unquoted <<- heredoc body (leading tabs removed)
)

// maxBraceFields is the most words one brace expansion may produce before
// the word is left unexpanded (and unknown).
const maxBraceFields = 64

// xword is a Word plus where it came from.
type xword struct {
	Word
	sw *syntax.Word // the source word, nil when synthesised
	// whole is set when this Word is the entire expansion of sw (no field
	// splitting or brace expansion divided it).
	whole bool
}

type fieldAcc struct {
	b       strings.Builder
	unknown bool
	glob    bool
	tilde   bool
	bracket bool // an unquoted '[' was seen
}

type expander struct {
	w      *walker
	c      ctx
	mode   mode
	cur    *fieldAcc
	fields []fieldAcc
	// lineStart is used for <<- bodies: at the start of a line.
	lineStart bool
}

func (e *expander) field() *fieldAcc {
	if e.cur == nil {
		e.cur = &fieldAcc{}
	}
	return e.cur
}

func (e *expander) split() {
	if e.cur != nil {
		e.fields = append(e.fields, *e.cur)
		e.cur = nil
	}
}

func (e *expander) globbing() bool { return e.mode == modeArgs || e.mode == modeRedir }

// lit appends literal text. glob reports whether its glob characters are
// active (unquoted and unescaped).
func (e *expander) lit(s string, glob bool) {
	f := e.field()
	if glob && e.globbing() {
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '*', '?':
				f.glob = true
			case '[':
				f.bracket = true
			case ']':
				if f.bracket {
					f.glob = true
				}
			}
		}
	}
	f.b.WriteString(s)
}

// value appends the known value of an expansion; unquoted, it is split on
// blanks and its glob characters are active.
func (e *expander) value(s string, quoted bool, rawText string) {
	if quoted || e.mode != modeArgs {
		e.lit(s, !quoted)
		return
	}
	if e.w.ifs {
		// IFS may have changed: how the value splits is not known.
		e.unknownPart(rawText)
		return
	}
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' {
			if start >= 0 {
				e.lit(s[start:i], true)
				start = -1
			}
			if i < len(s) {
				e.split()
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
}

// unknownPart appends a part only known at run time, as its source text.
func (e *expander) unknownPart(rawText string) {
	f := e.field()
	f.unknown = true
	f.b.WriteString(rawText)
}

// expandWord expands one source word into fields.
func (w *walker) expandWord(c ctx, sw *syntax.Word, m mode) []xword {
	return w.expandInto(nil, c, sw, m)
}

// simpleWord returns the value of a word that needs no expansion at all:
// a plain literal, a single-quoted string, a double-quoted literal.
func simpleWord(sw *syntax.Word, m mode) (string, bool) {
	if len(sw.Parts) != 1 || m == modeHdoc || m == modeHdocDash {
		return "", false
	}
	switch p := sw.Parts[0].(type) {
	case *syntax.Lit:
		if strings.ContainsAny(p.Value, "\\*?[{~") {
			return "", false
		}
		return p.Value, true
	case *syntax.SglQuoted:
		if !p.Dollar {
			return p.Value, true
		}
	case *syntax.DblQuoted:
		if p.Dollar {
			return "", false
		}
		switch len(p.Parts) {
		case 0:
			return "", true
		case 1:
			if l, ok := p.Parts[0].(*syntax.Lit); ok && !strings.Contains(l.Value, "\\") {
				return l.Value, true
			}
		}
	}
	return "", false
}

// expandInto appends the fields of one source word to dst.
func (w *walker) expandInto(dst []xword, c ctx, sw *syntax.Word, m mode) []xword {
	if sw == nil || len(sw.Parts) == 0 {
		return dst
	}
	if !w.visit(c, sw) {
		return append(dst, w.wordFromText(c, sw, "", false))
	}
	s, e := off(sw.Pos()), off(sw.End())
	rawText := raw(c.t, s, e)
	sp := w.span(c.t, s, e)
	if v, ok := simpleWord(sw, m); ok {
		return append(dst, xword{Word: Word{Value: v, Known: true, Raw: rawText, Span: sp}, sw: sw, whole: true})
	}
	if m == modeArgs && hasBrace(sw) {
		cp := &syntax.Word{Parts: append([]syntax.WordPart(nil), sw.Parts...)}
		if syntax.SplitBraces(cp) {
			alts, ok := braceExpand(cp.Parts)
			if !ok {
				// {1..9} sequences and oversized expansions are left as one
				// unknown word, after their command substitutions are walked.
				w.expandParts(c, sw.Parts, m)
				return append(dst, xword{Word: Word{Value: rawText, Raw: rawText, Span: sp}, sw: sw})
			}
			for _, parts := range alts {
				for _, f := range w.expandParts(c, parts, m) {
					dst = append(dst, xword{Word: f.word(rawText, sp), sw: sw})
				}
			}
			return dst
		}
	}
	fs := w.expandParts(c, sw.Parts, m)
	for i := range fs {
		dst = append(dst, xword{Word: fs[i].word(rawText, sp), sw: sw, whole: len(fs) == 1})
	}
	return dst
}

// expandOne expands a word that is never split (assignment values,
// redirect targets, here-strings): always exactly one Word.
func (w *walker) expandOne(c ctx, sw *syntax.Word, m mode) xword {
	if sw != nil && len(sw.Parts) > 0 {
		if v, ok := simpleWord(sw, m); ok && w.visit(c, sw) {
			s, e := off(sw.Pos()), off(sw.End())
			return xword{Word: Word{Value: v, Known: true, Raw: raw(c.t, s, e), Span: w.span(c.t, s, e)}, sw: sw, whole: true}
		}
	}
	fs := w.expandWord(c, sw, m)
	if len(fs) == 1 {
		return fs[0]
	}
	return w.wordFromText(c, sw, "", true)
}

func (w *walker) wordFromText(c ctx, sw *syntax.Word, val string, known bool) xword {
	s, e := off(sw.Pos()), off(sw.End())
	r := raw(c.t, s, e)
	if !known {
		val = r
	}
	return xword{Word: Word{Value: val, Known: known, Raw: r, Span: w.span(c.t, s, e)}, sw: sw, whole: true}
}

func (f *fieldAcc) word(rawText string, sp Span) Word {
	return Word{
		Value: f.b.String(),
		Known: !f.unknown && !f.glob && !f.tilde,
		Glob:  f.glob,
		Tilde: f.tilde,
		Raw:   rawText,
		Span:  sp,
	}
}

func (w *walker) expandParts(c ctx, parts []syntax.WordPart, m mode) []fieldAcc {
	e := &expander{w: w, c: c, mode: m, lineStart: true}
	if m == modeSingle {
		e.field() // an empty assignment value is still one (empty) word
	}
	for i, p := range parts {
		e.part(p, false, i == 0, parts)
	}
	e.split()
	if m != modeArgs && len(e.fields) == 0 {
		e.fields = append(e.fields, fieldAcc{})
	}
	return e.fields
}

func (e *expander) part(p syntax.WordPart, quoted, first bool, all []syntax.WordPart) {
	w, c := e.w, e.c
	w.nodes++
	switch p := p.(type) {
	case *syntax.Lit:
		switch {
		case e.mode == modeHdoc || e.mode == modeHdocDash:
			e.hdocLit(p.Value)
		case quoted:
			e.lit(unescapeDq(p.Value), false)
		default:
			v := p.Value
			if first && e.mode == modeSingle && (strings.HasPrefix(v, "~/") || v == "~" && len(all) == 1) {
				// An assignment value, here-string or case word: bash
				// expands a leading ~ to $HOME here and now; when the
				// script's HOME is known, so is the value.
				if home, ok := e.c.sc.get("HOME"); ok && home != "" {
					e.unquotedLit(home + v[1:])
					break
				}
			}
			if first && strings.HasPrefix(v, "~") {
				e.field().tilde = true
			}
			if first && (e.mode == modeArgs && assignTilde(v) || e.mode == modeSingle && strings.Contains(v, ":~")) {
				e.field().unknown = true
			}
			e.unquotedLit(v)
		}
	case *syntax.SglQuoted:
		e.field()
		if p.Dollar {
			v, ok := ansiC(p.Value)
			if !ok {
				e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
				return
			}
			e.lit(v, false)
			return
		}
		e.lit(p.Value, false)
	case *syntax.DblQuoted:
		e.field()
		for _, q := range p.Parts {
			e.part(q, true, false, nil)
		}
	case *syntax.ParamExp:
		if v, ok := w.paramValue(c, p); ok {
			e.value(v, quoted, raw(c.t, off(p.Pos()), off(p.End())))
			return
		}
		e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
	case *syntax.CmdSubst:
		if out := w.walkCmdSubst(c, p.Stmts); out != nil {
			// Exactly what bash substitutes: the output without its
			// trailing newlines.
			e.value(strings.TrimRight(out.text, "\n"), quoted, raw(c.t, off(p.Pos()), off(p.End())))
			return
		}
		e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
	case *syntax.ArithmExp:
		w.walkArith(c, p.X)
		e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
	case *syntax.ProcSubst:
		w.walkCmdSubst(c, p.Stmts)
		e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
	case *syntax.ExtGlob:
		f := e.field()
		if e.globbing() {
			f.glob = true
		}
		f.unknown = true
		f.b.WriteString(raw(c.t, off(p.Pos()), off(p.End())))
	default:
		e.unknownPart(raw(c.t, off(p.Pos()), off(p.End())))
	}
}

// unquotedLit removes backslash quoting from an unquoted literal.
func (e *expander) unquotedLit(v string) {
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' {
			continue
		}
		if start < i {
			e.lit(v[start:i], true)
		}
		if i+1 < len(v) {
			e.lit(v[i+1:i+2], false)
		} else {
			// a backslash at the very end of a -c string stays itself
			e.lit("\\", false)
		}
		i++
		start = i + 1
	}
	if start < len(v) {
		e.lit(v[start:], true)
	}
	e.field()
}

// hdocLit handles literal text of an unquoted heredoc body, where a
// backslash only quotes $ ` \ and newline, and <<- removes leading tabs.
func (e *expander) hdocLit(v string) {
	f := e.field()
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if e.mode == modeHdocDash && e.lineStart && ch == '\t' {
			continue
		}
		e.lineStart = ch == '\n'
		if ch == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '$', '`', '\\':
				f.b.WriteByte(v[i+1])
				i++
				continue
			case '\n':
				i++
				continue
			}
		}
		f.b.WriteByte(ch)
	}
	e.lineStart = len(v) > 0 && v[len(v)-1] == '\n'
}

// unescapeDq removes the backslashes that quote $ ` " \ and newline inside
// double quotes.
func unescapeDq(v string) string {
	if !strings.Contains(v, "\\") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			switch v[i+1] {
			case '$', '`', '"', '\\':
				b.WriteByte(v[i+1])
				i++
				continue
			case '\n':
				i++
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// assignTilde reports whether bash would expand a tilde in an
// assignment-like command word (a=~/x, a=x:~/y).
func assignTilde(v string) bool {
	i := strings.IndexByte(v, '=')
	if i <= 0 || !validName(v[:i]) {
		return false
	}
	rest := v[i+1:]
	return strings.HasPrefix(rest, "~") || strings.Contains(rest, ":~")
}

// ansiC decodes the body of $'…'. It reports false for escapes it does not
// implement.
func ansiC(s string) (string, bool) {
	if !strings.Contains(s, "\\") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch != '\\' || i+1 >= len(s) {
			b.WriteByte(ch)
			continue
		}
		i++
		switch s[i] {
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'e', 'E':
			b.WriteByte(27)
		case 'f':
			b.WriteByte(12)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte(11)
		case '\\', '\'', '"', '?':
			b.WriteByte(s[i])
		case 'x', 'u', 'U', '0', '1', '2', '3', '4', '5', '6', '7':
			base, maxLen := 16, 2
			start := i + 1
			switch s[i] {
			case 'u':
				maxLen = 4
			case 'U':
				maxLen = 8
			case 'x':
			default:
				base, maxLen, start = 8, 3, i
			}
			j := start
			for j < len(s) && j-start < maxLen && isDigitBase(s[j], base) {
				j++
			}
			if j == start {
				return "", false
			}
			n, err := strconv.ParseUint(s[start:j], base, 32)
			if err != nil {
				return "", false
			}
			if s[i] == 'u' || s[i] == 'U' {
				if !utf8.ValidRune(rune(n)) {
					return "", false
				}
				b.WriteRune(rune(n))
			} else {
				if n == 0 {
					// bash stops the string at a NUL byte
					return b.String(), true
				}
				b.WriteByte(byte(n))
			}
			i = j - 1
		default:
			return "", false
		}
	}
	return b.String(), true
}

func isDigitBase(c byte, base int) bool {
	switch {
	case c >= '0' && c <= '7':
		return true
	case c == '8' || c == '9':
		return base == 16
	case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		return base == 16
	}
	return false
}

// paramValue resolves $X and ${X} when X has a known literal value in the
// script. Everything else is unknown; its nested words are still walked.
func (w *walker) paramValue(c ctx, p *syntax.ParamExp) (string, bool) {
	simple := p.Param != nil && p.Flags == nil && !p.Excl && !p.Length && !p.Width && !p.IsSet &&
		p.NestedParam == nil && p.Index == nil && len(p.Modifiers) == 0 && p.Slice == nil &&
		p.Repl == nil && p.Names == 0 && p.Exp == nil
	if !simple {
		w.walkParamParts(c, p)
		return "", false
	}
	name := p.Param.Value
	if !validName(name) || dynamicVars[name] {
		return "", false
	}
	return c.sc.get(name)
}

func (w *walker) walkParamParts(c ctx, p *syntax.ParamExp) {
	if p.Index != nil {
		w.walkArith(c, p.Index)
	}
	if p.Slice != nil {
		if p.Slice.Offset != nil {
			w.walkArith(c, p.Slice.Offset)
		}
		if p.Slice.Length != nil {
			w.walkArith(c, p.Slice.Length)
		}
	}
	if p.Repl != nil {
		if p.Repl.Orig != nil {
			w.expandWord(c, p.Repl.Orig, modeSingle)
		}
		if p.Repl.With != nil {
			w.expandWord(c, p.Repl.With, modeSingle)
		}
	}
	if p.Exp != nil {
		if p.Exp.Word != nil {
			w.expandWord(c, p.Exp.Word, modeSingle)
		}
		if (p.Exp.Op == syntax.AssignUnset || p.Exp.Op == syntax.AssignUnsetOrNull) && p.Param != nil {
			c.sc.forget(p.Param.Value)
		}
	}
	if p.NestedParam != nil {
		w.expandParts(c, []syntax.WordPart{p.NestedParam}, modeSingle)
	}
}

// walkArith walks an arithmetic expression for command substitutions and
// variable assignments.
func (w *walker) walkArith(c ctx, x syntax.ArithmExpr) {
	if x == nil || !w.visit(c, x) {
		return
	}
	switch x := x.(type) {
	case *syntax.Word:
		// A bare name in arithmetic may hold an expression that assigns;
		// that is beyond static analysis, but command substitutions are not.
		w.expandWord(c, x, modeSingle)
	case *syntax.BinaryArithm:
		if isArithAssign(x.Op) {
			if wd, ok := x.X.(*syntax.Word); ok {
				if n := wd.Lit(); n != "" {
					c.sc.forget(n)
				}
			}
		}
		w.walkArith(c, x.X)
		w.walkArith(c, x.Y)
	case *syntax.UnaryArithm:
		if x.Op == syntax.Inc || x.Op == syntax.Dec {
			if wd, ok := x.X.(*syntax.Word); ok {
				if n := wd.Lit(); n != "" {
					c.sc.forget(n)
				}
			}
		}
		w.walkArith(c, x.X)
	case *syntax.ParenArithm:
		w.walkArith(c, x.X)
	case *syntax.FlagsArithm:
		w.walkArith(c, x.X)
	}
}

func hasBrace(sw *syntax.Word) bool {
	for _, p := range sw.Parts {
		if l, ok := p.(*syntax.Lit); ok && strings.Contains(l.Value, "{") {
			return true
		}
	}
	return false
}

func braceExpand(parts []syntax.WordPart) ([][]syntax.WordPart, bool) {
	acc := [][]syntax.WordPart{nil}
	for _, p := range parts {
		be, ok := p.(*syntax.BraceExp)
		if !ok {
			for i := range acc {
				acc[i] = append(acc[i], p)
			}
			continue
		}
		if be.Sequence {
			return nil, false
		}
		var next [][]syntax.WordPart
		for _, el := range be.Elems {
			sub, ok := braceExpand(el.Parts)
			if !ok {
				return nil, false
			}
			for _, a := range acc {
				for _, s := range sub {
					n := make([]syntax.WordPart, 0, len(a)+len(s))
					n = append(append(n, a...), s...)
					next = append(next, n)
					if len(next) > maxBraceFields {
						return nil, false
					}
				}
			}
		}
		acc = next
	}
	return acc, true
}

func isArithAssign(op syntax.BinAritOperator) bool {
	switch op {
	case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn,
		syntax.RemAssgn, syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn,
		syntax.ShrAssgn, syntax.AndBoolAssgn, syntax.OrBoolAssgn, syntax.XorBoolAssgn, syntax.PowAssgn:
		return true
	}
	return false
}
