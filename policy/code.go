package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// codePattern is a case-insensitive token sequence matched against code
// texts (SQL, python -c, …), ignoring white space.
type codePattern struct {
	toks []string
}

func compileCode(s string) codePattern {
	return codePattern{toks: tokenize(s, "")}
}

// tokenize splits code into lower-case tokens: runs of letters, digits and
// '_' (and '$', which SQL and shells use inside names) are one token, every
// other non-space character is a token of its own. For lang "sql", comments
// that cannot hide code are removed first (see stripSQLComments).
func tokenize(s, lang string) []string {
	if lang == "sql" {
		s = stripSQLComments(s)
	}
	s = strings.ToLower(s)
	toks := make([]string, 0, len(s)/4+1)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case asciiWord(c):
				j := i + 1
				for j < len(s) {
					if s[j] < utf8.RuneSelf {
						if !asciiWord(s[j]) {
							break
						}
						j++
						continue
					}
					r2, n2 := utf8.DecodeRuneInString(s[j:])
					if !isWordRune(r2) {
						break
					}
					j += n2
				}
				toks = append(toks, s[i:j])
				i = j
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				i++
			default:
				toks = append(toks, s[i:i+1])
				i++
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n2
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			toks = append(toks, s[i:i+n])
			i += n
		}
	}
	return toks
}

func isWordRune(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func asciiWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 'A' && c <= 'Z'
}

// stripSQLComments replaces SQL comments with a space, so that
// "drop/**/table" and "drop -- x\ntable" read as "drop table". It errs
// toward keeping text: anything inside quotes ('…', "…", `…`, $tag$…$tag$,
// with backslash escapes) is kept, "--" counts only when followed by white
// space or the end (MySQL reads "1--1" as arithmetic), MySQL's executable
// "/*! … */" comments and unterminated comments are kept.
func stripSQLComments(s string) string {
	if !strings.Contains(s, "--") && !strings.Contains(s, "/*") {
		return s
	}
	var b strings.Builder
	last := 0 // s[last:i] is kept but not yet written
	cut := func(from, to int) {
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:from])
		b.WriteByte(' ')
		last = to
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			i = min(j+1, len(s))
		case c == '$':
			tag, ok := dollarTag(s[i:])
			if !ok {
				i++
				continue
			}
			end := strings.Index(s[i+len(tag):], tag)
			if end < 0 {
				i = len(s)
				continue
			}
			i += len(tag) + end + len(tag)
		case c == '-' && strings.HasPrefix(s[i:], "--") && (i+2 == len(s) || s[i+2] == ' ' || s[i+2] == '\t' || s[i+2] == '\n' || s[i+2] == '\r'):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			cut(i, i+j)
			i += j
		case c == '/' && strings.HasPrefix(s[i:], "/*") && !strings.HasPrefix(s[i:], "/*!"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				i = len(s)
				continue
			}
			cut(i, i+2+j+2)
			i += 2 + j + 2
		default:
			i++
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// dollarTag returns the $tag$ opening a PostgreSQL dollar-quoted string.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return "", false
}

// find returns the index in toks where the pattern's token sequence starts,
// at or after from, or -1.
func (cp codePattern) find(toks []string, from int) int {
	n := len(cp.toks)
	if n == 0 {
		return -1
	}
	for i := from; i+n <= len(toks); i++ {
		if toks[i] != cp.toks[0] {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			if toks[i+k] != cp.toks[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// at reports whether the pattern's tokens start at toks[i].
func (cp *codePattern) at(toks []string, i int) bool {
	if i+len(cp.toks) > len(toks) {
		return false
	}
	for k, t := range cp.toks {
		if toks[i+k] != t {
			return false
		}
	}
	return true
}

// statementEnd returns the index of the ";" ending the statement that
// starts at or before i, or len(toks).
func statementEnd(toks []string, i int) int {
	for ; i < len(toks); i++ {
		if toks[i] == ";" {
			return i
		}
	}
	return len(toks)
}
