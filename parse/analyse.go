package parse

import (
	"encoding/base64"
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// shells are parsed as bash when they run shell text.
var shells = map[string]syntax.LangVariant{
	"bash": syntax.LangBash, "sh": syntax.LangBash, "dash": syntax.LangBash,
	"ash": syntax.LangBash, "ksh": syntax.LangBash, "mksh": syntax.LangBash,
	"lksh": syntax.LangBash, "oksh": syntax.LangBash, "yash": syntax.LangBash,
	"posh": syntax.LangBash, "rbash": syntax.LangBash, "zsh": syntax.LangBash,
}

// otherShells run text in a language this package does not parse.
var otherShells = map[string]bool{
	"fish": true, "csh": true, "tcsh": true, "pwsh": true, "powershell": true,
	"nu": true, "elvish": true, "xonsh": true, "rc": true, "es": true,
}

// analyse looks at what one Exec does beyond running: builtins that change
// the shell, wrappers, nested shells, code texts and writes.
func (w *walker) analyse(c ctx, idx int) {
	e := w.plan.Execs[idx]
	info := w.info[idx]
	name := e.Name
	args := info.words[1:]
	if info.direct && e.Path == "" && !info.noFunc {
		if fi := c.sc.fn(name); fi != nil {
			w.info[idx].shadowed = true
			if !fi.maybe {
				w.plan.Execs[idx].Function = true
			}
			for _, n := range fi.assigned {
				c.sc.forget(n)
			}
			if fi.all {
				c.sc.invalidateAll()
			}
		}
		if av, ok := c.sc.alias(name); ok && plainLit(info.words[0]) && !slices.Contains(c.noAlias, name) {
			w.info[idx].shadowed = true
			w.expandAlias(c, idx, av)
		}
	}
	if info.direct && e.Path == "" {
		if names, all := varsSetBy(name, args); all {
			c.sc.invalidateAll()
		} else {
			for _, n := range names {
				c.sc.forget(n)
			}
		}
		switch name {
		case "cd", "pushd", "popd":
			w.chdir(c, name, args)
		case "alias":
			for _, a := range args {
				if i := strings.IndexByte(a.Value, '='); a.Known && i > 0 {
					v := a.Value[i+1:]
					c.sc.defineAlias(a.Value[:i], &v)
				}
			}
		case "unalias":
			for _, a := range args {
				if a.Known {
					c.sc.defineAlias(a.Value, nil)
				}
			}
		case "unset":
			if len(args) > 0 && args[0].Value == "-f" {
				for _, a := range args[1:] {
					c.sc.defineFunc(a.Value, nil)
				}
			}
		}
	}
	for _, a := range info.assigns {
		w.envAssign(c, idx, a)
	}
	switch name {
	case "eval":
		w.eval(c, idx)
	case "source", ".":
		w.source(c, idx)
	case "trap":
		w.trap(c, idx)
	}
	if lang, ok := shells[name]; ok {
		w.shell(c, idx, lang)
	} else if otherShells[name] {
		w.otherShell(c, idx)
	} else {
		w.unwrap(c, idx, name)
	}
	w.codeTexts(c, idx)
	if !e.Remote {
		w.writes(c, idx)
	}
}

// plainLit reports whether a command word is an unquoted literal, the only
// kind bash alias-expands.
func plainLit(x xword) bool {
	if x.sw == nil || len(x.sw.Parts) != 1 {
		return false
	}
	l, ok := x.sw.Parts[0].(*syntax.Lit)
	return ok && !strings.Contains(l.Value, "\\")
}

func (w *walker) chdir(c ctx, name string, args []xword) {
	var ops []xword
	for i, a := range args {
		if a.Value == "--" {
			ops = append(ops, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a.Value, "-") && len(a.Value) > 1 && a.Known {
			continue
		}
		ops = append(ops, a)
	}
	switch {
	case name == "popd", len(ops) == 0, !ops[0].Known, ops[0].Value == "-",
		name == "pushd" && (strings.HasPrefix(ops[0].Value, "+") || strings.HasPrefix(ops[0].Value, "-")):
		raw := "$PWD"
		if len(ops) > 0 {
			raw = ops[0].Value
		}
		c.sc.chdir("", false, raw)
	default:
		c.sc.chdir(ops[0].Value, true, "")
	}
}

// nest describes shell text to walk as a nested shell.
type nest struct {
	t      *text
	share  bool // the same shell (eval, source): variables and functions carry over
	wargs  []xword
	stdin  *input
	lang   syntax.LangVariant
	remote bool
	name   string // the wrapper name when not the Exec's name
}

const maxUnknownText = 256

func clip(s string) string {
	if len(s) <= maxUnknownText {
		return s
	}
	return s[:maxUnknownText] + "…"
}

// nested parses and walks shell text run by Exec idx, one level deeper.
func (w *walker) nested(c ctx, idx int, n nest) {
	if w.stopped {
		return
	}
	p := w.plan.Execs[idx]
	whole := w.span(n.t, 0, len(n.t.src))
	if p.Depth+1 > w.opts.MaxDepth {
		w.unknown(UnknownLimit, clip(n.t.src), fmt.Sprintf("shell text nested more than %d levels deep; not analysed", w.opts.MaxDepth), idx, whole)
		return
	}
	if len(n.t.src) > w.opts.MaxBytes {
		w.unknown(UnknownLimit, clip(n.t.src), fmt.Sprintf("shell text is larger than %d bytes; not analysed", w.opts.MaxBytes), idx, whole)
		return
	}
	if !w.charge(whole, len(n.t.src)/nestedBytesPerNode) {
		return
	}
	w.noteText(n.t.src)
	if n.lang == 0 {
		n.lang = syntax.LangBash
	}
	f, err := parseShell(n.t.src, n.lang)
	if err != nil {
		_, msg := syntaxErr(err)
		w.unknown(UnknownShellText, clip(n.t.src), "shell text does not parse: "+msg, idx, whole)
		if n.share {
			c.sc.invalidateAll()
		}
		return
	}
	name := p.Name
	if n.name != "" {
		name = n.name
	}
	c2 := ctx{
		t:        n.t,
		depth:    p.Depth + 1,
		wrappers: append(slices.Clone(p.Wrappers), Wrapper{Name: name, Args: plain(n.wargs), Span: p.Span}),
		remote:   p.Remote || n.remote,
		stdin:    n.stdin,
		redirs:   slices.Clone(p.Redirects),
		noAlias:  c.noAlias,
	}
	if n.share {
		c2.sc = c.sc
	} else {
		c2.sc = c.sc.process()
	}
	w.walkStmts(c2, f.Stmts)
}

// joinedText is the text of words joined with spaces (eval, ssh, watch),
// mapped exactly when the words stand that way in the source.
func (w *walker) joinedText(t *text, ws []xword) (*text, bool) {
	vals := make([]string, len(ws))
	for i, x := range ws {
		if !x.Known {
			return nil, false
		}
		vals[i] = x.Value
	}
	if len(ws) == 1 {
		return w.textOf(t, ws[0]), true
	}
	s := strings.Join(vals, " ")
	first, last := ws[0], ws[len(ws)-1]
	if first.sw != nil && last.sw != nil {
		a, b := off(first.sw.Pos()), off(last.sw.End())
		if raw(t, a, b) == s {
			return t.sub(a, s), true
		}
	}
	return &text{src: s, base: -1, span: spanOf(ws)}, true
}

func spanOf(ws []xword) Span {
	return Span{Start: ws[0].Span.Start, End: ws[len(ws)-1].Span.End}
}

func rawOf(ws []xword) string {
	parts := make([]string, len(ws))
	for i, x := range ws {
		parts[i] = x.Raw
	}
	return strings.Join(parts, " ")
}

func (w *walker) eval(c ctx, idx int) {
	info := w.info[idx]
	args := info.words[1:]
	if len(args) > 0 && args[0].Value == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return
	}
	t, ok := w.joinedText(info.t, args)
	if !ok {
		w.unknown(UnknownShellText, rawOf(args), "eval runs text built at run time", idx, spanOf(args))
		if info.direct {
			c.sc.invalidateAll()
		}
		return
	}
	w.nested(c, idx, nest{t: t, share: info.direct, stdin: info.stdin})
}

// readFile reads a file named by a word through Options.ReadFile.
// limit is set when it is over MaxBytes.
func (w *walker) readFile(c ctx, f xword) (content string, limit bool, reason string) {
	if !f.Known && f.Tilde && !f.Glob && strings.HasPrefix(f.Value, "~/") && !strings.ContainsAny(f.Value, "$`") {
		// source ~/.bashrc: the tilde is $HOME, when that is known.
		if home, ok := c.sc.get("HOME"); ok && path.IsAbs(home) {
			f.Value, f.Known = path.Join(home, f.Value[2:]), true
		}
	}
	if !f.Known {
		return "", false, "the file name is built at run time"
	}
	if w.opts.ReadFile == nil {
		return "", false, "files are not read (no ReadFile)"
	}
	p := f.Value
	if !path.IsAbs(p) {
		cwd, ok := c.sc.cwd()
		if !ok {
			return "", false, "the working directory is not known here"
		}
		p = joinRel(cwd, p)
		if w.opts.Dir != "" {
			p = path.Join(w.opts.Dir, p)
		}
	}
	if strings.HasPrefix(p, "/dev/") || strings.HasPrefix(p, "/proc/") {
		// Reading these could block or consume rrsh's own input.
		return "", false, p + " is a device or process file; not read"
	}
	data, err := w.opts.ReadFile(p)
	if err != nil {
		return "", false, fmt.Sprintf("cannot read %s: %v", p, err)
	}
	if len(data) > w.opts.MaxBytes {
		return "", true, fmt.Sprintf("%s is larger than %d bytes; not analysed", p, w.opts.MaxBytes)
	}
	return string(data), false, ""
}

func (w *walker) source(c ctx, idx int) {
	info := w.info[idx]
	args := info.words[1:]
	if len(args) > 0 && args[0].Value == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return
	}
	w.runFile(c, idx, args[0], info.direct, UnknownSource)
}

// runFile walks a shell script file (source FILE, bash FILE). A file that
// cannot be read is UnknownSource; a file whose name is built at run time
// (source $F, bash <(curl …)) is UnknownShellText.
func (w *walker) runFile(c ctx, idx int, f xword, share bool, kind UnknownKind) {
	if f.Known && isStdinPath(f.Value) {
		w.stdinShell(c, idx, []xword{f}, syntax.LangBash, share)
		return
	}
	content, limit, reason := w.readFile(c, f)
	if reason != "" {
		k := kind
		switch {
		case limit:
			k = UnknownLimit
		case !f.Known:
			k = UnknownShellText
		}
		w.unknown(k, f.Raw, reason, idx, f.Span)
		if share {
			c.sc.invalidateAll()
		}
		return
	}
	e := w.plan.Execs[idx]
	w.nested(c, idx, nest{t: &text{src: content, base: -1, span: e.Span}, share: share, stdin: w.info[idx].stdin, wargs: []xword{f}})
}

func (w *walker) trap(c ctx, idx int) {
	args := w.info[idx].words[1:]
	if len(args) > 0 && args[0].Value == "--" {
		args = args[1:]
	}
	if len(args) < 2 || strings.HasPrefix(args[0].Value, "-") && args[0].Known {
		return
	}
	act := args[0]
	if act.Known && act.Value == "" {
		return
	}
	if !act.Known {
		w.unknown(UnknownShellText, act.Raw, "trap action is built at run time", idx, act.Span)
		return
	}
	w.cond(c, func(c ctx) {
		w.nested(c, idx, nest{t: w.textOf(w.info[idx].t, act), share: true, wargs: args[1:]})
	})
}

func (w *walker) expandAlias(c ctx, idx int, val string) {
	info := w.info[idx]
	args := info.words[1:]
	src := val
	if len(args) > 0 && args[0].sw != nil && args[len(args)-1].sw != nil {
		src += " " + raw(info.t, off(args[0].sw.Pos()), off(args[len(args)-1].sw.End()))
	} else if len(args) > 0 {
		src += " " + rawOf(args)
	}
	c2 := c
	c2.noAlias = append(slices.Clone(c.noAlias), w.plan.Execs[idx].Name)
	w.nested(c2, idx, nest{t: &text{src: src, base: -1, span: w.plan.Execs[idx].Span}, share: true, stdin: info.stdin, name: "alias"})
}

// shellOpts parses a shell's options: -c, -s, clusters, -o/+o NAME,
// -O/+O NAME, --rcfile FILE. It returns the index of the first operand.
func shellOpts(args []xword) (cflag, sflag bool, i int) {
	for i < len(args) {
		a := args[i]
		v := a.Value
		if !a.Known && !looksLiteralDash(a) {
			return
		}
		if v == "--" || v == "-" {
			return cflag, sflag, i + 1
		}
		if strings.HasPrefix(v, "--") {
			if v == "--rcfile" || v == "--init-file" {
				i++
			}
			i++
			continue
		}
		if len(v) > 1 && (v[0] == '-' || v[0] == '+') {
			for _, ch := range v[1:] {
				switch ch {
				case 'c':
					cflag = cflag || v[0] == '-'
				case 's':
					sflag = sflag || v[0] == '-'
				case 'o', 'O':
					i++
				}
			}
			i++
			continue
		}
		return
	}
	return
}

// shell handles bash/sh/zsh/… : -c STRING, a script FILE, or commands on
// standard input.
func (w *walker) shell(c ctx, idx int, lang syntax.LangVariant) {
	info := w.info[idx]
	args := info.words[1:]
	cflag, sflag, i := shellOpts(args)
	for _, a := range args[:min(i, len(args))] {
		if v := a.Value; a.Known && (v == "--version" || v == "--help") {
			return
		}
	}
	switch {
	case cflag:
		if i >= len(args) {
			return
		}
		s := args[i]
		if !s.Known {
			w.unknown(UnknownShellText, s.Raw, "shell runs text built at run time", idx, s.Span)
			return
		}
		w.nested(c, idx, nest{t: w.textOf(info.t, s), wargs: args[:i], stdin: info.stdin, lang: lang})
	case !sflag && i < len(args):
		w.runFile(c, idx, args[i], false, UnknownSource)
	default:
		w.stdinShell(c, idx, args[:min(i, len(args))], lang, false)
	}
}

func (w *walker) otherShell(c ctx, idx int) {
	e := w.plan.Execs[idx]
	args := w.info[idx].words[1:]
	for _, a := range args {
		if a.Known && (a.Value == "--version" || a.Value == "--help") {
			return
		}
	}
	w.unknown(UnknownShellText, e.Name, e.Name+" runs shell text in a language rrsh does not parse", idx, e.Span)
}

// stdinShell handles a shell that reads its commands from standard input.
func (w *walker) stdinShell(c ctx, idx int, wargs []xword, lang syntax.LangVariant, share bool) {
	info := w.info[idx]
	e := w.plan.Execs[idx]
	in := info.stdin
	switch {
	case in == nil:
		w.unknown(UnknownShellText, "", "shell reads commands from standard input, which is not known statically", idx, e.Span)
	case in.limit:
		w.unknown(UnknownLimit, "", "shell reads commands from input larger than the limit", idx, in.span)
	case in.kind == "file":
		if in.file == nil {
			w.unknown(UnknownShellText, "", "shell reads commands from a file descriptor", idx, in.span)
			return
		}
		if in.file.Known && in.file.Value == "/dev/null" {
			return
		}
		content, limit, reason := w.readFile(c, *in.file)
		if reason != "" {
			k := UnknownShellText
			if limit {
				k = UnknownLimit
			}
			w.unknown(k, in.file.Raw, "shell reads commands from a file: "+reason, idx, in.span)
			return
		}
		w.nested(c, idx, nest{t: &text{src: content, base: -1, span: in.span}, wargs: wargs, lang: lang, share: share})
	case !in.known:
		w.unknown(UnknownShellText, clip(in.text), "shell reads commands from "+in.kind+" text that is not known statically", idx, in.span)
	default:
		w.nested(c, idx, nest{t: in.t, wargs: wargs, lang: lang, share: share})
	}
}

// isStdinPath reports whether a file name is the process's standard input.
func isStdinPath(p string) bool {
	return p == "/dev/stdin" || p == "/dev/fd/0" || p == "/proc/self/fd/0"
}

// pipeOutput describes what a pipeline stage writes to the next one: known
// for a literal echo, printf or cat.
func (w *walker) pipeOutput(c ctx, st *syntax.Stmt, main int) *input {
	sp := w.nodeSpan(c.t, st)
	unknown := &input{kind: "pipe", span: sp, text: ""}
	if main < 0 {
		return unknown
	}
	if _, ok := st.Cmd.(*syntax.CallExpr); !ok {
		return unknown
	}
	e := w.plan.Execs[main]
	info := w.info[main]
	if !e.NameKnown || info.shadowed || e.Function {
		// A function or alias of that name prints what it likes.
		return unknown
	}
	args := info.words[1:]
	var out string
	var t *text
	switch e.Name {
	case "echo":
		nl, esc := true, false
		for len(args) > 0 && args[0].Known && isEchoOpt(args[0].Value) {
			nl = nl && !strings.Contains(args[0].Value, "n")
			esc = esc || strings.Contains(args[0].Value, "e")
			args = args[1:]
		}
		vals := make([]string, len(args))
		for i, a := range args {
			if !a.Known || esc && strings.Contains(a.Value, "\\") {
				return unknown
			}
			vals[i] = a.Value
		}
		out = strings.Join(vals, " ")
		if len(args) > 0 {
			t, _ = w.joinedText(info.t, args)
		}
		if nl {
			out += "\n"
		}
	case "printf":
		vals := make([]string, len(args))
		for i, a := range args {
			if !a.Known {
				return unknown
			}
			vals[i] = a.Value
		}
		s, ok := printfOutput(vals)
		if !ok {
			return unknown
		}
		out = s
	case "base64":
		// base64 -d (GNU, BSD -D) of known input: exactly what it decodes.
		// Newlines in the input are ignored, as GNU base64 does; anything
		// that does not decode cleanly is not guessed at.
		if !pathUnchanged(c) || len(args) != 1 || !args[0].Known ||
			args[0].Value != "-d" && args[0].Value != "--decode" && args[0].Value != "-D" {
			return unknown
		}
		in := info.stdin
		if in == nil || !in.known || in.limit {
			return unknown
		}
		dec, err := base64.StdEncoding.Strict().DecodeString(strings.ReplaceAll(in.text, "\n", ""))
		if err != nil {
			return unknown
		}
		out = string(dec)
	case "cat":
		if !pathUnchanged(c) {
			return unknown
		}
		if len(args) == 0 || len(args) == 1 && args[0].Known && args[0].Value == "-" {
			in := info.stdin
			if in == nil || !in.known || in.limit {
				return unknown
			}
			out, t = in.text, in.t
			break
		}
		var b strings.Builder
		for _, a := range args {
			if !a.Known || strings.HasPrefix(a.Value, "-") {
				return unknown
			}
			content, _, reason := w.readFile(c, a)
			if reason != "" {
				return unknown
			}
			b.WriteString(content)
		}
		out = b.String()
	default:
		return unknown
	}
	if t == nil {
		t = &text{src: out, base: -1, span: e.Span}
	} else {
		t2 := *t
		t2.src = out
		t = &t2
	}
	return &input{kind: "pipe", known: true, text: out, t: t, span: sp}
}

// pathUnchanged reports whether the script has left PATH alone, so that a
// program (not a builtin) of a well-known name is the system's.
func pathUnchanged(c ctx) bool {
	_, set := c.sc.lookup("PATH")
	return !set
}

func isEchoOpt(v string) bool {
	if len(v) < 2 || v[0] != '-' {
		return false
	}
	return strings.Trim(v[1:], "neE") == ""
}

// printfOutput runs printf for formats made of %s, %b, %% and simple
// escapes; anything else is not known.
func printfOutput(args []string) (string, bool) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-v") {
		return "", false
	}
	format, args := args[0], args[1:]
	var b strings.Builder
	for {
		used := 0
		for i := 0; i < len(format); i++ {
			ch := format[i]
			switch {
			case ch == '\\' && i+1 < len(format):
				i++
				switch format[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case '\\', '"', '\'':
					b.WriteByte(format[i])
				default:
					return "", false
				}
			case ch == '%' && i+1 < len(format):
				i++
				switch format[i] {
				case '%':
					b.WriteByte('%')
				case 's', 'b':
					if used < len(args) {
						if format[i] == 'b' && strings.Contains(args[used], "\\") {
							return "", false
						}
						b.WriteString(args[used])
					}
					used++
				default:
					return "", false
				}
			case ch == '%' || ch == '\\':
				return "", false
			default:
				b.WriteByte(ch)
			}
		}
		if used == 0 || used >= len(args) {
			break
		}
		args = args[used:]
	}
	return b.String(), true
}

// envShellVars are environment variables whose value programs run as a
// shell command (git, less, man, editors, ssh askpass helpers).
var envShellVars = map[string]bool{
	"GIT_SSH_COMMAND": true, "GIT_EDITOR": true, "GIT_SEQUENCE_EDITOR": true, "GIT_PAGER": true,
	"GIT_EXTERNAL_DIFF": true, "GIT_ASKPASS": true, "SSH_ASKPASS": true, "SUDO_ASKPASS": true,
	"PAGER": true, "MANPAGER": true, "EDITOR": true, "VISUAL": true, "LESSOPEN": true,
	"LESSCLOSE": true, "PROMPT_COMMAND": true, "BROWSER": true,
}

// envAssign looks at an environment assignment given to a command: values
// that programs run as shell text, BASH_ENV and ENV (files a shell
// sources), and BASH_FUNC_name%% (a function bash imports).
func (w *walker) envAssign(c ctx, idx int, a assignWord) {
	switch {
	case envShellVars[a.name]:
		if a.val.Known && a.val.Value == "" {
			return
		}
		if !a.val.Known {
			w.unknown(UnknownShellText, a.val.Raw, a.name+" holds a command built at run time", idx, a.val.Span)
			return
		}
		w.nested(c, idx, nest{t: w.textOf(w.info[idx].t, a.val), name: a.name})
	case a.name == "PS4":
		// A child bash -x expands it (when not running as root).
		if promptRuns(a.val.Value, a.val.Known) {
			w.unknown(UnknownShellText, a.val.Raw, "PS4 is expanded, command substitutions included, each time set -x traces a command", idx, a.val.Span)
		}
	case a.name == "BASH_ENV" || a.name == "ENV":
		if a.val.Known && a.val.Value == "" {
			return
		}
		w.runFile(c, idx, a.val, false, UnknownSource)
	case strings.HasPrefix(a.name, "BASH_FUNC_"):
		fn := strings.TrimSuffix(strings.TrimPrefix(a.name, "BASH_FUNC_"), "%%")
		if !a.val.Known || !validName(fn) {
			w.unknown(UnknownShellText, a.val.Raw, "the environment defines a shell function", idx, a.val.Span)
			return
		}
		w.nested(c, idx, nest{t: &text{src: fn + " " + a.val.Value, base: -1, span: a.val.Span}, name: a.name})
	}
}
