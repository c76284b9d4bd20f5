// Package paths names the places rrsh keeps its configuration and state.
//
// Every function takes a getenv so callers (and tests) decide the
// environment; nothing here reads the process environment directly.
//
// # Layout
//
//	$XDG_STATE_HOME/rrsh/            (default ~/.local/state/rrsh)
//	    journal/                     JSON-lines audit journal
//	    snapshots/                   pre-images (blobs/ab/<sha256>) and manifests
//	    rrsh.db                      sessions, approvals, recent-writes index (SQLite, WAL)
//	$XDG_CONFIG_HOME/rrsh/           (default ~/.config/rrsh)
//	    railroad.yaml                the user's policy, when no project policy is found
package paths
