package parse

import "fmt"

// Pos is a position in the top-level command string handed to [Parse].
// Offsets are in bytes; Line and Col are 1-based (Col counts bytes).
// The zero Pos means "no position".
type Pos struct {
	Offset int `json:"offset"`
	Line   int `json:"line"`
	Col    int `json:"col"`
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Span is a half-open byte range [Start, End) of the top-level command string.
//
// Parts found inside nested shell text (bash -c '…', eval, a heredoc fed to a
// shell, a sourced file) carry the span of the enclosing top-level construct
// when their exact position cannot be mapped back; the span never points
// outside the top-level string. Parts found in a sourced file carry the span
// of the `source` command.
type Span struct {
	Start Pos `json:"start"`
	End   Pos `json:"end"`
}

// Word is one shell word after quote removal.
//
// A fully literal word has Known set and Value holds exactly what the program
// will receive in argv. A word with parts only known at run time (parameter
// expansions, command substitutions, arithmetic, unquoted globs) has Known
// unset; Value then holds the literal parts with each unknown part replaced by
// its source text (`$HOME/x` stays `$HOME/x`), so that policies can still
// reason about it. Unknown words are never guessed.
type Word struct {
	Value string `json:"value"`
	Known bool   `json:"known"`
	// Glob is set when the word contains an unquoted glob character
	// (* ? [) that bash would expand against the file system.
	Glob bool `json:"glob,omitempty"`
	// Tilde is set when the word starts with an unquoted tilde prefix
	// (~ or ~/…), which bash expands to a home directory. Value keeps the "~".
	Tilde bool `json:"tilde,omitempty"`
	// Raw is the word's source text as written.
	Raw  string `json:"raw"`
	Span Span   `json:"span"`
}

// Wrapper is one command that an Exec was found inside of and that rrsh saw
// through: sudo, env, timeout, xargs, find -exec, bash -c, eval, ssh, …
// For text run from an environment variable (GIT_SSH_COMMAND=… git) the
// name is the variable's; for an alias it is "alias".
type Wrapper struct {
	// Name is the wrapper's resolved command name ("sudo", "bash", "eval").
	Name string `json:"name"`
	// Args are the wrapper's own arguments that precede the wrapped command
	// (for example ["-u", "deploy"] for sudo -u deploy).
	Args []Word `json:"args,omitempty"`
	Span Span   `json:"span"`
}

// Redirect is one redirection attached to an Exec.
type Redirect struct {
	// Op is the operator as written: ">", ">>", ">|", "<", "<>", "&>",
	// "&>>", ">&", "<&", "<<", "<<-", "<<<".
	Op string `json:"op"`
	// Fd is the file descriptor number when written explicitly (2>x), else -1.
	Fd int `json:"fd"`
	// Target is the file (or fd word) the redirect names. For heredocs and
	// here-strings it is the body.
	Target Word `json:"target"`
	Span   Span `json:"span"`
}

// Exec is one simple command that bash would execute.
type Exec struct {
	// Name is the resolved command name after quote removal and without its
	// directory: `\rm`, `r''m`, `"rm"` and `/bin/rm` all give "rm".
	// Empty when the name is not known statically (see NameKnown).
	Name string `json:"name"`
	// Path is the command word as written after quote removal when it
	// contains a slash ("/bin/rm"), else empty.
	Path string `json:"path,omitempty"`
	// NameKnown is false when the command name is built at run time
	// ($cmd, $(echo rm)); such an Exec always has a matching Unknown.
	NameKnown bool `json:"name_known"`
	// Args are argv[1:] of the unwrapped command.
	Args []Word `json:"args"`
	// Assigns are `VAR=value` prefixes of the command (and env's), in order.
	Assigns []string `json:"assigns,omitempty"`
	// Redirects on this command, including those of enclosing compound
	// commands ({ …; } > f applies to every Exec inside).
	Redirects []Redirect `json:"redirects,omitempty"`
	// Stdin describes where standard input comes from when statically
	// known: "pipe" (previous pipeline stage), "heredoc", "herestring",
	// "file", or "" (inherited).
	Stdin string `json:"stdin,omitempty"`
	// Wrappers is the chain this Exec was found inside, outermost first.
	Wrappers []Wrapper `json:"wrappers,omitempty"`
	// Remote is set when the command runs on another machine or container
	// (ssh host CMD, docker exec C CMD, kubectl exec P -- CMD).
	Remote bool `json:"remote,omitempty"`
	// Depth is the nested-shell depth: 0 for the top-level string, 1 inside
	// one bash -c / eval / heredoc-to-shell, and so on.
	Depth int `json:"depth"`
	// Deletes is set on the `find` Exec whose expression has -delete (the
	// deletion is the point; its start paths are listed as recursive
	// WriteDelete writes).
	Deletes bool `json:"deletes,omitempty"`
	// Function is set when Name is a shell function that the script defined
	// earlier (on every path to this command), so bash runs the function
	// rather than a program. The function body's Execs are listed once,
	// where it is defined; the call itself is still analysed as if it ran
	// the program of that name (writes, code texts, nested shells).
	Function bool `json:"function,omitempty"`
	// InFunction names the function whose body this Exec is in (the
	// innermost, by its first name), or "" outside any function.
	InFunction string `json:"in_function,omitempty"`
	// Uncalled is set when the Exec is in the body of a function that
	// nothing in the command can call (see [Plan]): defining a function
	// runs nothing, so the policy does not decide it.
	Uncalled bool `json:"uncalled,omitempty"`
	// Span covers the whole simple command (or the top-level construct that
	// contained it, see Span).
	Span Span `json:"span"`
}

// Argv returns the command name followed by the argument values.
func (e *Exec) Argv() []string {
	out := make([]string, 0, len(e.Args)+1)
	out = append(out, e.Name)
	for _, a := range e.Args {
		out = append(out, a.Value)
	}
	return out
}

// CodeText is text that a non-shell interpreter will execute: SQL fed to a
// database client, a python -c program, and so on.
type CodeText struct {
	// Lang is "sql", "python", "node", "perl", "ruby", "php", "deno",
	// "mongo" or "redis".
	Lang string `json:"lang"`
	// Client is the program that runs it ("psql", "python3").
	Client string `json:"client"`
	// Text is the code. When Known is false it holds the literal parts with
	// unknown parts as source text.
	Text  string `json:"text"`
	Known bool   `json:"known"`
	// From says where the text came from: "arg" (-c/-e/--command/--eval or
	// a trailing SQL argument), "heredoc", "herestring", "pipe" (a literal
	// echo/printf/cat piped into the client), "file" (a file named by an
	// option or a < redirect, read through Options.ReadFile).
	From string `json:"from"`
	// Exec is the index in Plan.Execs of the client command.
	Exec int  `json:"exec"`
	Span Span `json:"span"`
}

// WriteKind says how a command writes a path.
type WriteKind string

// The kinds of Write.
const (
	WriteRedirect WriteKind = "redirect" // > >| &> <> N>
	WriteAppend   WriteKind = "append"   // >> &>>
	WriteTee      WriteKind = "tee"
	WriteCopy     WriteKind = "copy"     // cp, install: destination
	WriteMove     WriteKind = "move"     // mv: destination (the source is a WriteDelete)
	WriteLink     WriteKind = "link"     // ln: link name
	WriteDelete   WriteKind = "delete"   // rm, rmdir, unlink, shred, find -delete, mv source
	WriteEdit     WriteKind = "edit"     // sed -i, perl -i
	WriteTruncate WriteKind = "truncate" // truncate, dd of=
	WriteTouch    WriteKind = "touch"
	WriteMkdir    WriteKind = "mkdir"
	WriteMeta     WriteKind = "meta" // chmod, chown, chgrp
	WriteGit      WriteKind = "git"  // git checkout/restore/reset --hard/clean/stash: the working tree under Path
)

// Write is a path the command is statically known to write or delete.
type Write struct {
	// Path is relative to the directory the command string started in:
	// after `cd sub && rm x` it is "sub/x". When an earlier cd may have
	// failed or went somewhere unknown, a relative path is not Known.
	Path Word      `json:"path"`
	Kind WriteKind `json:"kind"`
	// Recursive is set for rm -r, cp -r, chmod -R, git clean and the like:
	// the whole tree under Path may change.
	Recursive bool `json:"recursive,omitempty"`
	// Exec is the index in Plan.Execs of the writing command (for a
	// redirect on a compound command, its first Exec), or -1 for a
	// redirect on a statement without a command (`> f`).
	Exec int `json:"exec"`
	// InFunction and Uncalled are as for [Exec].
	InFunction string `json:"in_function,omitempty"`
	Uncalled   bool   `json:"uncalled,omitempty"`
	Span       Span   `json:"span"`
}

// UnknownKind classifies what could not be resolved statically.
type UnknownKind string

// The kinds of Unknown.
const (
	// UnknownName: a command name built at run time ($cmd, $(echo rm)).
	UnknownName UnknownKind = "command-name"
	// UnknownShellText: text run by a shell or eval that is not known
	// statically (curl … | sh, eval "$X", bash -c "$S", base64 -d | bash).
	UnknownShellText UnknownKind = "shell-text"
	// UnknownCode: code fed to an interpreter or SQL client that is not
	// known statically (psql -f x.sql, python "$F", curl … | python).
	UnknownCode UnknownKind = "code-text"
	// UnknownArgs: arguments that are not known statically (xargs input,
	// $VAR words). Exec is set; policy decides whether they could complete
	// a pattern.
	UnknownArgs UnknownKind = "args"
	// UnknownSource: source/. of a file that does not exist or cannot be read.
	UnknownSource UnknownKind = "source"
	// UnknownLimit: a limit (depth, nodes, heredoc size) was hit and the
	// rest of that part was not analysed.
	UnknownLimit UnknownKind = "limit"
)

// Unknown is something that cannot be resolved statically. Unknowns are
// never guessed; the policy decides how they are treated.
type Unknown struct {
	Kind UnknownKind `json:"kind"`
	// Text is the part of the source that is unknown.
	Text string `json:"text"`
	// Reason is a short human explanation ("command name is built at run time").
	Reason string `json:"reason"`
	// Exec is the index in Plan.Execs this unknown belongs to, or -1.
	Exec int `json:"exec"`
	// InFunction and Uncalled are as for [Exec].
	InFunction string `json:"in_function,omitempty"`
	Uncalled   bool   `json:"uncalled,omitempty"`
	Span       Span   `json:"span"`
}

// Plan is everything rrsh knows statically about what a command string will do.
type Plan struct {
	// Src is the top-level command string.
	Src       string     `json:"-"`
	Execs     []Exec     `json:"execs"`
	CodeTexts []CodeText `json:"code_texts,omitempty"`
	Writes    []Write    `json:"writes,omitempty"`
	Unknowns  []Unknown  `json:"unknowns,omitempty"`
	// Nodes is the number of syntax nodes visited (all depths, counting
	// loop bodies walked again), plus one per 64 bytes of nested shell text
	// parsed: the work that Options.MaxNodes limits.
	Nodes int `json:"nodes"`
}

// Snippet returns the text of the top-level source under s, or "" if s is
// not a valid span of it.
func (p *Plan) Snippet(s Span) string {
	if !s.Start.IsValid() || s.Start.Offset < 0 || s.End.Offset > len(p.Src) || s.Start.Offset > s.End.Offset {
		return ""
	}
	return p.Src[s.Start.Offset:s.End.Offset]
}
