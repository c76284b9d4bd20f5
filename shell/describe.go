package shell

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

// snapshotTargets turns the Plan's Writes into absolute snapshot targets.
// Writes whose path is not known statically cannot be captured; they are
// left out (the decision line lists them as written, unknown).
func snapshotTargets(plan *parse.Plan, cwd, root, home string) []snapshots.Target {
	if plan == nil {
		return nil
	}
	seen := map[string]int{}
	var out []snapshots.Target
	add := func(t snapshots.Target) {
		if i, ok := seen[t.Path]; ok {
			o := &out[i]
			o.Recursive = o.Recursive || t.Recursive
			o.Git = o.Git || t.Git
			o.Ignored = o.Ignored || t.Ignored
			o.MetaOnly = o.MetaOnly && t.MetaOnly
			return
		}
		seen[t.Path] = len(out)
		out = append(out, t)
	}
	for _, w := range plan.Writes {
		if w.Uncalled {
			continue // in a function nothing calls: it does not run
		}
		p, ok := resolvePath(w.Path, cwd, home)
		if !ok || skipPath(p) {
			continue
		}
		t := snapshots.Target{Path: p, Recursive: w.Recursive}
		var ex *parse.Exec
		if w.Exec >= 0 && w.Exec < len(plan.Execs) {
			ex = &plan.Execs[w.Exec]
		}
		switch w.Kind {
		case parse.WriteGit:
			t.Git, t.Recursive = true, false
			if ex != nil && hasShortFlag(ex, 'x') && ex.Name == "git" && hasWord(ex, "clean") {
				t.Ignored = true
			}
		case parse.WriteMeta:
			t.MetaOnly = true
		case parse.WriteCopy, parse.WriteMove, parse.WriteLink:
			// cp a b dir/ writes dir/a and dir/b, not the whole dir.
			if fi, err := os.Stat(p); err == nil && fi.IsDir() && ex != nil {
				for _, src := range operandsBefore(ex, w.Path.Value) {
					add(snapshots.Target{Path: filepath.Join(p, filepath.Base(src)), Recursive: true})
				}
				continue
			}
			t.Recursive = true
		}
		add(t)
	}
	return out
}

func resolvePath(w parse.Word, cwd, home string) (string, bool) {
	if !w.Known && !w.Tilde {
		return "", false
	}
	if w.Glob {
		return "", false
	}
	p := w.Value
	if w.Tilde {
		if home == "" {
			return "", false
		}
		switch {
		case p == "~":
			p = home
		case strings.HasPrefix(p, "~/"):
			p = filepath.Join(home, p[2:])
		default:
			return "", false // ~user
		}
	}
	if p == "" {
		return "", false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p), true
}

func skipPath(p string) bool {
	for _, pre := range []string{"/dev/", "/proc/", "/sys/"} {
		if strings.HasPrefix(p+"/", pre) {
			return true
		}
	}
	return false
}

func hasShortFlag(ex *parse.Exec, f byte) bool {
	for _, a := range ex.Args {
		v := a.Value
		if len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.IndexByte(v[1:], f) >= 0 {
			return true
		}
	}
	return false
}

func hasWord(ex *parse.Exec, w string) bool {
	for _, a := range ex.Args {
		if a.Value == w {
			return true
		}
	}
	return false
}

// operandsBefore returns the non-option operands of ex that come before dest.
func operandsBefore(ex *parse.Exec, dest string) []string {
	var out []string
	for _, a := range ex.Args {
		if a.Value == dest {
			break
		}
		if strings.HasPrefix(a.Value, "-") || !a.Known {
			continue
		}
		out = append(out, a.Value)
	}
	return out
}

func targetPaths(ts []snapshots.Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Path
	}
	return out
}

// conflicts names recent writes of other active sessions to the same paths.
func (s *Shell) conflicts(ctx context.Context, st *store.Store, writes []string) []policy.Match {
	if st == nil || len(writes) == 0 || s.conflictWin <= 0 {
		return nil
	}
	now := s.now()
	cs, err := st.Conflicts(ctx, s.session, writes, now.Add(-s.conflictWin))
	if err != nil {
		return []policy.Match{{Rule: "conflict", Tier: policy.Approve, Kind: "write", Exec: -1,
			Reason: fmt.Sprintf("cannot check other sessions' writes: %v", err)}}
	}
	var out []policy.Match
	for _, c := range cs {
		agent := c.Agent
		if agent == "" {
			agent = "unknown agent"
		}
		out = append(out, policy.Match{
			Rule: "conflict", Tier: policy.Approve, Kind: "write", Part: c.Path, Exec: -1,
			Reason: fmt.Sprintf("%s was written %s ago by another session %s (%s): `%s`",
				c.Path, now.Sub(c.At).Round(time.Second), shortID(c.Session), agent, truncate(c.Command, 80)),
		})
	}
	return out
}

func shortID(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// where describes the deciding match: "`rm -rf x` at 1:1".
func where(plan *parse.Plan, dec policy.Decision) string {
	if dec.Deciding < 0 || dec.Deciding >= len(dec.Matches) {
		return ""
	}
	m := dec.Matches[dec.Deciding]
	part := m.Part
	if plan != nil {
		if sn := plan.Snippet(m.Span); sn != "" {
			part = sn
		}
	}
	part = oneLine(part, 120)
	if part == "" {
		return ""
	}
	if m.Span.Start.IsValid() {
		return fmt.Sprintf("`%s` at %s", part, m.Span.Start)
	}
	return fmt.Sprintf("`%s`", part)
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	return truncate(s, n)
}

func (s *Shell) blocked(plan *parse.Plan, dec policy.Decision) *Refusal {
	hint := "nothing of this command ran; change the command, or ask the user to change the policy (" + s.policySource + ")"
	if dec.Rule == "lock" {
		hint = "nothing of this command ran; the lock is released when that command ends"
	}
	return &Refusal{Kind: Blocked, Msg: "blocked: " + explain(plan, dec), Hint: hint}
}

// explain is "RULE: REASON" with the matched part's position worked in:
// "blocklist:rm -rf: `rm -rf x` at 1:15 matches …".
func explain(plan *parse.Plan, dec policy.Decision) string {
	reason := bareReason(dec.Reason)
	if dec.Deciding >= 0 && dec.Deciding < len(dec.Matches) {
		m := dec.Matches[dec.Deciding]
		if m.Span.Start.IsValid() {
			quoted := "`" + m.Part + "`"
			switch {
			case m.Part != "" && strings.Contains(reason, quoted):
				reason = strings.Replace(reason, quoted, quoted+" at "+m.Span.Start.String(), 1)
			default:
				if w := where(plan, dec); w != "" {
					reason += " (" + w + ")"
				}
			}
		}
	}
	return dec.Rule + ": " + reason
}

// bareReason drops the tier the policy's reasons start with ("blocked: ",
// "needs approval: "); rrsh's own message already says it.
func bareReason(r string) string {
	for _, p := range []string{"blocked: ", "needs approval: "} {
		r = strings.TrimPrefix(r, p)
	}
	return r
}

// decisionEvent summarises the plan for the journal. Heredoc bodies never
// appear in it; long texts are truncated and hashed by the journal.
func (s *Shell) decisionEvent(src string, plan *parse.Plan, dec policy.Decision, writes []string) journal.Decision {
	d := journal.Decision{
		Command: redactHeredocs(src, plan),
		Mode:    "shell",
		Shell:   filepath.Base(s.shellPath),
		Cwd:     s.cwd,
		Root:    s.root,
		Agent:   s.agent,
		Policy:  s.policySource,
		Tier:    dec.Tier.String(),
		Rule:    dec.Rule,
		Reason:  dec.Reason,
		Writes:  writes,
		Jail:    s.jailName,
	}
	if dec.Deciding >= 0 && dec.Deciding < len(dec.Matches) {
		m := dec.Matches[dec.Deciding]
		d.Part = m.Part
		d.Line, d.Col = m.Span.Start.Line, m.Span.Start.Col
	}
	if plan != nil {
		for i := range plan.Execs {
			d.Execs = append(d.Execs, strings.Join(plan.Execs[i].Argv(), " "))
		}
		for _, u := range plan.Unknowns {
			d.Unknowns = append(d.Unknowns, string(u.Kind)+": "+u.Text)
		}
	}
	return d
}

// redactHeredocs replaces heredoc and here-string bodies in src with a
// placeholder, so their contents (often secrets or data) are not journaled.
func redactHeredocs(src string, plan *parse.Plan) string {
	if plan == nil {
		return src
	}
	type cut struct{ start, end int }
	var cuts []cut
	for i := range plan.Execs {
		for _, r := range plan.Execs[i].Redirects {
			if r.Op != "<<" && r.Op != "<<-" && r.Op != "<<<" {
				continue
			}
			sp := r.Target.Span
			if sp.Start.IsValid() && sp.End.Offset > sp.Start.Offset && sp.End.Offset <= len(src) && plan.Execs[i].Depth == 0 {
				cuts = append(cuts, cut{sp.Start.Offset, sp.End.Offset})
			}
		}
	}
	if len(cuts) == 0 {
		return src
	}
	var b strings.Builder
	last := 0
	for _, c := range cuts {
		if c.start < last {
			continue
		}
		b.WriteString(src[last:c.start])
		fmt.Fprintf(&b, "[%d bytes redacted]", c.end-c.start)
		last = c.end
	}
	b.WriteString(src[last:])
	return b.String()
}

// redactArgv keeps the jail's argv readable without copying the command
// text twice: the -c string is replaced by its length.
func redactArgv(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if i > 0 && argv[i-1] == "-c" {
			a = fmt.Sprintf("[%d bytes]", len(a))
		}
		out[i] = a
	}
	return out
}

// HumanBytes formats a size for people: "512 B", "1.5 KiB", "2.0 GiB".
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
