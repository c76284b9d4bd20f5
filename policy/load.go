package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Limits on a policy file.
const (
	MaxPolicyBytes = 1 << 20 // a policy file larger than this is an error
	maxRules       = 10000
	maxTests       = 10000
)

// TestsFailedError is returned by [Load] when examples in the policy's
// tests: section do not get the tier they expect. Results holds every
// example's outcome.
type TestsFailedError struct {
	Name    string
	Results []TestResult
}

func (e *TestsFailedError) Error() string {
	var b strings.Builder
	n := 0
	for _, r := range e.Results {
		if r.Pass {
			continue
		}
		if n > 0 {
			b.WriteString("\n")
		}
		n++
		fmt.Fprintf(&b, "%s:%d:%d: test %q: want %s, got %s (rule %s)", e.Name, r.Line, r.Col, r.Command, r.Want, r.Got.Tier, r.Got.Rule)
	}
	return b.String()
}

// LoadOption changes how [Load] works.
type LoadOption func(*loadConfig)

type loadConfig struct{ verified bool }

// Verified tells Load that the policy's tests: examples already passed for
// exactly these bytes and this version of rrsh (the caller keeps that
// record, for example by content hash, where commands cannot forge it), so
// they are not run again. The embedded default's examples run in rrsh's own
// tests. [Policy.TestResults] still runs them on demand.
func Verified() LoadOption { return func(c *loadConfig) { c.verified = true } }

// Load reads a policy from data. name says where data came from and
// prefixes every error ("railroad.yaml:3:5: unknown key \"blocklst\"").
//
// Load is strict: unknown keys, duplicate keys or rule names, bad tiers,
// patterns, globs, sizes and durations are errors, and so is any example of
// the tests: section that does not get its expected tier (then the error is
// a *[TestsFailedError]). Empty data is the zero Policy.
func Load(name string, data []byte, opts ...LoadOption) (*Policy, error) {
	var cfg loadConfig
	for _, o := range opts {
		o(&cfg)
	}
	if len(data) > MaxPolicyBytes {
		return nil, fmt.Errorf("%s: policy is %d bytes, over the limit of %d", name, len(data), MaxPolicyBytes)
	}
	l := &loader{name: name, p: &Policy{name: name}, sp: syntax.NewParser(syntax.Variant(syntax.LangBash))}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return l.p, nil
		}
		return nil, l.yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		at := &extra
		if len(extra.Content) > 0 {
			at = extra.Content[0]
		}
		return nil, l.errf(at, "only one YAML document is allowed")
	} else if !errors.Is(err, io.EOF) {
		return nil, l.yamlErr(err)
	}
	if len(doc.Content) == 0 {
		return l.p, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return l.p, nil
	}
	if err := l.load(root); err != nil {
		return nil, err
	}
	if cfg.verified {
		return l.p, nil
	}
	l.p.results = l.p.runTests()
	l.p.tested = true
	for _, r := range l.p.results {
		if !r.Pass {
			return nil, &TestsFailedError{Name: name, Results: l.p.results}
		}
	}
	return l.p, nil
}

type loader struct {
	name  string
	p     *Policy
	names map[string]*yaml.Node
	sp    *syntax.Parser // reused for every pattern
}

// The regular expressions compile on first use: package initialisation
// runs in every rrsh process, and most never load a bad policy file.
var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

func (l *loader) yamlErr(err error) error {
	msg := err.Error()
	if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", l.name, m[1], m[2])
	}
	return fmt.Errorf("%s: %s", l.name, strings.TrimPrefix(msg, "yaml: "))
}

func (l *loader) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: "+format, append([]any{l.name, n.Line, n.Column}, args...)...)
}

// field is one key of a mapping.
type field struct {
	key, val *yaml.Node
}

// mapping returns the fields of a mapping node, checking for aliases,
// duplicate keys and keys outside allowed.
func (l *loader) mapping(n *yaml.Node, what string, allowed ...string) (map[string]field, []string, error) {
	if err := l.noAlias(n); err != nil {
		return nil, nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, nil, l.errf(n, "%s must be a mapping", what)
	}
	out := make(map[string]field, len(n.Content)/2)
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := l.noAlias(k); err != nil {
			return nil, nil, err
		}
		if err := l.noAlias(v); err != nil {
			return nil, nil, err
		}
		if k.Kind != yaml.ScalarNode {
			return nil, nil, l.errf(k, "%s: keys must be plain strings", what)
		}
		if !has(allowed, k.Value) {
			return nil, nil, l.errf(k, "unknown key %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		if prev, dup := out[k.Value]; dup {
			return nil, nil, l.errf(k, "duplicate key %q in %s (first at line %d)", k.Value, what, prev.key.Line)
		}
		out[k.Value] = field{k, v}
		order = append(order, k.Value)
	}
	return out, order, nil
}

func (l *loader) noAlias(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return l.errf(n, "aliases (*%s) are not supported in a policy", n.Value)
	}
	return nil
}

// str returns a scalar as a string.
func (l *loader) str(n *yaml.Node, what string) (string, error) {
	if err := l.noAlias(n); err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode {
		return "", l.errf(n, "%s must be a string", what)
	}
	switch n.Tag {
	case "!!str", "!!int", "!!float", "!!bool":
	case "!!null":
		if n.Value == "~" {
			return "~", nil // "~" is the home directory, not YAML's null
		}
		return "", l.errf(n, "%s must not be empty", what)
	default:
		return "", l.errf(n, "%s: unsupported YAML tag %s", what, n.Tag)
	}
	return n.Value, nil
}

// strs returns a sequence of scalars.
func (l *loader) strs(n *yaml.Node, what string) ([]string, []*yaml.Node, error) {
	if err := l.noAlias(n); err != nil {
		return nil, nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, nil, l.errf(n, "%s must be a list", what)
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, err := l.str(c, what+" entries")
		if err != nil {
			return nil, nil, err
		}
		out = append(out, s)
	}
	return out, n.Content, nil
}

func (l *loader) tier(n *yaml.Node, what string) (Tier, error) {
	s, err := l.str(n, what)
	if err != nil {
		return 0, err
	}
	t, err := ParseTier(s)
	if err != nil {
		return 0, l.errf(n, "%s: %w", what, err)
	}
	return t, nil
}

func (l *loader) boolean(n *yaml.Node, what string) (bool, error) {
	if err := l.noAlias(n); err != nil {
		return false, err
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, l.errf(n, "%s must be true or false", what)
	}
	return n.Value == "true", nil
}

var topKeys = []string{"version", "default", "unknown", "blocklist", "approve", "allowlist",
	"rules", "protect", "jail", "snapshots", "approval", "sessions", "tests"}

func (l *loader) load(root *yaml.Node) error {
	fs, _, err := l.mapping(root, "the policy", topKeys...)
	if err != nil {
		return err
	}
	p := l.p
	l.names = map[string]*yaml.Node{}
	if f, ok := fs["version"]; ok {
		if f.val.Kind != yaml.ScalarNode || f.val.Tag != "!!int" || f.val.Value != "1" {
			return l.errf(f.val, "unsupported version %q (this rrsh reads version 1)", f.val.Value)
		}
		p.version = 1
	}
	for _, k := range []string{"default", "unknown"} {
		f, ok := fs[k]
		if !ok {
			continue
		}
		t, err := l.tier(f.val, k)
		if err != nil {
			return err
		}
		if k == "default" {
			p.def = tierSetting{t, true}
		} else {
			p.unknown = tierSetting{t, true}
		}
	}
	for _, list := range []struct {
		key  string
		tier Tier
		dst  *[]string
	}{{"blocklist", Block, &p.blocklist}, {"approve", Approve, &p.approve}, {"allowlist", Allow, &p.allowlist}} {
		f, ok := fs[list.key]
		if !ok {
			continue
		}
		pats, nodes, err := l.strs(f.val, list.key)
		if err != nil {
			return err
		}
		for i, src := range pats {
			cp, err := compilePattern(l.sp, src)
			if err != nil {
				return l.errf(nodes[i], "bad pattern %q: %w", src, err)
			}
			name := list.key + ":" + src
			if prev, dup := l.names[name]; dup {
				return l.errf(nodes[i], "duplicate pattern %q in %s (first at line %d)", src, list.key, prev.Line)
			}
			l.names[name] = nodes[i]
			p.rules = append(p.rules, &rule{name: name, tier: list.tier, list: list.key, pats: []*cmdPattern{cp}})
		}
		*list.dst = pats
	}
	if f, ok := fs["rules"]; ok {
		if err := l.rules(f.val); err != nil {
			return err
		}
	}
	if f, ok := fs["protect"]; ok {
		if err := l.protects(f.val); err != nil {
			return err
		}
	}
	if len(p.rules)+len(p.protects) > maxRules {
		return l.errf(root, "more than %d rules", maxRules)
	}
	p.idx = buildIndex(p.rules)
	p.writeSet = buildGlobSet(p.protects, func(*protect) bool { return true })
	p.readSet = buildGlobSet(p.protects, func(pr *protect) bool { return pr.any })
	if err := l.settings(fs); err != nil {
		return err
	}
	if f, ok := fs["tests"]; ok {
		if err := l.tests(f.val); err != nil {
			return err
		}
	}
	return nil
}

// validName reports whether s is a rule name: 1 to 100 of [A-Za-z0-9._-],
// starting with a letter or digit.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 100 || !isAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func (l *loader) ruleName(n *yaml.Node) (string, error) {
	name, err := l.str(n, "name")
	if err != nil {
		return "", err
	}
	if !validName(name) {
		return "", l.errf(n, "bad rule name %q (use letters, digits, '.', '_' and '-', at most 100)", name)
	}
	switch name {
	case "default", "unknown", "parse-error", "limit", "internal-error", "fork-bomb":
		return "", l.errf(n, "rule name %q is reserved", name)
	}
	if prev, dup := l.names[name]; dup {
		return "", l.errf(n, "duplicate rule name %q (first at line %d)", name, prev.Line)
	}
	l.names[name] = n
	return name, nil
}

var ruleKeys = []string{"name", "tier", "pattern", "patterns", "code", "unless", "lang", "paths", "remote", "message"}

// validLang reports whether s is a language name: 1 to 32 of [a-z0-9_-],
// starting with a lower-case letter.
func validLang(s string) bool {
	if len(s) == 0 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (l *loader) rules(n *yaml.Node) error {
	if err := l.noAlias(n); err != nil {
		return err
	}
	if n.Kind != yaml.SequenceNode {
		return l.errf(n, "rules must be a list")
	}
	for _, rn := range n.Content {
		fs, _, err := l.mapping(rn, "a rule", ruleKeys...)
		if err != nil {
			return err
		}
		nf, ok := fs["name"]
		if !ok {
			return l.errf(rn, "a rule needs a name")
		}
		r := &rule{}
		if r.name, err = l.ruleName(nf.val); err != nil {
			return err
		}
		tf, ok := fs["tier"]
		if !ok {
			return l.errf(rn, "rule %q needs a tier (allow, approve or block)", r.name)
		}
		if r.tier, err = l.tier(tf.val, "tier"); err != nil {
			return err
		}
		if mf, ok := fs["message"]; ok {
			if r.message, err = l.str(mf.val, "message"); err != nil {
				return err
			}
			if strings.ContainsAny(r.message, "\n\r") {
				return l.errf(mf.val, "message must be one line")
			}
		}
		if rf, ok := fs["remote"]; ok {
			if r.remote, err = l.boolean(rf.val, "remote"); err != nil {
				return err
			}
		}
		_, hasOne := fs["pattern"]
		_, hasMany := fs["patterns"]
		if hasOne && hasMany {
			return l.errf(fs["patterns"].key, "rule %q: use pattern or patterns, not both", r.name)
		}
		var srcs []string
		var nodes []*yaml.Node
		if f, ok := fs["pattern"]; ok {
			s, err := l.str(f.val, "pattern")
			if err != nil {
				return err
			}
			srcs, nodes = []string{s}, []*yaml.Node{f.val}
		}
		if f, ok := fs["patterns"]; ok {
			if srcs, nodes, err = l.strs(f.val, "patterns"); err != nil {
				return err
			}
		}
		for i, s := range srcs {
			cp, err := compilePattern(l.sp, s)
			if err != nil {
				return l.errf(nodes[i], "bad pattern %q: %w", s, err)
			}
			r.pats = append(r.pats, cp)
		}
		if f, ok := fs["code"]; ok {
			cs, cn, err := l.strs(f.val, "code")
			if err != nil {
				return err
			}
			for i, s := range cs {
				cp := compileCode(s)
				if len(cp.toks) == 0 {
					return l.errf(cn[i], "empty code pattern")
				}
				r.code = append(r.code, cp)
			}
			r.codeSrc = cs
		}
		if len(r.pats) == 0 && len(r.code) == 0 {
			return l.errf(rn, "rule %q needs a pattern, patterns or code", r.name)
		}
		if f, ok := fs["unless"]; ok {
			us, un, err := l.strs(f.val, "unless")
			if err != nil {
				return err
			}
			for i, s := range us {
				cp := compileCode(s)
				if len(cp.toks) == 0 {
					return l.errf(un[i], "empty unless pattern")
				}
				r.unless = append(r.unless, cp)
			}
			r.uSrc = us
		}
		if f, ok := fs["lang"]; ok {
			ls, ln, err := l.strs(f.val, "lang")
			if err != nil {
				return err
			}
			if len(ls) == 0 {
				return l.errf(f.val, "lang must not be empty")
			}
			for i, s := range ls {
				if !validLang(s) {
					return l.errf(ln[i], "bad language %q (write it like sql, python or mongo)", s)
				}
			}
			if len(r.pats) > 0 {
				return l.errf(f.key, "rule %q: lang restricts code patterns; shell-word patterns apply to commands too, so use code instead", r.name)
			}
			r.langs = ls
		}
		if f, ok := fs["paths"]; ok {
			if len(r.pats) == 0 {
				return l.errf(f.key, "rule %q: paths constrain shell-word patterns; it has none", r.name)
			}
			if len(r.code) > 0 {
				return l.errf(f.key, "rule %q: paths cannot constrain code patterns; put them in a rule of their own", r.name)
			}
			if r.paths, err = l.globs(f.val, "paths"); err != nil {
				return err
			}
			r.byLast = map[string][]*pathGlob{}
			for _, g := range r.paths {
				if g.last == "" || strings.Contains(g.form, "**") || pattern.HasMeta(g.last, 0) {
					r.lastOther = append(r.lastOther, g)
				} else {
					r.byLast[g.last] = append(r.byLast[g.last], g)
				}
			}
		}
		l.p.rules = append(l.p.rules, r)
	}
	return nil
}

func (l *loader) globs(n *yaml.Node, what string) ([]*pathGlob, error) {
	ss, nodes, err := l.strs(n, what)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, l.errf(n, "%s must not be empty", what)
	}
	out := make([]*pathGlob, 0, len(ss))
	for i, s := range ss {
		g, err := compileGlob(s)
		if err != nil {
			return nil, l.errf(nodes[i], "bad path: %w", err)
		}
		out = append(out, g)
	}
	return out, nil
}

var protectKeys = []string{"name", "paths", "tier", "message", "access"}

func (l *loader) protects(n *yaml.Node) error {
	if err := l.noAlias(n); err != nil {
		return err
	}
	if n.Kind != yaml.SequenceNode {
		return l.errf(n, "protect must be a list")
	}
	for _, pn := range n.Content {
		fs, _, err := l.mapping(pn, "a protect entry", protectKeys...)
		if err != nil {
			return err
		}
		nf, ok := fs["name"]
		if !ok {
			return l.errf(pn, "a protect entry needs a name")
		}
		pr := &protect{tier: Block}
		if pr.name, err = l.ruleName(nf.val); err != nil {
			return err
		}
		pf, ok := fs["paths"]
		if !ok {
			return l.errf(pn, "protect entry %q needs paths", pr.name)
		}
		if pr.paths, err = l.globs(pf.val, "paths"); err != nil {
			return err
		}
		if tf, ok := fs["tier"]; ok {
			if pr.tier, err = l.tier(tf.val, "tier"); err != nil {
				return err
			}
		}
		if mf, ok := fs["message"]; ok {
			if pr.message, err = l.str(mf.val, "message"); err != nil {
				return err
			}
			if strings.ContainsAny(pr.message, "\n\r") {
				return l.errf(mf.val, "message must be one line")
			}
		}
		if af, ok := fs["access"]; ok {
			a, err := l.str(af.val, "access")
			if err != nil {
				return err
			}
			switch a {
			case "write":
			case "any":
				pr.any = true
			default:
				return l.errf(af.val, "access must be write or any, not %q", a)
			}
		}
		l.p.protects = append(l.p.protects, pr)
	}
	return nil
}

func (l *loader) settings(fs map[string]field) error {
	s := defaultSettings()
	seen := false
	if f, ok := fs["jail"]; ok {
		seen = true
		if err := l.jail(f.val, &s.Jail); err != nil {
			return err
		}
	}
	if f, ok := fs["snapshots"]; ok {
		seen = true
		m, _, err := l.mapping(f.val, "snapshots", "max_bytes")
		if err != nil {
			return err
		}
		if v, ok := m["max_bytes"]; ok {
			str, err := l.str(v.val, "max_bytes")
			if err != nil {
				return err
			}
			n, err := parseSize(str)
			if err != nil {
				return l.errf(v.val, "max_bytes: %w", err)
			}
			s.Snapshots.MaxBytes = n
		}
	}
	for _, d := range []struct {
		key, sub string
		dst      *time.Duration
		allowed  []string
	}{{"approval", "timeout", &s.Approval.Timeout, []string{"timeout"}},
		{"sessions", "window", &s.Sessions.Window, []string{"window", "locks"}}} {
		f, ok := fs[d.key]
		if !ok {
			continue
		}
		seen = true
		m, _, err := l.mapping(f.val, d.key, d.allowed...)
		if err != nil {
			return err
		}
		if v, ok := m["locks"]; ok && d.key == "sessions" {
			if s.Sessions.Locks, err = l.boolean(v.val, "locks"); err != nil {
				return err
			}
		}
		v, ok := m[d.sub]
		if !ok {
			continue
		}
		str, err := l.str(v.val, d.sub)
		if err != nil {
			return err
		}
		dur, err := time.ParseDuration(str)
		if err != nil {
			return l.errf(v.val, "%s: bad duration %q (write it like 50s, 10m or 1h30m)", d.sub, str)
		}
		if dur <= 0 {
			return l.errf(v.val, "%s must be positive", d.sub)
		}
		*d.dst = dur
	}
	if seen {
		l.p.settings = s
	}
	return nil
}

func (l *loader) jail(n *yaml.Node, j *Jail) error {
	if n.Kind == yaml.ScalarNode {
		v, err := l.str(n, "jail")
		if err != nil {
			return err
		}
		if v != "off" {
			return l.errf(n, "jail must be off or a mapping, not %q", v)
		}
		j.Off = true
		return nil
	}
	m, _, err := l.mapping(n, "jail", "network", "writable", "hidden", "readonly")
	if err != nil {
		return err
	}
	if f, ok := m["network"]; ok {
		v, err := l.str(f.val, "network")
		if err != nil {
			return err
		}
		switch Network(v) {
		case NetworkAllow, NetworkNone:
			j.Network = Network(v)
		default:
			return l.errf(f.val, "network must be allow or none, not %q", v)
		}
	}
	for _, k := range []struct {
		key string
		dst *[]string
	}{{"writable", &j.Writable}, {"hidden", &j.Hidden}, {"readonly", &j.Readonly}} {
		f, ok := m[k.key]
		if !ok {
			continue
		}
		ss, nodes, err := l.strs(f.val, k.key)
		if err != nil {
			return err
		}
		for i, s := range ss {
			g, err := compileGlob(s)
			if err != nil {
				return l.errf(nodes[i], "%s: bad path: %w", k.key, err)
			}
			if pattern.HasMeta(g.form, 0) {
				return l.errf(nodes[i], "%s: %q: jail paths cannot be globs", k.key, s)
			}
		}
		if len(ss) > 0 {
			*k.dst = ss
		}
	}
	return nil
}

var sizeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([0-9]+)\s*([KMGT]i?B|[KMGT]|B)?\s*$`)
})

// parseSize parses "100MiB", "1GB", "512K" or a number of bytes.
func parseSize(s string) (int64, error) {
	m := sizeRE().FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad size %q (write it like 100MiB, 1GB or 4096)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %w", s, err)
	}
	mult := int64(1)
	switch m[2] {
	case "", "B":
	case "K", "KiB":
		mult = 1 << 10
	case "M", "MiB":
		mult = 1 << 20
	case "G", "GiB":
		mult = 1 << 30
	case "T", "TiB":
		mult = 1 << 40
	case "KB":
		mult = 1e3
	case "MB":
		mult = 1e6
	case "GB":
		mult = 1e9
	case "TB":
		mult = 1e12
	}
	if n <= 0 {
		return 0, fmt.Errorf("size %q must be positive", s)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

// formatSize is the inverse of parseSize.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		mult int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (l *loader) tests(n *yaml.Node) error {
	m, order, err := l.mapping(n, "tests", "block", "approve", "allow")
	if err != nil {
		return err
	}
	for _, k := range order {
		f := m[k]
		want, _ := ParseTier(k)
		cmds, nodes, err := l.strs(f.val, "tests."+k)
		if err != nil {
			return err
		}
		for i, c := range cmds {
			l.p.tests = append(l.p.tests, testCase{cmd: c, want: want, line: nodes[i].Line, col: nodes[i].Column})
		}
	}
	if len(l.p.tests) > maxTests {
		return l.errf(n, "more than %d tests", maxTests)
	}
	return nil
}
