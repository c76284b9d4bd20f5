package policy

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"

	"github.com/rrsh/rrsh/parse"
)

// maxPatternWords bounds one pattern.
const maxPatternWords = 64

// pword is one word of a pattern.
type pword struct {
	lit string  // the word after quote removal
	re  *lazyRE // set when the word has unquoted glob characters
}

func (w pword) match(s string) bool {
	if w.re != nil {
		return w.re.MatchString(s)
	}
	return w.lit == s
}

// cmdPattern is one compiled shell-word pattern.
type cmdPattern struct {
	src   string
	words []pword
	// head is the first word without any directory ("/bin/rm" → "rm");
	// headFull is the first word as written when that differs.
	head     pword
	headFull string
	// asName is the rest of the pattern read as the arguments of head.
	asName argv
	// subOK is set when the first word can be a subcommand (it is a
	// literal that does not start with "-").
	subOK bool
	// rest is the pattern after its first word.
	rest []parse.Word
	// asSub is the rest of the pattern read after head as the subcommand
	// of a tool, for every tool that has subcommands. It is made on first
	// use (most patterns never meet a command whose subcommand they name).
	asSubOnce sync.Once
	asSub     map[*tool]argv
	// code is the pattern as a token sequence for code texts.
	code codePattern
}

// splitWords parses s as shell words. Only literal words are allowed:
// quotes and backslashes are removed, unquoted glob characters make the word
// a glob. Parameter expansions, command substitutions, operators and the like
// are errors.
func splitWords(p *syntax.Parser, s string) ([]pword, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("empty pattern")
	}
	if plainWords(s) {
		// Fast path for the common case (no quotes, globs or shell
		// syntax): the words are the fields, exactly as the parser
		// would split them. Loading the default policy does this for
		// hundreds of patterns on every command.
		f := strings.Fields(s)
		if len(f) > maxPatternWords {
			return nil, fmt.Errorf("more than %d words", maxPatternWords)
		}
		out := make([]pword, len(f))
		for i, w := range f {
			out[i] = pword{lit: w}
		}
		return out, nil
	}
	if p == nil {
		p = syntax.NewParser(syntax.Variant(syntax.LangBash))
	}
	var out []pword
	for w, err := range p.WordsSeq(strings.NewReader(s)) {
		if err != nil {
			var pe syntax.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("not a list of shell words: %s", pe.Text)
			}
			return nil, fmt.Errorf("not a list of shell words: %w", err)
		}
		pw, err := literalWord(w)
		if err != nil {
			return nil, err
		}
		out = append(out, pw)
		if len(out) > maxPatternWords {
			return nil, fmt.Errorf("more than %d words", maxPatternWords)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("empty pattern")
	}
	return out, nil
}

// plainWords reports whether s is made only of characters that are
// literal in every position of a shell word and of a glob: letters,
// digits, blanks and - _ . / : + , @ %. The first word may not start with
// a character that makes it special (# starts a comment, ~ a tilde
// expansion, = is fine but is excluded to keep VAR=x assignments out).
func plainWords(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == ' ' || c == '\t':
		case c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '+' || c == ',' || c == '@' || c == '%':
		default:
			return false
		}
	}
	return true
}

// literalWord removes quotes from a word made only of literal parts.
func literalWord(w *syntax.Word) (pword, error) {
	var lit, pat strings.Builder
	for _, part := range w.Parts {
		switch x := part.(type) {
		case *syntax.Lit:
			v := x.Value
			for i := 0; i < len(v); i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
					if v[i] == '\n' {
						continue
					}
					lit.WriteByte(v[i])
					pat.WriteString(pattern.QuoteMeta(v[i:i+1], 0))
					continue
				}
				lit.WriteByte(v[i])
				pat.WriteByte(v[i])
			}
		case *syntax.SglQuoted:
			if x.Dollar {
				return pword{}, fmt.Errorf("%s: $'…' quoting is not supported in patterns", wordText(w))
			}
			lit.WriteString(x.Value)
			pat.WriteString(pattern.QuoteMeta(x.Value, 0))
		case *syntax.DblQuoted:
			for _, dp := range x.Parts {
				l, ok := dp.(*syntax.Lit)
				if !ok {
					return pword{}, fmt.Errorf("%s: patterns are literal words (no $, `…` or $(…))", wordText(w))
				}
				v := unescapeDouble(l.Value)
				lit.WriteString(v)
				pat.WriteString(pattern.QuoteMeta(v, 0))
			}
		default:
			return pword{}, fmt.Errorf("%s: patterns are literal words (no $, `…`, $(…), {a,b} or extended globs)", wordText(w))
		}
	}
	pw := pword{lit: lit.String()}
	ps := pat.String()
	if pattern.HasMeta(ps, 0) {
		expr, err := pattern.Regexp(ps, pattern.EntireString)
		if err != nil {
			return pword{}, fmt.Errorf("%s: bad glob: %w", wordText(w), err)
		}
		re, err := newLazyRE(expr)
		if err != nil {
			return pword{}, fmt.Errorf("%s: bad glob: %w", wordText(w), err)
		}
		pw.re = re
	}
	return pw, nil
}

func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '$', '`', '"', '\\':
				i++
			case '\n':
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func wordText(w *syntax.Word) string {
	var b strings.Builder
	syntax.NewPrinter().Print(&b, w)
	return b.String()
}

// compilePattern compiles one shell-word pattern. p is a parser to reuse,
// or nil.
func compilePattern(p *syntax.Parser, src string) (*cmdPattern, error) {
	words, err := splitWords(p, src)
	if err != nil {
		return nil, err
	}
	cp := &cmdPattern{src: src, words: words}
	cp.head = words[0]
	if cp.head.re == nil && strings.Contains(cp.head.lit, "/") {
		if b := path.Base(cp.head.lit); b != cp.head.lit {
			cp.headFull = cp.head.lit
			cp.head.lit = b
		}
	}
	rest := make([]parse.Word, len(words)-1)
	for i, w := range words[1:] {
		rest[i] = parse.Word{Value: w.lit, Known: true, Glob: w.re != nil}
	}
	var headTool *tool
	if cp.head.re == nil {
		headTool = toolFor(cp.head.lit)
	}
	cp.asName = readArgs(headTool, rest, "")
	if err := globFlagValues(&cp.asName); err != nil {
		return nil, err
	}
	cp.rest = rest
	cp.subOK = cp.head.re == nil && !strings.HasPrefix(cp.head.lit, "-")
	lits := make([]string, len(words))
	for i, w := range words {
		lits[i] = w.lit
	}
	cp.code = compileCode(strings.Join(lits, " "))
	return cp, nil
}

// subArgs returns the rest of the pattern read as following its first word
// as tool t's subcommand.
func (cp *cmdPattern) subArgs(t *tool) (argv, bool) {
	if !cp.subOK || !t.sub {
		return argv{}, false
	}
	cp.asSubOnce.Do(func() {
		cp.asSub = make(map[*tool]argv)
		for _, t := range tools {
			if t.sub {
				a := readArgs(t, cp.rest, t.canonSub(cp.head.lit))
				_ = globFlagValues(&a) // the same values compiled in asName
				cp.asSub[t] = a
			}
		}
	})
	a, ok := cp.asSub[t]
	return a, ok
}

// matchKind is how a pattern matches a part.
type matchKind int

const (
	noMatch  matchKind = iota
	mayMatch           // could match, depending on words not known before run time
	isMatch
)

// execMatch is the result of matching a pattern against an Exec.
type execMatch struct {
	kind matchKind
	// score counts the pattern's words that matched for certain; it ranks
	// may-matches (the rule named is the one the command is closest to).
	score int
	// operands are the indexes in ea.pos of positionals the pattern did not
	// consume: the targets of the command.
	operands []int
}

// matchExec matches the pattern against an Exec whose arguments were read
// into ea with the Exec's own tool t.
//
// When byName is set the pattern's first word must be the command name: a
// subcommand does not do (allow rules are matched this way, so that an
// allowlisted "test" does not allow every tool's test subcommand).
func (cp *cmdPattern) matchExec(e *parse.Exec, t *tool, ea *argv, unknownArgs, byName bool) execMatch {
	if !e.NameKnown {
		return execMatch{}
	}
	uncertain := ea.unknown || unknownArgs
	var pa *argv
	var epos []posArg
	var base int // index in ea.pos where epos starts
	if cp.head.match(e.Name) || cp.headFull != "" && cp.headFull == e.Name {
		if cp.head.re != nil {
			// A glob head names no tool: read the pattern words as the
			// Exec's tool would.
			a := cp.asName
			pa = &a
		} else {
			pa = &cp.asName
		}
		epos = ea.pos
		// For a tool with subcommands, the pattern's subcommand must be
		// the command's subcommand, not any later positional.
		if t != nil && t.sub && pa.hasSub {
			switch {
			case ea.subUnknown:
				if !uncertain {
					return execMatch{}
				}
			case !ea.hasSub || !cp.posMatch(pa.pos[0], ea.sub):
				return execMatch{}
			}
			ppos := pa.pos[1:]
			epos = ea.afterSub()
			base = len(ea.pos) - len(epos)
			return cp.finish(ppos, epos, base, pa, ea, uncertain || ea.subUnknown, ea.subUnknown)
		}
		return cp.finish(pa.pos, epos, 0, pa, ea, uncertain, false)
	}
	if byName || t == nil || !t.sub {
		return execMatch{}
	}
	a, ok := cp.subArgs(t)
	if !ok {
		return execMatch{}
	}
	switch {
	case ea.subUnknown:
		if !uncertain {
			return execMatch{}
		}
		epos = ea.afterSub()
		return cp.finish(a.pos, epos, len(ea.pos)-len(epos), &a, ea, true, true)
	case ea.hasSub && ea.sub == a.sub:
		epos = ea.afterSub()
		return cp.finish(a.pos, epos, len(ea.pos)-len(epos), &a, ea, uncertain, false)
	}
	return execMatch{}
}

// finish checks positionals (in order) and flags.
func (cp *cmdPattern) finish(ppos, epos []posArg, base int, pa, ea *argv, uncertain, forceMay bool) execMatch {
	missing := false
	score := 0
	var consumed []int
	j := 0
	for _, pp := range ppos {
		found := false
		for j < len(epos) {
			ep := epos[j]
			j++
			if ep.known && cp.posMatch(pp, ep.val) {
				found = true
				score++
				consumed = append(consumed, base+j-1)
				break
			}
		}
		if !found {
			missing = true
			if !uncertain {
				break
			}
		}
	}
	for _, f := range pa.flags {
		found, certain := ea.hasFlag(f)
		if certain {
			score++
			continue
		}
		missing = true
		if !uncertain && !found {
			break
		}
		uncertain = uncertain || found
	}
	if missing && !uncertain {
		return execMatch{}
	}
	m := execMatch{kind: isMatch, score: score}
	if missing || forceMay {
		m.kind = mayMatch
	}
	for i := base; i < len(ea.pos); i++ {
		if !slices.Contains(consumed, i) {
			m.operands = append(m.operands, i)
		}
	}
	return m
}

func (cp *cmdPattern) posMatch(pp posArg, v string) bool {
	if pp.word >= 0 && !pp.aliased && pp.word+1 < len(cp.words) {
		if w := cp.words[pp.word+1]; w.re != nil {
			return w.re.MatchString(v)
		}
	}
	return pp.val == v
}
