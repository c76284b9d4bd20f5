// Package store keeps what many concurrent rrsh processes share: the
// sessions they run in, the approval queue, and an index of which files
// each session wrote recently, so one agent can be warned before it
// overwrites another's work.
//
// rrsh runs as one short-lived process per agent command, often with
// several agents (and so several processes) at once. The store is one
// SQLite database (modernc.org/sqlite, pure Go) at
// $XDG_STATE_HOME/rrsh/rrsh.db, opened only by the commands that need it.
// The jail mounts the state directory read-only, so a jailed command can
// neither answer its own approval requests nor rewrite the record.
//
//	st, err := store.Open(path)
//	if err != nil {
//		return err // fail closed: no store, no approvals
//	}
//	defer st.Close()
//	id, _ := st.Request(ctx, store.Request{Session: sid, Command: src, Rule: rule})
//	// … a human runs `rrsh approve <id>` in another terminal …
//	out, err := st.Wait(ctxWithDeadline, id)
//
// # Schema
//
// All times are Unix nanoseconds. PRAGMA user_version holds the schema
// version; Open applies the missing migrations in order, inside one
// write transaction, and refuses a newer version it does not know.
//
//   - sessions(id, agent, cwd, first_seen, last_seen, last_command,
//     commands): one row per session; [Store.Touch] upserts it and counts
//     the command.
//   - writes(session → sessions, cmd_id, command, path, at): the
//     cross-session write index, indexed by path. Entries older than a day
//     are pruned.
//   - locks(path, session, cmd_id, pid, pid_start, boot_id, at): optional
//     per-path locks held for the duration of a command.
//   - requests(id, session, agent, command, rule, part, reason, cwd,
//     writes, pid, pid_start, boot_id, created, state, scope, expires,
//     answered, answered_by, answer_reason): approval requests. state is
//     pending, granted, denied, timeout, cancelled or used (a once grant
//     that a Wait consumed).
//   - hook_grants(session, command, by, created, expires, used): one-time
//     approvals given in the agent's own prompt.
//
// Answered requests, hook grants and sessions are kept for a week.
//
// # Concurrency
//
// The database runs in WAL mode, so readers never block the writer and
// the writer never blocks readers. Every pooled connection gets, through
// the DSN, busy_timeout (5s: a writer waits for another's lock instead of
// failing with SQLITE_BUSY), synchronous=NORMAL (a commit is durable once
// the WAL is checkpointed; a power cut can lose the last few commits, never
// corrupt the file) and foreign_keys=ON. Every read-modify-write runs in a
// BEGIN IMMEDIATE transaction (the driver's _txlock=immediate): it takes
// the write lock before it reads, so it never has to upgrade a read lock,
// the one case where SQLite reports SQLITE_BUSY without waiting. Single
// writing statements (Touch, ConsumeGrant, the once-grant use in Wait,
// RecordWrites of one path) take the lock for the whole statement, which
// makes them atomic: of many concurrent consumers of one grant exactly one
// gets it.
//
// The -wal and -shm files are kept between processes (SQLite's
// persistent-WAL mode), so a process that closes the last connection
// checkpoints but does not delete them and the next one need not create
// them again. New files are created 0600 in a 0700 directory.
//
// Open fails on a store it cannot write (read-only file, directory or
// mount): it checks access(2) on the directory and the database files and
// asks SQLite whether it opened the file read-only, so callers fail
// closed. [OpenReadOnly] is for listing and refuses every write.
//
// # Sessions and conflicts
//
// A session is one agent conversation; [SessionID] finds its id in the
// agent's environment or derives a stable one from the parent process. A
// session is active since t when it ran a command (Touch) at or after t.
// [Store.Conflicts] reports writes by other sessions active since the
// given time to the same path, to a directory above it or to a path below
// it (by path, not by file identity).
//
// # Approvals
//
// [Store.Request] queues a command and returns a short id (4–8 hex
// characters) for `rrsh approve ID`. [Store.Wait] polls it every
// [PollInterval]. An answer has a scope:
//
//   - once: the waiting command runs, once; the Wait that sees the grant
//     uses it up.
//   - command: this exact command text, in this session, for Answer.For;
//     [Store.Standing] finds it for later commands.
//   - rule: every command the same policy rule asks about, in this
//     session, for Answer.For.
//
// A request whose waiting process has exited is left out of
// [Store.Pending] and cannot be answered; one whose Wait ran out of time
// is marked timeout, and a later answer is refused, so an approval never
// lands on a command nobody waits for.
//
// # Limitations
//
//   - The store is advisory coordination between cooperating rrsh
//     processes. Its protection against the agent is the read-only mount
//     of the state directory in the jail; a process outside the jail with
//     the user's rights can write the database directly.
//   - Liveness of a lock holder or a waiting process is judged by pid
//     (kill(pid, 0)), and on Linux also by the process start time and the
//     boot id, so a reused pid is recognised. All rrsh processes sharing
//     a store must see the same pid namespace. Off Linux, a reused pid
//     looks alive until it exits.
//   - Conflicts and locks compare cleaned path strings. Symbolic links,
//     hard links, bind mounts and relative paths are not resolved: callers
//     pass absolute, resolved paths.
//   - Conflicts returns at most 100 entries per queried path (the newest),
//     one per other session and written path; RecordWrites, Conflicts and
//     Lock take at most 4096 paths.
//   - Wait polls (one primary-key query every 25 ms); it is not notified.
//   - When the last connection to the database closes, SQLite checkpoints
//     the WAL into the database file, with two fsyncs. A lone rrsh
//     process, the usual case for one agent, pays that on every command
//     (about 1 ms of CPU, plus the disk's fsync latency); the driver offers
//     no way to skip the checkpoint on close
//     (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
//   - With synchronous=NORMAL the last commits before a power loss (not a
//     process crash) may be lost; an approval lost that way is simply asked
//     again.
//   - OpenReadOnly needs the -wal and -shm files to exist, or a writable
//     directory, to read a WAL database.
package store
