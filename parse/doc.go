// Package parse finds out, without running anything, what a bash command
// string will do: every simple command it runs, the code it hands to
// interpreters and database clients, the files it writes, and everything
// it cannot know.
//
// [Parse] parses the string with mvdan.cc/sh/v3/syntax (bash variant) and
// walks the whole tree. A syntax error is an [*Error] and no plan: callers
// fail closed.
//
//	plan, err := parse.Parse(`sudo -u app bash -c 'rm -rf build'`, parse.Options{})
//	// plan.Execs: sudo …, sudo>bash -c …, sudo>bash>rm -rf build (depth 1)
//	// plan.Writes: delete build (recursive)
//
// # Execs
//
// An [Exec] is listed for every simple command bash would run, wherever it
// stands: lists and pipelines, subshells and groups, if, while, until,
// for, select and case, function bodies, $( ) and backticks, <( ) and >( ),
// substitutions inside words, assignments, redirect targets, unquoted
// heredoc bodies, arithmetic, [[ ]] operands, case words, ${x:-$(cmd)}
// defaults and declare/local/export values. declare, local, export,
// readonly, typeset, let and the time keyword are listed as Execs too.
//
// Names are resolved after quote removal (\rm, r""m, "rm" → rm); a name with
// a slash keeps it in Path (/bin/rm → Name "rm", Path "/bin/rm"). A name
// built at run time ($cmd, $(echo rm), ${X}rm) gives NameKnown=false and an
// Unknown of kind UnknownName. When only the directory is unknown and the
// last path element is literal and quoted against splitting
// ("$HOME/bin/tool", ~/bin/tool), the name is known.
//
// The output of a command substitution is known when it is a single
// echo, printf, cat (of known files or input) or base64 -d of known input,
// or a pipeline ending in one, and no function or alias of that name may
// run instead (for cat and base64, PATH is also unchanged): eval "$(echo
// '…' | base64 -d)" is checked as the decoded text, the way agents' shell
// snapshots define functions. A command name built by a substitution is
// still not known ($(echo rm) -rf x). The same known output feeds a pipe
// into a shell (echo … | base64 -d | bash).
//
// A shell function is listed once, where it is defined: its body's Execs
// appear there, with InFunction set. When nothing in the command can call
// the function, they (and their Writes and Unknowns) are marked Uncalled:
// defining a function runs nothing, and an agent's shell snapshot defines
// dozens it never calls. A function can be called by an Exec of its name
// (at any depth: nested shells, traps, aliases, wrappers) outside any
// function or in a function that can be called, by being exported
// (export -f, declare -fx), as a mapfile callback, or by bash itself
// (command_not_found_handle). Anything that can be called running a
// command not known statically (a name, eval text or sourced file built at
// run time), or a limit hit anywhere, leaves every body checked. A call to a function defined earlier on every path is still
// an Exec, named after the function, with Function set; it is analysed as if
// it ran the program of that name too, so a function shadowing psql or rm
// cannot hide what the program would do.
//
// # Words and variables
//
// A [Word] is Known only when its value is fully literal after quote
// removal. Unquoted globs (* ? [..]) set Glob and make the word unknown (the
// file system decides); a leading unquoted ~ sets Tilde and makes it
// unknown. Brace lists are expanded ({a,b}/c → a/c b/c) up to 64 words;
// sequences ({1..9}) and larger expansions stay one unknown word.
//
// Literal assignments are propagated in source order through straight-line
// code of the same or an enclosing level: X=-rf; rm $X build resolves.
// Assignments that only run on some paths (if/case bodies, the right side of
// && and ||, loop bodies, function bodies) make the variable unknown after
// them; subshells, pipeline stages, $( ) and background jobs do not leak
// out. A loop body whose own assignments change a value read earlier in it
// is walked again with that variable unknown. read, mapfile, printf -v,
// getopts, unset, arithmetic assignments, ${x:=v}, calls of functions that
// assign, eval and source of unknown text, and commands with unknown names
// make the variables they may set unknown. Variables the script did not set
// are never expanded: $HOME stays unknown with Value "$HOME", and so do
// positional and special parameters and bash's dynamic variables ($RANDOM,
// $PWD, …). A separate shell process (bash -c, a heredoc or pipe into a
// shell, ssh) starts knowing no variables. An unquoted expansion with a
// known value is split on blanks into several words (F="-r -f"; rm $F x →
// rm -r -f x), unless the script mentions IFS anywhere, in which case such
// words are unknown.
//
// cd and pushd are followed: the paths of Writes are relative to the
// directory the command string started in (cd sub && rm x writes sub/x).
// A cd that may have failed (cd sub; rm x) leaves the directory uncertain,
// and relative paths after it are unknown, with the likely path as Value.
// cd dir && … and cd dir || exit make it certain.
//
// # Wrappers
//
// Wrappers are seen through: the wrapper is an Exec, and the command it runs
// is another Exec with the wrapper in Wrappers (outermost first) and its own
// arguments in Wrapper.Args. Known wrappers: sudo, doas, env (VAR=x, -u, -C,
// -S split), command (not with -v/-V), builtin, exec, nice, ionice, nohup,
// setsid, timeout, time, stdbuf, chrt, taskset, busybox, toybox, pkexec,
// run0, systemd-run, chroot, nsenter, strace, ltrace, unshare, valgrind,
// proxychains, torsocks, firejail, xargs (default echo; an Unknown of kind
// UnknownArgs for the arguments it adds), find -exec/-execdir/-ok/-okdir
// ({} is an unknown word; -delete sets Deletes and lists the start paths as
// recursive deletes), fd -x/-X, GNU parallel, the
// package runners npx, bunx, bun x, pnpx, pnpm exec/dlx, npm exec/x,
// yarn exec/dlx/run/<bin>, uv run, uv tool run, uvx, poetry run, pipx run,
// bundle exec, direnv exec, mise exec --, and the remote runners ssh,
// docker/podman/nerdctl exec and run, docker compose exec and run, and
// kubectl/oc exec, whose commands are marked Remote (their writes are not
// local and are not listed). cargo run, npm run and make run project code
// and are not seen through. Program-specific global options (git -C dir,
// terraform -chdir=x) are left in Args.
//
// # Nested shells
//
// Shell text is parsed recursively, one Depth deeper, with the shell or
// eval in the wrapper chain: bash/sh/zsh/dash/ksh/ash/mksh -c STRING (with
// options before or after -c, -lc, -ec, -o opt), eval (words joined with
// spaces, in the same shell: its assignments and functions carry over),
// heredocs, here-strings and literal echo/printf/cat output piped into a
// shell, a script file (bash FILE, sh < FILE, source FILE, . FILE) read
// through Options.ReadFile and resolved against Options.Dir, watch, su -c,
// runuser -c, script -c, flock -c, nix-shell --run, npx -c, parallel, at
// and batch, ssh (its command words joined, as ssh does; -o ProxyCommand
// and LocalCommand run locally), trap actions, git -c alias.x=!… and other
// git settings git runs with a shell, sqlite3 .shell, aliases (the alias
// text is parsed with the arguments after it), git rebase --exec,
// submodule foreach, bisect run and filter-branch filters, tar
// --to-command, -I, -F and --checkpoint-action=exec=, rsync -e, nodemon
// --exec, vim's -c/+ shell escapes and filters, sed's e command (and
// s///e, unknown), and environment variables
// given to a command whose value programs run as a command
// (GIT_SSH_COMMAND, GIT_EDITOR, PAGER, EDITOR, … in VAR=x cmd, env, sudo
// and export; the wrapper is named after the variable), BASH_ENV and ENV
// (sourced like a file) and BASH_FUNC_name%% (a function bash imports).
// A PS4 (assigned or exported) with a command substitution, ${…@P} or a
// value not known statically is an UnknownShellText: set -x expands it
// before every traced command.
// /dev/stdin, /dev/fd/0 and /proc/self/fd/0 as a script or code file are
// the command's standard input; other /dev and /proc files are never read.
// Text known only
// at run time (bash -c "$S", eval "$X", curl … | sh, base64 -d | bash,
// sh < $F, bash <(curl …)) is an Unknown of kind UnknownShellText; a file
// that cannot be read is UnknownSource; text that does not parse is
// UnknownShellText with the parser's message. A shell reading commands from
// an inherited standard input is UnknownShellText too. fish, csh, tcsh,
// pwsh and nu are not parsed: they are UnknownShellText.
//
// # Code texts
//
// Code for non-shell interpreters is a [CodeText]: SQL for psql (-c, -f),
// mysql and mariadb (-e, --init-command), sqlite3 and duckdb (SQL arguments
// after the database, -cmd, -c, -init, and .read), clickhouse-client and
// clickhouse client/local (--query, --queries-file), cockroach sql (-e, -f),
// mongosh and mongo (--eval, -f, .js files), redis-cli (its trailing words,
// --eval), python (-c), node (-e, -p), perl (-e, -E), ruby (-e), php (-r),
// deno eval and bun (-e, -p), awk, gawk, mawk and nawk (the program, -f,
// -E, gawk's -e). The code comes from an argument, a heredoc, a
// here-string, a literal echo/printf/cat piped in, or a file named by an
// option or a < redirect (read through ReadFile). Code that is partly
// unknown is a CodeText with Known unset plus an Unknown of kind
// UnknownCode; code that is entirely unknown (curl … | psql, psql -f
// unreadable.sql, python "$F", a client reading an inherited standard
// input) is only an UnknownCode. Text that is only mentioned (echo "DROP
// TABLE t", git commit -m "…", a heredoc written to a file) is not code.
//
// # Writes
//
// A [Write] lists each path the command is statically known to write:
// redirect targets (not /dev/null, /dev/std*, /dev/fd/*, /dev/tty; block
// devices stay), tee, cp/install/mv/ln destinations, mv sources, rm, rmdir,
// unlink, shred, sed -i (and the files of sed's w command and s///w flag),
// perl/ruby -i, truncate, dd of=, touch, mkdir, chmod/chown/chgrp, curl
// -o/-D/-c, wget -O/-o/-a/-P, rsync's local destination, find -delete and
// -fprint, git checkout, switch -f,
// restore, reset --hard, clean, stash, rm and mv (Path is the repository
// directory, or the pathspecs, joined to -C). Writes of wrapped commands
// count (sudo rm x). Paths that are not known are listed with Known unset.
//
// # Positions
//
// Every [Span] is in the top-level string. Nested text that is a verbatim
// piece of it (a single-quoted string, a double-quoted string without
// escapes or expansions, a plain word, a quoted heredoc body, eval words
// standing as written) is mapped exactly. Other nested text (with escapes,
// built from several parts, printf output, <<- bodies, sourced files) maps
// every position to the span of the word or command it came from.
//
// # Limits
//
// Every input has a limit, and hitting one is never silent: MaxBytes (1 MiB)
// makes a longer command string an *Error and a longer file an Unknown;
// MaxHeredoc (256 KiB) leaves a larger heredoc or here-string body
// unanalysed; MaxDepth (16) stops nested shells; MaxNodes (100000) stops
// the walk. The last three are Unknowns of kind UnknownLimit.
//
// # Limitations
//
// Static analysis cannot see commands made at run time: eval "$x", $cmd
// args, the output of $( ) used as code, or what programs do inside (make,
// npm run, a compiled binary, a script the policy sees only by name). Such
// parts are marked Unknown, never guessed; what a program does inside is
// bounded by the jail, not by this package.
//
// Commands that programs run from their own arguments are only seen for
// the wrappers listed above. Not seen: sed's e command, awk's system(),
// vim -c, git hooks and most git configuration, rsync -e, tar
// --to-command, programs' configuration files, make recipes.
//
// Option tables are finite. An option this package does not know that
// takes a separate value (sudo --some-new-option VALUE cmd) can make the
// value look like the wrapped command; the real command then appears as an
// argument of a wrongly named Exec.
//
// Shell semantics are approximated where bash decides at run time:
// aliases are expanded whenever defined (bash needs expand_aliases); the
// last pipeline stage is a subshell (no lastpipe); set -e is not followed;
// a failed cd is assumed possible after ";"; source does not search PATH;
// zsh, ksh and dash text is parsed as bash; function bodies start with no
// known variables, and with an unknown directory when the script contains
// cd, pushd or popd.
//
// Parser differences with bash, found by comparing acceptance with
// `bash -n` (FuzzBashAgrees). Input the parser rejects and bash accepts
// makes Parse fail closed: bytes that are not UTF-8, a heredoc left open
// at the end (bash ends it there, with a warning), `!` alone or twice,
// `let` without arguments, some [[ ]] operands bash reads as strings, `&`
// inside backquotes. Input the parser accepts and bash rejects gives a plan
// that lists more than runs, since bash runs nothing of a line it cannot
// parse: reserved words as command names (in, done, …), function
// declarations bash does not accept (no name, or a body that is not a
// compound command: f() x), extended globs while extglob is off (@(a)),
// `time` without a pipeline before & or ;, an array assignment followed by
// more text, `let` with a parenthesised word, and a redirect target that
// bash reads as a descriptor number (<0<0). Differences in how both accept
// the same text cannot be found this way; the bash-confirm test checks a
// table of real commands against what bash runs.
package parse
