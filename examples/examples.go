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
