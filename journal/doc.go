// Package journal is rrsh's audit journal: one JSON object per line, one
// line per event, chained by SHA-256 so that edits are visible.
//
// rrsh writes a "decision" line before a command can start, a "start" line
// when it starts and an "exit" line when it ends; approvals, rollbacks and
// agent hook answers get their own lines. Callers refuse to run a command
// whose decision line could not be written.
//
//	j, err := journal.Open(dir, journal.Options{})
//	if err != nil { … }                       // fail closed: do not run anything
//	h := journal.Header{Session: "s1", ID: "c42"}
//	if err := j.Decision(h, journal.Decision{Command: "ls", Tier: "allow"}); err != nil { … }
//	… start the command …
//	j.Start(h, journal.Start{Pid: pid})
//	j.Exit(h, journal.Exit{Status: 0, DurationMS: 12.5})
//
//	for e, err := range journal.Read(dir) { … }
//	brk, err := journal.Verify(dir)            // nil brk: the chain is intact
//
// # Files
//
// The journal directory (by default $XDG_STATE_HOME/rrsh/journal) holds:
//
//	journal.jsonl                      the file being appended to
//	journal-YYYYMMDDTHHMMSSZ.jsonl     rotated files, named after the UTC time of their
//	                                   first line ("-2", "-3" … before .jsonl if two
//	                                   files start in the same second)
//	head                               seq, hash and size of the last line (a cache, see below)
//	lock                               flock(2) target, never holds data
//
// The directory is created with mode 0700 and the files with 0600.
// journal.jsonl is rotated before a line would make it larger than
// Options.MaxSize (64 MiB by default) and, with Options.Daily, before the
// first line of a new UTC day. The chain continues across files: read them
// oldest first (as [Read] does) and they form one sequence.
//
// # Schema
//
// Schema version 1. Changes are additive only: new fields and new event
// types may appear, existing fields keep their name, type and meaning, and
// readers must ignore what they do not know. The version in "v" changes
// only if that promise has to be broken.
//
// Every string is JSON-escaped; bytes that are not valid UTF-8 become
// U+FFFD. No string field is unbounded: a value longer than its limit is
// cut at a UTF-8 boundary (see [Redact]) and two fields are added after it,
// <field>_sha256 (hex SHA-256 of the whole value) and <field>_len (its
// length in bytes). In a list, each cut item is listed in <field>_cut as
// {"i": index, "len": bytes, "sha256": hex}; items beyond the list limit are
// dropped and counted in <field>_omitted. These added fields appear only
// when something was cut. Every other field is always present (empty
// strings, zero numbers and empty lists included).
//
// Environment values, file contents and heredoc bodies are never recorded;
// there is no field for them. The command text is recorded (bounded); a
// secret typed on a command line is therefore in the journal, like in a
// shell history file.
//
// Fields of every line, in this order:
//
//	field    type     meaning
//	v        number   schema version, 1
//	type     string   decision | start | exit | approval | rollback | hook
//	ts       string   time of writing, RFC 3339 with nanoseconds, UTC
//	                  ("2026-12-03T10:00:00.123456789Z")
//	session  string   the agent session (256 bytes)
//	id       string   the command id, unique within the session (256 bytes)
//	seq      number   journal-wide sequence number: 1 for the first line
//	                  ever, +1 per line across all processes and files
//	prev     string   hex SHA-256 of the previous line's bytes without its
//	                  newline; 64 zeros for the first line ever
//
// type "decision": how the policy decided a command, written before anything runs.
//
//	field     type      limit   meaning
//	command   string    2048    the command text as given
//	mode      string    256     shell (rrsh -c …) | check (rrsh check) | hook (agent hook)
//	shell     string    256     bash | zsh: the shell that would run it
//	cwd       string    1024    working directory
//	root      string    1024    project root
//	agent     string    256     the agent, when known (claude, codex, gemini, …)
//	policy    string    1024    path of the policy file used
//	tier      string    256     allow | approve | block
//	rule      string    256     the deciding rule ("blocklist:rm -rf", "default", …)
//	reason    string    1024    one-line reason
//	part      string    256     the deciding part of the command
//	line      number            1-based line of part in command; 0 if none
//	col       number            1-based byte column of part; 0 if none
//	execs     [string]  128×256 every program the command runs (argv joined by spaces)
//	writes    [string]  128×256 every path the command was seen to write
//	unknowns  [string]  128×256 parts whose effect cannot be known statically
//	jail      string    1024    bwrap | sandbox-exec | off (unsafe) | policy-only: <marker>
//
// type "start": the command was started.
//
//	field     type      limit   meaning
//	jail      string    1024    the effective jail (its Config.String())
//	pid       number            pid of the started process
//	argv      [string]  128×256 what was executed
//
// type "exit": the command ended.
//
//	field          type      limit  meaning
//	status         number           exit status; 128+n when killed by signal n
//	signal         string    256    the signal that ended it ("SIGKILL"); "" if none
//	duration_ms    number           wall time in milliseconds; -1 if not a finite number
//	files          [object]  512    every file the command was known to write:
//	  path         string    1024     the file
//	  pre_exists   bool               it existed before the command
//	  pre_sha256   string    256      hex SHA-256 before ("" if it did not exist)
//	  pre_size     number             size before
//	  post_exists  bool               it exists after the command
//	  post_sha256  string    256      hex SHA-256 after ("" if it does not exist)
//	  post_size    number             size after
//	files_omitted  number           (only when files was cut) entries dropped
//	snapshot       string    256    id of the snapshot manifest holding the pre-images; "" if none
//
// type "approval": how an approve-tier command was, or was not, approved.
//
//	field     type      limit   meaning
//	channel   string    256     tty | queue | hook | standing | none
//	granted   bool              true if the command may run
//	by        string    256     who answered
//	scope     string    1024    what the grant covers (this command, a rule, a session)
//	request   string    256     the approval request id
//	reason    string    1024    why
//
// type "rollback": a command's file changes were rolled back.
//
//	field     type      limit   meaning
//	target    string    256     the command id or snapshot rolled back
//	restored  number            files restored to their pre-image
//	removed   number            files removed because the command created them
//	skipped   number            files left alone
//	files     [string]  512×1024 the files touched
//	forced    bool              hash checks were overridden
//
// type "hook": rrsh answered an agent's tool-use hook.
//
//	field     type      limit   meaning
//	agent     string    256     claude | codex | gemini | …
//	tool      string    256     the agent's tool name (Bash, Write, …)
//	decision  string    256     what rrsh answered (allow | ask | deny)
//	reason    string    1024    why
//	target    string    1024    the command or path the tool call was about
//
// # Durability
//
// Every line is appended with a single write(2) on an O_APPEND descriptor
// while holding an exclusive flock(2) on the lock file, so lines from
// concurrent rrsh processes never interleave and seq has no gaps or
// duplicates. Decision, approval, rollback and hook lines are fdatasync'ed
// before the call returns: a command's decision line is on stable storage
// before the command starts. Start and exit lines are written but not
// synced (that keeps a command's cost to one sync); they reach stable
// storage with the next synced line, with [Journal.Sync], or when the kernel
// writes them back (seconds). A crash of the process loses nothing that was
// written; a power loss can lose unsynced start and exit lines, and
// [Verify] then reports them as removed. Rotation syncs the directory.
//
// Readers ([Read], [Verify], rrsh log) take a shared lock on the lock file
// just long enough to open every file and note its size and the head; they
// then read without the lock, so a long read never holds up a command, and
// they never see a half-written line or a head newer than the lines they
// read. Lines appended after that moment are not read.
//
// If a write fails (a full disk, an I/O error) or is short, or the sync
// fails, the file is truncated back to its size before the line, so no
// partial line remains, and the error is returned.
//
// The head file is rewritten (one pwrite(2), not synced) after every line.
// It lets a writer find the previous line's seq and hash without reading
// the journal, and lets [Verify] see changes to the end of the journal. A
// writer trusts it only when the size it records matches journal.jsonl;
// otherwise it reads the tail: complete lines that continue the chain are
// adopted (a writer died between its write and the head update), an
// incomplete fragment after the last known line is removed (an append that
// never returned), and anything else is left for Verify to report while
// the chain continues from the head.
//
// # The hash chain
//
// Each line's prev is the SHA-256 of the line before it, and the head file
// holds the hash of the last line. [Verify] reports the first line where
// this breaks: a changed byte in any line ("edited"; the last line is
// checked against the head), a missing line ("removed", from the seq gap or
// from a head that is ahead of the journal), an added line ("inserted"), an
// incomplete last line ("truncated") and a line that is not JSON with the
// fields above ("bad JSON"). Deleting old rotated files is also reported,
// as a break at the first remaining line. A head that is behind the journal
// (a writer died between its write and the head update) is not a break, as
// long as the line it names matches it.
//
// # Limitations
//
//   - There is no key: the chain shows naive edits, not a determined
//     forger. Anyone who can write the state directory can rewrite every
//     line after a point, recompute the chain and the head, and Verify will
//     pass. The state directory is mounted read-only inside rrsh's jail, so
//     the commands rrsh runs cannot do this; processes outside the jail
//     running as the same user can.
//   - Deleting the head file together with the last lines hides their
//     removal once the next line is written (Verify reports the missing
//     head until then).
//   - Lines are bounded (see the limits above), so long values are kept only
//     as a prefix and a hash.
//   - Readers hold one line at a time, but Verify and rrsh log read the whole
//     journal; there is no index. Verify decodes every line, at about
//     40 MB/s: a full 64 MiB file takes a couple of seconds.
//   - A writer that keeps a Journal open while the head file is deleted
//     goes on updating its (now unnamed) copy; other writers rebuild the head
//     from the journal's tail, so the chain stays whole, but Verify reports
//     the missing head until a newly opened Journal writes a line.
//   - Only Unix systems with flock(2) can append; elsewhere every append
//     fails.
package journal
