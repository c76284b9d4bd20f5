// Command rrsh is a checking, jailing, journaling shell for coding agents:
// a drop-in for bash (`rrsh -c 'CMD'`, `rrsh script.sh`, a bash-named
// entry point for CLAUDE_CODE_SHELL, `shell: rrsh {0}` in CI,
// `make SHELL=rrsh`) and a set of subcommands (check, policy, doctor, log,
// history, rollback, gc, pending, approve, deny, sessions, install,
// uninstall, hook, shim-dir, version). README.md is the user's reference.
//
// main stays thin: it dispatches (run.go) and maps the packages' results
// to exit statuses and one-line `rrsh: …` messages (cli.go). The work is
// in parse, policy, jail, journal, snapshots, store and shell.
//
// Dispatch, so that subcommands never collide with a script of the same
// name: invoked through a name containing "bash" or "zsh", rrsh is only a
// shell. Otherwise the first argument is a subcommand when it is one and
// no file (other than a directory) of that name exists in the working
// directory.
//
// Exit statuses: as a shell, the command's own status (128+n for signal
// n), or 77 blocked, 76 not approved, 75 approval timed out, 71 jail
// unavailable, 73 state (journal, snapshots, store) unwritable, 78 bad
// policy, 64 usage, 70 internal error. `rrsh check`: 0 allow, 1 approve,
// 2 block.
package main
