package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/rrsh/rrsh/internal/agents"
	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/jail"
	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/shell"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

func init() {
	register("hook", "answer an agent's tool-use hook: rrsh hook claude (Claude Code's PreToolUse JSON on stdin)", cmdHook)
}

// grantTTL is how long a grant recorded for an "ask" waits for the
// command; Claude Code's dialog waits for the human without a limit.
const grantTTL = 10 * time.Minute

// grantBy names who granted in the store and the journal.
const grantBy = "claude-code hook"

// cmdHook answers Claude Code's PreToolUse hook. It always exits 0 with a
// JSON answer (or none, for no opinion); if even that answer cannot be
// written it exits 2, which Claude Code also treats as a block. Any other
// status would let the tool run.
func cmdHook(c *cli, args []string) int {
	if len(args) != 1 || args[0] != "claude" {
		c.errorf("usage: rrsh hook claude < pretooluse.json")
		c.hintf("rrsh install claude registers this hook in Claude Code's settings")
		return 2
	}
	ans := c.claudeHook()
	if out := ans.JSON(); out != nil {
		if _, err := c.stdout.Write(out); err != nil {
			c.errorf("hook: cannot write the answer: %v; blocking the tool call", err)
			return 2
		}
	}
	return 0
}

// hookCall is one hook invocation being answered.
type hookCall struct {
	c      *cli
	in     *agents.PreToolUse
	home   string
	sess   string
	id     string
	root   string
	policy *policy.Policy
	source string
}

// claudeHook decides one hook input and journals the answer. Whatever goes
// wrong ends in a deny with the reason, never in a silent allow.
func (c *cli) claudeHook() agents.Answer {
	h := journal.Header{ID: shell.NewID()}
	rec := journal.Hook{Agent: "claude"}
	deny := func(a agents.Answer) agents.Answer {
		rec.Decision, rec.Reason = a.Decision, a.Reason
		_ = c.journalHook(h, rec) // best effort: the answer is deny anyway
		return a
	}
	if m, ok := jail.InSandbox(c.getenv); ok && m != "IS_SANDBOX" {
		return deny(agents.Deny("rrsh: the hook refuses to answer inside a sandbox (%s): a command must not approve itself", m))
	}
	in, err := agents.ReadPreToolUse(c.stdin)
	if err != nil {
		return deny(agents.Deny("rrsh: malformed hook input, so the tool call is refused: %v", err))
	}
	rec.Tool = in.ToolName
	hc := &hookCall{c: c, in: in, home: c.getenv("HOME"), id: h.ID}
	hc.sess, _ = store.SessionID(func(k string) string {
		if k == "CLAUDE_CODE_SESSION_ID" {
			return in.SessionID
		}
		return ""
	}, 0)
	h.Session = hc.sess
	call, err := in.Call(hc.home)
	if err != nil {
		return deny(agents.Deny("rrsh: malformed %s tool input, so the tool call is refused: %v", in.ToolName, err))
	}
	rec.Target = call.Command + call.Path
	if call.Kind == agents.OtherTool {
		rec.Decision, rec.Reason = "allow", "rrsh has no opinion on this tool"
		if err := c.journalHook(h, rec); err != nil {
			return deny(agents.Deny("rrsh: cannot write the journal (%v), so the tool call is refused", err))
		}
		return agents.Answer{}
	}
	if fi, err := os.Stat(in.Cwd); err != nil || !fi.IsDir() {
		return deny(agents.Deny("rrsh: the hook's cwd %s is not a directory, so the tool call is refused", in.Cwd))
	}
	hc.root = paths.ProjectRoot(in.Cwd)
	hc.policy, hc.source, err = c.loadPolicy("", in.Cwd)
	if err != nil {
		return deny(agents.Deny("rrsh: the policy cannot be loaded, so the tool call is refused: %v (fix the policy file; `rrsh policy test` checks it)", err))
	}

	var ans agents.Answer
	var commit func() error // what to record once the journal line is on disk
	switch call.Kind {
	case agents.ShellCommand:
		ans, commit = hc.bash(call.Command)
	case agents.FileWrite:
		ans, err = hc.write(call)
		if err != nil {
			return deny(agents.Deny("rrsh: %v, so the %s is refused", err, in.ToolName))
		}
	}
	rec.Decision, rec.Reason = ans.Decision, ans.Reason
	if ans.Decision == "" {
		rec.Decision, rec.Reason = "allow", "allowed by the policy; Claude Code's own permissions apply"
	}
	if err := c.journalHook(h, rec); err != nil {
		return deny(agents.Deny("rrsh: cannot write the journal (%v), so the tool call is refused", err))
	}
	if commit != nil {
		if err := commit(); err != nil {
			return deny(agents.Deny("rrsh: cannot record the one-time approval for rrsh's shell (%v), so the command is refused", err))
		}
	}
	return ans
}

// bash decides a Bash command in the hook's cwd. An approve-tier command
// gets "ask", and, where Claude Code shows its dialog to a human, a
// one-time grant of the text the shell will eval, recorded by commit after
// the journal line.
func (hc *hookCall) bash(cmd string) (agents.Answer, func() error) {
	env := policy.Env{Home: hc.home, Cwd: hc.in.Cwd, Root: hc.root}
	dec, _ := hc.policy.Check(cmd, shell.ParseOptions(hc.in.Cwd, hc.c.getenv), env)
	if dec.Tier != policy.Approve || !agents.PromptsOnAsk(hc.in.PermissionMode) {
		return agents.BashAnswer(dec, false, hc.source), nil
	}
	commit := func() error {
		p, err := paths.StorePath(hc.c.getenv)
		if err != nil {
			return err
		}
		st, err := store.Open(p)
		if err != nil {
			return err
		}
		defer st.Close()
		return st.GrantOnce(context.Background(), hc.sess, agents.EvalText(cmd), grantBy, grantTTL)
	}
	return agents.BashAnswer(dec, true, hc.source), commit
}

// write decides a file write from the policy's protected paths (and rrsh's
// own files, which are protected whatever the policy says), checking the
// path as named and as its symlinks resolve. Unless the answer is deny, it
// snapshots the file first, so that rrsh rollback <id> restores it.
func (hc *hookCall) write(call agents.Call) (agents.Answer, error) {
	targets := []string{call.Path}
	if r := resolvePath(call.Path); r != call.Path {
		targets = append(targets, r)
	}
	for _, p := range targets {
		if why, ok := hc.selfProtected(p); ok {
			return agents.Answer{Decision: "deny", Reason: "rrsh blocked this write, the file is unchanged: rrsh-self (built in): `" + p + "` " + why +
				"; tell the user what to change instead"}, nil
		}
	}
	env := policy.Env{Home: hc.home, Cwd: hc.in.Cwd, Root: hc.root}
	var dec policy.Decision
	for i, p := range targets {
		q, err := syntax.Quote(p, syntax.LangBash)
		if err != nil {
			return agents.Answer{}, fmt.Errorf("the path %q cannot be checked: %w", p, err)
		}
		d, _ := hc.policy.Check(": > "+q, parse.Options{Dir: hc.in.Cwd}, env)
		d = agents.WriteDecision(d)
		if i == 0 || d.Tier > dec.Tier {
			dec = d
		}
	}
	ans := agents.WriteAnswer(dec, hc.in.PermissionMode, hc.source)
	if ans.Decision == "deny" {
		return ans, nil
	}
	if err := hc.snapshot(call); err != nil {
		var tl *snapshots.TooLargeError
		if !errors.As(err, &tl) {
			return agents.Answer{}, fmt.Errorf("cannot snapshot %s before the edit: %w", call.Path, err)
		}
		reason := fmt.Sprintf("snapshot-size: %s is %s, over the snapshot limit: this edit could not be rolled back", call.Path, shell.HumanBytes(tl.Size))
		if !agents.PromptsOnAsk(hc.in.PermissionMode) {
			return agents.Deny("rrsh: %s, and Claude Code does not ask in permission mode %s; ask the user to make the change", reason, hc.in.PermissionMode), nil
		}
		return agents.Answer{Decision: "ask", Reason: reason + " [rrsh]"}, nil
	}
	return ans, nil
}

// snapshot records the pre-image of the file the tool is about to write,
// under the hook's id. The post-state is never recorded: the hook ends
// before the edit, so rollback treats it like a command rrsh did not see
// finish.
func (hc *hookCall) snapshot(call agents.Call) error {
	dir, err := paths.SnapshotDir(hc.c.getenv)
	if err != nil {
		return err
	}
	s, err := snapshots.Open(dir)
	if err != nil {
		return err
	}
	var tmp []string
	for _, d := range []string{hc.c.getenv("TMPDIR"), "/tmp"} {
		if d != "" && filepath.IsAbs(d) {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				tmp = append(tmp, d)
			}
		}
	}
	_, err = s.Capture([]snapshots.Target{{Path: call.Path}}, snapshots.CaptureOptions{
		ID: hc.id, Session: hc.sess, Command: call.Tool + " " + call.Path, Cwd: hc.in.Cwd, Root: hc.root,
		TempDirs: tmp, MaxBytes: hc.policy.Settings().Snapshots.MaxBytes, Now: hc.c.now,
	})
	return err
}

// selfProtected says why p is one of rrsh's own files or a Claude Code
// settings file that runs rrsh: the state and configuration directories,
// ~/.local/share/rrsh, the rrsh binary, and settings*.json in ~/.claude
// and in the project's .claude. The jail keeps commands from writing them;
// this keeps the agent's editor tools from writing them.
func (hc *hookCall) selfProtected(p string) (string, bool) {
	under := func(dir string) bool {
		return dir != "" && (p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)))
	}
	if d, err := paths.StateDir(hc.c.getenv); err == nil && under(d) {
		return "is in rrsh's state directory (journal, snapshots, approvals)", true
	}
	if d, err := paths.ConfigDir(hc.c.getenv); err == nil && under(d) {
		return "is in rrsh's configuration directory", true
	}
	if d, err := agents.DataDir(hc.home); err == nil && under(d) {
		return "is rrsh's entry point directory", true
	}
	if self, err := selfPath(); err == nil && p == self {
		return "is the rrsh program", true
	}
	base, dir := filepath.Base(p), filepath.Dir(p)
	if ok, _ := filepath.Match("settings*.json", base); ok && filepath.Base(dir) == ".claude" {
		for _, d := range []string{hc.home, hc.root, hc.in.Cwd} {
			if d != "" && dir == filepath.Join(d, ".claude") {
				return "is a Claude Code settings file, which decides whether rrsh checks the agent", true
			}
		}
	}
	return "", false
}

// resolvePath is where a write to p lands: its directories' symlinks
// resolved, and a symlink at p followed even when it dangles (a write
// through it creates the target).
func resolvePath(p string) string {
	return resolveDepth(filepath.Clean(p), 0)
}

func resolveDepth(p string, depth int) string {
	if depth > 40 {
		return p
	}
	dir := filepath.Dir(p)
	if dir != p {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			dir = r
		} else {
			dir = resolveDepth(dir, depth+1)
		}
	}
	p = filepath.Join(dir, filepath.Base(p))
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return p
	}
	target, err := os.Readlink(p)
	if err != nil {
		return p
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	return resolveDepth(filepath.Clean(target), depth+1)
}

// journalHook appends one hook line to the journal, opened as the shell
// opens it.
func (c *cli) journalHook(h journal.Header, rec journal.Hook) error {
	dir, err := paths.JournalDir(c.getenv)
	if err != nil {
		return err
	}
	j, err := journal.Open(dir, journal.Options{})
	if err != nil {
		return err
	}
	if err := j.Hook(h, rec); err != nil {
		j.Close()
		return err
	}
	return j.Close()
}
