// Package policy decides whether a parsed command may run: allow, approve
// (a human must agree) or block. It reads a declarative policy file
// (railroad.yaml) and matches it structurally against a [parse.Plan]. It
// does no I/O: [Load] takes bytes, [Policy.Decide] takes a Plan.
//
//	p, err := policy.Load("railroad.yaml", data)
//	d, plan := p.Check("git status && git push --force", parse.Options{}, env)
//	// d.Tier == policy.Block, d.Rule == "blocklist:push --force"
//
// # The policy file
//
// The short form has three lists of shell-word patterns and a default:
//
//	blocklist: [terraform destroy, "rm -rf", "DROP TABLE", "push --force", drizzle-kit push --force]
//	approve:   [npm publish, docker push, terraform apply]
//	allowlist: [npm install, npm test, git status, git diff]
//	default: allow            # allow | approve | block
//
// The full form adds named rules, protected paths, settings for the rest of
// rrsh and examples that are checked on load. Every key is optional:
//
//	version: 1                # if present, must be 1
//	default: allow            # tier of a part no rule matches (default: approve)
//	unknown: approve          # tier of unknown names, shell text and code (default: approve)
//	blocklist: ["rm -rf"]     # each entry is a rule named "blocklist:rm -rf"
//	approve: [npm publish]    # … "approve:npm publish"
//	allowlist: [npm test]     # … "allowlist:npm test"
//	rules:
//	  - name: delete-system   # required, unique: letters, digits, . _ -
//	    tier: block           # required: allow | approve | block
//	    patterns: ["rm -r", "find -delete"]   # or pattern: "rm -r"
//	    paths: ["/", "~", "/etc", "/usr/*"]   # only when a target is one of these
//	    message: "delete the files inside the project instead"
//	  - name: prod-shell
//	    tier: approve
//	    pattern: psql
//	    remote: true          # only commands run elsewhere (ssh host …, docker exec …)
//	  - name: sql-delete-all
//	    tier: approve
//	    code: ["DELETE FROM"] # matched only against code texts (SQL, python -c, …)
//	    unless: [WHERE]       # … except in a statement that also holds WHERE
//	    lang: [sql]           # … and only in these languages
//	protect:
//	  - name: credentials
//	    paths: ["~/.ssh/**", "~/.aws/**", "~/.netrc"]
//	    access: any           # write (default): writes only; any: also reads and arguments
//	    tier: block           # default block
//	    message: "do not read credentials"
//	jail: {network: allow, writable: [~/.cache/go-build], hidden: [~/secrets], readonly: [.vscode]}
//	# or, unsafe: jail: off
//	snapshots: {max_bytes: 100MiB}
//	approval: {timeout: 50s}
//	sessions: {window: 10m, locks: true} # locks: hold a lock on written paths while a command runs
//	tests:
//	  block: ["rm -rf /"]
//	  approve: [npm publish]
//	  allow: [npm test]
//
// Loading is strict: unknown or duplicate keys, bad tiers, patterns that are
// not literal shell words, bad globs, sizes or durations, duplicate rule
// names and YAML aliases are errors, each naming "file:line:col" (a YAML
// syntax error names file:line, as the YAML library reports it). Examples
// under tests: run on load, in [TestEnv] and with parse.Options{} (no file
// is read, so a `source FILE` example is unknown); one that does not get its
// tier makes Load fail with a [*TestsFailedError] naming file:line, the
// expected and the actual decision. [Policy.YAML] writes the canonical form,
// which loads to a policy that decides identically. Rules are sealed: a
// [Rule] comes only from Load.
//
// Settings (jail, snapshots, approval, sessions) are only decoded and
// validated here; [Policy.Settings] hands them, with defaults, to the parts
// of rrsh that enforce them.
//
// # Patterns
//
// A pattern is parsed as shell words (quotes and backslashes work as in
// bash; unquoted * ? [ are globs; $, `…` and operators are errors). It is
// matched structurally, never as a substring.
//
// Against a command (an Exec of the plan): the first pattern word matches
// the command name (without its directory: /bin/rm is rm), or the command's
// subcommand — the first positional after its global options, as the
// command-knowledge table knows them (git -C dir push, terraform -chdir=x
// destroy, kubectl -n ns delete). For tools with subcommands the pattern's
// subcommand must be the command's subcommand, not a later word. The other
// positional words must follow in order (not necessarily adjacent), and
// every flag of the pattern must be present after normalisation: short
// clusters split (-rf is -r -f), --flag=value splits, and the table's
// aliases apply (rm -R and --recursive are -r, --force is -f, git push -f
// is --force, a "+ref" refspec is --force and ":ref" is --delete, npm t and
// npm run test are npm test, kubectl ns is namespace, terraform apply
// -destroy is terraform destroy). After "--" every word is a positional.
// A flag's value in a pattern may be a glob (docker run -v "/:*" matches
// -v /:/host and --volume=/:/host); a value not known statically may
// match it.
// A git alias defined on the command line is read as what it stands for
// (git -c alias.p='push --force' p is git push --force); one it cannot
// follow (quotes, an alias of an alias) makes the subcommand unknown, and
// a "!" alias is a shell command the parser checks as one.
// Allow patterns are narrower: their first word must be the command name,
// so that an allowlisted "test" allows the test command, not every tool's
// test subcommand (block and approve patterns stay broad: "push --force"
// matches git push -f).
// Wrapped commands (sudo, env, timeout, xargs, find -exec, bash -c, eval,
// npx, ssh, …) are separate Execs of the plan and are matched like any other.
//
// Against code (a CodeText: SQL for psql, python -c, …): the pattern's words
// are a token sequence matched case-insensitively and regardless of white
// space; for SQL, comments are removed first (drop/**/table is drop table).
// Every list pattern applies to both commands and code; code: patterns only
// to code.
//
// Text that is only mentioned never matches: echo "rm -rf /", git commit -m
// "DROP TABLE", grep -rn "push --force", a heredoc written to a file,
// terraform plan -destroy.
//
// Paths: a rule with paths matches only when one of the command's targets —
// the positionals the pattern did not consume, and the plan's Writes for it
// — resolves into one of the globs. "~", "$HOME", "${HOME}" and Env.Home are
// the same place; relative paths resolve against Env.Cwd and against every
// directory the command cds into; "/*", "/." and "//" mean "/"; a recursive
// write (rm -r) of a directory also hits every glob under it. Relative globs
// resolve against Env.Root; "**" matches any number of path elements and
// "X/**" matches X too.
//
// # Deciding
//
// Every part is decided on its own: each Exec, each CodeText, each Write
// (against protect:) and each argument (against protect entries with access:
// any). A part with any block match is block; else approve; else allow; else
// it gets the default tier (Writes and arguments have no default). The
// command's tier is the highest tier of its parts: deny wins, so an
// allowlisted git status never lets a chained git push --force through.
//
// The [Decision] lists every match in source order (every part above allow
// and every allow-rule hit), the deciding match (the first of the highest
// tier), its rule, part and span, and a one-line reason an agent can act on.
//
// # Unknowns
//
// What cannot be known statically is never guessed. After `cd DIR` with a
// DIR not known statically, a relative path could be anywhere: it may match
// a rule's path when it could name it from some directory ("etc" could be
// /etc, "." and ".." could be anything; "build" could not be any of "/",
// "~" or "/etc"). A command whose words
// are not all known (rm $X y, an xargs command) and that could still
// complete a block or approve pattern — its name or subcommand matches and
// the missing flags, positionals or targets could come from the unknown
// words — is escalated to approve, naming the rule it may match. A command
// name, shell text or code that is not known (the plan's Unknowns: $cmd,
// eval "$X", curl … | sh, psql -f missing.sql, a sourced file that cannot be
// read) gets the unknown tier. A limit hit while parsing is at least
// approve, never allow. [Policy.Check] blocks input that does not parse
// (rule "parse-error") and asks approval for input over the size limit
// (rule "limit").
//
// A built-in check blocks fork bombs (rule "fork-bomb"): a shell function
// that calls itself in a pipeline, in the background or in a subshell.
//
// # Limitations
//
// The policy sees what the command line says, not what programs do: what
// make, npm run, a script, a compiled binary or an interpreter does inside
// is bounded by the jail, not by the policy. Code in files it cannot read
// (python script.py, psql -f x.sql without a reader, a sourced file that is
// missing) is unknown only when the plan says so; a program that reads its
// own files (make reading a Makefile) is not looked into. Code patterns see
// tokens, not meaning: DROP TABLE built from string pieces at run time is not
// seen. Paths are compared as text after cleaning: symbolic links, bind
// mounts and hard links are not resolved, and ~user is not expanded (it is
// treated as unknown). A write whose target is entirely unknown (> "$F") is
// not matched against protect entries; one that starts with a known
// directory (> "$HOME/$F") may be. Fork bombs are found in the top-level
// text and in nested shell text the plan shows, not in files or generated
// text. Unicode lookalikes are simply different names.
package policy
