package parse

import "strings"

// alwaysCalled are functions bash calls by itself.
var alwaysCalled = []string{"command_not_found_handle"}

// markUncalled sets Uncalled on the Execs, Writes and Unknowns in the
// bodies of functions that nothing in the command can call. A function is
// called when an Exec of its name is outside any function or in the body
// of a called function, when it is exported (export -f, declare -fx: a
// child bash may call it from anywhere), when it is a mapfile callback, or
// when bash calls it by itself. If anything that is called runs a command
// not known statically (a name built at run time, eval or a shell of
// unknown text, source of an unknown file, a limit hit), every function
// may be called and nothing is marked.
func (w *walker) markUncalled() {
	if len(w.funcs) == 0 {
		return
	}
	p := w.plan
	for _, u := range p.Unknowns {
		if u.Kind == UnknownLimit {
			return // part of the command was not analysed: calls may hide there
		}
	}
	called := map[string]bool{"": true}
	for _, n := range alwaysCalled {
		called[n] = true
	}
	for changed := true; changed; {
		changed = false
		call := func(name string) {
			if w.funcs[name] && !called[name] {
				called[name], changed = true, true
			}
		}
		for i := range p.Execs {
			e := &p.Execs[i]
			if !called[e.InFunction] {
				continue
			}
			if !e.NameKnown {
				return
			}
			call(e.Name)
			names, all := callbacks(e)
			if all {
				return
			}
			for _, n := range names {
				call(n)
			}
		}
		for _, u := range p.Unknowns {
			if called[u.InFunction] && runsAnything(u.Kind) {
				return
			}
		}
	}
	for i := range p.Execs {
		p.Execs[i].Uncalled = !called[p.Execs[i].InFunction]
	}
	for i := range p.Writes {
		p.Writes[i].Uncalled = !called[p.Writes[i].InFunction]
	}
	for i := range p.Unknowns {
		p.Unknowns[i].Uncalled = !called[p.Unknowns[i].InFunction]
	}
}

// runsAnything reports whether an Unknown of kind k may run any command,
// and so call any function.
func runsAnything(k UnknownKind) bool {
	switch k {
	case UnknownName, UnknownShellText, UnknownSource, UnknownLimit:
		return true
	}
	return false
}

// callbacks returns the functions e makes callable other than by running
// its own name: the names exported by export -f / declare -fx, and a
// mapfile -C callback. all is set when such a name is not known.
func callbacks(e *Exec) (names []string, all bool) {
	switch e.Name {
	case "export", "declare", "typeset":
		// export -f NAME, declare -fx NAME: exported to child shells.
		// (declare -f NAME only prints the function.) A word not known
		// statically may be a flag or a name, not both.
		f, x := false, e.Name == "export"
		var known []string
		unknown := 0
		for _, a := range e.Args {
			switch {
			case !a.Known:
				if !strings.HasPrefix(a.Raw, `"`) || !strings.HasSuffix(a.Raw, `"`) {
					return nil, true // unquoted: may split into flags and names
				}
				unknown++
			case len(a.Value) > 1 && (a.Value[0] == '-' || a.Value[0] == '+'):
				f = f || a.Value[0] == '-' && strings.Contains(a.Value, "f")
				x = x || a.Value[0] == '-' && strings.Contains(a.Value, "x")
			default:
				name, _, _ := strings.Cut(a.Value, "=")
				known = append(known, name)
			}
		}
		need := 0 // unknown words that must be the missing flags
		if !f || !x {
			need = 1
		}
		switch {
		case unknown < need || len(known)+unknown-need == 0:
			return nil, false // nothing can be exported
		case unknown > need:
			return nil, true // an exported name is not known
		}
		return known, false
	case "mapfile", "readarray":
		for i, a := range e.Args {
			if !a.Known {
				return nil, true
			}
			if v, ok := strings.CutPrefix(a.Value, "-C"); ok {
				if v == "" {
					if i+1 >= len(e.Args) || !e.Args[i+1].Known {
						return nil, true
					}
					v = e.Args[i+1].Value
				}
				names = append(names, strings.Fields(v)...)
			}
		}
	}
	return names, false
}
