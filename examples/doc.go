// Package examples holds rrsh's example policy files, embedded.
//
//   - default.yaml is the policy rrsh uses when no other is found: it allows
//     what the jail and snapshots make safe (editing, building, testing,
//     installing packages, deleting build output in the project) and asks for
//     approval of, or blocks, what is irreversible or leaves the machine.
//   - railroad.yaml is the seed policy, in the short list form, unchanged.
//   - ci.yaml is a strict policy for CI runners, where nobody can approve:
//     an allowlist of build, test and lint commands, everything else blocked.
//
// Every file here is loaded, and its tests: section run, by a test.
//
// # Limitations
//
// The policies name the common tools and the common ways to do damage with
// them; they are not a complete catalogue. What a program does inside (a
// Makefile target, an npm script, a compiled binary) is not seen by any
// policy: the jail bounds it. Protected paths cover the usual places of
// credentials, shell startup files and agent settings for a default
// installation; a tool configured to keep them elsewhere ($XDG_CONFIG_HOME
// moved, a custom ~/.ssh location) is not covered unless the policy names the
// place.
package examples
