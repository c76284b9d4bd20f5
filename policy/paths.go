package policy

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/pattern"

	"github.com/rrsh/rrsh/parse"
)

// Placeholders for an Env without Home or Cwd: paths under them still
// compare equal to each other (so "~" in a rule matches "~" in a command)
// but never to a real path.
const (
	noHome = "/\x00home"
	noCwd  = "/\x00cwd"
)

// pathGlob is one compiled path glob of a rule's paths or a protect entry.
//
// A glob is absolute ("/etc/**"), under the home directory ("~/.ssh/**",
// "$HOME/.netrc", "${HOME}") or relative to the project root
// (".git/hooks/**"). "*" and "?" match within one path element, "**"
// matches any number of elements, and "X/**" also matches X itself.
type pathGlob struct {
	src  string
	kind byte // '/' absolute, '~' home, '.' project root
	// form is the glob in its kind's form: "/etc/**", "~/.ssh/**", ".git/hooks/**".
	form string
	// base is the literal part of form before the first element with a
	// glob character ("/etc", "~/.ssh", ".git/hooks"); "." for the root itself.
	base string
	re   *lazyRE // matches rest; nil when there are no glob characters
	tree bool    // form ends in "/**"
	// treeOnly is set for "X/**" with a literal X: it matches X and all
	// below, and re is nil.
	treeOnly bool
	// rest is the glob relative to its place: the form for an absolute
	// glob, "" (the place itself) or "/…" for the others ("~/.ssh/**" has
	// rest "/.ssh/**"); restBase is base in the same way.
	rest, restBase string
	// lit is a literal piece every match of re contains (a quick test
	// before the regular expression).
	lit string
	// last is the form's last element ("" when it depends on the Env:
	// "~" alone, "." alone).
	last string
}

// compileGlob compiles one path glob.
func compileGlob(src string) (*pathGlob, error) {
	s := strings.TrimSpace(src)
	if s == "" {
		return nil, errors.New("empty path")
	}
	if strings.ContainsAny(s, "\x00\n") {
		return nil, errors.New("path contains a NUL or newline")
	}
	g := &pathGlob{src: src}
	switch {
	case s == "~" || strings.HasPrefix(s, "~/"):
		g.kind, s = '~', s[1:]
	case strings.HasPrefix(s, "~"):
		return nil, fmt.Errorf("%q: only ~ (the home directory) is supported, not ~user", src)
	case s == "$HOME" || strings.HasPrefix(s, "$HOME/"):
		g.kind, s = '~', s[len("$HOME"):]
	case s == "${HOME}" || strings.HasPrefix(s, "${HOME}/"):
		g.kind, s = '~', s[len("${HOME}"):]
	case strings.HasPrefix(s, "/"):
		g.kind = '/'
	default:
		if strings.ContainsAny(s, "$`") {
			return nil, fmt.Errorf("%q: only $HOME and ${HOME} may start a path", src)
		}
		g.kind = '.'
	}
	if strings.ContainsAny(s, "$`") {
		return nil, fmt.Errorf("%q: only $HOME and ${HOME} may start a path", src)
	}
	switch g.kind {
	case '~':
		g.form = cleanPath("~" + s)
	case '/':
		g.form = cleanPath(s)
	default:
		c := path.Clean(s)
		if c == ".." || strings.HasPrefix(c, "../") {
			return nil, fmt.Errorf("%q: a relative path may not leave the project root", src)
		}
		g.form = c
	}
	g.tree = strings.HasSuffix(g.form, "/**")
	g.base = globBase(g.form)
	if g.form != "~" && g.form != "." && g.form != "/" {
		g.last, _ = lastElem(g.form)
	}
	switch g.kind {
	case '/':
		g.rest, g.restBase = g.form, g.base
	case '~':
		g.rest, g.restBase = g.form[1:], g.base[1:]
	default:
		if g.form != "." {
			g.rest = "/" + g.form
		}
		if g.base != "." {
			g.restBase = "/" + g.base
		}
	}
	if g.tree && g.rest == g.restBase+"/**" && !pattern.HasMeta(g.restBase, 0) {
		// "X/**" is X and everything below it: no expression needed.
		g.treeOnly = true
	} else if pattern.HasMeta(g.rest, 0) {
		g.lit = literalPiece(g.rest[len(g.restBase):])
		expr, err := pattern.Regexp(g.rest, pattern.Filenames|pattern.EntireString|pattern.GlobLeadingDot)
		if err != nil {
			return nil, fmt.Errorf("%q: bad glob: %w", src, err)
		}
		re, err := newLazyRE(expr)
		if err != nil {
			return nil, fmt.Errorf("%q: bad glob: %w", src, err)
		}
		g.re = re
	}
	return g, nil
}

// literalPiece returns the longest run of a glob that holds no glob
// character or escape.
func literalPiece(glob string) string {
	best, start := "", 0
	for i := 0; i <= len(glob); i++ {
		if i == len(glob) || strings.IndexByte("*?[]\\", glob[i]) >= 0 {
			if i-start > len(best) {
				best = glob[start:i]
			}
			start = i + 1
		}
	}
	if best == "/" {
		return ""
	}
	return best
}

// cleanPath cleans a path, keeping a leading "~".
func cleanPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		c := path.Clean("/" + p[1:])
		if c == "/" {
			return "~"
		}
		return "~" + c
	}
	return path.Clean(p)
}

// globBase returns the elements of a glob before the first one holding a
// glob character.
func globBase(form string) string {
	if !pattern.HasMeta(form, 0) {
		return form
	}
	elems := strings.Split(form, "/")
	var keep []string
	for _, e := range elems {
		if pattern.HasMeta(e, 0) {
			break
		}
		keep = append(keep, e)
	}
	b := strings.Join(keep, "/")
	switch {
	case b == "" && strings.HasPrefix(form, "/"):
		return "/"
	case b == "":
		return "."
	}
	return b
}

// places are the directories an Env resolves against.
type places struct {
	home, cwd, root string
}

func newPlaces(env Env) places {
	pl := places{home: env.Home, cwd: env.Cwd, root: env.Root}
	if pl.home == "" || !path.IsAbs(pl.home) {
		pl.home = noHome
	}
	if pl.cwd == "" || !path.IsAbs(pl.cwd) {
		pl.cwd = noCwd
	}
	if pl.root == "" || !path.IsAbs(pl.root) {
		pl.root = pl.cwd
	}
	pl.home, pl.cwd, pl.root = path.Clean(pl.home), path.Clean(pl.cwd), path.Clean(pl.root)
	return pl
}

// rel returns abs relative to the glob's place ("" for the place itself,
// "/…" below it; abs itself for an absolute glob), and whether abs is there
// at all.
func (pl *places) rel(g *pathGlob, abs string) (string, bool) {
	switch g.kind {
	case '~':
		return relTo(abs, pl.home)
	case '.':
		return relTo(abs, pl.root)
	}
	return abs, true
}

func relTo(abs, dir string) (string, bool) {
	switch {
	case abs == dir:
		return "", true
	case dir == "/":
		return abs, true
	case len(abs) > len(dir) && abs[len(dir)] == '/' && strings.HasPrefix(abs, dir):
		return abs[len(dir):], true
	}
	return "", false
}

// placeDir is the directory a glob's rest is relative to.
func (pl *places) placeDir(g *pathGlob) string {
	switch g.kind {
	case '~':
		return pl.home
	case '.':
		return pl.root
	}
	return ""
}

// baseUnder reports whether the glob's base, as an absolute path, is p or
// below p, without building strings.
func (pl *places) baseUnder(g *pathGlob, p string) bool {
	if g.kind == '/' {
		return isAncestor(p, g.restBase)
	}
	return isAncestor2(p, pl.placeDir(g), g.restBase)
}

// isAncestor2 is isAncestor(dir, a+b) for a clean absolute a and a b that
// is "" or starts with "/".
func isAncestor2(dir, a, b string) bool {
	if dir == "/" {
		return true
	}
	if len(dir) <= len(a) {
		if !strings.HasPrefix(a, dir) {
			return false
		}
		if len(dir) == len(a) {
			return true
		}
		return a[len(dir)] == '/' || a == "/"
	}
	if !strings.HasPrefix(dir, a) {
		return false
	}
	rest := dir[len(a):]
	if a == "/" {
		rest = "/" + rest
	}
	return b == rest || strings.HasPrefix(b, rest) && len(b) > len(rest) && b[len(rest)] == '/'
}

// absBase returns the glob's base as an absolute path.
func (pl *places) absBase(g *pathGlob) string {
	if g.kind == '/' {
		return g.restBase
	}
	d := pl.placeDir(g)
	if g.restBase == "" {
		return d
	}
	if d == "/" {
		return g.restBase
	}
	return d + g.restBase
}

// contains reports whether abs (a clean absolute path) is matched by g.
func (pl *places) contains(g *pathGlob, abs string) bool {
	rel, ok := pl.rel(g, abs)
	if !ok {
		return false
	}
	if b := g.restBase; b != "" && b != "/" && rel != b && !(len(rel) > len(b) && rel[len(b)] == '/' && strings.HasPrefix(rel, b)) {
		return false
	}
	if g.treeOnly {
		return true // under restBase, checked above
	}
	if g.re == nil {
		return rel == g.rest
	}
	if g.tree && rel == g.restBase {
		return true
	}
	if g.lit != "" && !strings.Contains(rel, g.lit) {
		return false
	}
	return g.re.MatchString(rel)
}

// isAncestor reports whether dir is p or one of its ancestors.
func isAncestor(dir, p string) bool {
	return dir == p || dir == "/" || strings.HasPrefix(p, dir) && len(p) > len(dir) && p[len(dir)] == '/'
}

// target is a path a command names, resolved as far as possible.
type target struct {
	abs     string         // clean absolute path (when !unknown)
	glob    *regexp.Regexp // set when abs is a glob bash will expand
	globDir string         // for a glob: the literal directory it expands in
	unknown bool           // cannot be resolved statically
	// prefix is, for an unknown target, the literal directory it starts
	// with ("" when none).
	prefix string
}

// resolveWord resolves a word naming a path against dir (a clean absolute
// directory, or "" when the directory is not known statically). When loose
// is set, "~" after "=" or "@" also means the home directory (used when
// looking for credentials in option values).
func (pl *places) resolveWord(w *parse.Word, dir string) target {
	return pl.resolve(w.Value, w.Known, w.Tilde, w.Glob, dir)
}

func (pl *places) resolve(v string, known, tilde, glob bool, dir string) target {
	if v == "" {
		return target{unknown: true}
	}
	if !known {
		switch {
		case v == "$HOME" || strings.HasPrefix(v, "$HOME/"):
			v = pl.home + v[len("$HOME"):]
		case v == "${HOME}" || strings.HasPrefix(v, "${HOME}/"):
			v = pl.home + v[len("${HOME}"):]
		case v == "$PWD" || strings.HasPrefix(v, "$PWD/"):
			if dir == "" {
				return target{unknown: true}
			}
			v = dir + v[len("$PWD"):]
		case v == "${PWD}" || strings.HasPrefix(v, "${PWD}/"):
			if dir == "" {
				return target{unknown: true}
			}
			v = dir + v[len("${PWD}"):]
		}
	}
	if tilde || (!known && (v == "~" || strings.HasPrefix(v, "~/"))) {
		switch {
		case v == "~" || strings.HasPrefix(v, "~/"):
			v = pl.home + v[1:]
		default:
			return target{unknown: true} // ~user
		}
	}
	if !strings.HasPrefix(v, "/") {
		if dir == "" {
			return target{unknown: true, prefix: ""}
		}
		v = dir + "/" + v
	}
	if !known && strings.ContainsAny(v, "$`") {
		i := strings.IndexAny(v, "$`")
		pre := v[:i]
		if j := strings.LastIndexByte(pre, '/'); j >= 0 {
			pre = path.Clean(pre[:j+1])
		}
		return target{unknown: true, prefix: pre}
	}
	if !glob || !pattern.HasMeta(v, 0) {
		return target{abs: path.Clean(v)}
	}
	// A glob: "D/*" (and "D/.*") stands for D itself, since it names
	// everything in D.
	c := path.Clean(v)
	for _, suf := range []string{"/*", "/.*", "/.[!.]*", "/..?*"} {
		if d, ok := strings.CutSuffix(c, suf); ok && !pattern.HasMeta(d, 0) {
			if d == "" {
				d = "/"
			}
			return target{abs: d}
		}
	}
	if c == "/*" {
		return target{abs: "/"}
	}
	expr, err := pattern.Regexp(c, pattern.Filenames|pattern.EntireString)
	if err != nil {
		return target{unknown: true, prefix: globBase(c)}
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return target{unknown: true, prefix: globBase(c)}
	}
	return target{abs: c, glob: re, globDir: globBase(c)}
}

// hit says whether a target falls under a glob.
//
// recursive: the command acts on the whole tree under the target (rm -r),
// so a target that is an ancestor of the glob's base hits it too.
func (pl *places) hit(g *pathGlob, t target, recursive bool) matchKind {
	if t.unknown {
		if t.prefix != "" && t.prefix != "/" && pl.baseUnder(g, t.prefix) {
			return mayMatch
		}
		return noMatch
	}
	if t.glob == nil {
		if pl.contains(g, t.abs) {
			return isMatch
		}
		if recursive && pl.baseUnder(g, t.abs) {
			return isMatch
		}
		return noMatch
	}
	base := pl.absBase(g)
	// The glob expands inside the glob's base: certain for "X/**", possible
	// for a glob with more structure, impossible for an exact path (a glob
	// below it names its children, not the path itself).
	if isAncestor(base, t.globDir) {
		switch {
		case g.tree:
			return isMatch
		case g.re == nil:
			return noMatch
		}
		return mayMatch
	}
	// The glob may expand to the base or one of its ancestors.
	if isAncestor(t.globDir, base) {
		for p := base; ; p = path.Dir(p) {
			if p == t.globDir || p == "/" {
				break
			}
			if t.glob.MatchString(p) {
				if p == base && pl.contains(g, p) || recursive {
					return isMatch
				}
			}
		}
	}
	return noMatch
}

// relMay reports whether a relative path rel (clean) may fall under g
// when the directory it is relative to is not known: whether some
// directory D makes D/rel match. Only the last elements of the glob can
// match rel's elements.
func (pl *places) relMay(g *pathGlob, rel string) bool {
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") || strings.Contains(g.form, "**") {
		return true
	}
	if g.form == "/" {
		return false
	}
	if g.last != "" {
		rl, _ := lastElem(rel)
		if ok, err := path.Match(g.last, rl); err != nil || !ok {
			return false
		}
	}
	a, b := "", g.form
	switch g.kind {
	case '~':
		a, b = pl.home, strings.TrimPrefix(g.form, "~")
	case '.':
		a = pl.root
		if b == "." {
			b = ""
		}
	}
	for r := rel; r != ""; {
		var re, ge string
		re, r = lastElem(r)
		switch {
		case b != "":
			ge, b = lastElem(b)
		case a != "":
			ge, a = lastElem(a)
		default:
			return false
		}
		if ok, err := path.Match(ge, re); err != nil || !ok {
			return false
		}
	}
	return true
}

// lastElem splits off the last element of a slash-separated path.
func lastElem(s string) (elem, rest string) {
	s = strings.TrimRight(s, "/")
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return s, ""
	}
	return s[i+1:], s[:i]
}
