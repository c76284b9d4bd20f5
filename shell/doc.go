// Package shell is rrsh's bash-compatible front end: it reads a shell
// invocation the way bash does, checks the whole command string against the
// policy, and runs the very same string with the real bash (or zsh) in the
// jail, journaled and snapshotted.
//
//	inv, err := shell.ParseArgs(argv0, args, stdinIsTTY) // -c STRING, FILE ARGS…, -s, -lc, -o …
//	src, err := shell.Source(inv, cwd, os.Stdin)         // the -c string, the file, or stdin
//	sh := shell.New(shell.Policy(p, source), shell.Jail(cfg, "bwrap"), shell.Journal(j), …)
//	res, err := sh.Run(ctx, inv, src)                    // *Refusal when nothing ran
//
// # What Run promises
//
// One explicit pipeline, in this order, each step before anything of the
// command starts:
//
//  1. The policy decides the whole string (nested shells, eval, heredocs,
//     sourced files included). Parse errors are a block.
//  2. Pre-images of every path the plan says the command writes are
//     captured (over the size cap the command needs approval instead).
//  3. Writes are compared with other active sessions' recent writes; a
//     conflict raises the command to approval. With the policy's
//     sessions.locks, the written paths are locked until the command ends;
//     a lock held by another session's running command blocks it.
//  4. The decision line is written to the journal and synced; if it
//     cannot be, nothing runs.
//  5. Block: a one-line refusal naming the rule, the matched part and its
//     position. Approve: a standing or one-time grant, else the terminal
//     prompt (default no), else the approval queue (a timeout is a
//     denial), else (RRSH_APPROVAL=deny, CI) an immediate refusal. A
//     refused command's pre-images are discarded: it never ran.
//  6. The session's activity and the paths it writes go into the store.
//     For a command that writes nothing and needs no approval this happens
//     while it runs, and a failure there is only a warning.
//  7. The real shell starts with the same flags, string, $0 and arguments,
//     inside the jail. A script file is run from a private checked copy
//     mounted read-only over it, so what runs is what was checked.
//
// Then the exit status (128+n for signal n), the post-state of the
// written files and the exit line are recorded.
//
// Process fidelity: with both stdin and stdout on a terminal the command
// gets a fresh PTY (raw mode, window size, Ctrl-C and Ctrl-Z reach it, the
// terminal is restored on every exit path); otherwise it inherits rrsh's
// stdin, stdout and stderr untouched (an O_APPEND file stays O_APPEND),
// stays in rrsh's process group so the agent's group kill reaches it, gets
// the usual signals forwarded, and no other file descriptor.
//
// # Limits
//
//   - Run never interprets the script itself; what happens inside programs
//     (make, npm run, a compiled binary) is bounded by the jail, not the
//     policy.
//   - Interactive use (-i, or no command on a terminal) is refused: rrsh
//     runs commands, not sessions.
//   - Inside rrsh's own jail (RRSH_JAILED=1) a nested rrsh only checks the
//     policy; it records nothing and adds no second jail. Inside another
//     sandbox the command runs policy-only, and rrsh says so.
//   - Running commands needs Linux or macOS; elsewhere Run refuses (rrsh
//     check still works).
package shell
