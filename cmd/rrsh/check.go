package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/internal/policyfile"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/shell"
)

func init() {
	register("check", "decide a command from the policy without running it", cmdCheck)
}

// loadPolicy loads --policy FILE when given, else the policy in force for cwd.
func (c *cli) loadPolicy(file, cwd string) (*policy.Policy, string, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, "", fmt.Errorf("cannot read policy: %w", err)
		}
		p, err := policy.Load(file, data)
		if err != nil {
			return nil, "", err
		}
		return p, file, nil
	}
	p, f, err := policyfile.Load(cwd, c.getenv)
	if err != nil {
		return nil, "", err
	}
	return p, describePolicy(f), nil
}

func describePolicy(f policyfile.File) string {
	if f.Path == "" {
		return "embedded default policy"
	}
	return f.Path
}

func (c *cli) policyEnv() (policy.Env, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return policy.Env{}, err
	}
	return policy.Env{Home: c.getenv("HOME"), Cwd: cwd, Root: paths.ProjectRoot(cwd)}, nil
}

func cmdCheck(c *cli, args []string) int {
	fs := flag.NewFlagSet("rrsh check", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	policyFile := fs.String("policy", "", "use this policy file instead of the one in force")
	asJSON := fs.Bool("json", false, "print the decision as one JSON object")
	batch := fs.Bool("batch", false, "read NUL-separated commands on stdin; print one JSON line each")
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: rrsh check [--policy FILE] [--json] [--] 'COMMAND'\n       rrsh check --batch [--policy FILE] < commands\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	env, err := c.policyEnv()
	if err != nil {
		c.errorf("%v", err)
		return exitInternal
	}
	p, source, err := c.loadPolicy(*policyFile, env.Cwd)
	if err != nil {
		c.errorf("%v", err)
		c.hintf("fix the policy file, or check it with `rrsh policy test FILE`")
		return exitConfig
	}
	opts := shell.ParseOptions(env.Cwd, c.getenv)
	if *batch {
		if fs.NArg() > 0 {
			c.errorf("--batch reads commands from stdin; got arguments too")
			return exitUsage
		}
		return c.checkBatch(p, opts, env)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	src := fs.Arg(0)
	dec, plan := p.Check(src, opts, env)
	if *asJSON {
		b, _ := json.Marshal(checkJSON(src, source, dec, plan))
		fmt.Fprintf(c.stdout, "%s\n", b)
	} else {
		c.printDecision(src, source, dec, plan)
	}
	return tierExit(dec.Tier)
}

func tierExit(t policy.Tier) int {
	switch t {
	case policy.Allow:
		return exitAllow
	case policy.Approve:
		return exitApprove
	}
	return exitBlock
}

type jsonPos struct {
	Line   int `json:"line"`
	Col    int `json:"col"`
	Offset int `json:"offset"`
	End    int `json:"end"`
}

type jsonMatch struct {
	Rule   string   `json:"rule"`
	Tier   string   `json:"tier"`
	Kind   string   `json:"kind"`
	Exec   string   `json:"exec"`
	Part   string   `json:"part"`
	Pos    *jsonPos `json:"position,omitempty"`
	Reason string   `json:"reason"`
}

type jsonUnknown struct {
	Kind   string   `json:"kind"`
	Text   string   `json:"text"`
	Reason string   `json:"reason"`
	Pos    *jsonPos `json:"position,omitempty"`
}

type jsonDecision struct {
	Command  string        `json:"command,omitempty"`
	Decision string        `json:"decision"`
	Rule     string        `json:"rule"`
	Reason   string        `json:"reason"`
	Part     string        `json:"part,omitempty"`
	Pos      *jsonPos      `json:"position,omitempty"`
	Matches  []jsonMatch   `json:"matches"`
	Unknowns []jsonUnknown `json:"unknowns"`
	Policy   string        `json:"policy"`
	Error    string        `json:"error,omitempty"`
}

func spanPos(s parse.Span) *jsonPos {
	if !s.Start.IsValid() {
		return nil
	}
	return &jsonPos{Line: s.Start.Line, Col: s.Start.Col, Offset: s.Start.Offset, End: s.End.Offset}
}

func checkJSON(src, source string, dec policy.Decision, plan *parse.Plan) jsonDecision {
	out := jsonDecision{Decision: dec.Tier.String(), Rule: dec.Rule, Reason: dec.Reason, Policy: source,
		Matches: []jsonMatch{}, Unknowns: []jsonUnknown{}}
	for i, m := range dec.Matches {
		jm := jsonMatch{Rule: m.Rule, Tier: m.Tier.String(), Kind: m.Kind, Part: m.Part, Pos: spanPos(m.Span), Reason: m.Reason}
		if plan != nil && m.Exec >= 0 && m.Exec < len(plan.Execs) {
			jm.Exec = strings.Join(plan.Execs[m.Exec].Argv(), " ")
		}
		out.Matches = append(out.Matches, jm)
		if i == dec.Deciding {
			out.Part, out.Pos = m.Part, jm.Pos
		}
	}
	for _, u := range dec.Unknowns {
		out.Unknowns = append(out.Unknowns, jsonUnknown{Kind: string(u.Kind), Text: u.Text, Reason: u.Reason, Pos: spanPos(u.Span)})
	}
	return out
}

// checkBatch decides NUL-separated commands from stdin, one JSON line each.
func (c *cli) checkBatch(p *policy.Policy, opts parse.Options, env policy.Env) int {
	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 64<<10), parse.DefaultMaxBytes+1)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, 0); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	w := bufio.NewWriter(c.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for sc.Scan() {
		src := sc.Text()
		dec, plan := p.Check(src, opts, env)
		jd := checkJSON(src, "", dec, plan)
		jd.Command = src
		jd.Policy = ""
		if err := enc.Encode(jd); err != nil {
			c.errorf("%v", err)
			return exitInternal
		}
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		if errors.Is(err, bufio.ErrTooLong) {
			c.errorf("a command in the batch is larger than %d bytes", parse.DefaultMaxBytes)
			return exitUsage
		}
		c.errorf("reading commands: %v", err)
		return exitInternal
	}
	return exitAllow
}

func (c *cli) color() bool {
	if c.getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := c.stdout.(*os.File)
	return ok && isTerminal(f)
}

func tierColor(t policy.Tier) string {
	switch t {
	case policy.Allow:
		return "\x1b[1;32m"
	case policy.Approve:
		return "\x1b[1;33m"
	}
	return "\x1b[1;31m"
}

func (c *cli) printDecision(src, source string, dec policy.Decision, plan *parse.Plan) {
	w := c.stdout
	col := c.color()
	paint := func(t policy.Tier, s string) string {
		if !col {
			return s
		}
		return tierColor(t) + s + "\x1b[0m"
	}
	fmt.Fprintf(w, "decision: %s\n", paint(dec.Tier, dec.Tier.String()))
	fmt.Fprintf(w, "rule:     %s\n", dec.Rule)
	fmt.Fprintf(w, "reason:   %s\n", dec.Reason)
	if dec.Deciding >= 0 && dec.Deciding < len(dec.Matches) {
		m := dec.Matches[dec.Deciding]
		if m.Span.Start.IsValid() {
			fmt.Fprintf(w, "matched:  %s at %s\n", m.Part, m.Span.Start)
			caret(w, src, m.Span)
		} else if m.Part != "" {
			fmt.Fprintf(w, "matched:  %s\n", m.Part)
		}
	}
	var others []policy.Match
	for i, m := range dec.Matches {
		if i != dec.Deciding && m.Tier > policy.Allow {
			others = append(others, m)
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(w, "also:\n")
		for _, m := range others {
			pos := ""
			if m.Span.Start.IsValid() {
				pos = " at " + m.Span.Start.String()
			}
			fmt.Fprintf(w, "  %s %s: %s%s\n", paint(m.Tier, m.Tier.String()), m.Rule, m.Part, pos)
		}
	}
	if len(dec.Unknowns) > 0 {
		fmt.Fprintf(w, "unknowns:\n")
		for _, u := range dec.Unknowns {
			pos := ""
			if u.Span.Start.IsValid() {
				pos = " at " + u.Span.Start.String()
			}
			fmt.Fprintf(w, "  %s: %s%s: %s\n", u.Kind, oneLine(u.Text, 80), pos, u.Reason)
		}
	}
	fmt.Fprintf(w, "policy:   %s\n", source)
}

// caret prints the source line of span with a caret line under the span.
func caret(w io.Writer, src string, sp parse.Span) {
	start := sp.Start.Offset
	if start < 0 || start > len(src) {
		return
	}
	ls := strings.LastIndexByte(src[:start], '\n') + 1
	le := strings.IndexByte(src[start:], '\n')
	if le < 0 {
		le = len(src)
	} else {
		le += start
	}
	line := src[ls:le]
	end := sp.End.Offset
	if end > le || end <= start {
		end = le
	}
	prefix := fmt.Sprintf("  %d | ", sp.Start.Line)
	fmt.Fprintf(w, "%s%s\n", prefix, strings.ReplaceAll(line, "\t", " "))
	n := end - start
	if n < 1 {
		n = 1
	}
	fmt.Fprintf(w, "%s%s%s\n", strings.Repeat(" ", len(prefix)), strings.Repeat(" ", start-ls), strings.Repeat("^", n))
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", "⏎")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
