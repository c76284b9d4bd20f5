package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/store"
)

// Prompt is what a human is asked on the terminal.
type Prompt struct {
	Command      string
	Rule, Reason string
	Where        string // "`npm publish` at 1:13"
	Writes       []string
	Rollbackable bool
	Color        bool
}

// Render writes the prompt text (without reading an answer).
func (p Prompt) Render(w io.Writer) {
	tier := "NEEDS APPROVAL"
	if p.Color {
		tier = "\x1b[1;30;43m " + tier + " \x1b[0m"
	}
	fmt.Fprintf(w, "\nrrsh: %s  rule %s\n", tier, p.Rule)
	fmt.Fprintf(w, "  command: %s\n", oneLine(p.Command, 200))
	if p.Where != "" {
		fmt.Fprintf(w, "  matched: %s\n", p.Where)
	}
	fmt.Fprintf(w, "  reason:  %s\n", p.Reason)
	if len(p.Writes) > 0 {
		rb := "can be rolled back with `rrsh rollback`"
		if !p.Rollbackable {
			rb = "CANNOT be rolled back"
		}
		fmt.Fprintf(w, "  writes:  %s (%s)\n", strings.Join(p.Writes, ", "), rb)
	}
	fmt.Fprintf(w, "Type yes to run it; anything else refuses [no]: ")
}

// approve runs the approval channels for an approve-tier decision. It
// returns nil when the command may run.
func (s *Shell) approve(ctx context.Context, st *store.Store, h journal.Header, src string, plan *parse.Plan, dec policy.Decision, writes []string, rollbackable bool) error {
	w := where(plan, dec)
	needs := "needs approval: " + explain(plan, dec)
	record := func(a journal.Approval) {
		if err := s.record().Approval(h, a); err != nil {
			fmt.Fprintf(s.stderr, "rrsh: warning: journal: %v\n", err)
		}
	}

	// Approvals given in advance: a standing approval, or a one-time
	// grant recorded when the human said yes in the agent's own prompt.
	if st != nil {
		now := s.now()
		if g, err := st.Standing(ctx, s.session, src, dec.Rule, now); err == nil && g != nil {
			record(journal.Approval{Channel: "standing", Granted: true, By: g.By, Scope: string(g.Scope)})
			return nil
		}
		for _, text := range grantTexts(src, plan, s.getenv) {
			if ok, err := st.ConsumeGrant(ctx, s.session, text, now); err == nil && ok {
				record(journal.Approval{Channel: "hook", Granted: true, By: s.agent, Scope: "once"})
				return nil
			}
		}
	}

	// No one to ask: approvals given in advance (above) still count.
	if s.approval == ApprovalDeny {
		record(journal.Approval{Channel: "none", Granted: false, Reason: "approvals are off"})
		return &Refusal{Kind: Denied, Msg: needs + "; approvals are off here (CI or RRSH_APPROVAL=deny), so it was not run",
			Hint: "run it where a human can approve, or change the policy"}
	}

	if s.stdin != nil && term.IsTerminal(int(s.stdin.Fd())) {
		p := Prompt{Command: src, Rule: dec.Rule, Reason: bareReason(dec.Reason), Where: w, Writes: writes,
			Rollbackable: rollbackable, Color: s.getenv("NO_COLOR") == ""}
		ok, err := s.promptTTY(p)
		if err == nil {
			record(journal.Approval{Channel: "tty", Granted: ok, By: s.getenv("USER")})
			if ok {
				return nil
			}
			return &Refusal{Kind: Denied, Msg: needs + "; refused at the terminal"}
		}
		// No usable terminal after all: fall through to the queue.
	}

	if st == nil {
		record(journal.Approval{Channel: "none", Granted: false, Reason: "no terminal and no approval queue"})
		return &Refusal{Kind: Denied, Msg: needs + "; no terminal to ask on", Hint: "run it from a terminal, or enable the approval queue"}
	}
	id, err := st.Request(ctx, store.Request{Session: s.session, Agent: s.agent, Command: src, Rule: dec.Rule,
		Part: w, Reason: bareReason(dec.Reason), Cwd: s.cwd, Writes: writes, Pid: os.Getpid()})
	if err != nil {
		return refuse(StateUnwritable, err, "%s; cannot queue the approval request: %v", needs, err)
	}
	fmt.Fprintf(s.stderr, "rrsh: approval needed (id %s): rrsh approve %s\n", id, id)
	fmt.Fprintf(s.stderr, "rrsh: %s; waiting up to %s for a human to run `rrsh approve %s` or `rrsh deny %s`\n", needs, s.approvalWait, id, id)
	notify(id, dec.Rule, src)
	wctx, cancel := context.WithTimeout(ctx, s.approvalWait)
	defer cancel()
	out, err := st.Wait(wctx, id)
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		_ = st.Cancel(context.Background(), id)
		record(journal.Approval{Channel: "queue", Granted: false, Request: id, Reason: "interrupted"})
		return &Refusal{Kind: Denied, Msg: needs + "; interrupted while waiting for approval " + id}
	case err != nil:
		return refuse(StateUnwritable, err, "%s; waiting for approval %s failed: %v", needs, id, err)
	case out.TimedOut:
		record(journal.Approval{Channel: "queue", Granted: false, Request: id, Reason: "timeout"})
		return &Refusal{Kind: TimedOut, Msg: fmt.Sprintf("%s; approval %s timed out after %s, so it was not run", needs, id, s.approvalWait),
			Hint: "ask the user to run `rrsh approve " + id + "` sooner, or to approve this command for a while with `rrsh approve ID --for 30m`"}
	case !out.Granted:
		record(journal.Approval{Channel: "queue", Granted: false, Request: id, By: out.By, Reason: out.Reason})
		msg := needs + "; denied by " + nonEmpty(out.By, "a human")
		if out.Reason != "" {
			msg += ": " + out.Reason
		}
		return &Refusal{Kind: Denied, Msg: msg}
	}
	record(journal.Approval{Channel: "queue", Granted: true, Request: id, By: out.By, Scope: string(out.Scope)})
	return nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// testOnlyPrompt, when set, answers terminal prompts in tests.
var testOnlyPrompt func(p Prompt) (bool, error)

// promptTTY asks on /dev/tty. The answer must be typed; the default is no.
func (s *Shell) promptTTY(p Prompt) (bool, error) {
	if testOnlyPrompt != nil {
		return testOnlyPrompt(p)
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer tty.Close()
	p.Render(tty)
	// Read one byte at a time: whatever follows the answer on the
	// terminal is the command's input, not ours.
	var line []byte
	b := make([]byte, 1)
	for len(line) < 64 {
		n, err := tty.Read(b)
		if n == 1 {
			if b[0] == '\n' || b[0] == '\r' {
				break
			}
			line = append(line, b[0])
		}
		if err != nil {
			fmt.Fprintln(tty)
			return false, nil
		}
	}
	ans := strings.ToLower(strings.TrimSpace(string(line)))
	return ans == "yes" || ans == "y", nil
}

// notify sends a desktop notification where notify-send exists; best effort.
func notify(id, rule, src string) {
	path, err := exec.LookPath("notify-send")
	if err != nil {
		return
	}
	cmd := exec.Command(path, "--app-name=rrsh", "rrsh: approval needed ("+id+")",
		rule+"\n"+oneLine(src, 160)+"\n\nrrsh approve "+id)
	if cmd.Start() == nil {
		go func() {
			t := time.AfterFunc(5*time.Second, func() { _ = cmd.Process.Kill() })
			_ = cmd.Wait()
			t.Stop()
		}()
	}
}

// grantTexts are the command texts an agent-hook grant may have been
// recorded for: the whole string, and the command an agent's wrapper runs —
// the text of a top-level `eval '…'` (Claude Code's per-command wrapper) or
// the __CLAUDE_CC_COMMAND_TEXT variable the newer wrapper evals. The hook
// saw only that inner command.
func grantTexts(src string, plan *parse.Plan, getenv func(string) string) []string {
	out := []string{src}
	if plan == nil {
		return out
	}
	for i := range plan.Execs {
		ex := &plan.Execs[i]
		if ex.Name != "eval" || ex.Depth != 0 || len(ex.Wrappers) != 0 {
			continue
		}
		var words []string
		known := true
		for _, a := range ex.Args {
			if !a.Known {
				known = false
				break
			}
			words = append(words, a.Value)
		}
		if known && len(words) > 0 {
			out = append(out, strings.Join(words, " "))
		} else if t := getenv("__CLAUDE_CC_COMMAND_TEXT"); t != "" && len(ex.Args) == 1 && strings.Contains(ex.Args[0].Raw, "__CLAUDE_CC_COMMAND_TEXT") {
			out = append(out, t)
		}
	}
	return out
}
