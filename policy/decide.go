package policy

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/rrsh/rrsh/parse"
)

// Decide decides a parsed command. It is pure and deterministic: the same
// Policy, Plan and Env always give the same Decision. A nil plan is blocked
// (rule "parse-error").
func (p *Policy) Decide(plan *parse.Plan, env Env) Decision {
	if p == nil {
		p = &Policy{}
	}
	if plan == nil {
		return Decision{Tier: Block, Rule: "parse-error", Reason: "blocked: the command could not be parsed", Deciding: -1}
	}
	dc := decider{p: p, plan: plan, pl: newPlaces(env)}
	dc.prepare()
	// Bodies of functions nothing calls are not decided: defining a
	// function runs nothing (parse marks them Uncalled, conservatively).
	for i := range plan.Execs {
		if !plan.Execs[i].Uncalled {
			dc.exec(i)
		}
	}
	for i := range plan.CodeTexts {
		if !dc.uncalled(plan.CodeTexts[i].Exec) {
			dc.code(i)
		}
	}
	dc.writes()
	dc.reads()
	dc.unknowns()
	dc.forkBombs()
	return dc.finish()
}

type decider struct {
	p    *Policy
	plan *parse.Plan
	pl   places
	// dirs are the directories relative paths may resolve against: the
	// working directory and the targets of cd/pushd in the command; ""
	// stands for a directory not known statically.
	dirs []string
	// unknownArgs marks Execs with an Unknown of kind args.
	unknownArgs []bool
	matches     []Match
	cands       []patRef  // scratch for exec
	pos         []posArg  // scratch for exec
	flags       []flagArg // scratch for exec
	safe        []int8    // per dirs entry: 1 read-safe, -1 not, 0 not yet known
}

func (dc *decider) prepare() {
	dc.unknownArgs = make([]bool, len(dc.plan.Execs))
	for _, u := range dc.plan.Unknowns {
		if u.Kind == parse.UnknownArgs && u.Exec >= 0 && u.Exec < len(dc.unknownArgs) {
			dc.unknownArgs[u.Exec] = true
		}
	}
	dc.dirs = []string{dc.pl.cwd}
	for i := range dc.plan.Execs {
		e := &dc.plan.Execs[i]
		if !e.NameKnown || (e.Name != "cd" && e.Name != "pushd") || e.Remote {
			continue
		}
		var arg *parse.Word
		for j := range e.Args {
			a := &e.Args[j]
			if a.Known && (a.Value == "--" || strings.HasPrefix(a.Value, "-") && len(a.Value) > 1 && a.Value != "-") {
				continue
			}
			arg = a
			break
		}
		switch {
		case arg == nil:
			dc.addDir(dc.pl.home)
		case arg.Known && arg.Value == "-":
			// back to a directory already in the list
		default:
			for _, d := range append([]string(nil), dc.dirs...) {
				if d == "" {
					continue
				}
				t := dc.pl.resolveWord(arg, d)
				if t.unknown || t.glob != nil {
					dc.addDir("")
					break
				}
				dc.addDir(t.abs)
			}
		}
		if len(dc.dirs) > 64 {
			dc.dirs = append(dc.dirs[:1], "")
			break
		}
	}
}

// uncalled reports whether Exec i is in a function nothing calls.
func (dc *decider) uncalled(i int) bool {
	return i >= 0 && i < len(dc.plan.Execs) && dc.plan.Execs[i].Uncalled
}

func (dc *decider) addDir(d string) {
	for _, x := range dc.dirs {
		if x == d {
			return
		}
	}
	dc.dirs = append(dc.dirs, d)
}

func (dc *decider) add(m Match) {
	dc.matches = append(dc.matches, m)
}

// exec decides one Exec.
func (dc *decider) exec(i int) {
	e := &dc.plan.Execs[i]
	if !e.NameKnown {
		// Decided through its Unknown (see unknowns); make sure there is one.
		for _, u := range dc.plan.Unknowns {
			if u.Exec == i && u.Kind == parse.UnknownName {
				return
			}
		}
		dc.add(Match{Rule: "unknown", Tier: dc.p.UnknownTier(), Kind: "unknown", Part: shorten(e.Name), Exec: i, Span: e.Span,
			Reason: fmt.Sprintf("%s: the command name is not known before run time; write the command out literally", verb(dc.p.UnknownTier()))})
		return
	}
	t := toolFor(e.Name)
	// ea lives only for this call: its slices are the decider's, reused.
	ea := readArgsInto(argv{pos: dc.pos[:0], flags: dc.flags[:0]}, t, e.Args, "")
	defer func() { dc.pos, dc.flags = ea.pos[:0], ea.flags[:0] }()
	part := ""
	definite := false
	// Of the rules the command may match, only the closest is reported.
	var may *Match
	mayScore := -1
	dc.cands = dc.p.idx.candidates(dc.cands[:0], e.Name, t, &ea)
	for k := 0; k < len(dc.cands); {
		r := dc.p.rules[dc.cands[k].rule]
		end := k + 1
		for end < len(dc.cands) && dc.cands[end].rule == dc.cands[k].rule {
			end++
		}
		refs := dc.cands[k:end]
		k = end
		if r.remote && !e.Remote {
			continue
		}
		var cand execMatch
		var candPat *cmdPattern
		candWhy := ""
		hit := false
		for _, ref := range refs {
			cp := r.pats[ref.pat]
			m := cp.matchExec(e, t, &ea, dc.unknownArgs[i], r.tier == Allow)
			if m.kind == noMatch {
				continue
			}
			why := ""
			if len(r.paths) > 0 {
				pk, w := dc.ruleTargets(r, i, e, &ea, m.operands)
				if pk < m.kind {
					m.kind = pk
				}
				if m.kind == noMatch {
					continue
				}
				why = w
			}
			if part == "" {
				part = execPart(e)
			}
			if m.kind == isMatch {
				definite, hit = true, true
				dc.add(Match{Rule: r.name, Tier: r.tier, Kind: "exec", Part: part, Exec: i, Span: e.Span,
					Reason: ruleReason(r, cp.src, part, why)})
				break
			}
			if r.tier > Allow && (candPat == nil || m.score > cand.score) {
				cand, candPat, candWhy = m, cp, why
			}
		}
		if !hit && candPat != nil && cand.score > mayScore {
			mayScore = cand.score
			may = &Match{Rule: r.name, Tier: Approve, Kind: "exec", Part: part, Exec: i, Span: e.Span,
				Reason: mayReason(r, part, e, candWhy)}
		}
	}
	if may != nil {
		dc.add(*may)
	}
	if !definite {
		if def := dc.p.DefaultTier(); def > Allow {
			if part == "" {
				part = execPart(e)
			}
			dc.add(Match{Rule: "default", Tier: def, Kind: "exec", Part: part, Exec: i, Span: e.Span,
				Reason: defaultReason(dc.p, def, part)})
		}
	}
}

// ruleTargets checks a rule's paths against the targets of Exec i: its
// operands (the positionals the pattern did not consume) and its Writes.
func (dc *decider) ruleTargets(r *rule, i int, e *parse.Exec, ea *argv, operands []int) (matchKind, string) {
	best, why := noMatch, ""
	note := func(k matchKind, s string) {
		if k > best {
			best, why = k, s
		}
	}
	if dc.unknownArgs[i] {
		// Arguments added at run time (xargs) may be any path.
		note(mayMatch, "the arguments added at run time")
	}
	for _, oi := range operands {
		pa := ea.pos[oi]
		if pa.word < 0 || pa.word >= len(e.Args) {
			continue
		}
		w := &e.Args[pa.word]
		if placeholder(e, w) {
			note(mayMatch, w.Value)
			continue
		}
		if !w.Known && !w.Glob && !w.Tilde && !strings.HasPrefix(w.Value, "$HOME") && !strings.HasPrefix(w.Value, "${HOME}") &&
			!strings.HasPrefix(w.Value, "$PWD") && !strings.HasPrefix(w.Value, "${PWD}") {
			note(mayMatch, w.Value)
			continue
		}
		for _, d := range dc.targetDirs(w) {
			if d == "" && w.Known && !w.Tilde {
				// Relative to a directory not known statically.
				if rel := path.Clean(w.Value); dc.relMay(r, rel) {
					note(mayMatch, w.Value)
				}
				continue
			}
			t := dc.pl.resolveWord(w, d)
			if t.unknown {
				note(mayMatch, w.Value)
				continue
			}
			for _, g := range r.paths {
				note(dc.pl.hit(g, t, false), w.Value)
			}
		}
		if best == isMatch {
			return best, why
		}
	}
	for j := range dc.plan.Writes {
		wr := &dc.plan.Writes[j]
		if wr.Exec != i {
			continue
		}
		for _, d := range dc.targetDirs(&wr.Path) {
			if d == "" && wr.Path.Known && !wr.Path.Tilde {
				if rel := path.Clean(wr.Path.Value); dc.relMay(r, rel) {
					note(mayMatch, wr.Path.Value)
				}
				continue
			}
			t := dc.pl.resolveWord(&wr.Path, d)
			if t.unknown {
				note(mayMatch, wr.Path.Value)
				continue
			}
			for _, g := range r.paths {
				note(dc.pl.hit(g, t, wr.Recursive), wr.Path.Value)
			}
		}
		if best == isMatch {
			return best, why
		}
	}
	return best, why
}

// placeholder reports whether w holds a placeholder a wrapper fills in at
// run time: find -exec's and xargs -I's "{}".
func placeholder(e *parse.Exec, w *parse.Word) bool {
	if !strings.Contains(w.Value, "{}") {
		return false
	}
	for _, wr := range e.Wrappers {
		switch wr.Name {
		case "find", "xargs", "parallel":
			return true
		}
	}
	return false
}

// relMay reports whether a relative path, from a directory not known
// statically, may fall under one of the rule's paths.
func (dc *decider) relMay(r *rule, rel string) bool {
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return true
	}
	last, _ := lastElem(rel)
	for _, g := range r.byLast[last] {
		if dc.pl.relMay(g, rel) {
			return true
		}
	}
	for _, g := range r.lastOther {
		if dc.pl.relMay(g, rel) {
			return true
		}
	}
	return false
}

// targetDirs returns the directories a path word may be relative to.
func (dc *decider) targetDirs(w *parse.Word) []string {
	v := w.Value
	if strings.HasPrefix(v, "/") || w.Tilde || strings.HasPrefix(v, "~/") || v == "~" ||
		(!w.Known && (strings.HasPrefix(v, "$HOME") || strings.HasPrefix(v, "${HOME}"))) {
		return dc.dirs[:1]
	}
	return dc.dirs
}

// code decides one CodeText.
func (dc *decider) code(i int) {
	c := &dc.plan.CodeTexts[i]
	remote := c.Exec >= 0 && c.Exec < len(dc.plan.Execs) && dc.plan.Execs[c.Exec].Remote
	toks := tokenize(c.Text, c.Lang)
	definite := false
	// One pass over the tokens finds every rule's first hit.
	var hits []codeHitAt
	for i, tok := range toks {
		for _, ref := range dc.p.idx.code[tok] {
			r := dc.p.rules[ref.rule]
			if (r.remote && !remote) || (len(r.langs) > 0 && !has(r.langs, c.Lang)) || hitRule(hits, ref.rule) {
				continue
			}
			if !ref.cp.at(toks, i) || r.excused(toks, i) {
				continue
			}
			hits = append(hits, codeHitAt{rule: ref.rule, toks: ref.cp.toks})
		}
	}
	slices.SortFunc(hits, func(a, b codeHitAt) int { return int(a.rule - b.rule) })
	for _, h := range hits {
		r := dc.p.rules[h.rule]
		definite = true
		part := strings.Join(h.toks, " ")
		dc.add(Match{Rule: r.name, Tier: r.tier, Kind: "code", Part: part, Exec: c.Exec, Span: c.Span,
			Reason: codeReason(r, part, c)})
	}
	if !c.Known {
		ut := dc.p.UnknownTier()
		dc.add(Match{Rule: "unknown", Tier: ut, Kind: "unknown", Part: c.Client + " " + c.Lang + " code", Exec: c.Exec, Span: c.Span,
			Reason: fmt.Sprintf("%s: the %s code fed to %s is not fully known before run time; write it out literally", verb(ut), c.Lang, c.Client)})
		return
	}
	if !definite {
		if def := dc.p.DefaultTier(); def > Allow {
			dc.add(Match{Rule: "default", Tier: def, Kind: "code", Part: c.Client + " " + c.Lang + " code", Exec: c.Exec, Span: c.Span,
				Reason: defaultReason(dc.p, def, c.Client+" "+c.Lang+" code")})
		}
	}
}

// codeHitAt is a rule's first hit in a code text.
type codeHitAt struct {
	rule int32
	toks []string
}

func hitRule(hits []codeHitAt, rule int32) bool {
	for _, h := range hits {
		if h.rule == rule {
			return true
		}
	}
	return false
}

// excused reports whether the statement starting at toks[at] holds one of
// the rule's unless patterns.
func (r *rule) excused(toks []string, at int) bool {
	if len(r.unless) == 0 {
		return false
	}
	stmt := toks[at:statementEnd(toks, at)]
	for _, u := range r.unless {
		if u.find(stmt, 0) >= 0 {
			return true
		}
	}
	return false
}

// writes checks every Write against the protect entries.
func (dc *decider) writes() {
	if len(dc.p.protects) == 0 {
		return
	}
	gs := &dc.p.writeSet
	best := make([]matchKind, len(dc.p.protects))
	var ts []target
	var cand []int32
	for j := range dc.plan.Writes {
		wr := &dc.plan.Writes[j]
		if wr.Uncalled || wr.Exec >= 0 && wr.Exec < len(dc.plan.Execs) && dc.plan.Execs[wr.Exec].Remote {
			continue
		}
		ts = ts[:0]
		for _, d := range dc.targetDirs(&wr.Path) {
			ts = append(ts, dc.pl.resolveWord(&wr.Path, d))
		}
		clear(best)
		hit := false
		for ti := range ts {
			cand = gs.candidates(cand[:0], &dc.pl, &ts[ti])
			for _, gi := range cand {
				o := gs.owner[gi]
				if best[o] == isMatch {
					continue
				}
				if k := dc.pl.hit(gs.globs[gi], ts[ti], wr.Recursive); k > best[o] {
					best[o], hit = k, true
				}
			}
		}
		if !hit {
			continue
		}
		for pi, pr := range dc.p.protects {
			if best[pi] == noMatch {
				continue
			}
			tier := pr.tier
			if best[pi] == mayMatch {
				if tier == Allow {
					continue
				}
				tier = Approve
			}
			dc.add(Match{Rule: pr.name, Tier: tier, Kind: "write", Part: wr.Path.Value, Exec: wr.Exec, Span: wr.Span,
				Reason: protectReason(pr, tier, wr.Path.Value, "write"+kindSuffix(wr.Kind), best[pi] == mayMatch)})
		}
	}
}

func kindSuffix(k parse.WriteKind) string {
	switch k {
	case parse.WriteDelete:
		return " (delete)"
	case parse.WriteMeta:
		return " (permissions)"
	}
	return ""
}

// reads checks the words of every Exec against protect entries with
// access: any.
func (dc *decider) reads() {
	gs := &dc.p.readSet
	if len(gs.globs) == 0 {
		return
	}
	var ts []target
	var cand []int32
	for i := range dc.plan.Execs {
		e := &dc.plan.Execs[i]
		if e.Remote || !e.NameKnown || e.Uncalled {
			continue
		}
		var done uint64 // bit k: protect entry k matched this Exec already (past 64: never marked)
		check := func(v string, known, tilde bool) {
			ts = dc.resolveAll(ts[:0], v, known, tilde)
			for ti := range ts {
				cand = gs.candidates(cand[:0], &dc.pl, &ts[ti])
				for _, gi := range cand {
					o := gs.owner[gi]
					if o < 64 && done&(1<<o) != 0 {
						continue
					}
					if dc.pl.hit(gs.globs[gi], ts[ti], false) != isMatch {
						continue
					}
					if o < 64 {
						done |= 1 << o
					}
					pr := dc.p.protects[o]
					dc.add(Match{Rule: pr.name, Tier: pr.tier, Kind: "read", Part: v, Exec: i, Span: e.Span,
						Reason: protectReason(pr, pr.tier, v, "use", false)})
				}
			}
		}
		for j := range e.Args {
			w := &e.Args[j]
			cs, n := pathCandidates(w.Value)
			for _, c := range cs[:n] {
				check(c, w.Known, w.Tilde || strings.HasPrefix(c, "~"))
			}
		}
		for j := range e.Redirects {
			rd := &e.Redirects[j]
			switch rd.Op {
			case "<", "<>":
				check(rd.Target.Value, rd.Target.Known, rd.Target.Tilde)
			}
		}
	}
}

// pathCandidates returns the parts of an argument that may name a file:
// the word, the value of --opt=value and key=value, curl's @file and an
// attached -ipath.
func pathCandidates(v string) ([4]string, int) {
	var out [4]string
	n := 0
	if v != "" && v[0] != '-' {
		out[n] = v
		n++
	}
	if i := strings.IndexByte(v, '='); i >= 0 && i+1 < len(v) {
		out[n] = v[i+1:]
		n++
		if v[i+1] == '@' && i+2 < len(v) {
			out[n] = v[i+2:]
			n++
		}
	} else if len(v) > 1 && v[0] == '@' {
		out[n] = v[1:]
		n++
	}
	if n < 4 && len(v) > 2 && v[0] == '-' && v[1] != '-' && (v[2] == '/' || v[2] == '~') {
		out[n] = v[2:]
		n++
	}
	return out, n
}

// resolveAll resolves a path named in an argument against every directory
// it may be relative to, keeping only what resolves. A plain relative path
// (no "..") from a directory no read-protected path can be in is skipped.
func (dc *decider) resolveAll(ts []target, v string, known, tilde bool) []target {
	dirs := dc.dirs
	rel := !strings.HasPrefix(v, "/") && !tilde
	if !rel {
		dirs = dc.dirs[:1]
	}
	plain := rel && known && !strings.Contains(v, "..")
	for di, d := range dirs {
		if d == "" || plain && dc.readSafe(di) {
			continue
		}
		if t := dc.pl.resolve(v, known, tilde, !known, d); !t.unknown {
			ts = append(ts, t)
		}
	}
	return ts
}

// readSafe reports whether no path protected from reads can be at or below
// dc.dirs[i] (so a relative path without ".." from there cannot name one).
func (dc *decider) readSafe(i int) bool {
	if dc.safe == nil {
		dc.safe = make([]int8, len(dc.dirs))
	}
	if dc.safe[i] == 0 {
		dc.safe[i] = 1
		d := dc.dirs[i]
		for _, g := range dc.p.readSet.globs {
			if b := dc.pl.absBase(g); isAncestor(b, d) || isAncestor(d, b) {
				dc.safe[i] = -1
				break
			}
		}
	}
	return dc.safe[i] > 0
}

// unknowns decides the plan's Unknowns.
func (dc *decider) unknowns() {
	ut := dc.p.UnknownTier()
	for _, u := range dc.plan.Unknowns {
		if u.Uncalled {
			continue
		}
		switch u.Kind {
		case parse.UnknownArgs:
			// Decided with the Exec: unknown words escalate only when they
			// could complete a block or approve pattern.
			continue
		case parse.UnknownLimit:
			t := max(ut, Approve)
			dc.add(Match{Rule: "limit", Tier: t, Kind: "unknown", Part: shorten(u.Text), Exec: u.Exec, Span: u.Span,
				Reason: fmt.Sprintf("%s: %s; rrsh did not analyse the rest, so split the command into smaller ones", verb(t), lowerFirst(u.Reason))})
		default:
			what := ""
			if u.Text != "" {
				what = "`" + shorten(u.Text) + "`: "
			}
			dc.add(Match{Rule: "unknown", Tier: ut, Kind: "unknown", Part: shorten(u.Text), Exec: u.Exec, Span: u.Span,
				Reason: fmt.Sprintf("%s: %s%s; write it out literally so that it can be checked", verb(ut), what, lowerFirst(u.Reason))})
		}
	}
}

// finish sorts the matches and picks the deciding one.
func (dc *decider) finish() Decision {
	ms := dc.matches
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].Span.Start.Offset < ms[b].Span.Start.Offset })
	d := Decision{Matches: ms, Unknowns: dc.plan.Unknowns, Deciding: -1}
	for i, m := range ms {
		if d.Deciding < 0 || m.Tier > ms[d.Deciding].Tier {
			d.Deciding = i
		}
	}
	if d.Deciding >= 0 {
		m := ms[d.Deciding]
		d.Tier, d.Rule, d.Reason, d.Part, d.Span = m.Tier, m.Rule, m.Reason, m.Part, m.Span
		return d
	}
	if len(dc.plan.Execs) == 0 && len(dc.plan.CodeTexts) == 0 && len(dc.plan.Writes) == 0 {
		d.Tier = dc.p.DefaultTier()
		d.Rule = "default"
		d.Reason = fmt.Sprintf("%s: the command runs nothing; the policy's default is %s", verb(d.Tier), d.Tier)
		return d
	}
	d.Tier = Allow
	d.Rule = "default"
	d.Reason = "allowed: no rule matches and the policy's default is allow"
	return d
}

// --- reasons -------------------------------------------------------------

const maxPart = 200

// shorten makes text fit on one line of a message: control characters
// become spaces, and long text is cut.
func shorten(s string) string {
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	if len(s) > maxPart {
		cut := maxPart
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// execPart is an Exec's argv as one short line.
func execPart(e *parse.Exec) string {
	n := len(e.Name)
	for _, a := range e.Args {
		n += 1 + len(a.Value)
		if n > maxPart {
			break
		}
	}
	var b strings.Builder
	b.Grow(min(n, maxPart+8))
	b.WriteString(e.Name)
	for _, a := range e.Args {
		if b.Len() > maxPart {
			break
		}
		b.WriteByte(' ')
		b.WriteString(a.Value)
	}
	return shorten(b.String())
}

func verb(t Tier) string {
	switch t {
	case Block:
		return "blocked"
	case Approve:
		return "needs approval"
	}
	return "allowed"
}

func advice(t Tier) string {
	switch t {
	case Block:
		return "do not retry it or work around it; if it is really needed, ask the user to run it"
	case Approve:
		return "ask the user to approve it, or do without it"
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func ruleReason(r *rule, pat, part, target string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: `%s` matches %s", verb(r.tier), part, r.name)
	if r.list == "" && len(r.pats) > 1 {
		fmt.Fprintf(&b, " (%s)", pat)
	}
	if target != "" {
		fmt.Fprintf(&b, " on %s", shorten(target))
	}
	if r.message != "" {
		b.WriteString(": " + r.message)
	} else if a := advice(r.tier); a != "" {
		b.WriteString("; " + a)
	}
	return b.String()
}

func mayReason(r *rule, part string, e *parse.Exec, target string) string {
	unknown := target
	if unknown == "" {
		for _, a := range e.Args {
			if !a.Known {
				unknown = a.Raw
				if unknown == "" {
					unknown = a.Value
				}
				break
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "needs approval: may match %s: `%s`", r.name, part)
	if unknown != "" {
		fmt.Fprintf(&b, " — %s is not known before run time", shorten(unknown))
	} else {
		b.WriteString(" — its arguments are not known before run time")
	}
	b.WriteString("; write the arguments out literally")
	if r.message != "" {
		b.WriteString(" (" + r.message + ")")
	}
	return b.String()
}

func codeReason(r *rule, part string, c *parse.CodeText) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s code for %s contains `%s` (%s)", verb(r.tier), c.Lang, c.Client, part, r.name)
	if r.message != "" {
		b.WriteString(": " + r.message)
	} else if a := advice(r.tier); a != "" {
		b.WriteString("; " + a)
	}
	return b.String()
}

func protectReason(pr *protect, t Tier, p, what string, may bool) string {
	var b strings.Builder
	if may {
		fmt.Fprintf(&b, "%s: %s of `%s` may reach a path protected by %s", verb(t), what, shorten(p), pr.name)
	} else {
		fmt.Fprintf(&b, "%s: %s of `%s` is protected by %s", verb(t), what, shorten(p), pr.name)
	}
	if pr.message != "" {
		b.WriteString(": " + pr.message)
	} else if a := advice(t); a != "" {
		b.WriteString("; " + a)
	}
	return b.String()
}

func defaultReason(p *Policy, t Tier, part string) string {
	return fmt.Sprintf("%s: no rule allows `%s` and the policy's default is %s; %s", verb(t), part, t, advice(t))
}
