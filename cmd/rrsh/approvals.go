package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/store"
)

func init() {
	register("pending", "list the commands waiting for approval", cmdPending)
	register("approve", "approve a waiting command: rrsh approve ID [--for 10m] [--session]", cmdApprove)
	register("deny", "refuse a waiting command: rrsh deny ID [--reason TEXT]", cmdDeny)
	register("sessions", "list the agent sessions active lately and what they wrote", cmdSessions)
}

// apprDefaultRuleFor is how long `rrsh approve --session` lasts without --for.
const apprDefaultRuleFor = time.Hour

// apprTimeout bounds each store operation of these subcommands.
const apprTimeout = 30 * time.Second

// apprID reports whether s looks like an approval id: 4 to 8 lower-case
// hex digits.
func apprID(s string) bool {
	if len(s) < 4 || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// apprJailed refuses inside the jail: an agent must not answer its own
// approval requests. (The jail also mounts the state directory
// read-only, so the store could not be written anyway.)
func (c *cli) apprJailed() bool {
	if c.getenv("RRSH_JAILED") == "1" {
		c.errorf("cannot answer approvals from inside the jail")
		c.hintf("a human runs rrsh approve, rrsh deny, rrsh pending and rrsh sessions in their own terminal")
		return true
	}
	return false
}

// apprParse parses flags that may come before or after the positional
// arguments (`rrsh approve ID --for 10m` as well as `--for 10m ID`).
func apprParse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *cli) apprFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("rrsh "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: rrsh %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

func (c *cli) apprStorePath() (string, bool) {
	path, err := paths.StorePath(c.getenv)
	if err != nil {
		c.errorf("cannot find the approval store: %v", err)
		c.hintf("set HOME or XDG_STATE_HOME")
		return "", false
	}
	return path, true
}

// apprOpenRO opens the store for listing; a store that does not exist
// yet is empty (nil, true).
func (c *cli) apprOpenRO() (*store.Store, bool) {
	path, ok := c.apprStorePath()
	if !ok {
		return nil, false
	}
	st, err := store.OpenReadOnly(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, true
	}
	if err != nil {
		c.errorf("cannot read the approval store: %v", err)
		c.hintf("check that %s is readable", path)
		return nil, false
	}
	return st, true
}

func (c *cli) apprOpen() (*store.Store, bool) {
	path, ok := c.apprStorePath()
	if !ok {
		return nil, false
	}
	st, err := store.Open(path)
	if err != nil {
		c.errorf("cannot open the approval store: %v", err)
		c.hintf("the state directory %s must be writable by you (it is read-only inside the jail)", filepath.Dir(path))
		return nil, false
	}
	return st, true
}

// apprAge renders a duration as a short age: 45s, 12m, 3h, 2d.
func apprAge(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// apprShort shortens an id or text to n runes on one line, marking the cut
// with "…". Control characters are shown as spaces, so a command cannot
// rewrite the terminal.
func apprShort(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func cmdPending(c *cli, args []string) int {
	fs := c.apprFlags("pending", "[--json]")
	asJSON := fs.Bool("json", false, "print the requests as a JSON array")
	pos, err := apprParse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 0 {
		fs.Usage()
		return exitUsage
	}
	if c.apprJailed() {
		return exitDenied
	}
	st, ok := c.apprOpenRO()
	if !ok {
		return exitState
	}
	reqs := []store.PendingRequest{}
	if st != nil {
		defer st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), apprTimeout)
		defer cancel()
		if reqs, err = st.Pending(ctx); err != nil {
			c.errorf("cannot list approval requests: %v", err)
			return exitState
		}
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reqs); err != nil {
			c.errorf("%v", err)
			return exitInternal
		}
		return 0
	}
	if len(reqs) == 0 {
		fmt.Fprintln(c.stdout, "no commands are waiting for approval")
		return 0
	}
	now := c.now()
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAGE\tSESSION\tAGENT\tRULE\tCOMMAND")
	for _, r := range reqs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, apprAge(now.Sub(r.Created)), apprShort(r.Session, 12),
			apprShort(r.Agent, 14), apprShort(r.Rule, 24), apprShort(r.Command, 60))
	}
	tw.Flush()
	c.hintf("rrsh approve ID [--for 10m | --session], or rrsh deny ID [--reason TEXT]")
	return 0
}

// apprLookup finds a pending request, for describing what is approved.
func apprLookup(ctx context.Context, st *store.Store, id string) *store.PendingRequest {
	reqs, err := st.Pending(ctx)
	if err != nil {
		return nil
	}
	for i := range reqs {
		if reqs[i].ID == id {
			return &reqs[i]
		}
	}
	return nil
}

// apprAnswerError reports an error of Store.Answer.
func (c *cli) apprAnswerError(id string, err error) int {
	var np *store.NotPendingError
	switch {
	case errors.Is(err, store.ErrNotFound):
		c.errorf("no approval request %s", id)
		c.hintf("rrsh pending lists the waiting ones")
		return exitUsage
	case errors.As(err, &np):
		switch np.State {
		case "timeout", "cancelled", "exited":
			c.errorf("%v; its command did not run", np)
			c.hintf("the agent can run the command again, and rrsh approve the new request")
		default:
			c.errorf("%v", np)
		}
		return exitUsage
	}
	c.errorf("cannot answer approval %s: %v", id, err)
	return exitState
}

func (c *cli) apprID(fs *flag.FlagSet, pos []string) (string, bool) {
	if len(pos) != 1 {
		fs.Usage()
		return "", false
	}
	if !apprID(pos[0]) {
		c.errorf("%q is not an approval id (4 to 8 lowercase hex characters)", pos[0])
		c.hintf("rrsh pending lists the waiting ones")
		return "", false
	}
	return pos[0], true
}

func (c *cli) apprBy(by string) string {
	if by != "" {
		return by
	}
	if u := c.getenv("USER"); u != "" {
		return u
	}
	return "human"
}

func cmdApprove(c *cli, args []string) int {
	fs := c.apprFlags("approve", "ID [--for DURATION] [--session] [--by NAME]")
	forD := fs.Duration("for", 0, "approve this exact command in its session for `DURATION` (with --session: the rule, default 1h)")
	session := fs.Bool("session", false, "approve every command of the same rule in this session")
	by := fs.String("by", "", "who approves (default $USER)")
	pos, err := apprParse(fs, args)
	if err != nil {
		return exitUsage
	}
	id, ok := c.apprID(fs, pos)
	if !ok {
		return exitUsage
	}
	if *forD < 0 || (*forD == 0 && apprFlagSet(fs, "for")) {
		c.errorf("--for needs a positive duration, like 10m or 2h")
		return exitUsage
	}
	if c.apprJailed() {
		return exitDenied
	}
	a := store.Answer{Granted: true, Scope: store.ScopeOnce, By: c.apprBy(*by)}
	switch {
	case *session:
		a.Scope, a.For = store.ScopeRule, apprDefaultRuleFor
		if *forD > 0 {
			a.For = *forD
		}
	case *forD > 0:
		a.Scope, a.For = store.ScopeCommand, *forD
	}
	st, ok := c.apprOpen()
	if !ok {
		return exitState
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), apprTimeout)
	defer cancel()
	req := apprLookup(ctx, st, id)
	if req != nil && a.Scope == store.ScopeRule && req.Rule == "" {
		c.errorf("approval %s names no rule, so --session cannot cover it", id)
		c.hintf("use rrsh approve %s --for DURATION to approve this exact command for a while", id)
		return exitUsage
	}
	if err := st.Answer(ctx, id, a); err != nil {
		return c.apprAnswerError(id, err)
	}
	command, rule, sess := "", "", ""
	if req != nil {
		command, rule, sess = apprShort(req.Command, 80), req.Rule, apprShort(req.Session, 12)
	}
	switch a.Scope {
	case store.ScopeOnce:
		fmt.Fprintf(c.stdout, "approved %s, once: %s\n", id, command)
	case store.ScopeCommand:
		fmt.Fprintf(c.stdout, "approved %s: this exact command in session %s for %s: %s\n", id, sess, apprDur(a.For), command)
	case store.ScopeRule:
		fmt.Fprintf(c.stdout, "approved %s: every command under rule %s in session %s for %s (now: %s)\n", id, rule, sess, apprDur(a.For), command)
	}
	return 0
}

// apprDur renders a duration without zero tails: 10m, 1h, 2h30m, 45s.
func apprDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func apprFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

func cmdDeny(c *cli, args []string) int {
	fs := c.apprFlags("deny", "ID [--reason TEXT] [--by NAME]")
	reason := fs.String("reason", "", "why, shown to the agent")
	by := fs.String("by", "", "who denies (default $USER)")
	pos, err := apprParse(fs, args)
	if err != nil {
		return exitUsage
	}
	id, ok := c.apprID(fs, pos)
	if !ok {
		return exitUsage
	}
	if c.apprJailed() {
		return exitDenied
	}
	st, ok := c.apprOpen()
	if !ok {
		return exitState
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), apprTimeout)
	defer cancel()
	req := apprLookup(ctx, st, id)
	if err := st.Answer(ctx, id, store.Answer{Granted: false, By: c.apprBy(*by), Reason: *reason}); err != nil {
		return c.apprAnswerError(id, err)
	}
	command := ""
	if req != nil {
		command = apprShort(req.Command, 80)
	}
	fmt.Fprintf(c.stdout, "denied %s: %s\n", id, command)
	return 0
}

func cmdSessions(c *cli, args []string) int {
	fs := c.apprFlags("sessions", "[--json] [--window DURATION]")
	asJSON := fs.Bool("json", false, "print the sessions as a JSON array")
	window := fs.Duration("window", 10*time.Minute, "list sessions that ran a command within `DURATION`")
	pos, err := apprParse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) != 0 || *window <= 0 {
		fs.Usage()
		return exitUsage
	}
	if c.apprJailed() {
		return exitDenied
	}
	st, ok := c.apprOpenRO()
	if !ok {
		return exitState
	}
	now := c.now()
	list := []store.SessionInfo{}
	if st != nil {
		defer st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), apprTimeout)
		defer cancel()
		if list, err = st.Sessions(ctx, now.Add(-*window)); err != nil {
			c.errorf("cannot list sessions: %v", err)
			return exitState
		}
		if list == nil {
			list = []store.SessionInfo{}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			c.errorf("%v", err)
			return exitInternal
		}
		return 0
	}
	if len(list) == 0 {
		fmt.Fprintf(c.stdout, "no sessions ran a command in the last %s\n", apprDur(*window))
		return 0
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tAGENT\tSEEN\tCOMMANDS\tCWD\tLAST COMMAND\tRECENT FILES")
	for _, s := range list {
		files := strings.Join(s.RecentFiles, ", ")
		if files == "" {
			files = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s ago\t%d\t%s\t%s\t%s\n", apprShort(s.ID, 12), apprShort(s.Agent, 14),
			apprAge(now.Sub(s.LastSeen)), s.Commands, apprShort(s.Cwd, 40), apprShort(s.LastCommand, 50), apprShort(files, 80))
	}
	tw.Flush()
	return 0
}
