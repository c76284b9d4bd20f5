package policy

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/pattern"

	"github.com/rrsh/rrsh/parse"
)

// posArg is one positional (non-option) word after normalisation.
type posArg struct {
	val   string
	word  int  // index of the word it came from, or -1
	known bool // the word was fully known
	// aliased is set when val differs from the word as written
	// (a positional alias or a type/name split).
	aliased bool
}

// flagArg is one option after normalisation.
type flagArg struct {
	name   string
	val    string
	hasVal bool
	known  bool
	// glob is set, in a pattern, when the value has glob characters; re
	// is then its compiled form (see globFlagValues).
	glob bool
	re   *lazyRE
}

// argv is a command line read with the knowledge table: its subcommand,
// its positionals and its options, each in canonical spelling.
type argv struct {
	// sub is the canonical subcommand, or "" for tools without one.
	sub string
	// subUnknown is set when the word in the subcommand's place is not
	// known statically.
	subUnknown bool
	// hasSub is set when sub (or subUnknown) came from pos[0].
	hasSub bool
	pos    []posArg
	flags  []flagArg
	// unknown is set when any word is not known statically.
	unknown bool
}

// readArgs reads words as the arguments of a command described by t (nil
// for a command rrsh knows nothing special about). When presetSub is not
// empty, the words are read as following that subcommand (for patterns whose
// first word names a subcommand).
func readArgs(t *tool, words []parse.Word, presetSub string) argv {
	var a argv
	if len(words) > 0 {
		a.pos = make([]posArg, 0, len(words)+1)
		a.flags = make([]flagArg, 0, len(words)+1)
	}
	return readArgsInto(a, t, words, presetSub)
}

// readArgsInto is readArgs appending to the (empty) slices of a, so a
// caller deciding many commands reuses them.
func readArgsInto(a argv, t *tool, words []parse.Word, presetSub string) argv {
	return readArgsAlias(a, t, words, presetSub, true)
}

// readArgsAlias is readArgsInto; expand says whether a git alias defined
// on the command line is read as what it stands for (once: not again in
// the expansion).
func readArgsAlias(a argv, t *tool, words []parse.Word, presetSub string, expand bool) argv {
	subDone := t == nil || !t.sub
	if presetSub != "" {
		a.sub = presetSub
		subDone = true
	}
	runPending := false // "npm run": the next positional is the script
	endOpts := false
	var execEnd bool // inside find -exec … ;
	for i := 0; i < len(words); i++ {
		w := &words[i]
		v := w.Value
		if !w.Known {
			a.unknown = true
		}
		if execEnd {
			if v == ";" || v == "+" || v == `\;` {
				execEnd = false
			}
			continue
		}
		positional := endOpts || v == "" || v == "-" || v[0] != '-'
		if positional {
			if t != nil && t.skipPlus && !subDone && len(a.pos) == 0 && strings.HasPrefix(v, "+") {
				continue
			}
			if !subDone {
				subDone = true
				a.hasSub = true
				if !w.Known {
					a.subUnknown = true
					a.pos = append(a.pos, posArg{val: v, word: i})
					continue
				}
				s := t.canonSub(v)
				a.sub = s
				a.pos = append(a.pos, posArg{val: s, word: i, known: true, aliased: s != v})
				if has(t.runScript, s) {
					runPending = true
				}
				continue
			}
			if runPending {
				runPending = false
				// "npm run test" is "npm test": the script becomes the subcommand.
				a.pos[0] = posArg{val: v, word: i, known: w.Known}
				a.sub = v
				a.subUnknown = !w.Known
				continue
			}
			if t != nil {
				if st, ok := t.subs[a.sub]; ok && st.plusForce && w.Known && len(v) > 1 {
					switch v[0] {
					case '+':
						a.addFlag(t, a.sub, "--force", "", false, true)
					case ':':
						a.addFlag(t, a.sub, "--delete", "", false, true)
					}
				}
				if t.splitTypeName && w.Known {
					if typ, name, ok := strings.Cut(v, "/"); ok && typ != "" && name != "" {
						ct := t.canonPos(typ)
						a.pos = append(a.pos, posArg{val: ct, word: i, known: true, aliased: true},
							posArg{val: name, word: i, known: true, aliased: true})
						continue
					}
				}
			}
			cv := t.canonPos(v)
			a.pos = append(a.pos, posArg{val: cv, word: i, known: w.Known, aliased: cv != v})
			continue
		}
		if v == "--" {
			endOpts = true
			continue
		}
		if strings.HasPrefix(v, "--") || (t != nil && t.longSingle) {
			name, val, hasVal := strings.Cut(v, "=")
			glob := hasVal && w.Glob
			if !hasVal && t.takesValue(a.sub, name, !subDone) && i+1 < len(words) {
				i++
				val, hasVal, glob = words[i].Value, true, words[i].Glob
				if !words[i].Known {
					a.unknown = true
				}
			}
			n := len(a.flags)
			a.addFlag(t, a.sub, name, val, hasVal, w.Known)
			a.markGlob(n, glob)
			if t != nil && has(t.execUntil, name) {
				execEnd = true
			}
			if t != nil {
				if st, ok := t.subs[a.sub]; ok {
					if ns, ok := st.flagSub[name]; ok && a.hasSub {
						a.sub = ns
						a.pos[0].val = ns
						a.pos[0].aliased = true
					}
				}
			}
			continue
		}
		// A cluster of short options: -rf is -r -f; an option that takes a
		// value ends the cluster (-C dir, -Cdir, -n5).
		for j := 1; j < len(v); j++ {
			c := v[j : j+1]
			if v[j] >= 0x80 { // not an ASCII letter: keep the rest whole
				c = v[j:]
			}
			opt := "-" + c
			if t.takesValue(a.sub, opt, !subDone) || t.attachedOnly(opt) {
				rest := strings.TrimPrefix(v[j+len(c):], "=")
				n := len(a.flags)
				switch {
				case rest != "":
					a.addFlag(t, a.sub, opt, rest, true, w.Known)
					a.markGlob(n, w.Glob)
				case !t.attachedOnly(opt) && i+1 < len(words):
					i++
					if !words[i].Known {
						a.unknown = true
					}
					a.addFlag(t, a.sub, opt, words[i].Value, true, w.Known)
					a.markGlob(n, words[i].Glob)
				default:
					a.addFlag(t, a.sub, opt, "", false, w.Known)
				}
				break
			}
			a.addFlag(t, a.sub, opt, "", false, w.Known)
			if len(c) > 1 {
				break
			}
		}
	}
	if t != nil && t.configAlias != "" && a.hasSub && !a.subUnknown {
		// git -c alias.NAME=VALUE makes NAME mean VALUE.
		for _, f := range a.flags {
			if f.name == t.configAlias && f.hasVal && strings.HasPrefix(f.val, "alias."+a.sub+"=") {
				if !expand {
					a.subUnknown, a.unknown = true, true
					break
				}
				if x, ok := expandAlias(t, words, a, f, strings.TrimPrefix(f.val, "alias."+a.sub+"=")); ok {
					return x
				}
				a.subUnknown = true
				a.unknown = true
			}
		}
	}
	return a
}

// expandAlias reads words again with the subcommand word replaced by the
// alias's value, as git runs it: `git -c alias.p='push --force' p` is
// `git push --force`. Only a plain value of known words qualifies: a
// "!…" value is a shell command, and quotes or a second alias (git
// expands chains) are not followed; the caller then treats the
// subcommand as unknown. Word indices of the result point into words:
// the alias's own words at the subcommand word.
func expandAlias(t *tool, words []parse.Word, a argv, def flagArg, value string) (argv, bool) {
	fields := strings.Fields(value)
	if !def.known || len(fields) == 0 || strings.HasPrefix(value, "!") || strings.ContainsAny(value, "'\"\\$`") {
		return argv{}, false
	}
	at := a.pos[0].word
	if at < 0 || at >= len(words) {
		return argv{}, false
	}
	syn := make([]parse.Word, 0, len(words)+len(fields)-1)
	syn = append(syn, words[:at]...)
	for _, f := range fields {
		syn = append(syn, parse.Word{Value: f, Known: true, Raw: f, Span: words[at].Span})
	}
	syn = append(syn, words[at+1:]...)
	x := readArgsAlias(argv{}, t, syn, "", false)
	if x.subUnknown || x.sub == a.sub {
		return argv{}, false
	}
	for _, f := range x.flags {
		if f.name == t.configAlias && f.hasVal && strings.HasPrefix(f.val, "alias."+x.sub+"=") {
			return argv{}, false // an alias of an alias
		}
	}
	shift := len(fields) - 1
	for i := range x.pos {
		switch w := x.pos[i].word; {
		case w >= at && w <= at+shift:
			x.pos[i].word, x.pos[i].aliased = at, true
		case w > at+shift:
			x.pos[i].word = w - shift
		}
	}
	return x, true
}

// markGlob marks the flags appended since n as having a glob value.
func (a *argv) markGlob(n int, glob bool) {
	for k := n; glob && k < len(a.flags); k++ {
		a.flags[k].glob = true
	}
}

// globFlagValues compiles the glob values of a pattern's flags
// (docker run -v "/:*"), so that they match as globs.
func globFlagValues(a *argv) error {
	for k := range a.flags {
		f := &a.flags[k]
		if !f.glob || !f.hasVal {
			continue
		}
		expr, err := pattern.Regexp(f.val, pattern.EntireString)
		if err != nil {
			return fmt.Errorf("%s %s: bad glob: %w", f.name, f.val, err)
		}
		if f.re, err = newLazyRE(expr); err != nil {
			return fmt.Errorf("%s %s: bad glob: %w", f.name, f.val, err)
		}
	}
	return nil
}

// addFlag appends a flag in its canonical spelling(s).
func (a *argv) addFlag(t *tool, sub, name, val string, hasVal, known bool) {
	canon := t.alias(sub, name)
	if canon == name || !strings.Contains(canon, " ") {
		a.flags = append(a.flags, flagArg{name: canon, val: val, hasVal: hasVal, known: known})
		return
	}
	for _, c := range strings.Fields(canon) {
		a.flags = append(a.flags, flagArg{name: c, val: val, hasVal: hasVal, known: known})
	}
}

// hasFlag reports whether a holds flag f (and its value, when f has one),
// and whether it is certain: a flag read from a word that is not known
// statically (-$X) only may be there.
func (a *argv) hasFlag(f flagArg) (found, certain bool) {
	for _, g := range a.flags {
		if g.name == f.name && (!f.hasVal || g.hasVal && (g.val == f.val || f.re != nil && (!g.known || f.re.MatchString(g.val)))) {
			if g.known {
				return true, true
			}
			found = true
		}
	}
	return found, false
}

// afterSub returns the positionals after the subcommand.
func (a *argv) afterSub() []posArg {
	if a.hasSub && len(a.pos) > 0 {
		return a.pos[1:]
	}
	return a.pos
}
