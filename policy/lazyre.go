package policy

import (
	"regexp"
	resyntax "regexp/syntax"
	"sync"
)

// lazyRE is a regular expression compiled on its first match. A policy has
// a few hundred globs and an rrsh process decides one command, which
// consults a handful of them: compiling all of them at load would be most
// of the load's time. The expression is parsed at load, so a bad one is
// still a load error: regexp.Compile fails only where syntax.Parse does
// (syntax.Compile has no failure of its own).
type lazyRE struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func newLazyRE(expr string) (*lazyRE, error) {
	if _, err := resyntax.Parse(expr, resyntax.Perl); err != nil {
		return nil, err
	}
	return &lazyRE{expr: expr}, nil
}

// MatchString reports whether s matches; safe for concurrent use.
func (l *lazyRE) MatchString(s string) bool {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re.MatchString(s)
}
