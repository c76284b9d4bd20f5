package policy

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// yamlPolicy is the canonical form of a policy file.
type yamlPolicy struct {
	Version   int            `yaml:"version"`
	Default   string         `yaml:"default"`
	Unknown   string         `yaml:"unknown"`
	Blocklist []string       `yaml:"blocklist,omitempty"`
	Approve   []string       `yaml:"approve,omitempty"`
	Allowlist []string       `yaml:"allowlist,omitempty"`
	Rules     []yamlRule     `yaml:"rules,omitempty"`
	Protect   []yamlProtect  `yaml:"protect,omitempty"`
	Jail      any            `yaml:"jail,omitempty"`
	Snapshots *yamlSnapshots `yaml:"snapshots,omitempty"`
	Approval  *yamlApproval  `yaml:"approval,omitempty"`
	Sessions  *yamlSessions  `yaml:"sessions,omitempty"`
	Tests     *yamlTests     `yaml:"tests,omitempty"`
}

type yamlRule struct {
	Name     string   `yaml:"name"`
	Tier     string   `yaml:"tier"`
	Patterns []string `yaml:"patterns,omitempty"`
	Code     []string `yaml:"code,omitempty"`
	Unless   []string `yaml:"unless,omitempty"`
	Lang     []string `yaml:"lang,omitempty"`
	Paths    []string `yaml:"paths,omitempty"`
	Remote   bool     `yaml:"remote,omitempty"`
	Message  string   `yaml:"message,omitempty"`
}

type yamlProtect struct {
	Name    string   `yaml:"name"`
	Paths   []string `yaml:"paths"`
	Tier    string   `yaml:"tier"`
	Access  string   `yaml:"access"`
	Message string   `yaml:"message,omitempty"`
}

type yamlJail struct {
	Network  string   `yaml:"network"`
	Writable []string `yaml:"writable,omitempty"`
	Hidden   []string `yaml:"hidden,omitempty"`
	Readonly []string `yaml:"readonly,omitempty"`
}

type yamlSnapshots struct {
	MaxBytes string `yaml:"max_bytes"`
}

type yamlApproval struct {
	Timeout string `yaml:"timeout"`
}

type yamlSessions struct {
	Window string `yaml:"window"`
	Locks  bool   `yaml:"locks,omitempty"`
}

type yamlTests struct {
	Block   []string `yaml:"block,omitempty"`
	Approve []string `yaml:"approve,omitempty"`
	Allow   []string `yaml:"allow,omitempty"`
}

// MarshalYAML returns the policy in canonical form: version 1, explicit
// default and unknown tiers, the seed lists, rules, protect entries,
// settings (when the policy has any) and tests. Loading the result gives a
// policy that decides every command the same way.
func (p *Policy) MarshalYAML() (any, error) {
	if p == nil {
		p = &Policy{}
	}
	y := yamlPolicy{
		Version:   1,
		Default:   p.DefaultTier().String(),
		Unknown:   p.UnknownTier().String(),
		Blocklist: p.blocklist,
		Approve:   p.approve,
		Allowlist: p.allowlist,
	}
	for _, r := range p.rules {
		if r.list != "" {
			continue
		}
		yr := yamlRule{Name: r.name, Tier: r.tier.String(), Code: r.codeSrc, Unless: r.uSrc, Lang: r.langs, Remote: r.remote, Message: r.message}
		for _, cp := range r.pats {
			yr.Patterns = append(yr.Patterns, cp.src)
		}
		for _, g := range r.paths {
			yr.Paths = append(yr.Paths, g.src)
		}
		y.Rules = append(y.Rules, yr)
	}
	for _, pr := range p.protects {
		yp := yamlProtect{Name: pr.name, Tier: pr.tier.String(), Access: "write", Message: pr.message}
		if pr.any {
			yp.Access = "any"
		}
		for _, g := range pr.paths {
			yp.Paths = append(yp.Paths, g.src)
		}
		y.Protect = append(y.Protect, yp)
	}
	if s := p.settings; s.set {
		if s.Jail.Off {
			y.Jail = "off"
		} else {
			y.Jail = yamlJail{Network: string(s.Jail.Network), Writable: s.Jail.Writable, Hidden: s.Jail.Hidden, Readonly: s.Jail.Readonly}
		}
		y.Snapshots = &yamlSnapshots{MaxBytes: formatSize(s.Snapshots.MaxBytes)}
		y.Approval = &yamlApproval{Timeout: s.Approval.Timeout.String()}
		y.Sessions = &yamlSessions{Window: s.Sessions.Window.String(), Locks: s.Sessions.Locks}
	}
	if len(p.tests) > 0 {
		t := &yamlTests{}
		for _, tc := range p.tests {
			switch tc.want {
			case Block:
				t.Block = append(t.Block, tc.cmd)
			case Approve:
				t.Approve = append(t.Approve, tc.cmd)
			default:
				t.Allow = append(t.Allow, tc.cmd)
			}
		}
		y.Tests = t
	}
	return y, nil
}

// YAML returns the policy in canonical form (see [Policy.MarshalYAML]).
func (p *Policy) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
