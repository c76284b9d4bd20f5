package agents

import (
	"strings"

	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
)

// Explain is "RULE: REASON" for a decision, with the position of the
// matched part worked in: "publish: `npm publish` at 1:1 matches publish
// (npm publish): publishing leaves this machine …". The tier word the
// policy's reasons start with ("blocked: ", "needs approval: ") is dropped.
func Explain(dec policy.Decision) string {
	reason := dec.Reason
	for _, p := range []string{"blocked: ", "needs approval: "} {
		reason = strings.TrimPrefix(reason, p)
	}
	if dec.Deciding >= 0 && dec.Deciding < len(dec.Matches) {
		m := dec.Matches[dec.Deciding]
		quoted := "`" + m.Part + "`"
		if m.Span.Start.IsValid() {
			if m.Part != "" && strings.Contains(reason, quoted) {
				reason = strings.Replace(reason, quoted, quoted+" at "+m.Span.Start.String(), 1)
			} else if m.Part != "" {
				reason += " (" + quoted + " at " + m.Span.Start.String() + ")"
			}
		}
	}
	if dec.Rule == "" {
		return reason
	}
	return dec.Rule + ": " + reason
}

// BashAnswer is the hook's answer for a Bash command the policy decided:
// block → deny (the model sees why, and that nothing ran); approve → ask,
// the reason starting with the rule and the matched part; allow → no
// opinion. granted says whether a one-time grant was recorded for the
// shell, which the reason tells the human; policySource names the policy.
func BashAnswer(dec policy.Decision, granted bool, policySource string) Answer {
	switch dec.Tier {
	case policy.Allow:
		return Answer{}
	case policy.Approve:
		r := Explain(dec)
		if granted {
			r += " [rrsh: approve to let it run once]"
		} else {
			r += " [rrsh: Claude Code may not ask in this permission mode, so rrsh asks too: run `rrsh pending` and `rrsh approve ID` in a terminal]"
		}
		return Answer{Decision: "ask", Reason: r}
	}
	return Answer{Decision: "deny", Reason: "rrsh blocked this command, nothing of it ran: " + Explain(dec) +
		" (policy: " + policySource + "; change the command, or ask the user to change the policy)"}
}

// WriteAnswer is the hook's answer for a file write the policy decided
// (its protect entries): block → deny; approve → ask where Claude Code
// shows its dialog (see [PromptsOnAsk]), else deny, because nothing else
// would ask a human before the editor writes; allow → no opinion.
func WriteAnswer(dec policy.Decision, mode, policySource string) Answer {
	switch dec.Tier {
	case policy.Allow:
		return Answer{}
	case policy.Approve:
		if PromptsOnAsk(mode) {
			return Answer{Decision: "ask", Reason: Explain(dec) + " [rrsh]"}
		}
		return Answer{Decision: "deny", Reason: "rrsh: this write needs a human's approval and Claude Code does not ask in permission mode " +
			quoteMode(mode) + ": " + Explain(dec) + " (ask the user to make the change, or to run Claude Code in default mode)"}
	}
	return Answer{Decision: "deny", Reason: "rrsh blocked this write, the file is unchanged: " + Explain(dec) +
		" (policy: " + policySource + "; tell the user what to change instead)"}
}

func quoteMode(m string) string {
	if m == "" {
		return "(none given)"
	}
	return m
}

// WriteDecision keeps, of a decision for the synthetic command that writes
// one path, only what concerns the write: the protect matches (kind
// "write" or "read"). The command word itself (":") is not the agent's and
// must not make the policy's default tier apply to an editor write.
// A decision rrsh could not make (a parse error, an internal error, a
// limit) is returned unchanged: it never becomes allow.
func WriteDecision(dec policy.Decision) policy.Decision {
	switch dec.Rule {
	case "parse-error", "internal-error", "limit":
		return dec
	}
	out := policy.Decision{Tier: policy.Allow, Deciding: -1, Rule: "", Reason: "no protected path"}
	for _, m := range dec.Matches {
		if m.Kind != "write" && m.Kind != "read" {
			continue
		}
		// A position in the synthetic command means nothing to the agent.
		m.Span = parse.Span{}
		out.Matches = append(out.Matches, m)
		if m.Tier > out.Tier {
			out.Tier, out.Rule, out.Reason, out.Part, out.Span = m.Tier, m.Rule, m.Reason, m.Part, m.Span
			out.Deciding = len(out.Matches) - 1
		}
	}
	return out
}
