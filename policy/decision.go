package policy

import (
	"fmt"

	"github.com/rrsh/rrsh/parse"
)

// Tier is how much trust a command needs. Tiers are ordered: Allow < Approve < Block,
// and the decision for a command is the highest tier of any of its parts.
type Tier int

// The tiers.
const (
	Allow Tier = iota
	Approve
	Block
)

func (t Tier) String() string {
	switch t {
	case Allow:
		return "allow"
	case Approve:
		return "approve"
	case Block:
		return "block"
	}
	return fmt.Sprintf("Tier(%d)", int(t))
}

// ParseTier parses "allow", "approve" or "block" ("deny" is accepted for block).
func ParseTier(s string) (Tier, error) {
	switch s {
	case "allow":
		return Allow, nil
	case "approve", "ask":
		return Approve, nil
	case "block", "deny":
		return Block, nil
	}
	return 0, fmt.Errorf("invalid tier %q (want allow, approve or block)", s)
}

// MarshalText encodes the tier as its name.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Match is one reason a part of the command got a tier.
type Match struct {
	// Rule is the name of the rule that matched. Seed-list entries are named
	// "blocklist:<pattern>", "approve:<pattern>", "allowlist:<pattern>";
	// built-in decisions use "default", "unknown", "parse-error", "limit".
	Rule string `json:"rule"`
	Tier Tier   `json:"tier"`
	// Kind is what matched: "exec", "code", "write", "read" (an argument
	// naming a path protected with access: any) or "unknown".
	Kind string `json:"kind"`
	// Part is the matched part as text: the Exec's argv joined with spaces,
	// the code text's matched tokens, the written path, or the unknown text.
	Part string `json:"part"`
	// Exec is the index in Plan.Execs of the part, or -1.
	Exec int        `json:"exec"`
	Span parse.Span `json:"span"`
	// Reason is a one-line explanation an agent can act on.
	Reason string `json:"reason"`
}

// Decision is the outcome of checking a whole command. It is a value, never an error.
type Decision struct {
	Tier Tier `json:"decision"`
	// Rule, Reason and Part repeat the deciding match (the first match of the
	// highest tier, in source order) for convenience.
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	// Part and Span repeat the deciding match's part and position (empty
	// when the decision came from the default with nothing to point at).
	Part string     `json:"part,omitempty"`
	Span parse.Span `json:"span"`
	// Deciding is the index in Matches of the deciding match, or -1 when the
	// decision came from the default with nothing to point at.
	Deciding int `json:"-"`
	// Matches lists every part that got a tier above allow, and every
	// allow-rule hit, in source order.
	Matches  []Match         `json:"matches"`
	Unknowns []parse.Unknown `json:"unknowns"`
}
