package policy

import (
	"errors"
	"fmt"

	"github.com/rrsh/rrsh/parse"
)

// Check parses src and decides it. It never fails and never allows on
// failure: a syntax error is Block (rule "parse-error", plan nil), a
// command over the size limit is Approve (rule "limit", plan nil), and a
// panic inside rrsh is Block (rule "internal-error").
func (p *Policy) Check(src string, opts parse.Options, env Env) (d Decision, plan *parse.Plan) {
	defer func() {
		if r := recover(); r != nil {
			d = Decision{Tier: Block, Rule: "internal-error", Deciding: -1,
				Reason: fmt.Sprintf("blocked: rrsh bug while checking the command (%v), please report", r)}
			plan = nil
		}
	}()
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = parse.DefaultMaxBytes
	}
	if len(src) > limit {
		return Decision{Tier: max(Approve, p.UnknownTier()), Rule: "limit", Deciding: -1,
			Reason: fmt.Sprintf("needs approval: the command is %d bytes, over the limit of %d; put it in a script file or split it", len(src), limit)}, nil
	}
	plan, err := parse.Parse(src, opts)
	if err != nil {
		msg := err.Error()
		var pe *parse.Error
		if errors.As(err, &pe) {
			msg = pe.Pos.String() + ": " + pe.Msg
		}
		return Decision{Tier: Block, Rule: "parse-error", Deciding: -1,
			Reason: "blocked: the command is not valid bash (" + shorten(msg) + "); fix the syntax and retry"}, nil
	}
	if plan == nil {
		return Decision{Tier: Block, Rule: "parse-error", Deciding: -1, Reason: "blocked: the command could not be parsed"}, nil
	}
	return p.Decide(plan, env), plan
}
