package shell

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rrsh/rrsh/jail"
	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/parse"
	"github.com/rrsh/rrsh/policy"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

// Shell checks and runs command strings. Build one with [New].
// The zero value refuses to run anything: it has no policy and no jail.
type Shell struct {
	policy       *policy.Policy
	policySource string
	jail         *jail.Config
	jailName     string // "bwrap", "sandbox-exec", "policy-only: …", "off (unsafe)"
	unjailed     bool   // run without a jail (policy-only or unsafe opt-out), set explicitly
	journal      *journal.Journal
	snaps        *snapshots.Store
	openStore    func() (*store.Store, error)

	shellPath string // absolute path of the real bash or zsh
	cwd       string
	root      string
	home      string
	env       []string
	getenv    func(string) string
	session   string
	agent     string

	stdin          *os.File
	stdout, stderr *os.File

	approval     ApprovalMode
	approvalWait time.Duration
	conflictWin  time.Duration
	locks        bool // hold store locks on the written paths while running
	snapMax      int64
	nested       bool // inside rrsh's own jail: the outer rrsh records
	now          func() time.Time
}

// ApprovalMode says which approval channels may be used.
type ApprovalMode int

// Approval modes.
const (
	// ApprovalAuto tries, in order: a standing approval or agent-hook grant,
	// the terminal, the approval queue.
	ApprovalAuto ApprovalMode = iota
	// ApprovalDeny refuses at once (CI, RRSH_APPROVAL=deny).
	ApprovalDeny
)

// Option configures a [Shell].
type Option func(*Shell)

// Policy sets the policy and a description of where it came from.
func Policy(p *policy.Policy, source string) Option {
	return func(s *Shell) { s.policy, s.policySource = p, source }
}

// Jail sets the sandbox commands run in; name is recorded in the journal.
func Jail(cfg jail.Config, name string) Option {
	return func(s *Shell) { s.jail, s.jailName, s.unjailed = &cfg, name, false }
}

// Unjailed runs commands without a sandbox. why is recorded in the journal
// and, unless it starts with "policy-only", printed on every command.
func Unjailed(why string) Option {
	return func(s *Shell) { s.jail, s.jailName, s.unjailed = nil, why, true }
}

// Journal sets the audit journal. Without one, nothing runs.
func Journal(j *journal.Journal) Option { return func(s *Shell) { s.journal = j } }

// Snapshots sets the pre-image store. Without one, nothing that writes runs.
func Snapshots(st *snapshots.Store, maxBytes int64) Option {
	return func(s *Shell) { s.snaps, s.snapMax = st, maxBytes }
}

// Store sets how to open the sessions and approvals store. It is opened
// only for commands that are not blocked; the caller owns the store and
// closes it (or, in a short-lived process, lets exit close it).
func Store(open func() (*store.Store, error)) Option { return func(s *Shell) { s.openStore = open } }

// Program sets the absolute path of the real shell.
func Program(path string) Option { return func(s *Shell) { s.shellPath = path } }

// Dirs sets the working directory, the project root and the home directory.
func Dirs(cwd, root, home string) Option {
	return func(s *Shell) { s.cwd, s.root, s.home = cwd, root, home }
}

// Environ sets the child's environment (passed through unchanged) and the
// lookup rrsh itself uses.
func Environ(env []string) Option {
	return func(s *Shell) {
		s.env = env
		m := make(map[string]string, len(env))
		for _, kv := range env {
			if k, v, ok := strings.Cut(kv, "="); ok {
				m[k] = v
			}
		}
		s.getenv = func(k string) string { return m[k] }
	}
}

// Session names the session and agent this process belongs to.
func Session(id, agent string) Option { return func(s *Shell) { s.session, s.agent = id, agent } }

// Stdio sets the standard streams handed to the command.
func Stdio(in, out, errw *os.File) Option {
	return func(s *Shell) { s.stdin, s.stdout, s.stderr = in, out, errw }
}

// Approval sets the approval mode, how long a queued request waits, and
// the window in which other sessions' writes count as conflicts.
func Approval(mode ApprovalMode, wait, conflictWindow time.Duration) Option {
	return func(s *Shell) { s.approval, s.approvalWait, s.conflictWin = mode, wait, conflictWindow }
}

// Locks makes every command that writes known paths hold a lock on them
// in the store while it runs; a command of another session whose writes
// overlap is refused meanwhile (policy sessions.locks).
func Locks(on bool) Option { return func(s *Shell) { s.locks = on } }

// Nested marks a shell running inside rrsh's own jail (RRSH_JAILED=1): the
// outer rrsh already journaled, snapshotted and jailed the command that
// started this one, and the state directory is read-only here, so this
// shell checks the policy and runs without recording. Approvals are refused.
func Nested() Option {
	return func(s *Shell) { s.nested, s.approval = true, ApprovalDeny }
}

// Clock overrides time.Now (tests).
func Clock(now func() time.Time) Option { return func(s *Shell) { s.now = now } }

// New returns a Shell with the options applied.
func New(opts ...Option) *Shell {
	s := &Shell{
		now:          time.Now,
		getenv:       func(string) string { return "" },
		approvalWait: 90 * time.Second,
		conflictWin:  10 * time.Minute,
		snapMax:      100 << 20,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// MaxScript is the largest script (file or stdin) rrsh reads.
const MaxScript = 1 << 20

// Source returns the text rrsh checks for inv: the -c string, the script
// file's content, or the script read from stdin.
func Source(inv *Invocation, cwd string, stdin io.Reader) (string, error) {
	switch inv.Mode {
	case ModeCommand:
		return inv.Command, nil
	case ModeFile:
		p := inv.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		return readLimited(p, nil)
	case ModeStdin:
		return readLimited("", stdin)
	}
	return "", fmt.Errorf("no command string in %s mode", inv.Mode)
}

func readLimited(path string, r io.Reader) (string, error) {
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxScript+1))
	if err != nil {
		return "", err
	}
	if len(b) > MaxScript {
		return "", fmt.Errorf("script is larger than %d bytes", MaxScript)
	}
	return string(b), nil
}

// NewID returns a fresh command id: 12 lowercase hex digits.
func NewID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("rrsh bug: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Result is what happened to one command.
type Result struct {
	ID       string
	Decision policy.Decision
	Plan     *parse.Plan
	Status   int
}

// Run checks src (the text of inv) and, when the policy and approvals allow
// it, runs it with the real shell in the jail. It returns the child's exit
// status, or a *Refusal when nothing was run.
func (s *Shell) Run(ctx context.Context, inv *Invocation, src string) (*Result, error) {
	if s.policy == nil {
		return nil, refuse(ConfigError, nil, "no policy loaded")
	}
	if s.journal == nil && !s.nested {
		return nil, refuse(StateUnwritable, nil, "no journal: refusing to run unrecorded")
	}
	if s.jail == nil && !s.unjailed {
		return nil, refuse(JailUnavailable, nil, "no jail configured")
	}
	res := &Result{ID: NewID()}
	env := policy.Env{Home: s.home, Cwd: s.cwd, Root: s.root}
	dec, plan := s.policy.Check(src, ParseOptions(s.cwd, s.getenv), env)
	res.Decision, res.Plan = dec, plan
	h := journal.Header{Session: s.session, ID: res.ID}

	targets := snapshotTargets(plan, s.cwd, s.root, s.home)
	writes := targetPaths(targets)

	// A command that writes nothing and needs no approval uses the store
	// only for the session's bookkeeping (rrsh sessions): that waits until
	// the command runs. Everything else needs it first: the other
	// sessions' writes, the record of this one's, the approval queue.
	var st *store.Store
	storeLater := len(writes) == 0 && dec.Tier == policy.Allow
	if s.openStore != nil && dec.Tier != policy.Block && !storeLater {
		var err error
		st, err = s.openStore()
		if err != nil {
			return res, refuse(StateUnwritable, err, "cannot open the session store: %v", err)
		}
	}

	// Pre-images of everything the command is known to write, taken
	// before anything runs. Over the size cap nothing is stored and the
	// command needs approval.
	var man *snapshots.Manifest
	var extra []policy.Match
	if dec.Tier != policy.Block && len(targets) > 0 && !s.nested {
		if s.snaps == nil {
			return res, refuse(StateUnwritable, nil, "no snapshot store: refusing to run a command that writes files")
		}
		var err error
		man, err = s.snaps.Capture(targets, snapshots.CaptureOptions{
			ID: res.ID, Session: s.session, Command: src, Cwd: s.cwd, Root: s.root,
			TempDirs: s.tempDirs(), MaxBytes: s.snapMax, Now: s.now,
		})
		var tl *snapshots.TooLargeError
		switch {
		case errors.As(err, &tl):
			man = nil
			extra = append(extra, policy.Match{
				Rule: "snapshot-size", Tier: policy.Approve, Kind: "write", Part: tl.Path, Exec: -1,
				Reason: fmt.Sprintf("the files it writes total %s, over the snapshot cap of %s: it could not be rolled back", HumanBytes(tl.Size), HumanBytes(tl.Limit)),
			})
		case err != nil:
			return res, refuse(StateUnwritable, err, "cannot snapshot files before writing: %v", err).withHint("nothing was run; free disk space or fix permissions of the state directory")
		}
	}
	if dec.Tier != policy.Block {
		extra = append(s.conflicts(ctx, st, writes), extra...)
	}
	if dec.Tier != policy.Block && s.locks && st != nil && len(writes) > 0 {
		// Held until the command ends (or is refused); another session's
		// command writing an overlapping path meanwhile is blocked.
		unlock, err := st.Lock(ctx, s.session, res.ID, writes)
		var le *store.LockedError
		switch {
		case errors.As(err, &le):
			dec.Tier, dec.Rule = policy.Block, "lock"
			dec.Reason = fmt.Sprintf("blocked: %s is being written by a running command of session %s (command %s, pid %d); run it again when that one has finished", le.Want, le.Session, le.CmdID, le.Pid)
			dec.Deciding = len(dec.Matches)
			dec.Matches = append(dec.Matches, policy.Match{Rule: "lock", Tier: policy.Block, Kind: "write", Part: le.Want, Exec: -1, Reason: dec.Reason})
			res.Decision = dec
		case err != nil:
			s.discard(man)
			return res, refuse(StateUnwritable, err, "cannot lock the files it writes: %v", err)
		default:
			defer unlock()
		}
	}
	if len(extra) > 0 {
		if dec.Tier < policy.Approve {
			dec.Tier = policy.Approve
			dec.Rule, dec.Reason = extra[0].Rule, extra[0].Reason
			dec.Deciding = len(dec.Matches)
		}
		dec.Matches = append(dec.Matches, extra...)
		res.Decision = dec
	}

	if err := s.record().Decision(h, s.decisionEvent(src, plan, dec, writes)); err != nil {
		return res, refuse(StateUnwritable, err, "cannot write the journal: %v", err).withHint("free disk space or fix permissions of the state directory; nothing was run")
	}

	switch dec.Tier {
	case policy.Block:
		s.discard(man) // captured before a lock was found taken
		return res, s.blocked(plan, dec)
	case policy.Approve:
		if err := s.approve(ctx, st, h, src, plan, dec, writes, man != nil || len(targets) == 0); err != nil {
			s.discard(man)
			return res, err
		}
	}

	if st != nil {
		if err := s.touch(ctx, st, src, res.ID, writes); err != nil {
			s.discard(man)
			return res, refuse(StateUnwritable, err, "cannot update the session store: %v", err)
		}
	}

	argv := append([]string{s.shellPath}, inv.Argv(src)...)
	jailDesc := func() string { return s.jailName }
	if s.jail != nil {
		cfg := *s.jail
		if inv.Mode == ModeFile {
			// bash reads exactly the script that was checked: a private
			// copy, mounted read-only over the file inside the jail.
			copyPath, err := s.checkedCopy(src)
			if err != nil {
				s.discard(man)
				return res, refuse(StateUnwritable, err, "cannot hold the checked script: %v", err)
			}
			defer os.Remove(copyPath)
			file := inv.File
			if !filepath.IsAbs(file) {
				file = filepath.Join(s.cwd, file)
			}
			cfg = cfg.File(file, copyPath)
		}
		wrapped, err := cfg.Wrap(argv)
		if err != nil {
			s.discard(man)
			return res, refuse(JailUnavailable, err, "cannot build the jail: %v", err)
		}
		argv = wrapped
		// Described for the journal once the command runs: a second
		// walk of the mounts need not delay its start.
		jailDesc = cfg.String
	} else if !strings.HasPrefix(s.jailName, "policy-only") {
		fmt.Fprintf(s.stderr, "rrsh: warning: running without a jail (%s)\n", s.jailName)
	}

	start := s.now()
	proc, err := s.start(argv, inv, src)
	if err != nil {
		s.discard(man)
		return res, refuse(JailUnavailable, err, "cannot start %s: %v", argv[0], err)
	}
	if err := s.record().Start(h, journal.Start{Jail: jailDesc(), Pid: proc.pid(), Argv: redactArgv(argv)}); err != nil {
		// The decision line is already on disk; a missing start line
		// is recorded as the error of the exit line below.
		fmt.Fprintf(s.stderr, "rrsh: warning: journal: %v\n", err)
	}
	if storeLater && s.openStore != nil {
		// While the command runs; a failure here is bookkeeping lost,
		// not a check skipped.
		st, err := s.openStore()
		if err == nil {
			err = s.touch(ctx, st, src, res.ID, nil)
		}
		if err != nil {
			fmt.Fprintf(s.stderr, "rrsh: warning: session store: %v\n", err)
		}
	}
	status, sig := proc.wait()
	res.Status = status

	var changes []snapshots.Change
	if man != nil {
		changes, err = s.snaps.Finish(man)
		if err != nil {
			fmt.Fprintf(s.stderr, "rrsh: warning: snapshot post-state: %v\n", err)
		}
	}
	ex := journal.Exit{Status: status, Signal: sig, DurationMS: float64(s.now().Sub(start).Microseconds()) / 1000}
	if man != nil {
		ex.Snapshot = man.ID
	}
	for _, c := range changes {
		ex.Files = append(ex.Files, journal.FileChange{Path: c.Path,
			PreExists: c.PreExists, PreSHA256: c.PreSHA256, PreSize: c.PreSize,
			PostExists: c.PostExists, PostSHA256: c.PostSHA256, PostSize: c.PostSize})
	}
	if err := s.record().Exit(h, ex); err != nil {
		fmt.Fprintf(s.stderr, "rrsh: warning: journal: %v\n", err)
	}
	return res, nil
}

func (r *Refusal) withHint(h string) *Refusal { r.Hint = h; return r }

// checkedCopy writes src to a private file in rrsh's state directory, which
// jailed commands cannot write.
func (s *Shell) checkedCopy(src string) (string, error) {
	dir := filepath.Join(s.snapsDir(), "..", "scripts")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "script-*")
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(src); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	// Readable by the command (bash must read it); never writable.
	if err := os.Chmod(f.Name(), 0o400); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func (s *Shell) snapsDir() string {
	if s.snaps != nil {
		return s.snaps.Dir()
	}
	return os.TempDir()
}

// tempDirs are the temporary directories outside the project whose files
// are snapshotted too (agents write their cwd files there).
func (s *Shell) tempDirs() []string {
	dirs := []string{"/tmp"}
	if t := s.getenv("TMPDIR"); t != "" && filepath.IsAbs(t) {
		dirs = append(dirs, filepath.Clean(t))
	}
	return dirs
}

// discard drops the pre-images of a command that never ran: they must
// never be rolled back.
func (s *Shell) discard(man *snapshots.Manifest) {
	if man == nil {
		return
	}
	if err := s.snaps.Discard(man.ID); err != nil {
		fmt.Fprintf(s.stderr, "rrsh: warning: %v\n", err)
	}
}

// touch records the session's activity and the paths the command writes.
func (s *Shell) touch(ctx context.Context, st *store.Store, src, id string, writes []string) error {
	now := s.now()
	if err := st.Touch(ctx, store.Session{ID: s.session, Agent: s.agent, Cwd: s.cwd, LastCommand: truncate(src, 200), LastSeen: now}); err != nil {
		return err
	}
	if len(writes) > 0 {
		return st.RecordWrites(ctx, s.session, id, writes, now)
	}
	return nil
}

// ParseOptions are the parse options for checking a command that runs in
// dir with the environment of getenv: sourced and script files are read
// (regular files only), and the variables whose values the real shell will
// get and that matter are known (see [KnownEnv]).
func ParseOptions(dir string, getenv func(string) string) parse.Options {
	return parse.Options{Dir: dir, ReadFile: ReadSourced, Env: KnownEnv(getenv)}
}

// KnownEnv returns the environment variables rrsh lets the parser expand:
// HOME (so `source "$HOME/.bashrc"` and `rm -rf $HOME` are seen for what
// they are) and __CLAUDE_CC_COMMAND_TEXT, the command Claude Code's newer
// wrapper runs with eval "$__CLAUDE_CC_COMMAND_TEXT". The child gets the
// very same values. Other variables stay unknown.
func KnownEnv(getenv func(string) string) map[string]string {
	m := map[string]string{}
	for _, k := range []string{"HOME", "__CLAUDE_CC_COMMAND_TEXT"} {
		if v := getenv(k); v != "" {
			m[k] = v
		}
	}
	return m
}

// ReadSourced reads files named by `source`/`.` (and scripts run with
// bash FILE) so their contents are checked too; only regular files, so a
// FIFO can never block the check.
func ReadSourced(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, MaxScript))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// recorder is the part of the journal the shell writes to.
type recorder interface {
	Decision(journal.Header, journal.Decision) error
	Start(journal.Header, journal.Start) error
	Exit(journal.Header, journal.Exit) error
	Approval(journal.Header, journal.Approval) error
}

type noRecord struct{}

func (noRecord) Decision(journal.Header, journal.Decision) error { return nil }
func (noRecord) Start(journal.Header, journal.Start) error       { return nil }
func (noRecord) Exit(journal.Header, journal.Exit) error         { return nil }
func (noRecord) Approval(journal.Header, journal.Approval) error { return nil }

// record returns the journal, or a recorder that drops events in a nested
// shell (whose outer rrsh records).
func (s *Shell) record() recorder {
	if s.nested || s.journal == nil {
		return noRecord{}
	}
	return s.journal
}
