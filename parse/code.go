package parse

import (
	"strings"
)

// isPython reports whether a command name is a Python interpreter:
// python, python3, python3.12, pypy3, …
func isPython(name string) bool {
	rest, ok := strings.CutPrefix(name, "python")
	if !ok {
		rest, ok = strings.CutPrefix(name, "pypy")
	}
	return ok && strings.Trim(rest, "0123456789.") == ""
}

// codeTexts finds code that Exec idx hands to an interpreter or database
// client.
func (w *walker) codeTexts(c ctx, idx int) {
	name := w.plan.Execs[idx].Name
	args := w.info[idx].words[1:]
	switch name {
	case "psql":
		w.sqlClient(c, idx, args, clientSpec{
			opts: optSpec{short: "cdfFhLoPpRTUv", long: []string{"command", "dbname", "file", "field-separator",
				"host", "log-file", "output", "pset", "port", "record-separator", "table-attr", "username", "set",
				"variable"}, permute: true},
			code: []string{"c", "command"}, file: []string{"f", "file"},
			noStdin: []string{"l", "list", "V", "version", "help", "?"},
		})
	case "mysql", "mariadb":
		w.sqlClient(c, idx, args, clientSpec{
			opts: optSpec{short: "DehPSuO", shortOpt: "p", long: []string{"database", "execute", "host", "port",
				"socket", "user", "init-command", "defaults-file", "defaults-extra-file", "login-path",
				"character-sets-dir", "default-character-set", "delimiter", "pager", "tee", "prompt",
				"bind-address", "plugin-dir", "ssl-ca", "ssl-cert", "ssl-key", "ssl-mode", "protocol"},
				longOpt: []string{"password"}, permute: true},
			code:    []string{"e", "execute", "init-command"},
			noStdin: []string{"V", "version", "help", "?"},
			stdinIf: []string{"init-command"},
		})
	case "sqlite3", "duckdb":
		w.sqliteLike(c, idx, args, name)
	case "clickhouse-client":
		w.clickhouse(c, idx, args)
	case "clickhouse":
		if len(args) > 0 && (args[0].Value == "client" || args[0].Value == "local") {
			w.clickhouse(c, idx, args[1:])
		}
	case "cockroach":
		if len(args) > 0 && args[0].Value == "sql" {
			w.sqlClient(c, idx, args[1:], clientSpec{
				opts: optSpec{short: "efdu", long: []string{"execute", "file", "url", "host", "database", "user",
					"certs-dir", "format", "set"}, permute: true},
				code: []string{"e", "execute"}, file: []string{"f", "file"},
				noStdin: []string{"help"},
			})
		}
	case "mongosh", "mongo":
		w.mongo(c, idx, args)
	case "redis-cli":
		w.redis(c, idx, args)
	case "node", "nodejs":
		w.node(c, idx, args)
	case "bun":
		w.bun(c, idx, args)
	case "deno":
		w.deno(c, idx, args)
	case "perl":
		w.perlRuby(c, idx, args, "perl")
	case "ruby":
		w.perlRuby(c, idx, args, "ruby")
	case "php":
		w.php(c, idx, args)
	case "awk", "gawk", "mawk", "nawk", "original-awk":
		w.awk(c, idx, args)
	default:
		if isPython(name) {
			w.python(c, idx, args)
		}
	}
}

type clientSpec struct {
	opts    optSpec
	code    []string // options whose value is code
	file    []string // options whose value is a file of code
	noStdin []string // options after which standard input is not read
	// stdinIf lists code options that do not stop the client from also
	// reading standard input (mysql --init-command).
	stdinIf []string
}

func langOf(client string) string {
	switch client {
	case "psql", "mysql", "mariadb", "sqlite3", "duckdb", "clickhouse-client", "clickhouse", "cockroach":
		return "sql"
	case "mongosh", "mongo":
		return "mongo"
	case "redis-cli":
		return "redis"
	case "node", "nodejs", "bun":
		return "node"
	case "awk", "gawk", "mawk", "nawk", "original-awk":
		return "awk"
	}
	if isPython(client) {
		return "python"
	}
	return client
}

// addCode records code handed to Exec idx.
func (w *walker) addCode(idx int, from string, x xword) {
	client := w.plan.Execs[idx].Name
	w.plan.CodeTexts = append(w.plan.CodeTexts, CodeText{
		Lang: langOf(client), Client: client, Text: x.Value, Known: x.Known, From: from, Exec: idx, Span: x.Span,
	})
	if !x.Known {
		w.unknown(UnknownCode, x.Raw, client+" runs code built at run time", idx, x.Span)
	}
}

// codeFile records the code in a file that Exec idx runs (psql -f FILE).
func (w *walker) codeFile(c ctx, idx int, f xword) {
	if f.Known && (f.Value == "-" || isStdinPath(f.Value)) {
		w.codeStdin(c, idx)
		return
	}
	content, limit, reason := w.readFile(c, f)
	client := w.plan.Execs[idx].Name
	if reason != "" {
		k := UnknownCode
		if limit {
			k = UnknownLimit
		}
		w.unknown(k, f.Raw, client+" runs code from a file: "+reason, idx, f.Span)
		return
	}
	w.plan.CodeTexts = append(w.plan.CodeTexts, CodeText{
		Lang: langOf(client), Client: client, Text: content, Known: true, From: "file", Exec: idx, Span: f.Span,
	})
}

// codeStdin records the code Exec idx reads from its standard input.
func (w *walker) codeStdin(c ctx, idx int) {
	in := w.info[idx].stdin
	e := w.plan.Execs[idx]
	switch {
	case in == nil:
		w.unknown(UnknownCode, "", e.Name+" reads code from standard input, which is not known statically", idx, e.Span)
	case in.limit:
		w.unknown(UnknownLimit, "", e.Name+" reads code from input larger than the limit", idx, in.span)
	case in.kind == "file":
		if in.file == nil {
			w.unknown(UnknownCode, "", e.Name+" reads code from a file descriptor", idx, in.span)
			return
		}
		if in.file.Known && in.file.Value == "/dev/null" {
			return
		}
		if in.file.Known && isStdinPath(in.file.Value) {
			w.unknown(UnknownCode, "", e.Name+" reads code from standard input, which is not known statically", idx, in.span)
			return
		}
		w.codeFile(c, idx, *in.file)
	case !in.known && in.text == "":
		w.unknown(UnknownCode, "", e.Name+" reads code from "+in.kind+" text that is not known statically", idx, in.span)
	default:
		w.addCode(idx, in.kind, xword{Word: Word{Value: in.text, Known: in.known, Raw: in.text, Span: in.span}})
	}
}

func (w *walker) sqlClient(c ctx, idx int, args []xword, s clientSpec) {
	hits, _ := scanOpts(args, &s.opts)
	if has(hits, s.noStdin...) {
		return
	}
	stdin := true
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch {
		case contains(s.code, h.name):
			w.addCode(idx, "arg", *h.val)
			stdin = stdin && contains(s.stdinIf, h.name)
		case contains(s.file, h.name):
			w.codeFile(c, idx, *h.val)
			stdin = false
		}
	}
	if stdin {
		w.codeStdin(c, idx)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sqliteLike handles sqlite3 and duckdb: -cmd/-c/-s code, -init FILE, and
// SQL arguments after the database file.
func (w *walker) sqliteLike(c ctx, idx int, args []xword, name string) {
	spec := optSpec{single: true, singleVal: []string{"cmd", "init", "separator", "newline", "nullvalue",
		"vfs", "maxsize", "mmap", "heap", "lookaside", "pagecache", "c", "s", "f"}, permute: true}
	hits, ops := scanOpts(args, &spec)
	if has(hits, "version", "help") {
		return
	}
	m := len(w.plan.CodeTexts)
	stdin := true
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "cmd":
			w.addCode(idx, "arg", *h.val)
		case "c", "s":
			if name == "duckdb" {
				w.addCode(idx, "arg", *h.val)
				stdin = false
			}
		case "init":
			w.codeFile(c, idx, *h.val)
		case "f":
			if name == "duckdb" {
				w.codeFile(c, idx, *h.val)
				stdin = false
			}
		}
	}
	if len(ops) > 1 {
		for _, o := range ops[1:] {
			w.addCode(idx, "arg", args[o])
		}
		stdin = false
	}
	if stdin {
		w.codeStdin(c, idx)
	}
	// Dot commands can read more SQL or run shell text.
	for i := m; i < len(w.plan.CodeTexts); i++ {
		ct := w.plan.CodeTexts[i]
		if !ct.Known {
			continue
		}
		for _, line := range strings.Split(ct.Text, "\n") {
			line = strings.TrimSpace(line)
			cmd, rest, _ := strings.Cut(line, " ")
			rest = strings.TrimSpace(rest)
			switch cmd {
			case ".read":
				if strings.HasPrefix(rest, "|") {
					w.nested(c, idx, nest{t: &text{src: rest[1:], base: -1, span: ct.Span}})
					continue
				}
				w.codeFile(c, idx, xword{Word: Word{Value: strings.Trim(rest, `'"`), Known: true, Raw: rest, Span: ct.Span}})
			case ".shell", ".system":
				w.nested(c, idx, nest{t: &text{src: rest, base: -1, span: ct.Span}, name: name + " " + cmd})
			}
		}
	}
}

func (w *walker) clickhouse(c ctx, idx int, args []xword) {
	w.sqlClient(c, idx, args, clientSpec{
		opts: optSpec{short: "qhudC", long: []string{"query", "queries-file", "host", "port", "user", "password",
			"database", "config-file", "format"}, permute: true},
		code: []string{"q", "query"}, file: []string{"queries-file"},
		noStdin: []string{"version", "help", "V"},
	})
}

func (w *walker) mongo(c ctx, idx int, args []xword) {
	hits, ops := scanOpts(args, &optSpec{short: "fup", long: []string{"eval", "file", "host", "port", "username",
		"password", "authenticationDatabase", "authenticationMechanism", "tlsCAFile", "tlsCertificateKeyFile",
		"apiVersion"}, permute: true})
	if has(hits, "version", "help") {
		return
	}
	found := false
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "eval":
			w.addCode(idx, "arg", *h.val)
			found = true
		case "f", "file":
			w.codeFile(c, idx, *h.val)
			found = true
		}
	}
	for _, o := range ops {
		if strings.HasSuffix(args[o].Value, ".js") {
			w.codeFile(c, idx, args[o])
			found = true
		}
	}
	if !found {
		w.codeStdin(c, idx)
	}
}

func (w *walker) redis(c ctx, idx int, args []xword) {
	hits, ops := scanOpts(args, &optSpec{short: "hpsaunridDt", long: []string{"user", "pass", "sni", "cacert",
		"cacertdir", "cert", "key", "tls-ciphers", "tls-ciphersuites", "pattern", "quoted-pattern", "count",
		"memkeys-samples", "eval", "functions-rdb", "rdb", "pipe-timeout", "cluster-only-masters"}})
	if has(hits, "version", "help", "scan", "bigkeys", "memkeys", "hotkeys", "stat", "latency",
		"latency-history", "latency-dist", "lru-test", "intrinsic-latency", "rdb", "functions-rdb") {
		return
	}
	for _, f := range values(hits, "eval") {
		w.codeFile(c, idx, f)
	}
	if len(ops) == 0 {
		if len(values(hits, "eval")) == 0 {
			w.codeStdin(c, idx)
		}
		return
	}
	ws := make([]xword, len(ops))
	for i, o := range ops {
		ws[i] = args[o]
	}
	vals := make([]string, len(ws))
	known := true
	for i, x := range ws {
		vals[i] = x.Value
		known = known && x.Known
	}
	w.addCode(idx, "arg", xword{Word: Word{Value: strings.Join(vals, " "), Known: known, Raw: rawOf(ws), Span: spanOf(ws)}})
}

// valueAt returns the value of a short option at args[i] (cluster j): the
// rest of the word, or the next word. next is the index to continue at.
func valueAt(args []xword, i, j int) (val *xword, next int) {
	v := args[i].Value
	if j+1 < len(v) {
		x := attached(args[i], v[j+1:])
		return &x, i + 1
	}
	if i+1 < len(args) {
		return &args[i+1], i + 2
	}
	return nil, i + 1
}

func (w *walker) python(c ctx, idx int, args []xword) {
	i := 0
	for i < len(args) {
		a := args[i]
		v := a.Value
		if !strings.HasPrefix(v, "-") || v == "-" || !a.Known && !looksLiteralDash(a) {
			break
		}
		if v == "--" {
			i++
			break
		}
		if strings.HasPrefix(v, "--") {
			switch v {
			case "--version", "--help", "--help-env", "--help-xoptions", "--help-all":
				return
			case "--check-hash-based-pycs":
				i++
			}
			i++
			continue
		}
		next := i + 1
	cluster:
		for j := 1; j < len(v); j++ {
			switch v[j] {
			case 'c':
				if val, _ := valueAt(args, i, j); val != nil {
					w.addCode(idx, "arg", *val)
				}
				return
			case 'm', 'V', 'h', '?':
				return
			case 'W', 'X', 'Q':
				_, next = valueAt(args, i, j)
				break cluster
			}
		}
		i = next
	}
	w.scriptOrStdin(c, idx, args, i)
}

// scriptOrStdin handles an interpreter's first operand: a script file, "-"
// for standard input, or none (standard input).
func (w *walker) scriptOrStdin(c ctx, idx int, args []xword, i int) {
	if i >= len(args) || args[i].Known && args[i].Value == "-" {
		w.codeStdin(c, idx)
		return
	}
	if !args[i].Known {
		e := w.plan.Execs[idx]
		w.unknown(UnknownCode, args[i].Raw, e.Name+" runs a script whose name is built at run time", idx, args[i].Span)
	}
}

func (w *walker) node(c ctx, idx int, args []xword) {
	i := 0
	found := false
	for i < len(args) {
		a := args[i]
		v := a.Value
		if !strings.HasPrefix(v, "-") || v == "-" || !a.Known && !looksLiteralDash(a) {
			break
		}
		if v == "--" {
			i++
			break
		}
		name, val, hasVal := strings.Cut(v, "=")
		switch name {
		case "-e", "--eval", "-p", "--print":
			if hasVal {
				w.addCode(idx, "arg", attached(a, val))
			} else if i+1 < len(args) {
				w.addCode(idx, "arg", args[i+1])
				i++
			}
			found = true
		case "-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
			"--input-type", "--env-file", "--title", "--inspect-port", "--stack-size", "--disable-warning":
			if !hasVal {
				i++
			}
		case "-c", "--check", "-v", "--version", "-h", "--help", "--v8-options":
			return
		}
		i++
	}
	if found {
		return
	}
	w.scriptOrStdin(c, idx, args, i)
}

func (w *walker) bun(c ctx, idx int, args []xword) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a.Value, "=")
		switch name {
		case "-e", "--eval", "-p", "--print":
			if hasVal {
				w.addCode(idx, "arg", attached(a, val))
			} else if i+1 < len(args) {
				w.addCode(idx, "arg", args[i+1])
				i++
			}
		}
		if !strings.HasPrefix(a.Value, "-") {
			return
		}
	}
}

func (w *walker) deno(c ctx, idx int, args []xword) {
	if len(args) == 0 || args[0].Value != "eval" {
		return
	}
	rest := args[1:]
	_, ops := scanOpts(rest, &optSpec{short: "c", long: []string{"ext", "config", "import-map", "location",
		"cert", "seed", "env-file", "inspect"}})
	if len(ops) > 0 {
		w.addCode(idx, "arg", rest[ops[0]])
	}
}

// awkOpts are awk's options that take a value (POSIX, gawk, mawk).
var awkOpts = optSpec{short: "fFvEeil", long: []string{"file", "field-separator", "assign", "exec", "source",
	"include", "load", "dump-variables", "debug", "profile", "pretty-print"}}

// awk handles awk's program: the first operand, or -f/--file and
// -E/--exec files, or gawk's -e/--source text. awk programs run commands
// (system(), print | "cmd", "cmd" | getline), so they are code texts.
func (w *walker) awk(c ctx, idx int, args []xword) {
	hits, ops := scanOpts(args, &awkOpts)
	if has(hits, "version", "help") {
		return
	}
	found := false
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "f", "file", "E", "exec":
			w.codeFile(c, idx, *h.val)
			found = true
		case "e", "source":
			w.addCode(idx, "arg", *h.val)
			found = true
		}
	}
	if !found && len(ops) > 0 {
		w.addCode(idx, "arg", args[ops[0]])
	}
}

// perlRuby handles perl and ruby: -e/-E code (attached or next), -i[ext]
// in-place editing of the file operands, option clusters.
func (w *walker) perlRuby(c ctx, idx int, args []xword, lang string) {
	i := 0
	found, inplace := false, false
	// options whose value is attached or, for those in sep, the next word
	attachedOpts, sep := "0lCdDFxIMmiWTKE", "I"
	if lang == "ruby" {
		attachedOpts, sep = "0lCdFxIirWTKEU", "IrCE"
	}
	for i < len(args) {
		a := args[i]
		v := a.Value
		if !strings.HasPrefix(v, "-") || v == "-" || !a.Known && !looksLiteralDash(a) {
			break
		}
		if v == "--" {
			i++
			break
		}
		if strings.HasPrefix(v, "--") {
			if v == "--version" || v == "--help" {
				return
			}
			i++
			continue
		}
		next := i + 1
	cluster:
		for j := 1; j < len(v); j++ {
			ch := v[j]
			switch {
			case ch == 'e' || ch == 'E' && lang == "perl":
				val, n := valueAt(args, i, j)
				if val != nil {
					w.addCode(idx, "arg", *val)
				}
				found, next = true, n
				break cluster
			case ch == 'i':
				inplace = true
				break cluster
			case ch == 'v' || ch == 'h' || ch == 'c' && lang == "perl":
				if len(v) == 2 {
					return
				}
			case strings.IndexByte(attachedOpts, ch) >= 0:
				if j+1 == len(v) && strings.IndexByte(sep, ch) >= 0 {
					next = i + 2
				}
				break cluster
			}
		}
		i = next
	}
	ops := args[min(i, len(args)):]
	if !found {
		if len(ops) == 0 || ops[0].Known && ops[0].Value == "-" {
			w.codeStdin(c, idx)
			return
		}
		if !ops[0].Known {
			w.unknown(UnknownCode, ops[0].Raw, lang+" runs a script whose name is built at run time", idx, ops[0].Span)
		}
		ops = ops[1:]
	}
	if inplace && !w.plan.Execs[idx].Remote {
		for _, f := range ops {
			w.addWrite(c, idx, f, WriteEdit, false)
		}
	}
}

func (w *walker) php(c ctx, idx int, args []xword) {
	hits, ops := scanOpts(args, &optSpec{short: "rBREFfdcztS"})
	if has(hits, "v", "version", "h", "help", "i", "m", "l") {
		return
	}
	found := false
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "r", "B", "R", "E":
			w.addCode(idx, "arg", *h.val)
			found = true
		case "F", "f":
			found = true
		}
	}
	if found {
		return
	}
	w.scriptOrStdin(c, idx, args, firstOp(args, ops))
}
