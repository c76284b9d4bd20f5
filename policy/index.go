package policy

import (
	"slices"
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

// patIndex finds the patterns that can match an Exec without trying them
// all: by the command name, by the command's subcommand, and the few
// patterns whose first word is a glob.
type patIndex struct {
	byName map[string][]patRef
	// bySub holds, per tool with subcommands, the patterns whose first
	// word is that tool's subcommand (in canonical spelling).
	bySub map[*tool]map[string][]patRef
	// anySub are the patterns that can match as a subcommand at all (for
	// a command whose subcommand is not known statically).
	anySub []patRef
	glob   []patRef
	// code maps the first token of every code pattern (a rule's list
	// patterns read as code, and its code: patterns) to the patterns.
	code map[string][]codeRef
}

// codeRef names one code pattern of rules[rule].
type codeRef struct {
	rule int32
	cp   *codePattern
}

func buildIndex(rules []*rule) patIndex {
	ix := patIndex{byName: map[string][]patRef{}, bySub: map[*tool]map[string][]patRef{}, code: map[string][]codeRef{}}
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
			if r.tier == Allow || len(cp.asSub) == 0 {
				continue
			}
			ix.anySub = append(ix.anySub, ref)
			for t, a := range cp.asSub {
				m := ix.bySub[t]
				if m == nil {
					m = map[string][]patRef{}
					ix.bySub[t] = m
				}
				m[a.sub] = append(m[a.sub], ref)
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
			buf = append(buf, ix.bySub[t][ea.sub]...)
		}
	}
	buf = append(buf, ix.glob...)
	slices.SortFunc(buf, patRef.cmp)
	return slices.Compact(buf)
}
