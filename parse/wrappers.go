package parse

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wrapSpec describes a wrapper that runs the command given after its own
// options.
type wrapSpec struct {
	opts optSpec
	// skip is the number of operands before the command (timeout's
	// DURATION, chrt's PRIORITY, taskset's MASK, chroot's NEWROOT).
	skip int
	// assigns accepts NAME=value words before the command (sudo).
	assigns bool
	// noRun lists options after which no command runs (command -v).
	noRun []string
	// builtin is set for shell builtins (command, builtin, exec): the
	// command runs in the current shell, but never as a function.
	builtin bool
	// dir lists options whose value is the command's working directory.
	dir []string
}

var wrapSpecs = map[string]*wrapSpec{
	"sudo": {
		opts: optSpec{short: "ughpCDrtUTR", long: []string{"user", "group", "host", "prompt", "close-from",
			"chdir", "role", "type", "other-user", "command-timeout", "chroot"}},
		assigns: true,
		noRun:   []string{"l", "list", "v", "validate", "V", "version", "K", "remove-timestamp", "e", "edit", "help"},
		dir:     []string{"D", "chdir"},
	},
	"doas":        {opts: optSpec{short: "uC"}, noRun: []string{"C"}},
	"command":     {noRun: []string{"v", "V"}, builtin: true},
	"builtin":     {builtin: true},
	"exec":        {opts: optSpec{short: "a"}, builtin: true},
	"nice":        {opts: optSpec{short: "n", long: []string{"adjustment"}, numeric: true}},
	"ionice":      {opts: optSpec{short: "cnpPu", long: []string{"class", "classdata", "pid", "pgid", "uid"}}, noRun: []string{"p", "P", "u", "pid", "pgid", "uid"}},
	"nohup":       {},
	"setsid":      {},
	"timeout":     {opts: optSpec{short: "sk", long: []string{"signal", "kill-after"}}, skip: 1},
	"time":        {opts: optSpec{short: "fo", long: []string{"format", "output"}}},
	"stdbuf":      {opts: optSpec{short: "ioe", long: []string{"input", "output", "error"}}},
	"chrt":        {opts: optSpec{short: "TPD", long: []string{"sched-runtime", "sched-period", "sched-deadline"}}, skip: 1, noRun: []string{"p", "pid", "m", "max"}},
	"taskset":     {skip: 1, noRun: []string{"p", "pid"}},
	"busybox":     {},
	"pkexec":      {opts: optSpec{long: []string{"user"}}},
	"chroot":      {opts: optSpec{long: []string{"userspec", "groups"}}, skip: 1},
	"strace":      {opts: optSpec{short: "abeEIoOpPsSuUX"}},
	"ltrace":      {opts: optSpec{short: "aAbDeEFlnopsSuwX"}},
	"unshare":     {opts: optSpec{short: "SGRw", long: []string{"setuid", "setgid", "root", "wd"}}, dir: []string{"w", "wd"}},
	"valgrind":    {},
	"caffeinate":  {opts: optSpec{short: "tw"}},
	"catchsegv":   {},
	"proxychains": {opts: optSpec{short: "f"}},
	"torsocks":    {},
	"firejail":    {},
	"toybox":      {},
	"nsenter": {opts: optSpec{short: "tSG", shortOpt: "muinpUCTrw", long: []string{"target", "setuid", "setgid"},
		longOpt: []string{"mount", "uts", "ipc", "net", "pid", "user", "cgroup", "time", "root", "wd"}}},
	"run0": {opts: optSpec{short: "ugD", long: []string{"user", "group", "chdir", "nice", "setenv", "property",
		"slice", "unit", "description", "machine", "background", "pty"}}, dir: []string{"D", "chdir"}},
	"systemd-run": {opts: optSpec{short: "upEHM", long: []string{"unit", "property", "setenv", "host", "machine",
		"description", "slice", "uid", "gid", "nice", "working-directory", "on-active", "on-boot", "on-startup",
		"on-unit-active", "on-unit-inactive", "on-calendar", "timer-property", "path-property",
		"socket-property", "service-type", "wait-time"}}, noRun: []string{"S", "shell", "help", "version"},
		dir: []string{"working-directory"}},
}

// unwrap sees through wrappers: the wrapped command becomes another Exec
// with the wrapper in its chain.
func (w *walker) unwrap(c ctx, idx int, name string) {
	if spec, ok := wrapSpecs[name]; ok {
		w.unwrapSpec(c, idx, spec)
		return
	}
	switch name {
	case "env":
		w.unwrapEnv(c, idx)
	case "xargs":
		w.unwrapXargs(c, idx)
	case "find":
		w.unwrapFind(c, idx)
	case "parallel":
		w.unwrapParallel(c, idx)
	case "npx", "bunx", "pnpx", "pnpm", "npm", "yarn", "bun", "uv", "uvx", "poetry", "pipx", "bundle", "direnv", "mise", "rtx":
		w.unwrapPkg(c, idx, name)
	case "ssh":
		w.unwrapSSH(c, idx)
	case "docker", "podman", "docker-compose", "podman-compose", "nerdctl":
		w.unwrapContainer(c, idx, name)
	case "kubectl", "oc":
		w.unwrapKubectl(c, idx)
	case "watch":
		w.unwrapWatch(c, idx)
	case "su", "runuser", "script", "nix-shell", "flock", "rsync", "nodemon":
		w.unwrapShellOpt(c, idx, name)
	case "tar", "gtar", "bsdtar":
		w.tarCommands(c, idx)
	case "vim", "vi", "nvim", "ex", "view", "vimdiff", "gvim":
		w.vimCommands(c, idx)
	case "git":
		w.gitConfigShell(c, idx)
	case "fd", "fdfind":
		w.unwrapFd(c, idx)
	case "at", "batch":
		w.unwrapAt(c, idx)
	}
}

// unwrapFd handles fd -x/--exec/-X/--exec-batch: every following word up
// to ";" is the command, run with the found paths.
func (w *walker) unwrapFd(c ctx, idx int) {
	args := w.info[idx].words[1:]
	for i, a := range args {
		switch a.Value {
		case "-x", "--exec", "-X", "--exec-batch":
		default:
			continue
		}
		j := i + 1
		for j < len(args) && !(args[j].Known && args[j].Value == ";") {
			j++
		}
		words := slices.Clone(args[i+1 : j])
		for k := range words {
			if isPlaceholder(words[k].Value) {
				words[k] = unknownWord(words[k])
			}
		}
		if n := w.inner(c, idx, innerOpts{words: words, wargs: args[:i+1]}); n >= 0 {
			w.unknown(UnknownArgs, "", "fd runs the command with the paths it finds", n, w.plan.Execs[n].Span)
		}
		return
	}
}

// unwrapAt handles at and batch, which run shell text from standard input
// or -f FILE later.
func (w *walker) unwrapAt(c ctx, idx int) {
	args := w.info[idx].words[1:]
	hits, _ := scanOpts(args, &optSpec{short: "qft", permute: true})
	if has(hits, "l", "r", "d", "c", "V") {
		return
	}
	if f := values(hits, "f"); len(f) > 0 {
		w.runFile(c, idx, f[len(f)-1], false, UnknownSource)
		return
	}
	w.stdinShell(c, idx, args, syntax.LangBash, false)
}

// innerOpts describes a wrapped command.
type innerOpts struct {
	words   []xword // argv of the wrapped command
	wargs   []xword // the wrapper's own arguments before it
	assigns []xword // NAME=value words (env, sudo)
	builtin bool    // the wrapper is a shell builtin (command, builtin, exec)
	remote  bool
	dir     *xword // working directory set by the wrapper (env -C)
}

// inner adds the command a wrapper runs as its own Exec and analyses it.
func (w *walker) inner(c ctx, idx int, o innerOpts) int {
	if len(o.words) == 0 || w.stopped {
		return -1
	}
	p := w.plan.Execs[idx]
	pi := w.info[idx]
	sp := Span{Start: o.words[0].Span.Start, End: p.Span.End}
	if sp.End.Offset < sp.Start.Offset {
		sp.End = sp.Start
	}
	var assigns []string
	var awords []assignWord
	for _, a := range o.assigns {
		assigns = append(assigns, a.Value)
		name, val, _ := strings.Cut(a.Value, "=")
		awords = append(awords, assignWord{name: name, val: attached(a, val)})
	}
	e := Exec{
		Assigns:   assigns,
		Redirects: slices.Clone(p.Redirects),
		Stdin:     p.Stdin,
		Wrappers:  append(slices.Clone(p.Wrappers), Wrapper{Name: p.Name, Args: plain(o.wargs), Span: p.Span}),
		Remote:    p.Remote || o.remote,
		Depth:     p.Depth,
		Span:      sp,
	}
	c2 := c
	c2.remote = e.Remote
	if o.dir != nil {
		child := c.sc.child()
		child.chdir(o.dir.Value, o.dir.Known, o.dir.Value)
		child.cdSucceeded()
		c2.sc = child
		defer c.sc.mergeDiscard(child)
	}
	return w.addExec(c2, e, execInfo{words: o.words, stdin: pi.stdin, direct: o.builtin && pi.direct, noFunc: true, t: pi.t, assigns: awords})
}

// isAssignWord reports whether env or sudo takes a word as NAME=value:
// any word with a "=" after its first byte.
func isAssignWord(a xword) bool {
	return strings.IndexByte(a.Value, '=') > 0 && !strings.HasPrefix(a.Raw, "$")
}

func (w *walker) unwrapSpec(c ctx, idx int, spec *wrapSpec) {
	args := w.info[idx].words[1:]
	hits, ops := scanOpts(args, &spec.opts)
	if has(hits, spec.noRun...) {
		return
	}
	k := firstOp(args, ops)
	var assigns []xword
	if spec.assigns {
		for k < len(args) && isAssignWord(args[k]) {
			assigns = append(assigns, args[k])
			k++
		}
	}
	k += spec.skip
	for i, a := range args[:min(k, len(args))] {
		if a.Known && strings.HasPrefix(a.Value, "-") && !strings.HasPrefix(a.Value, "--") && len(a.Value) > 1 &&
			!spec.opts.single && !validCluster(a.Value, &spec.opts) {
			// sudo -0/rm …: no option the wrapper accepts. Whether it
			// refuses or runs something else is not known; what it would
			// run if that word were the command is still looked at.
			w.unknown(UnknownName, a.Raw, w.plan.Execs[idx].Name+" gets an option it does not accept; what it runs is not known", idx, a.Span)
			k = i
			break
		}
	}
	if k >= len(args) {
		return
	}
	o := innerOpts{words: args[k:], wargs: args[:k], assigns: assigns, builtin: spec.builtin}
	if d := values(hits, spec.dir...); len(d) > 0 {
		o.dir = &d[len(d)-1]
	}
	w.inner(c, idx, o)
}

// synth makes a word that does not appear in the source.
func synth(v string, sp Span) xword {
	return xword{Word: Word{Value: v, Known: true, Span: sp}}
}

func unknownWord(x xword) xword {
	x.Known = false
	return x
}

func (w *walker) unwrapEnv(c ctx, idx int) {
	args := w.info[idx].words[1:]
	spec := optSpec{short: "uCSP", long: []string{"unset", "chdir", "split-string"}, dashIsOpt: true}
	hits, ops := scanOpts(args, &spec)
	for _, h := range hits {
		if h.name == "list-signal-handling" || h.name == "help" || h.name == "version" {
			return
		}
	}
	k := firstOp(args, ops)
	var words []xword
	for _, h := range hits {
		if (h.name == "S" || h.name == "split-string") && h.val != nil {
			words = append(words, splitEnvS(*h.val)...)
		}
	}
	words = append(words, args[k:]...)
	var assigns []xword
	j := 0
	for j < len(words) && isAssignWord(words[j]) {
		assigns = append(assigns, words[j])
		j++
	}
	if j >= len(words) {
		return
	}
	o := innerOpts{words: words[j:], wargs: args[:k], assigns: assigns}
	if d := values(hits, "C", "chdir"); len(d) > 0 {
		o.dir = &d[len(d)-1]
	}
	w.inner(c, idx, o)
}

// splitEnvS splits env -S STRING into words. Strings with escapes or
// variable references are one unknown word.
func splitEnvS(x xword) []xword {
	if !x.Known || strings.ContainsAny(x.Value, "\\$#") {
		return []xword{unknownWord(x)}
	}
	var out []xword
	var cur strings.Builder
	in := false
	var q byte
	for i := 0; i <= len(x.Value); i++ {
		if i == len(x.Value) {
			if q != 0 {
				return []xword{unknownWord(x)}
			}
			if in {
				out = append(out, xword{Word: Word{Value: cur.String(), Known: true, Raw: x.Raw, Span: x.Span}})
			}
			break
		}
		ch := x.Value[i]
		switch {
		case q != 0 && ch == q:
			q = 0
		case q != 0:
			cur.WriteByte(ch)
		case ch == '\'' || ch == '"':
			q, in = ch, true
		case ch == ' ' || ch == '\t' || ch == '\n':
			if in {
				out = append(out, xword{Word: Word{Value: cur.String(), Known: true, Raw: x.Raw, Span: x.Span}})
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	return out
}

func (w *walker) unwrapXargs(c ctx, idx int) {
	e := w.plan.Execs[idx]
	args := w.info[idx].words[1:]
	spec := optSpec{
		short:    "IadELnPs",
		shortOpt: "iel",
		long:     []string{"arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"},
		longOpt:  []string{"replace", "eof", "max-lines"},
	}
	hits, ops := scanOpts(args, &spec)
	if has(hits, "help", "version", "show-limits") {
		return
	}
	repl := ""
	for _, h := range hits {
		switch h.name {
		case "I":
			if h.val != nil {
				repl = h.val.Value
			}
		case "i", "replace":
			repl = "{}"
			if h.val != nil && h.val.Value != "" {
				repl = h.val.Value
			}
		}
	}
	k := firstOp(args, ops)
	var words []xword
	if k >= len(args) {
		words = []xword{synth("echo", e.Span)}
	} else {
		words = slices.Clone(args[k:])
	}
	if repl != "" {
		for i := range words {
			if strings.Contains(words[i].Value, repl) {
				words[i] = unknownWord(words[i])
			}
		}
	}
	j := w.inner(c, idx, innerOpts{words: words, wargs: args[:k]})
	if j >= 0 {
		w.unknown(UnknownArgs, "", "xargs adds arguments read from its standard input", j, w.plan.Execs[j].Span)
	}
}

// findValueTests are find primaries that take one argument.
var findValueTests = map[string]bool{
	"-name": true, "-iname": true, "-path": true, "-ipath": true, "-regex": true, "-iregex": true,
	"-wholename": true, "-iwholename": true, "-type": true, "-xtype": true, "-user": true,
	"-group": true, "-perm": true, "-size": true, "-mtime": true, "-mmin": true, "-atime": true,
	"-amin": true, "-ctime": true, "-cmin": true, "-newer": true, "-anewer": true, "-cnewer": true,
	"-maxdepth": true, "-mindepth": true, "-samefile": true, "-links": true, "-inum": true,
	"-uid": true, "-gid": true, "-used": true, "-fstype": true, "-lname": true, "-ilname": true,
	"-printf": true, "-context": true, "-files0-from": true, "-regextype": true, "-newermt": true,
}

func (w *walker) unwrapFind(c ctx, idx int) {
	e := w.plan.Execs[idx]
	args := w.info[idx].words[1:]
	i := 0
	for i < len(args) {
		v := args[i].Value
		if v == "-H" || v == "-L" || v == "-P" || strings.HasPrefix(v, "-O") {
			i++
			continue
		}
		if v == "-D" {
			i += 2
			continue
		}
		break
	}
	start := i
	for i < len(args) {
		v := args[i].Value
		if len(v) > 1 && v[0] == '-' || v == "(" || v == "!" || v == ")" || v == "," {
			break
		}
		i++
	}
	paths := args[start:min(i, len(args))]
	deletes := false
	for i < len(args) {
		a := args[i]
		v := a.Value
		switch {
		case v == "-exec" || v == "-execdir" || v == "-ok" || v == "-okdir":
			j := i + 1
			for j < len(args) {
				b := args[j]
				if b.Known && (b.Value == ";" || b.Value == "+" && j > i+1 && args[j-1].Value == "{}") {
					break
				}
				j++
			}
			words := slices.Clone(args[i+1 : j])
			for k := range words {
				if strings.Contains(words[k].Value, "{}") {
					words[k] = unknownWord(words[k])
				}
			}
			j2 := w.inner(c, idx, innerOpts{words: words, wargs: args[:i+1]})
			if j2 >= 0 && j < len(args) && args[j].Value == "+" {
				w.unknown(UnknownArgs, "{}", "find puts the paths it finds in place of {}", j2, w.plan.Execs[j2].Span)
			}
			i = j + 1
			continue
		case v == "-delete":
			deletes = true
		case v == "-fprint" || v == "-fprint0" || v == "-fls" || v == "-fprintf":
			if i+1 < len(args) {
				w.addWrite(c, idx, args[i+1], WriteRedirect, false)
			}
			if v == "-fprintf" {
				i++
			}
			i += 2
			continue
		case findValueTests[v] || strings.HasPrefix(v, "-newer"):
			i += 2
			continue
		}
		i++
	}
	if deletes {
		w.plan.Execs[idx].Deletes = true
		if len(paths) == 0 {
			paths = []xword{synth(".", e.Span)}
		}
		for _, p := range paths {
			w.addWrite(c, idx, p, WriteDelete, true)
		}
	}
}

// isPlaceholder reports whether a word holds a GNU parallel replacement
// string ({}, {.}, {/}, {//}, {/.}, {#}, {%}, {1}, …).
func isPlaceholder(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(v) && strings.IndexByte("0123456789./#%", v[j]) >= 0 {
			j++
		}
		if j < len(v) && v[j] == '}' {
			return true
		}
	}
	return false
}

var parallelSeps = []string{":::", "::::", ":::+", "::::+"}

func (w *walker) unwrapParallel(c ctx, idx int) {
	info := w.info[idx]
	args := info.words[1:]
	spec := optSpec{short: "jSadEILnNPsC", long: []string{"jobs", "sshlogin", "sshloginfile", "slf", "arg-file",
		"delimiter", "max-lines", "max-args", "max-chars", "colsep", "tmpdir", "results", "res", "joblog",
		"workdir", "wd", "env", "timeout", "delay", "memfree", "load", "retries", "halt", "tagstring",
		"tag-string", "basefile", "bf", "return", "transferfile", "tf", "sshdelay", "termseq", "shebang-wrap"}}
	hits, ops := scanOpts(args, &spec)
	if has(hits, "help", "version", "citation") {
		return
	}
	k := firstOp(args, ops)
	rest := args[k:]
	sep := len(rest)
	for i, a := range rest {
		if a.Known && slices.Contains(parallelSeps, a.Value) {
			sep = i
			break
		}
	}
	cmd := rest[:sep]
	if len(cmd) == 0 {
		if sep < len(rest) && rest[sep].Value == ":::" {
			for _, a := range rest[sep+1:] {
				if a.Known && slices.Contains(parallelSeps, a.Value) {
					break
				}
				w.shellText(c, idx, a, args[:k], false)
			}
			return
		}
		w.unknown(UnknownShellText, "", "parallel runs commands read from its input", idx, w.plan.Execs[idx].Span)
		return
	}
	m := w.mark()
	if has(hits, "q", "quote") {
		words := slices.Clone(cmd)
		for i := range words {
			if isPlaceholder(words[i].Value) {
				words[i] = unknownWord(words[i])
			}
		}
		w.inner(c, idx, innerOpts{words: words, wargs: args[:k]})
	} else {
		t, ok := w.joinedText(info.t, cmd)
		if !ok {
			w.unknown(UnknownShellText, rawOf(cmd), "parallel runs a command built at run time", idx, spanOf(cmd))
			return
		}
		w.nested(c, idx, nest{t: t, wargs: args[:k]})
	}
	// Replacement strings are filled in from the input.
	for i := m.execs; i < len(w.plan.Execs); i++ {
		ws := w.info[i].words
		for j := 1; j < len(ws); j++ {
			if isPlaceholder(ws[j].Value) {
				ws[j].Known = false
			}
		}
	}
	for i := m.writes; i < len(w.plan.Writes); i++ {
		if isPlaceholder(w.plan.Writes[i].Path.Value) {
			w.plan.Writes[i].Path.Known = false
		}
	}
	if m.execs < len(w.plan.Execs) {
		w.unknown(UnknownArgs, "", "parallel fills in arguments from its input", m.execs, w.plan.Execs[m.execs].Span)
	}
}

// shellText walks one word as shell text run by a separate shell process.
func (w *walker) shellText(c ctx, idx int, x xword, wargs []xword, remote bool) {
	if !x.Known {
		w.unknown(UnknownShellText, x.Raw, "shell text is built at run time", idx, x.Span)
		return
	}
	w.nested(c, idx, nest{t: w.textOf(w.info[idx].t, x), wargs: wargs, remote: remote})
}

// yarnCommands are yarn's own commands; any other first word runs a bin.
var yarnCommands = map[string]bool{
	"add": true, "audit": true, "autoclean": true, "bin": true, "cache": true, "check": true,
	"config": true, "constraints": true, "create": true, "dedupe": true, "explain": true,
	"generate-lock-entry": true, "global": true, "help": true, "import": true, "info": true,
	"init": true, "install": true, "licenses": true, "link": true, "list": true, "login": true,
	"logout": true, "node": true, "npm": true, "outdated": true, "owner": true, "pack": true,
	"patch": true, "patch-commit": true, "plugin": true, "policies": true, "publish": true,
	"rebuild": true, "remove": true, "set": true, "stage": true, "tag": true, "team": true,
	"unlink": true, "unplug": true, "up": true, "upgrade": true, "upgrade-interactive": true,
	"version": true, "versions": true, "why": true, "workspace": true, "workspaces": true,
	"test": true, "start": true, "build": true, "dlx": true, "exec": true, "run": true,
}

// pkgRun runs a package bin found at args[from:] (after the runner's
// options in spec). shellOpts name options whose value is shell text;
// shellFlags make the command words themselves shell text.
type pkgRun struct {
	spec       optSpec
	shellOpts  []string
	shellFlags []string
}

var (
	npxRun   = pkgRun{spec: optSpec{short: "pc", long: []string{"package", "call", "cache", "userconfig", "registry", "node-options", "prefix", "workspace"}}, shellOpts: []string{"c", "call"}}
	bunxRun  = pkgRun{spec: optSpec{short: "p", long: []string{"package"}}}
	pnpmExec = pkgRun{spec: optSpec{short: "F", long: []string{"filter", "resume-from", "workspace-concurrency"}}, shellFlags: []string{"c", "shell-mode"}}
	pnpmDlx  = pkgRun{spec: optSpec{long: []string{"package", "allow-build"}}, shellFlags: []string{"c", "shell-mode"}}
	npmExec  = pkgRun{spec: optSpec{short: "pcw", long: []string{"package", "call", "workspace", "prefix"}}, shellOpts: []string{"c", "call"}}
	yarnDlx  = pkgRun{spec: optSpec{short: "p", long: []string{"package"}}}
	plainRun = pkgRun{}
	uvRun    = pkgRun{spec: optSpec{short: "pwPiC", long: []string{"with", "with-editable", "with-requirements",
		"python", "project", "directory", "package", "extra", "group", "only-group", "no-group", "env-file",
		"index", "default-index", "index-url", "extra-index-url", "find-links", "config-file", "cache-dir",
		"python-preference", "color", "exclude-newer", "upgrade-package", "reinstall-package",
		"no-binary-package", "no-build-package", "index-strategy", "keyring-provider", "resolution",
		"prerelease", "link-mode", "config-setting", "from"}}}
	pipxRun   = pkgRun{spec: optSpec{long: []string{"spec", "python", "pip-args", "index-url", "editable"}}}
	bundleRun = pkgRun{spec: optSpec{long: []string{"gemfile"}}}
)

func (w *walker) unwrapPkg(c ctx, idx int, name string) {
	args := w.info[idx].words[1:]
	// sub finds the subcommand after global options.
	sub := func(global optSpec) (string, int) {
		_, ops := scanOpts(args, &global)
		k := firstOp(args, ops)
		if k >= len(args) || !args[k].Known {
			return "", len(args)
		}
		return args[k].Value, k + 1
	}
	switch name {
	case "npx":
		w.runPkg(c, idx, 0, npxRun, true)
	case "bunx":
		w.runPkg(c, idx, 0, bunxRun, true)
	case "pnpx":
		w.runPkg(c, idx, 0, pnpmDlx, true)
	case "bun":
		if s, k := sub(optSpec{}); s == "x" {
			w.runPkg(c, idx, k, bunxRun, true)
		}
	case "pnpm":
		switch s, k := sub(optSpec{short: "CF", long: []string{"dir", "filter", "filter-prod", "workspace-dir", "loglevel", "reporter"}}); s {
		case "exec":
			w.runPkg(c, idx, k, pnpmExec, false)
		case "dlx":
			w.runPkg(c, idx, k, pnpmDlx, true)
		}
	case "npm":
		switch s, k := sub(optSpec{short: "w", long: []string{"prefix", "workspace", "userconfig", "registry", "cache", "loglevel"}}); s {
		case "exec", "x":
			w.runPkg(c, idx, k, npmExec, true)
		}
	case "yarn":
		s, k := sub(optSpec{long: []string{"cwd"}})
		switch {
		case s == "exec" || s == "run":
			w.runPkg(c, idx, k, plainRun, false)
		case s == "dlx":
			w.runPkg(c, idx, k, yarnDlx, true)
		case s != "" && !yarnCommands[s] && !strings.HasPrefix(s, "-"):
			w.runPkg(c, idx, k-1, plainRun, false)
		}
	case "uv":
		switch s, k := sub(optSpec{long: []string{"directory", "project", "cache-dir", "config-file", "color", "python-preference"}}); s {
		case "run":
			w.runPkg(c, idx, k, uvRun, false)
		case "tool":
			if k < len(args) && args[k].Value == "run" {
				w.runPkg(c, idx, k+1, uvRun, true)
			}
		}
	case "uvx":
		w.runPkg(c, idx, 0, uvRun, true)
	case "poetry":
		if s, k := sub(optSpec{short: "CP", long: []string{"directory", "project"}}); s == "run" {
			w.runPkg(c, idx, k, plainRun, false)
		}
	case "pipx":
		if s, k := sub(optSpec{}); s == "run" {
			w.runPkg(c, idx, k, pipxRun, true)
		}
	case "bundle":
		if s, k := sub(optSpec{}); s == "exec" {
			w.runPkg(c, idx, k, bundleRun, false)
		}
	case "direnv":
		if s, k := sub(optSpec{}); s == "exec" && k < len(args) {
			dir := args[k]
			w.inner(c, idx, innerOpts{words: args[k+1:], wargs: args[:k+1], dir: &dir})
		}
	case "mise", "rtx":
		if s, k := sub(optSpec{short: "C", long: []string{"cd"}}); s == "exec" || s == "x" {
			for j := k; j < len(args); j++ {
				if args[j].Known && args[j].Value == "--" {
					w.inner(c, idx, innerOpts{words: args[j+1:], wargs: args[:j+1]})
					return
				}
			}
		}
	}
}

// runPkg unwraps the bin that a package runner runs from args[from:].
// version strips a trailing @version from the bin name (npx pkg@1.2).
func (w *walker) runPkg(c ctx, idx int, from int, r pkgRun, version bool) {
	all := w.info[idx].words[1:]
	if from > len(all) {
		return
	}
	args := all[from:]
	hits, ops := scanOpts(args, &r.spec)
	if has(hits, "help", "version") {
		return
	}
	for _, h := range hits {
		if h.val != nil && slices.Contains(r.shellOpts, h.name) {
			w.shellText(c, idx, *h.val, all[:from+h.at+1], false)
		}
	}
	k := firstOp(args, ops)
	if k >= len(args) {
		return
	}
	words := slices.Clone(args[k:])
	wargs := all[:from+k]
	if has(hits, r.shellFlags...) {
		t, ok := w.joinedText(w.info[idx].t, words)
		if !ok {
			w.unknown(UnknownShellText, rawOf(words), "command is built at run time", idx, spanOf(words))
			return
		}
		w.nested(c, idx, nest{t: t, wargs: wargs})
		return
	}
	if version && words[0].Known {
		v := words[0].Value
		if i := strings.LastIndexByte(v, '@'); i > 0 {
			words[0].Value = v[:i]
		}
	}
	w.inner(c, idx, innerOpts{words: words, wargs: wargs})
}

func (w *walker) unwrapSSH(c ctx, idx int) {
	info := w.info[idx]
	args := info.words[1:]
	hits, ops := scanOpts(args, &optSpec{short: "BbcDEeFIiJLlmOopQRSWw"})
	// Options whose value ssh runs locally with a shell.
	for _, o := range values(hits, "o") {
		key, val, ok := strings.Cut(o.Value, "=")
		if !ok {
			key, val, _ = strings.Cut(o.Value, " ")
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "proxycommand", "localcommand", "knownhostscommand", "remotecommand":
			local := strings.ToLower(strings.TrimSpace(key)) != "remotecommand"
			x := attached(o, strings.TrimSpace(val))
			if !local {
				w.shellText(c, idx, x, nil, true)
				continue
			}
			w.shellText(c, idx, x, nil, false)
		}
	}
	if has(hits, "N", "V", "G") {
		return
	}
	k := firstOp(args, ops)
	if k+1 >= len(args) {
		return
	}
	cmd := args[k+1:]
	t, ok := w.joinedText(info.t, cmd)
	if !ok {
		w.unknown(UnknownShellText, rawOf(cmd), "remote command is built at run time", idx, spanOf(cmd))
		return
	}
	w.nested(c, idx, nest{t: t, wargs: args[:k+1], remote: true})
}

var (
	containerGlobal = optSpec{short: "Hcl", long: []string{"host", "context", "config", "log-level", "tlscacert",
		"tlscert", "tlskey", "connection", "url", "root", "runroot", "storage-driver", "cgroup-manager",
		"events-backend", "identity", "module"}}
	containerExec = optSpec{short: "euw", long: []string{"env", "env-file", "user", "workdir", "detach-keys", "preserve-fd"}}
	containerRun  = optSpec{short: "acehlmpuvw", long: []string{"add-host", "annotation", "attach",
		"blkio-weight", "blkio-weight-device", "cap-add", "cap-drop", "cgroup-parent", "cgroupns", "cidfile",
		"cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpu-shares", "cpus", "cpuset-cpus",
		"cpuset-mems", "device", "device-cgroup-rule", "device-read-bps", "device-read-iops",
		"device-write-bps", "device-write-iops", "dns", "dns-option", "dns-search", "domainname",
		"entrypoint", "env", "env-file", "expose", "gpus", "group-add", "health-cmd", "health-interval",
		"health-retries", "health-start-period", "health-timeout", "hostname", "ip", "ip6", "ipc",
		"isolation", "kernel-memory", "label", "label-file", "link", "link-local-ip", "log-driver",
		"log-opt", "mac-address", "memory", "memory-reservation", "memory-swap", "memory-swappiness",
		"mount", "name", "network", "net", "network-alias", "net-alias", "oom-score-adj", "pid",
		"pids-limit", "platform", "publish", "pull", "restart", "runtime", "security-opt", "shm-size",
		"stop-signal", "stop-timeout", "storage-opt", "sysctl", "tmpfs", "ulimit", "user", "userns",
		"uts", "volume", "volumes-from", "workdir", "arch", "os", "variant", "secret", "pod", "hooks-dir"}}
	composeGlobal = optSpec{short: "fp", long: []string{"file", "project-name", "profile", "env-file",
		"project-directory", "ansi", "parallel", "progress"}}
	composeExec = optSpec{short: "euw", long: []string{"env", "user", "workdir", "index"}}
	composeRun  = optSpec{short: "euwvpl", long: []string{"env", "user", "workdir", "volume", "publish",
		"label", "name", "entrypoint", "env-from-file", "pull", "cap-add", "cap-drop"}}
)

func (w *walker) unwrapContainer(c ctx, idx int, name string) {
	all := w.info[idx].words[1:]
	pos := 0
	next := func(spec optSpec) (string, bool) {
		args := all[pos:]
		_, ops := scanOpts(args, &spec)
		k := firstOp(args, ops)
		if k >= len(args) || !args[k].Known {
			return "", false
		}
		pos += k + 1
		return args[k].Value, true
	}
	var sub string
	var ok bool
	compose := strings.HasSuffix(name, "-compose")
	if !compose {
		if sub, ok = next(containerGlobal); !ok {
			return
		}
		if sub == "container" {
			if sub, ok = next(optSpec{}); !ok {
				return
			}
		}
		compose = sub == "compose"
	}
	if compose {
		if sub, ok = next(composeGlobal); !ok {
			return
		}
	}
	var spec optSpec
	switch {
	case sub == "exec" && compose:
		spec = composeExec
	case sub == "run" && compose:
		spec = composeRun
	case sub == "exec":
		spec = containerExec
	case sub == "run":
		spec = containerRun
	default:
		return
	}
	args := all[pos:]
	hits, ops := scanOpts(args, &spec)
	k := firstOp(args, ops)
	if k >= len(args) {
		return
	}
	cmd := args[k+1:]
	if sub == "run" {
		if ep := values(hits, "entrypoint"); len(ep) > 0 {
			cmd = append([]xword{ep[len(ep)-1]}, cmd...)
		}
	}
	if len(cmd) == 0 {
		return
	}
	w.inner(c, idx, innerOpts{words: cmd, wargs: all[:pos+k+1], remote: true})
}

var kubeGlobal = optSpec{short: "ns", long: []string{"namespace", "context", "kubeconfig", "cluster", "user",
	"server", "token", "as", "as-group", "request-timeout", "certificate-authority", "client-certificate",
	"client-key", "cache-dir", "log-dir", "container", "filename", "pod-running-timeout", "selector"}}

func (w *walker) unwrapKubectl(c ctx, idx int) {
	all := w.info[idx].words[1:]
	_, ops := scanOpts(all, &kubeGlobal)
	k := firstOp(all, ops)
	if k >= len(all) || all[k].Value != "exec" {
		return
	}
	rest := all[k+1:]
	for j, a := range rest {
		if a.Known && a.Value == "--" {
			w.inner(c, idx, innerOpts{words: rest[j+1:], wargs: all[:k+1+j+1], remote: true})
			return
		}
	}
	spec := kubeGlobal
	spec.short = "cnfsl"
	_, ops = scanOpts(rest, &spec)
	k2 := firstOp(rest, ops)
	if k2+1 >= len(rest) {
		return
	}
	w.inner(c, idx, innerOpts{words: rest[k2+1:], wargs: all[:k+1+k2+1], remote: true})
}

func (w *walker) unwrapWatch(c ctx, idx int) {
	info := w.info[idx]
	args := info.words[1:]
	hits, ops := scanOpts(args, &optSpec{short: "nq", shortOpt: "d", long: []string{"interval", "equexit"}, longOpt: []string{"differences"}})
	if has(hits, "h", "help", "v", "version") {
		return
	}
	k := firstOp(args, ops)
	if k >= len(args) {
		return
	}
	cmd := args[k:]
	if has(hits, "x", "exec") {
		w.inner(c, idx, innerOpts{words: cmd, wargs: args[:k]})
		return
	}
	t, ok := w.joinedText(info.t, cmd)
	if !ok {
		w.unknown(UnknownShellText, rawOf(cmd), "watch runs a command built at run time", idx, spanOf(cmd))
		return
	}
	w.nested(c, idx, nest{t: t, wargs: args[:k]})
}

// unwrapShellOpt handles programs whose option value is shell text
// (su -c, runuser -c, script -c, nix-shell --run, flock -c) or that run a
// command (runuser -u U CMD, flock FILE CMD).
func (w *walker) unwrapShellOpt(c ctx, idx int, name string) {
	args := w.info[idx].words[1:]
	var spec optSpec
	var text []string
	switch name {
	case "su":
		spec = optSpec{short: "csgGw", long: []string{"command", "shell", "group", "supp-group", "whitelist-environment", "session-command"}, permute: true}
		text = []string{"c", "command", "session-command"}
	case "runuser":
		spec = optSpec{short: "csgGwu", long: []string{"command", "shell", "group", "supp-group", "whitelist-environment", "session-command", "user"}}
		text = []string{"c", "command", "session-command"}
	case "script":
		spec = optSpec{short: "cEIOBTm", long: []string{"command", "echo", "log-in", "log-out", "log-io", "log-timing", "logging-format", "output-limit"}, permute: true}
		text = []string{"c", "command"}
	case "nix-shell":
		spec = optSpec{short: "AIE", long: []string{"run", "command", "attr", "arg", "argstr", "expr", "include", "option"}, permute: true}
		text = []string{"run", "command"}
	case "flock":
		spec = optSpec{short: "wEc", long: []string{"timeout", "conflict-exit-code", "command"}}
		text = []string{"c", "command"}
	case "rsync":
		spec = rsyncOpts
		text = []string{"e", "rsh"}
	case "nodemon":
		spec = optSpec{short: "xwesVd", long: []string{"exec", "watch", "ext", "signal", "delay", "config", "ignore"}, permute: true}
		text = []string{"x", "exec"}
	}
	hits, ops := scanOpts(args, &spec)
	found := false
	for _, h := range hits {
		if h.val != nil && slices.Contains(text, h.name) {
			w.shellText(c, idx, *h.val, args[:h.at+1], false)
			found = true
		}
	}
	k := firstOp(args, ops)
	switch name {
	case "runuser":
		if !found && has(hits, "u", "user") && k < len(args) {
			w.inner(c, idx, innerOpts{words: args[k:], wargs: args[:k]})
		}
	case "flock":
		if found || k+1 >= len(args) {
			return
		}
		rest := args[k+1:]
		if rest[0].Known && (rest[0].Value == "-c" || rest[0].Value == "--command") {
			if len(rest) > 1 {
				w.shellText(c, idx, rest[1], args[:k+2], false)
			}
			return
		}
		w.inner(c, idx, innerOpts{words: rest, wargs: args[:k+1]})
	}
}

// tarOpts are GNU tar's options that take a value (short, and the long
// ones whose value is a command).
var tarOpts = optSpec{short: "bfCFgHIKLNTVX", long: []string{"to-command", "use-compress-program",
	"info-script", "new-volume-script", "rsh-command", "file", "directory", "exclude", "exclude-from",
	"files-from", "format", "owner", "group", "mode", "mtime", "transform", "xform", "label",
	"checkpoint", "checkpoint-action", "blocking-factor", "record-size", "suffix", "newer",
	"after-date", "listed-incremental", "tape-length", "volno-file", "index-file", "warning"},
	longOpt: []string{"checkpoint"}, permute: true}

// tarCommands walks the commands GNU tar runs through a shell:
// --to-command, -I/--use-compress-program, -F/--info-script and
// --new-volume-script, and --checkpoint-action=exec=CMD. A traditional
// first word (tar xIf …) that names I or F is not followed: its commands
// are unknown.
func (w *walker) tarCommands(c ctx, idx int) {
	args := w.info[idx].words[1:]
	if len(args) > 0 && args[0].Known && !strings.HasPrefix(args[0].Value, "-") && strings.ContainsAny(args[0].Value, "IF") {
		w.unknown(UnknownShellText, args[0].Raw, "tar runs a command given in its bundled options", idx, args[0].Span)
		return
	}
	hits, _ := scanOpts(args, &tarOpts)
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "to-command", "I", "use-compress-program", "F", "info-script", "new-volume-script":
			w.shellText(c, idx, *h.val, args[:h.at+1], false)
		case "checkpoint-action":
			if v, ok := strings.CutPrefix(h.val.Value, "exec="); ok || !h.val.Known {
				x := *h.val
				x.Value = v
				w.shellText(c, idx, x, args[:h.at+1], false)
			}
		}
	}
}

// vimCommands walks the shell commands of vim's startup commands (-c CMD,
// --cmd CMD, +CMD): a filter or shell escape (:!cmd, :%!cmd, :r !cmd,
// :w !cmd) is shell text; system(), :terminal and :sh run commands that
// are not known.
func (w *walker) vimCommands(c ctx, idx int) {
	args := w.info[idx].words[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		var cmd *xword
		switch {
		case a.Known && (a.Value == "-c" || a.Value == "--cmd" || a.Value == "-S") && i+1 < len(args):
			if a.Value == "-S" {
				i++ // a script file of ex commands: not read
				continue
			}
			cmd = &args[i+1]
			i++
		case a.Known && a.Value == "--":
			return
		case a.Known && strings.HasPrefix(a.Value, "+") && len(a.Value) > 1:
			x := a
			x.Value = a.Value[1:]
			cmd = &x
		}
		if cmd == nil {
			continue
		}
		if !cmd.Known {
			w.unknown(UnknownShellText, cmd.Raw, "vim runs a command built at run time", idx, cmd.Span)
			continue
		}
		v := cmd.Value
		if j := vimBang(v); j >= 0 {
			// The rest of the line, bars included, is the shell command.
			x := *cmd
			x.Value = v[j+1:]
			w.shellText(c, idx, x, args[:i+1], false)
			continue
		}
		for _, ex := range strings.Split(v, "|") {
			ex = strings.TrimLeft(ex, ": \t")
			if vimBang(ex) >= 0 || strings.Contains(ex, "system(") || strings.Contains(ex, "systemlist(") ||
				strings.HasPrefix(ex, "term") || ex == "sh" || strings.HasPrefix(ex, "sh ") || strings.HasPrefix(ex, "shell") {
				w.unknown(UnknownShellText, cmd.Raw, "vim runs shell commands it builds itself", idx, cmd.Span)
				break
			}
		}
	}
}

// vimBang returns the index of the "!" of an ex shell escape or filter in
// v (":!cmd", ":%!cmd", ":1,5!cmd", ":r !cmd", ":w !cmd"), or -1. A "!"
// right after a command name (":q!", ":w!") forces that command instead.
func vimBang(v string) int {
	s := strings.TrimLeft(v, ": \t")
	off := len(v) - len(s)
	i := 0
	for i < len(s) && strings.IndexByte("0123456789,.$%'<> ", s[i]) >= 0 {
		i++
	}
	if i < len(s) && s[i] == '!' {
		return off + i
	}
	for _, p := range []string{"r !", "read !", "w !", "write !"} {
		if strings.HasPrefix(s[i:], p) {
			return off + i + len(p) - 1
		}
	}
	return -1
}

// gitFilterOpts are git filter-branch options whose value git evals.
var gitFilterOpts = []string{"--env-filter", "--tree-filter", "--index-filter", "--parent-filter",
	"--msg-filter", "--commit-filter", "--tag-name-filter"}

// gitSubShell walks what git subcommands run: rebase --exec/-x CMD and
// filter-branch --*-filter CMD (shell text), submodule foreach CMD (shell
// text when one word, else a command), bisect run CMD ARGS (a command).
// head is the words up to and including the subcommand.
func (w *walker) gitSubShell(c ctx, idx int, head, rest []xword) {
	sub := head[len(head)-1]
	if !sub.Known {
		return
	}
	optText := func(names ...string) {
		for i := 0; i < len(rest); i++ {
			a := rest[i]
			if !a.Known {
				continue
			}
			if a.Value == "--" {
				return
			}
			for _, n := range names {
				switch {
				case a.Value == n && i+1 < len(rest):
					w.shellText(c, idx, rest[i+1], append(slices.Clone(head), rest[:i+1]...), false)
					i++
				case strings.HasPrefix(n, "--") && strings.HasPrefix(a.Value, n+"="):
					v := a
					v.Value = a.Value[len(n)+1:]
					w.shellText(c, idx, v, append(slices.Clone(head), rest[:i]...), false)
				}
			}
		}
	}
	switch sub.Value {
	case "rebase":
		optText("-x", "--exec")
	case "filter-branch":
		optText(gitFilterOpts...)
	case "submodule":
		i := 0
		for i < len(rest) && rest[i].Known && strings.HasPrefix(rest[i].Value, "-") {
			i++ // submodule's own options (--quiet)
		}
		if i >= len(rest) || !rest[i].Known || rest[i].Value != "foreach" {
			return
		}
		j := i + 1
		for j < len(rest) && rest[j].Known && (rest[j].Value == "--recursive" || rest[j].Value == "--quiet" || rest[j].Value == "-q") {
			j++
		}
		wargs := append(slices.Clone(head), rest[:j]...)
		switch cmd := rest[j:]; {
		case len(cmd) == 1:
			w.shellText(c, idx, cmd[0], wargs, false)
		case len(cmd) > 1:
			w.inner(c, idx, innerOpts{words: cmd, wargs: wargs})
		}
	case "bisect":
		if len(rest) > 1 && rest[0].Known && rest[0].Value == "run" {
			w.inner(c, idx, innerOpts{words: rest[1:], wargs: append(slices.Clone(head), rest[0])})
		}
	}
}

// gitShellKeys are git configuration keys whose value git runs with a shell.
var gitShellKeys = map[string]bool{
	"core.sshcommand": true, "core.pager": true, "core.editor": true, "sequence.editor": true,
	"diff.external": true, "core.fsmonitor": true, "core.askpass": true, "gpg.program": true,
}

// gitConfigShell walks shell text set through `git -c key=value`: shell
// aliases (alias.x=!cmd) and keys whose value git runs.
func (w *walker) gitConfigShell(c ctx, idx int) {
	args := w.info[idx].words[1:]
	hits, ops := scanOpts(args, &gitGlobal)
	if k := firstOp(args, ops); k < len(args) {
		w.gitSubShell(c, idx, args[:k+1], args[k+1:])
	}
	for _, h := range hits {
		if h.name != "c" || h.val == nil {
			continue
		}
		v := *h.val
		i := strings.IndexByte(v.Value, '=')
		if i <= 0 {
			continue
		}
		key := strings.ToLower(v.Value[:i])
		val := v.Value[i+1:]
		isShell := strings.HasPrefix(key, "alias.") && strings.HasPrefix(val, "!") ||
			strings.HasPrefix(key, "pager.") ||
			strings.HasPrefix(key, "credential.") && strings.HasPrefix(val, "!") ||
			gitShellKeys[key] && !(key == "core.fsmonitor" && (val == "true" || val == "false"))
		if !isShell {
			continue
		}
		if !v.Known {
			w.unknown(UnknownShellText, v.Raw, "git runs a configured command built at run time", idx, v.Span)
			continue
		}
		x := synth(strings.TrimPrefix(val, "!"), v.Span)
		w.nested(c, idx, nest{t: &text{src: x.Value, base: -1, span: v.Span}, wargs: []xword{{Word: Word{Value: "-c", Known: true, Span: v.Span}}, v}})
	}
}
