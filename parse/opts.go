package parse

import (
	"slices"
	"strings"
)

// optSpec describes a program's command-line options well enough to find
// its operands and the values of the options that matter.
type optSpec struct {
	// short lists the short options that take a value ("u" for -u USER).
	short string
	// shortOpt lists short options whose value is optional and can only be
	// attached (sed -i.bak, xargs -i{}).
	shortOpt string
	// long lists the long options (without "--") that take a value.
	long []string
	// longOpt lists long options whose value is optional and only given
	// after "=" (--in-place=.bak).
	longOpt []string
	// single means options are words like -cmd (sqlite3, find): one dash,
	// one name; singleVal lists those taking a value.
	single    bool
	singleVal []string
	// permute lets options follow operands (GNU getopt); otherwise option
	// parsing stops at the first operand.
	permute bool
	// numeric accepts -NUM as an option (nice -10).
	numeric bool
	// dashIsOpt treats a lone "-" as an option (env -).
	dashIsOpt bool
}

// optHit is one option found by scanOpts.
type optHit struct {
	name string // "u" or "user", without dashes
	long bool
	val  *xword // the value, when the option took one
	at   int    // index of the option word
}

// scanOpts splits args into options and operands (indexes into args).
func scanOpts(args []xword, spec *optSpec) (hits []optHit, ops []int) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		v := a.Value
		isOpt := strings.HasPrefix(v, "-") && len(v) > 1 && (a.Known || looksLiteralDash(a))
		if v == "-" && spec.dashIsOpt {
			hits = append(hits, optHit{name: "-", at: i})
			continue
		}
		if v == "--" && a.Known {
			for j := i + 1; j < len(args); j++ {
				ops = append(ops, j)
			}
			return hits, ops
		}
		if !isOpt {
			if !spec.permute {
				for j := i; j < len(args); j++ {
					ops = append(ops, j)
				}
				return hits, ops
			}
			ops = append(ops, i)
			continue
		}
		if spec.numeric && isNumber(v[1:]) {
			hits = append(hits, optHit{name: v[1:], at: i})
			continue
		}
		if spec.single {
			name := strings.TrimLeft(v, "-")
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				val := attached(a, v[strings.IndexByte(v, '=')+1:])
				hits = append(hits, optHit{name: name[:eq], long: true, val: &val, at: i})
				continue
			}
			h := optHit{name: name, long: true, at: i}
			if slices.Contains(spec.singleVal, name) && i+1 < len(args) {
				i++
				h.val = &args[i]
			}
			hits = append(hits, h)
			continue
		}
		if strings.HasPrefix(v, "--") {
			name := v[2:]
			h := optHit{name: name, long: true, at: i}
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				h.name = name[:eq]
				val := attached(a, name[eq+1:])
				h.val = &val
			} else if slices.Contains(spec.long, name) && i+1 < len(args) {
				i++
				h.val = &args[i]
			}
			hits = append(hits, h)
			continue
		}
		// a cluster of short options
		for j := 1; j < len(v); j++ {
			ch := v[j]
			h := optHit{name: v[j : j+1], at: i}
			switch {
			case strings.IndexByte(spec.short, ch) >= 0:
				if j+1 < len(v) {
					val := attached(a, v[j+1:])
					h.val = &val
				} else if i+1 < len(args) {
					i++
					h.val = &args[i]
				}
				hits = append(hits, h)
				j = len(v)
			case strings.IndexByte(spec.shortOpt, ch) >= 0:
				if j+1 < len(v) {
					val := attached(a, v[j+1:])
					h.val = &val
				}
				hits = append(hits, h)
				j = len(v)
			default:
				hits = append(hits, h)
			}
		}
	}
	return hits, ops
}

// validCluster reports whether v (-abc) can be a cluster of short options
// getopt accepts: letters and digits up to the first option that takes a
// value (whose value may be anything).
func validCluster(v string, spec *optSpec) bool {
	for j := 1; j < len(v); j++ {
		ch := v[j]
		if strings.IndexByte(spec.short, ch) >= 0 || strings.IndexByte(spec.shortOpt, ch) >= 0 {
			return true
		}
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9') {
			return false
		}
	}
	return true
}

// looksLiteralDash reports whether an unknown word still starts with a
// literal dash (-u$USER), so that it is an option.
func looksLiteralDash(a xword) bool {
	return strings.HasPrefix(a.Raw, "-")
}

// attached makes a value word from the tail of an option word.
func attached(a xword, val string) xword {
	n := a
	n.Value = val
	n.sw = nil
	n.whole = false
	return n
}

func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// has reports whether any hit has one of the names.
func has(hits []optHit, names ...string) bool {
	for _, h := range hits {
		if slices.Contains(names, h.name) {
			return true
		}
	}
	return false
}

// values returns the values of the hits with one of the names, in order.
func values(hits []optHit, names ...string) []xword {
	var out []xword
	for _, h := range hits {
		if h.val != nil && slices.Contains(names, h.name) {
			out = append(out, *h.val)
		}
	}
	return out
}

// firstOp returns the index in args of the first operand, or len(args).
func firstOp(args []xword, ops []int) int {
	if len(ops) == 0 {
		return len(args)
	}
	return ops[0]
}
