package policy

import (
	"slices"
	"time"

	"github.com/rrsh/rrsh/parse"
)

// Env is where a command runs: it gives paths in the command their meaning.
// Relative paths resolve against Cwd; "~", "$HOME" and "${HOME}" are Home;
// relative globs in a policy resolve against Root. Empty fields are not
// guessed: a path under an empty Home or Cwd matches only rule paths written
// the same way ("~" matches "~").
type Env struct {
	// Home is the user's home directory.
	Home string
	// Cwd is the working directory of the command.
	Cwd string
	// Root is the project root: the git root of Cwd, else Cwd.
	Root string
}

// Policy is a loaded policy. The zero Policy is valid: it has no rules,
// treats unknowns as approve and its default tier is approve, so it allows
// nothing on its own. A Policy is immutable after [Load] and safe for
// concurrent use.
type Policy struct {
	name    string
	version int
	def     tierSetting
	unknown tierSetting

	// The seed's lists, as written, in order.
	blocklist, approve, allowlist []string

	rules    []*rule // every rule, list entries first, in file order
	protects []*protect
	idx      patIndex // rules' patterns by first word, built by Load
	writeSet globSet  // every protect glob
	readSet  globSet  // the globs of protect entries with access: any
	settings Settings
	tests    []testCase
	results  []TestResult
	tested   bool // results hold the examples' outcome
}

// tierSetting is a tier that may be unset (the zero value).
type tierSetting struct {
	tier Tier
	set  bool
}

func (s tierSetting) or(t Tier) Tier {
	if s.set {
		return s.tier
	}
	return t
}

// Name returns where the policy came from: the name given to [Load], or ""
// for a Policy not loaded from a file.
func (p *Policy) Name() string {
	if p == nil {
		return ""
	}
	return p.name
}

// DefaultTier is the tier of a part no rule matches (approve unless set).
func (p *Policy) DefaultTier() Tier {
	if p == nil {
		return Approve
	}
	return p.def.or(Approve)
}

// UnknownTier is the tier of unknown command names, unknown shell text and
// unknown code (approve unless set).
func (p *Policy) UnknownTier() Tier {
	if p == nil {
		return Approve
	}
	return p.unknown.or(Approve)
}

// Rules returns the policy's rules in the order they are checked: the
// seed lists' entries (blocklist, approve, allowlist), then rules:, then
// protect:.
func (p *Policy) Rules() []Rule {
	if p == nil {
		return nil
	}
	out := make([]Rule, 0, len(p.rules)+len(p.protects))
	for _, r := range p.rules {
		out = append(out, Rule{r: r})
	}
	for _, pr := range p.protects {
		out = append(out, Rule{p: pr})
	}
	return out
}

// Settings returns the policy's settings for other parts of rrsh, with
// defaults filled in. The result is a copy.
func (p *Policy) Settings() Settings {
	if p == nil {
		return defaultSettings()
	}
	s := p.settings
	if !s.set {
		s = defaultSettings()
	}
	s.Jail.Writable = slices.Clone(s.Jail.Writable)
	s.Jail.Hidden = slices.Clone(s.Jail.Hidden)
	s.Jail.Readonly = slices.Clone(s.Jail.Readonly)
	return s
}

// Rule is one rule of a loaded policy. Rules are sealed: they come only
// from [Load], which validates them, so a Rule cannot be built by hand.
type Rule struct {
	r *rule
	p *protect
}

// Name returns the rule's name ("blocklist:rm -rf" for seed-list entries).
func (r Rule) Name() string {
	switch {
	case r.r != nil:
		return r.r.name
	case r.p != nil:
		return r.p.name
	}
	return ""
}

// Tier returns the tier the rule gives to what it matches.
func (r Rule) Tier() Tier {
	switch {
	case r.r != nil:
		return r.r.tier
	case r.p != nil:
		return r.p.tier
	}
	return Approve
}

// Message returns the rule's message, or "".
func (r Rule) Message() string {
	switch {
	case r.r != nil:
		return r.r.message
	case r.p != nil:
		return r.p.message
	}
	return ""
}

// Kind returns "list" (a seed-list entry), "rule" or "protect".
func (r Rule) Kind() string {
	switch {
	case r.r != nil && r.r.list != "":
		return "list"
	case r.r != nil:
		return "rule"
	case r.p != nil:
		return "protect"
	}
	return ""
}

// Patterns returns the rule's shell-word patterns (for a protect entry: its
// paths), as written.
func (r Rule) Patterns() []string {
	switch {
	case r.r != nil:
		out := make([]string, 0, len(r.r.pats)+len(r.r.code))
		for _, p := range r.r.pats {
			out = append(out, p.src)
		}
		for _, c := range r.r.codeSrc {
			out = append(out, "code: "+c)
		}
		return out
	case r.p != nil:
		out := make([]string, 0, len(r.p.paths))
		for _, g := range r.p.paths {
			out = append(out, g.src)
		}
		return out
	}
	return nil
}

// rule is a compiled rule: a seed-list entry or an entry of rules:.
type rule struct {
	name    string
	tier    Tier
	message string
	list    string // "blocklist", "approve", "allowlist", or "" for rules:
	pats    []*cmdPattern
	code    []codePattern // code-only patterns
	codeSrc []string
	unless  []codePattern
	uSrc    []string
	langs   []string // code patterns apply only to code in these languages
	paths   []*pathGlob
	remote  bool
	// byLast files paths by their literal last element; lastOther holds
	// the rest (a glob last element, "**", or the home or root itself).
	byLast    map[string][]*pathGlob
	lastOther []*pathGlob
}

// protect is a compiled protect entry.
type protect struct {
	name    string
	tier    Tier
	message string
	paths   []*pathGlob
	any     bool // access: any (not only writes)
}

// Settings are the parts of a policy that other packages enforce. Policy
// only decodes and validates them.
type Settings struct {
	Jail      Jail
	Snapshots Snapshots
	Approval  Approval
	Sessions  Sessions
	set       bool
}

// Network says whether jailed commands may use the network.
type Network string

// The network settings.
const (
	NetworkAllow Network = "allow"
	NetworkNone  Network = "none"
)

// Jail configures the jail around commands.
type Jail struct {
	// Off is the unsafe opt-out `jail: off`: commands run without a jail.
	// Every journal line records it.
	Off bool
	// Network is "allow" (the default) or "none".
	Network Network
	// Writable, Hidden and Readonly are extra paths as written in the
	// policy ("~/.cache/go-build", "/opt/x", "build"); use [Env.Path] to
	// make them absolute.
	Writable []string
	Hidden   []string
	Readonly []string
}

// Snapshots configures pre-images.
type Snapshots struct {
	// MaxBytes is the largest total size of pre-images for one command
	// (default 100 MiB).
	MaxBytes int64
}

// Approval configures approval requests.
type Approval struct {
	// Timeout is how long rrsh waits for an approval (default 50s).
	Timeout time.Duration
}

// Sessions configures sessions.
type Sessions struct {
	// Window is how long a session stays open without commands (default 10m).
	Window time.Duration
	// Locks makes a command hold a lock on every path it writes while it
	// runs: another session's command writing an overlapping path is
	// refused until it ends (default off).
	Locks bool
}

// The default settings.
const (
	DefaultMaxBytes        = 100 << 20
	DefaultApprovalTimeout = 50 * time.Second
	DefaultSessionWindow   = 10 * time.Minute
)

func defaultSettings() Settings {
	return Settings{
		Jail:      Jail{Network: NetworkAllow},
		Snapshots: Snapshots{MaxBytes: DefaultMaxBytes},
		Approval:  Approval{Timeout: DefaultApprovalTimeout},
		Sessions:  Sessions{Window: DefaultSessionWindow},
		set:       true,
	}
}

// Path makes a path from a policy absolute: "~", "$HOME" and "${HOME}"
// become Home, a relative path is taken from Root. It returns "" when the
// place it needs is empty.
func (e Env) Path(p string) string {
	pl := places{home: e.Home, cwd: e.Cwd, root: e.Root}
	if pl.root == "" {
		pl.root = pl.cwd
	}
	switch {
	case p == "~" || len(p) > 1 && p[:2] == "~/":
		if pl.home == "" {
			return ""
		}
		return cleanPath(pl.home + p[1:])
	case p == "$HOME" || len(p) > 5 && p[:6] == "$HOME/":
		if pl.home == "" {
			return ""
		}
		return cleanPath(pl.home + p[5:])
	case p == "${HOME}" || len(p) > 7 && p[:8] == "${HOME}/":
		if pl.home == "" {
			return ""
		}
		return cleanPath(pl.home + p[7:])
	case len(p) > 0 && p[0] == '/':
		return cleanPath(p)
	}
	if pl.root == "" {
		return ""
	}
	return cleanPath(pl.root + "/" + p)
}

// TestResult is the outcome of one example of a policy's tests: section.
type TestResult struct {
	// Command is the example as written.
	Command string
	// Line and Col locate the example in the policy file.
	Line, Col int
	// Want is the tier the example expects, Got the decision it got.
	Want Tier
	Got  Decision
	// Pass is set when Got.Tier == Want.
	Pass bool
}

// testCase is one example of tests:.
type testCase struct {
	cmd       string
	want      Tier
	line, col int
}

// TestEnv returns the Env the examples of a policy's tests: section run
// in: home /home/user, working directory and project root
// /home/user/project.
func TestEnv() Env {
	return Env{Home: "/home/user", Cwd: "/home/user/project", Root: "/home/user/project"}
}

// TestResults returns the outcome of each example in the policy's tests:
// section, in file order. A loaded policy's examples all passed (Load fails
// otherwise); see [TestsFailedError] for the failing case.
func (p *Policy) TestResults() []TestResult {
	if p == nil {
		return nil
	}
	if !p.tested {
		return p.runTests()
	}
	return slices.Clone(p.results)
}

// runTests runs the policy's examples.
func (p *Policy) runTests() []TestResult {
	out := make([]TestResult, 0, len(p.tests))
	for _, tc := range p.tests {
		d, _ := p.Check(tc.cmd, parse.Options{}, TestEnv())
		out = append(out, TestResult{Command: tc.cmd, Line: tc.line, Col: tc.col, Want: tc.want, Got: d, Pass: d.Tier == tc.want})
	}
	return out
}
