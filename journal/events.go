package journal

import (
	"math"

	"github.com/rs/zerolog"
)

// Event types, the value of the "type" field.
const (
	TypeDecision = "decision"
	TypeStart    = "start"
	TypeExit     = "exit"
	TypeApproval = "approval"
	TypeRollback = "rollback"
	TypeHook     = "hook"
)

// Limits on what one line records. Longer strings are cut (see [Redact]) and
// followed by <field>_sha256 and <field>_len; longer lists are cut and
// followed by <field>_omitted. They are part of the schema (see doc.go).
const (
	MaxCommand   = 2048 // bytes of the command text
	MaxItem      = 256  // bytes of one item of execs, writes, unknowns, argv
	MaxShort     = 256  // bytes of an identifier-like string (session, id, rule, …)
	MaxText      = 1024 // bytes of a free-text string (reason, jail, request, …)
	MaxPath      = 1024 // bytes of a path
	MaxItems     = 128  // items of execs, writes, unknowns, argv
	MaxFiles     = 512  // entries of exit files and rollback files
	maxLineBytes = 1 << 20
)

// Header is what every event of one command shares. Append fills in v, type,
// ts, seq and prev.
type Header struct {
	Session string // the agent session the command belongs to
	ID      string // the command's id, unique within the session
}

// Decision records how the policy decided a command, before anything runs.
type Decision struct {
	Command  string   // the command text
	Mode     string   // "shell" | "check" | "hook"
	Shell    string   // "bash" | "zsh"
	Cwd      string   // working directory
	Root     string   // project root
	Agent    string   // the agent, when known
	Policy   string   // the policy file used
	Tier     string   // "allow" | "approve" | "block"
	Rule     string   // the deciding rule
	Reason   string   // one-line reason
	Part     string   // the deciding part of the command
	Line     int      // position of Part in Command (1-based, 0 = none)
	Col      int      // byte column of Part (1-based, 0 = none)
	Execs    []string // every program the command runs, argv joined
	Writes   []string // every path the command was seen to write
	Unknowns []string // parts whose effect could not be known statically
	Jail     string   // "bwrap" | "sandbox-exec" | "off (unsafe)" | "policy-only: <marker>"
}

// Start records that a command was started.
type Start struct {
	Jail string   // the effective jail, as its Config.String()
	Pid  int      // pid of the started process
	Argv []string // what was executed, truncated like Decision.Execs
}

// FileChange is one file a command was known to write, before and after.
type FileChange struct {
	Path       string
	PreExists  bool
	PreSHA256  string
	PreSize    int64
	PostExists bool
	PostSHA256 string
	PostSize   int64
}

// Exit records how a command ended and what it changed.
type Exit struct {
	Status     int          // exit status (128+n for signal n)
	Signal     string       // the signal that ended it ("" if none)
	DurationMS float64      // wall time in milliseconds
	Files      []FileChange // known write targets, pre and post
	Snapshot   string       // id of the snapshot manifest ("" if none)
}

// Approval records how an approve-tier command was (or was not) approved.
type Approval struct {
	Channel string // "tty" | "queue" | "hook" | "standing" | "none"
	Granted bool
	By      string // who granted or denied
	Scope   string // what the grant covers (this command, a rule, a session)
	Request string // the approval request id
	Reason  string
}

// Rollback records a rollback of a command's file changes.
type Rollback struct {
	Target   string // the command id or snapshot rolled back
	Restored int    // files restored to their pre-image
	Removed  int    // files removed because the command created them
	Skipped  int    // files left alone
	Files    []string
	Forced   bool // hash checks were overridden
}

// Hook records a decision made for an agent's tool-use hook.
type Hook struct {
	Agent    string // "claude" | "codex" | "gemini" | …
	Tool     string // the agent's tool name ("Bash", "Write", …)
	Decision string // what rrsh answered ("allow" | "ask" | "deny")
	Reason   string
	Target   string // the command or path the tool call was about
}

// Decision appends a decision event and waits until it is on stable storage
// (unless Options.NoSync). A command must not start unless this returns nil.
func (j *Journal) Decision(h Header, d Decision) error {
	return j.append(TypeDecision, h, true, func(e *zerolog.Event) {
		str(e, "command", d.Command, MaxCommand)
		str(e, "mode", d.Mode, MaxShort)
		str(e, "shell", d.Shell, MaxShort)
		str(e, "cwd", d.Cwd, MaxPath)
		str(e, "root", d.Root, MaxPath)
		str(e, "agent", d.Agent, MaxShort)
		str(e, "policy", d.Policy, MaxPath)
		str(e, "tier", d.Tier, MaxShort)
		str(e, "rule", d.Rule, MaxShort)
		str(e, "reason", d.Reason, MaxText)
		str(e, "part", d.Part, MaxItem)
		e.Int("line", d.Line).Int("col", d.Col)
		strs(e, "execs", d.Execs, MaxItem, MaxItems)
		strs(e, "writes", d.Writes, MaxItem, MaxItems)
		strs(e, "unknowns", d.Unknowns, MaxItem, MaxItems)
		str(e, "jail", d.Jail, MaxText)
	})
}

// Start appends a start event. It is written but not synced: it reaches
// stable storage with the next synced line, with [Journal.Sync], or when the
// kernel writes it back.
func (j *Journal) Start(h Header, s Start) error {
	return j.append(TypeStart, h, false, func(e *zerolog.Event) {
		str(e, "jail", s.Jail, MaxText)
		e.Int("pid", s.Pid)
		strs(e, "argv", s.Argv, MaxItem, MaxItems)
	})
}

// Exit appends an exit event. Like [Journal.Start], it is not synced.
func (j *Journal) Exit(h Header, x Exit) error {
	return j.append(TypeExit, h, false, func(e *zerolog.Event) {
		e.Int("status", x.Status)
		str(e, "signal", x.Signal, MaxShort)
		d := x.DurationMS
		if math.IsNaN(d) || math.IsInf(d, 0) {
			d = -1
		}
		e.Float64("duration_ms", d)
		files := x.Files
		if len(files) > MaxFiles {
			files = files[:MaxFiles]
		}
		arr := zerolog.Arr()
		for _, f := range files {
			o := zerolog.Dict()
			str(o, "path", f.Path, MaxPath)
			o.Bool("pre_exists", f.PreExists)
			str(o, "pre_sha256", f.PreSHA256, MaxShort)
			o.Int64("pre_size", f.PreSize)
			o.Bool("post_exists", f.PostExists)
			str(o, "post_sha256", f.PostSHA256, MaxShort)
			o.Int64("post_size", f.PostSize)
			arr.Dict(o)
		}
		e.Array("files", arr)
		if n := len(x.Files) - len(files); n > 0 {
			e.Int("files_omitted", n)
		}
		str(e, "snapshot", x.Snapshot, MaxShort)
	})
}

// Approval appends an approval event and syncs it.
func (j *Journal) Approval(h Header, a Approval) error {
	return j.append(TypeApproval, h, true, func(e *zerolog.Event) {
		str(e, "channel", a.Channel, MaxShort)
		e.Bool("granted", a.Granted)
		str(e, "by", a.By, MaxShort)
		str(e, "scope", a.Scope, MaxText)
		str(e, "request", a.Request, MaxShort)
		str(e, "reason", a.Reason, MaxText)
	})
}

// Rollback appends a rollback event and syncs it.
func (j *Journal) Rollback(h Header, r Rollback) error {
	return j.append(TypeRollback, h, true, func(e *zerolog.Event) {
		str(e, "target", r.Target, MaxShort)
		e.Int("restored", r.Restored).Int("removed", r.Removed).Int("skipped", r.Skipped)
		strs(e, "files", r.Files, MaxPath, MaxFiles)
		e.Bool("forced", r.Forced)
	})
}

// Hook appends a hook event and syncs it.
func (j *Journal) Hook(h Header, k Hook) error {
	return j.append(TypeHook, h, true, func(e *zerolog.Event) {
		str(e, "agent", k.Agent, MaxShort)
		str(e, "tool", k.Tool, MaxShort)
		str(e, "decision", k.Decision, MaxShort)
		str(e, "reason", k.Reason, MaxText)
		str(e, "target", k.Target, MaxPath)
	})
}

// str adds key: s, cut to max bytes; a cut value is followed by
// key_sha256 and key_len.
func str(e *zerolog.Event, key, s string, max int) {
	t, sum, cut := Redact(s, max)
	e.Str(key, t)
	if cut {
		e.Str(key+"_sha256", sum).Int(key+"_len", len(s))
	}
}

// strs adds key: [items…], each cut to maxItem bytes and at most maxItems
// of them. Cut items are listed in key_cut as {"i","len","sha256"}; items
// beyond maxItems are counted in key_omitted.
func strs(e *zerolog.Event, key string, list []string, maxItem, maxItems int) {
	n := min(len(list), maxItems)
	out := make([]string, n)
	var cuts *zerolog.Array
	for i, s := range list[:n] {
		t, sum, cut := Redact(s, maxItem)
		out[i] = t
		if cut {
			if cuts == nil {
				cuts = zerolog.Arr()
			}
			cuts.Dict(zerolog.Dict().Int("i", i).Int("len", len(s)).Str("sha256", sum))
		}
	}
	e.Strs(key, out)
	if cuts != nil {
		e.Array(key+"_cut", cuts)
	}
	if len(list) > n {
		e.Int(key+"_omitted", len(list)-n)
	}
}
