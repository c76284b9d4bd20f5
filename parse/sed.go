package parse

import "strings"

// sedScripts looks at what sed's scripts do besides editing text: the e
// command and the s///e flag run shell commands, w and s///w write files.
// Scripts come from -e/--expression, -f/--file (read through ReadFile) or
// the first operand. With --sandbox sed refuses e, r and w itself.
func (w *walker) sedScripts(c ctx, idx int, args []xword, hits []optHit, ops []int) {
	for _, a := range args {
		if a.Known && a.Value == "--sandbox" {
			return
		}
	}
	var scripts []xword
	for _, h := range hits {
		if h.val == nil {
			continue
		}
		switch h.name {
		case "e", "expression":
			scripts = append(scripts, *h.val)
		case "f", "file":
			content, _, reason := w.readFile(c, *h.val)
			if reason != "" {
				w.unknown(UnknownShellText, h.val.Raw, "sed script file not read: "+reason, idx, h.val.Span)
				continue
			}
			x := *h.val
			x.Value = content
			scripts = append(scripts, x)
		}
	}
	if len(scripts) == 0 && len(ops) > 0 {
		scripts = append(scripts, args[ops[0]])
	}
	for _, s := range scripts {
		if !s.Known {
			if strings.ContainsAny(s.Raw, "ew") {
				w.unknown(UnknownShellText, s.Raw, "sed script built at run time (e runs commands, w writes files)", idx, s.Span)
			}
			continue
		}
		for _, op := range scanSed(s.Value) {
			switch op.kind {
			case 'e':
				if op.arg == "" {
					w.unknown(UnknownShellText, s.Raw, "sed runs its pattern space as a command", idx, s.Span)
					continue
				}
				x := s
				x.Value = op.arg
				w.shellText(c, idx, x, nil, false)
			case 'w':
				x := s
				x.Value = op.arg
				w.addWrite(c, idx, x, WriteRedirect, false)
			}
		}
	}
}

// sedOp is one thing a sed script does beyond text: 'e' runs arg as a
// command ("" for the pattern space), 'w' writes file arg.
type sedOp struct {
	kind byte
	arg  string
}

// scanSed reads a GNU sed script far enough to find its e commands, s///e
// flags and w files. It follows addresses, blocks, labels, text commands
// (a, i, c), file commands (r, R, w, W) and the s and y delimiters; where
// the script does not parse it stops, as sed would refuse it.
func scanSed(s string) []sedOp {
	var out []sedOp
	i := 0
	restOfLine := func() string {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			j = len(s) - i
		}
		v := s[i : i+j]
		i += j
		return v
	}
	// delimited skips past a regex or replacement ending at delim.
	delimited := func(delim byte) bool {
		for i < len(s) {
			switch s[i] {
			case '\\':
				i += 2
				continue
			case delim:
				i++
				return true
			case '\n':
				if delim != '\n' {
					return false
				}
			}
			i++
		}
		return false
	}
	address := func() bool {
		switch {
		case i < len(s) && (s[i] >= '0' && s[i] <= '9'):
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '~') {
				i++
			}
		case i < len(s) && s[i] == '$':
			i++
		case i < len(s) && s[i] == '/':
			i++
			if !delimited('/') {
				return false
			}
		case i+1 < len(s) && s[i] == '\\':
			d := s[i+1]
			i += 2
			if !delimited(d) {
				return false
			}
		default:
			return true
		}
		for i < len(s) && (s[i] == 'I' || s[i] == 'M') {
			i++
		}
		return true
	}
	for i < len(s) {
		for i < len(s) && strings.IndexByte(" \t\n;}", s[i]) >= 0 {
			i++
		}
		if i >= len(s) {
			break
		}
		if s[i] == '#' {
			restOfLine()
			continue
		}
		if !address() {
			return out
		}
		if i < len(s) && s[i] == ',' {
			i++
			if i < len(s) && (s[i] == '+' || s[i] == '~') {
				i++
			}
			if !address() {
				return out
			}
		}
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '!') {
			i++
		}
		if i >= len(s) {
			return out
		}
		cmd := s[i]
		i++
		switch cmd {
		case '{':
		case 'e':
			out = append(out, sedOp{'e', strings.TrimSpace(restOfLine())})
		case 'w', 'W':
			out = append(out, sedOp{'w', strings.TrimLeft(restOfLine(), " \t")})
		case 'a', 'i', 'c':
			for {
				line := restOfLine()
				if !strings.HasSuffix(line, "\\") || i >= len(s) {
					break
				}
				i++ // the escaped newline: the text goes on
			}
		case 'r', 'R', ':':
			restOfLine()
		case 'b', 't', 'T':
			for i < len(s) && s[i] != ';' && s[i] != '\n' {
				i++
			}
		case 's', 'y':
			if i >= len(s) {
				return out
			}
			d := s[i]
			i++
			if !delimited(d) || !delimited(d) {
				return out
			}
			if cmd == 'y' {
				continue
			}
			for i < len(s) && strings.IndexByte(";\n}", s[i]) < 0 {
				switch s[i] {
				case 'e':
					out = append(out, sedOp{'e', ""})
				case 'w':
					i++
					out = append(out, sedOp{'w', strings.TrimLeft(restOfLine(), " \t")})
					continue
				}
				i++
			}
		case 'q', 'Q', 'l', 'L', 'v':
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ' ') {
				i++
			}
		case 'F', 'z', '=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x':
		default:
			return out
		}
	}
	return out
}
