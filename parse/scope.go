package parse

import (
	"path"
	"strings"
)

// cwdKey is the scope entry for the working directory; it cannot clash with
// a shell variable name. Absent means "the directory the command started in".
const cwdKey = "\x00cwd"

type varState struct {
	val   string // the value when known; a description when not
	known bool
	// maybe is set for the working directory after a cd that may have
	// failed (cd dir; …): val is where it went if it worked.
	maybe bool
}

type funcInfo struct {
	assigned []string // variables (and cwdKey) the body may change
	all      bool     // the body may change any variable (eval of unknown text, …)
	maybe    bool     // defined only on some paths
}

// scope is what is statically known about the shell's variables, working
// directory, functions and aliases at one point of a straight-line walk.
//
// A child scope sees its parent's entries and keeps its own changes apart.
// After a conditional part (if/case bodies, the right side of && and ||,
// loop bodies) the child is merged back with mergeCond: whatever it changed
// becomes unknown. After a subshell part (( … ), $( … ), pipeline stages,
// background jobs) the child is dropped with mergeDiscard: nothing it
// changed leaks out.
type scope struct {
	parent  *scope // for variables and the directory
	fparent *scope // for functions and aliases
	vars    map[string]varState
	funcs   map[string]*funcInfo // nil value: removed here
	aliases map[string]*string   // nil value: removed here
	// assigned are the variables set since this scope was made.
	assigned map[string]bool
	// defined are the functions ("f"+name) and aliases ("a"+name) set or
	// removed since this scope was made.
	defined map[string]bool
	// inherited are the variables whose known value, set before this scope
	// was made, was read in it.
	inherited map[string]bool
	// invalid is set once every variable became unknown here: the parent's
	// values are no longer visible.
	invalid bool
}

func newScope() *scope { return &scope{} }

func (s *scope) child() *scope { return &scope{parent: s, fparent: s} }

// process returns the scope a separate shell process starts with: no
// variables are known (the environment is not), the directory is inherited.
func (s *scope) process() *scope {
	n := newScope()
	if v, ok := s.lookup(cwdKey); ok {
		n.vars = map[string]varState{cwdKey: v}
	}
	return n
}

// function returns the scope a function body is walked in: no variables
// are known, functions and aliases defined so far are.
func (s *scope) function() *scope { return &scope{fparent: s} }

func setAdd(m *map[string]bool, k string) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[k] = true
}

func (s *scope) lookup(name string) (varState, bool) {
	for x := s; x != nil; x = x.parent {
		if v, ok := x.vars[name]; ok {
			return v, true
		}
		if x.invalid {
			if name == cwdKey {
				return varState{val: "$PWD"}, true
			}
			return varState{}, false
		}
	}
	return varState{}, false
}

// get returns the known value of a variable.
func (s *scope) get(name string) (string, bool) {
	v, ok := s.lookup(name)
	if !ok || !v.known {
		return "", false
	}
	if !s.assigned[name] {
		setAdd(&s.inherited, name)
	}
	return v.val, true
}

func (s *scope) put(name string, v varState) {
	if s.vars == nil {
		s.vars = map[string]varState{}
	}
	s.vars[name] = v
}

func (s *scope) set(name, val string, known bool) {
	s.put(name, varState{val: val, known: known})
	setAdd(&s.assigned, name)
}

func (s *scope) forget(name string) { s.set(name, "", false) }

// invalidateAll makes every variable and the directory unknown.
func (s *scope) invalidateAll() {
	for x := s; x != nil; x = x.parent {
		for k := range x.vars {
			setAdd(&s.assigned, k)
		}
		if x.invalid {
			break
		}
	}
	s.vars = nil
	s.invalid = true
	s.set(cwdKey, "$PWD", false)
}

// cwd returns the working directory relative to the start directory ("" is
// the start directory itself) and whether it is known for sure. When it is
// not, the value is the best description (where a cd that may have failed
// went, or "$PWD").
func (s *scope) cwd() (string, bool) {
	v, ok := s.lookup(cwdKey)
	if !ok {
		v = varState{known: true}
	}
	if v.known && !v.maybe && !s.assigned[cwdKey] {
		setAdd(&s.inherited, cwdKey)
	}
	return v.val, v.known && !v.maybe
}

// chdir applies `cd dir`. The cd itself may fail, so the new directory is
// only "maybe" until cdSucceeded.
func (s *scope) chdir(dir string, known bool, rawDir string) {
	cur, curKnown := s.cwd()
	var v varState
	switch {
	case !known:
		v = varState{val: rawDir}
	case path.IsAbs(dir):
		v = varState{val: path.Clean(dir), known: true}
	case !curKnown && strings.HasPrefix(cur, "$"):
		v = varState{val: cur + "/" + dir}
	default:
		v = varState{val: joinRel(cur, dir), known: true}
	}
	v.maybe = v.known
	s.put(cwdKey, v)
	setAdd(&s.assigned, cwdKey)
}

// cdSucceeded records that the last cd worked (cd dir && …, cd dir || exit).
// It is not an assignment: the directory is what the cd already set.
func (s *scope) cdSucceeded() {
	if v, ok := s.lookup(cwdKey); ok && v.maybe {
		v.maybe = false
		s.put(cwdKey, v)
	}
}

// joinRel joins a relative path to a directory relative to the start
// directory, keeping "" for the start directory itself.
func joinRel(dir, p string) string {
	if dir == "" {
		if p == "" {
			return ""
		}
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

func (s *scope) fn(name string) *funcInfo {
	for x := s; x != nil; x = x.fparent {
		if fi, ok := x.funcs[name]; ok {
			return fi
		}
	}
	return nil
}

func (s *scope) alias(name string) (string, bool) {
	for x := s; x != nil; x = x.fparent {
		if v, ok := x.aliases[name]; ok {
			if v == nil {
				return "", false
			}
			return *v, true
		}
	}
	return "", false
}

func (s *scope) defineFunc(name string, fi *funcInfo) {
	if s.funcs == nil {
		s.funcs = map[string]*funcInfo{}
	}
	s.funcs[name] = fi
	setAdd(&s.defined, "f"+name)
}

func (s *scope) defineAlias(name string, val *string) {
	if s.aliases == nil {
		s.aliases = map[string]*string{}
	}
	s.aliases[name] = val
	setAdd(&s.defined, "a"+name)
}

// mergeCond folds a child walked on some paths only back into s.
func (s *scope) mergeCond(c *scope) {
	s.mergeDiscard(c)
	for k := range c.assigned {
		if k == cwdKey {
			s.set(k, "$PWD", false)
			continue
		}
		s.forget(k)
	}
	for k := range c.defined {
		name := k[1:]
		if k[0] == 'f' {
			fi := c.funcs[name]
			if fi == nil {
				fi = s.fn(name)
			}
			if fi != nil {
				cp := *fi
				cp.maybe = true
				s.defineFunc(name, &cp)
			}
			continue
		}
		if v := c.aliases[name]; v != nil {
			s.defineAlias(name, v)
		}
	}
	if c.invalid {
		s.invalidateAll()
	}
}

// mergeDiscard drops a child that ran in a subshell, keeping only the record
// of which inherited values it read.
func (s *scope) mergeDiscard(c *scope) {
	for k := range c.inherited {
		if !s.assigned[k] {
			setAdd(&s.inherited, k)
		}
	}
}

// dynamicVars are set by bash itself and never have a static value.
var dynamicVars = map[string]bool{
	"RANDOM": true, "SRANDOM": true, "SECONDS": true, "LINENO": true,
	"EPOCHSECONDS": true, "EPOCHREALTIME": true, "BASHPID": true,
	"PWD": true, "OLDPWD": true, "REPLY": true, "PIPESTATUS": true,
	"BASH_COMMAND": true, "FUNCNAME": true, "BASH_SOURCE": true,
	"BASH_LINENO": true, "HISTCMD": true, "OPTIND": true, "OPTARG": true,
	"COLUMNS": true, "LINES": true, "SHLVL": true, "BASH_SUBSHELL": true,
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// varsSetBy returns the variables a builtin sets from its arguments (read X,
// mapfile X, printf -v X, getopts o X, unset X, …), or all=true when it may
// set any of them.
func varsSetBy(name string, args []xword) (names []string, all bool) {
	switch name {
	case "read", "mapfile", "readarray", "getopts", "unset", "printf",
		"declare", "typeset", "local", "export", "readonly", "let", "wait":
	default:
		return nil, false
	}
	switch name {
	case "read":
		names = append(names, "REPLY")
	case "mapfile", "readarray":
		names = append(names, "MAPFILE")
	case "printf":
		for i, a := range args {
			if a.Value == "-v" && i+1 < len(args) {
				if !args[i+1].Known {
					return nil, true
				}
				return []string{args[i+1].Value}, false
			}
			if strings.HasPrefix(a.Value, "-v") && len(a.Value) > 2 {
				return []string{a.Value[2:]}, !a.Known
			}
		}
		return nil, false
	case "getopts":
		names = append(names, "OPTARG", "OPTIND")
		if len(args) >= 2 {
			if !args[1].Known {
				return nil, true
			}
			names = append(names, args[1].Value)
		}
		return names, false
	}
	for _, a := range args {
		v := a.Value
		if !a.Known {
			return nil, true
		}
		if i := strings.IndexAny(v, "=[+"); i > 0 {
			v = v[:i]
		}
		if validName(v) {
			names = append(names, v)
		}
	}
	return names, false
}
