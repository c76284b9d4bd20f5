package policy

import (
	"slices"
	"strings"
	"sync"
)

// patRef names one pattern: p.rules[rule].pats[pat].
type patRef struct {
	rule, pat int32
}

func (a patRef) cmp(b patRef) int {
	if a.rule != b.rule {
		return int(a.rule - b.rule)
	}
	return int(a.pat - b.pat)
}

type toolSub struct {
	t   *tool
	sub string
}

// patIndex finds the patterns that can match an Exec without trying them
// all: by the command name, by the command's subcommand, and the few
// patterns whose first word is a glob.
type patIndex struct {
	byName map[string][]patRef
	// bySub holds the patterns that can name a subcommand, by their first
	// word; byAlias those whose first word is another spelling of a tool's
	// subcommand (npm t), by tool and canonical subcommand.
	bySub   map[string][]patRef
	byAlias map[toolSub][]patRef
	// anySub are the patterns that can match as a subcommand at all (for
	// a command whose subcommand is not known statically).
	anySub []patRef
	glob   []patRef
	// code maps the first token of every code pattern (a rule's list
	// patterns read as code, and its code: patterns) to the patterns.
	code map[string][]codeRef
}

// subAliasTools maps every other spelling of a subcommand (npm's "t",
// "isntall") to the tools that have it, built once from the table.
var subAliasTools = sync.OnceValue(func() map[string][]*tool {
	m := map[string][]*tool{}
	for _, t := range tools {
		if !t.sub {
			continue
		}
		for alias, canon := range t.subAliases {
			if alias != canon {
				m[alias] = append(m[alias], t)
			}
		}
	}
	return m
})

// codeRef names one code pattern of rules[rule].
type codeRef struct {
	rule int32
	cp   *codePattern
}

func buildIndex(rules []*rule) patIndex {
	ix := patIndex{byName: map[string][]patRef{}, bySub: map[string][]patRef{}, byAlias: map[toolSub][]patRef{}, code: map[string][]codeRef{}}
	for ri, r := range rules {
		addCode := func(cp *codePattern) {
			if len(cp.toks) > 0 {
				ix.code[cp.toks[0]] = append(ix.code[cp.toks[0]], codeRef{int32(ri), cp})
			}
		}
		if len(r.paths) == 0 {
			for _, cp := range r.pats {
				addCode(&cp.code)
			}
		}
		for i := range r.code {
			addCode(&r.code[i])
		}
		for pi, cp := range r.pats {
			ref := patRef{int32(ri), int32(pi)}
			if cp.head.re != nil {
				ix.glob = append(ix.glob, ref)
				continue
			}
			ix.byName[cp.head.lit] = append(ix.byName[cp.head.lit], ref)
			if cp.headFull != "" {
				ix.byName[cp.headFull] = append(ix.byName[cp.headFull], ref)
			}
			if r.tier == Allow || !cp.subOK {
				continue
			}
			ix.anySub = append(ix.anySub, ref)
			ix.bySub[cp.head.lit] = append(ix.bySub[cp.head.lit], ref)
			for _, t := range subAliasTools()[cp.head.lit] {
				k := toolSub{t, t.canonSub(cp.head.lit)}
				ix.byAlias[k] = append(ix.byAlias[k], ref)
			}
		}
	}
	return ix
}

// candidates appends to buf the patterns that may match an Exec named name,
// read with tool t into ea, in rule order without duplicates.
func (ix *patIndex) candidates(buf []patRef, name string, t *tool, ea *argv) []patRef {
	buf = append(buf, ix.byName[name]...)
	if t != nil && t.sub {
		switch {
		case ea.subUnknown:
			buf = append(buf, ix.anySub...)
		case ea.hasSub:
			buf = append(buf, ix.bySub[ea.sub]...)
			buf = append(buf, ix.byAlias[toolSub{t, ea.sub}]...)
		}
	}
	buf = append(buf, ix.glob...)
	slices.SortFunc(buf, patRef.cmp)
	return slices.Compact(buf)
}

// globSet finds the protect globs that can hit a path without trying them
// all: globs are filed under their place (/, ~, project root) and the
// first element of their base ("~/.ssh/**" under ~ and "/.ssh").
type globSet struct {
	globs []*pathGlob
	owner []int32 // the protect entry of each glob
	first map[string][]int32
	// kind lists, per place, the globs not filed under wide.
	kind map[byte][]int32
	// wide are globs whose base is the place itself ("~", "/**/x"):
	// always tried.
	wide []int32
}

func buildGlobSet(prs []*protect, keep func(*protect) bool) globSet {
	gs := globSet{first: map[string][]int32{}, kind: map[byte][]int32{}}
	for pi, pr := range prs {
		if !keep(pr) {
			continue
		}
		for _, g := range pr.paths {
			i := int32(len(gs.globs))
			gs.globs = append(gs.globs, g)
			gs.owner = append(gs.owner, int32(pi))
			fe := firstElem(g.restBase)
			if fe == "" {
				gs.wide = append(gs.wide, i)
				continue
			}
			k := string(g.kind) + fe
			gs.first[k] = append(gs.first[k], i)
			gs.kind[g.kind] = append(gs.kind[g.kind], i)
		}
	}
	return gs
}

// firstElem returns "/x" for "/x/y", "" for "" and "/".
func firstElem(rel string) string {
	if len(rel) < 2 || rel[0] != '/' {
		return ""
	}
	if i := strings.IndexByte(rel[1:], '/'); i >= 0 {
		return rel[:i+1]
	}
	return rel
}

// candidates appends to buf the globs that may hit t: for a resolved
// path, those filed under its first element in each place (or every glob
// of a place when t is that place itself); for anything else, all globs.
func (gs *globSet) candidates(buf []int32, pl *places, t *target) []int32 {
	buf = append(buf, gs.wide...)
	if t.unknown || t.glob != nil {
		for _, k := range [...]byte{'/', '~', '.'} {
			buf = append(buf, gs.kind[k]...)
		}
		return buf
	}
	for _, k := range [...]byte{'/', '~', '.'} {
		if len(gs.kind[k]) == 0 {
			continue
		}
		var rel, dir string
		ok := true
		switch k {
		case '/':
			rel = t.abs
		case '~':
			dir = pl.home
			rel, ok = relTo(t.abs, dir)
		default:
			dir = pl.root
			rel, ok = relTo(t.abs, dir)
		}
		if !ok {
			if isAncestor(t.abs, dir) {
				// Above the place: a recursive write reaches every glob in it.
				buf = append(buf, gs.kind[k]...)
			}
			continue
		}
		if fe := firstElem(rel); fe == "" {
			buf = append(buf, gs.kind[k]...)
		} else {
			var key [64]byte
			if len(fe) < len(key) {
				key[0] = k
				n := copy(key[1:], fe)
				buf = append(buf, gs.first[string(key[:n+1])]...)
			} else {
				buf = append(buf, gs.first[string(k)+fe]...)
			}
		}
	}
	return buf
}
