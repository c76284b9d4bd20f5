// Package policyfile finds the policy file in force for a working directory
// and loads it.
//
// # Search order
//
//  1. RRSH_POLICY=path overrides everything; a missing or unreadable file
//     is then an error.
//  2. railroad.yaml or .rrsh.yaml in the working directory or any of its
//     parents, up to the filesystem root (the nearest wins; in one
//     directory, railroad.yaml wins over .rrsh.yaml).
//  3. $XDG_CONFIG_HOME/rrsh/railroad.yaml (default ~/.config/rrsh/railroad.yaml).
//  4. The embedded default policy (examples.Default).
//
// A file that exists but cannot be read, or a path that exists but is not
// a regular file, is an error: rrsh fails closed and never falls back to a
// more permissive policy because of an I/O problem.
//
// # Limitations
//
// The search follows symbolic links as the operating system resolves them
// and reads the file once: a file changed after Find is not noticed until
// the next call. The walk goes up the path as written (filepath.Dir), not
// through ".." of symlinked directories. Any error other than "does not
// exist" stops the search with an error, including a permission error on a
// parent directory's policy file.
package policyfile
