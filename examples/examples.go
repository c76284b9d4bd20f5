// Package examples holds rrsh's example policy files, embedded.
//
//   - default.yaml is the policy rrsh uses when no other is found: it allows
//     what the jail and snapshots make safe and asks for or blocks what is
//     irreversible or leaves the machine.
//   - railroad.yaml is the original seed policy, in the short list form.
//   - ci.yaml is a strict policy for CI runners, where nobody can approve.
//
// Every file here is loaded (and its tests: section run) by a test.
package examples

import "embed"

// FS holds every example policy (*.yaml).
//
//go:embed *.yaml
var FS embed.FS

// Default is default.yaml, the policy in force when no other is found.
//
//go:embed default.yaml
var Default []byte
