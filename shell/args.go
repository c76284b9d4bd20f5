package shell

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Mode says where the shell's commands come from.
type Mode int

// The modes of an [Invocation].
const (
	// ModeCommand: -c STRING [ARG0 ARGS…].
	ModeCommand Mode = iota
	// ModeFile: a script FILE operand with arguments.
	ModeFile
	// ModeStdin: the script is read from standard input (-s, or no operands).
	ModeStdin
	// ModeInteractive: no operands and a terminal on stdin, or -i without -c.
	ModeInteractive
	// ModeVersion: --version.
	ModeVersion
)

func (m Mode) String() string {
	switch m {
	case ModeCommand:
		return "command"
	case ModeFile:
		return "file"
	case ModeStdin:
		return "stdin"
	case ModeInteractive:
		return "interactive"
	case ModeVersion:
		return "version"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Invocation is a parsed bash- or zsh-style command line.
//
// rrsh never re-interprets the script: it hands the real shell Flags (the
// options exactly as given, minus -c and -s), then the command string or file,
// then Args.
type Invocation struct {
	// Shell is the real shell to run: "bash" or "zsh".
	Shell string
	// Flags are the options to pass through to the real shell, in order,
	// each as its own argv element (clusters are kept as written).
	Flags []string
	Mode  Mode
	// Command is the -c string (ModeCommand).
	Command string
	// File is the script operand (ModeFile).
	File string
	// Args are the words after the command string or file: for ModeCommand
	// they start with $0.
	Args []string
	// Login is set by -l or --login (or a leading '-' in argv[0]).
	Login bool
	// Argv0 is the name rrsh was invoked under; bash makes it $0 of a
	// -c string that has no ARG0.
	Argv0 string
	// Interactive is set by -i.
	Interactive bool
	// NoExec is set by -n: the shell only checks syntax.
	NoExec bool
}

// ErrUsage is wrapped by every error of [ParseArgs].
var ErrUsage = errors.New("usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}

// ShellFor returns the real shell rrsh stands in for when invoked as argv0:
// "zsh" when the base name contains "zsh", else "bash".
func ShellFor(argv0 string) string {
	if strings.Contains(filepath.Base(argv0), "zsh") {
		return "zsh"
	}
	return "bash"
}

// single-letter options that take the next word as their argument.
func takesArg(c byte) bool { return c == 'o' || c == 'O' }

// long options that bash and zsh accept; the bool says whether it takes an argument.
var longOpts = map[string]bool{
	"--noprofile": false, "--norc": false, "--login": false, "--posix": false,
	"--verbose": false, "--noediting": false, "--restricted": false, "--debugger": false,
	"--dump-strings": false, "--dump-po-strings": false, "--wordexp": false,
	"--rcfile": true, "--init-file": true,
	// zsh
	"--no-rcs": false, "--no-globalrcs": false, "--emulate": true,
}

// ParseArgs parses a shell command line (without argv[0]) the way bash does:
// options up to the first operand, "--" or "-"; -c takes its string from the
// first operand, so options may follow -c ("-c -l STRING"); clusters such as
// -lc, -ec and -eo pipefail; -o/+o and -O/+O take the next word.
// stdinTTY says whether standard input is a terminal (it decides between a
// stdin script and an interactive shell when there are no operands).
func ParseArgs(argv0 string, args []string, stdinTTY bool) (*Invocation, error) {
	inv := &Invocation{Shell: ShellFor(argv0), Argv0: argv0}
	if strings.HasPrefix(filepath.Base(argv0), "-") {
		// A login shell by name ("-bash"): the real shell gets -l.
		inv.Login = true
		inv.Flags = append(inv.Flags, "-l")
	}
	var dashC, dashS bool
	i := 0
options:
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--" || a == "-":
			i++
			break options
		case a == "--version":
			inv.Mode = ModeVersion
			return inv, nil
		case a == "--help":
			return nil, usageErr("rrsh stands in for %s; see `rrsh help`", inv.Shell)
		case strings.HasPrefix(a, "--"):
			name, _, hasEq := strings.Cut(a, "=")
			needs, ok := longOpts[name]
			if !ok {
				return nil, usageErr("unknown option %s", a)
			}
			if name == "--login" {
				inv.Login = true
			}
			inv.Flags = append(inv.Flags, a)
			if needs && !hasEq {
				if i+1 >= len(args) {
					return nil, usageErr("option %s needs an argument", a)
				}
				i++
				inv.Flags = append(inv.Flags, args[i])
			}
		case len(a) > 1 && (a[0] == '-' || a[0] == '+'):
			// A cluster of single-letter options. c and s are rrsh's to
			// handle; everything else passes through as written.
			var keep strings.Builder
			keep.WriteByte(a[0])
			var argsTaken []string
			for j := 1; j < len(a); j++ {
				ch := a[j]
				switch {
				case ch == 'c' && a[0] == '-':
					dashC = true
					continue
				case ch == 's' && a[0] == '-':
					dashS = true
					continue
				case ch == 'l' && a[0] == '-':
					inv.Login = true
				case ch == 'i' && a[0] == '-':
					inv.Interactive = true
				case ch == 'n' && a[0] == '-':
					inv.NoExec = true
				case takesArg(ch):
					if i+1 >= len(args) {
						return nil, usageErr("option %c%c needs an argument", a[0], ch)
					}
					i++
					argsTaken = append(argsTaken, args[i])
				case !isOptLetter(ch):
					return nil, usageErr("unknown option %c%c", a[0], ch)
				}
				keep.WriteByte(ch)
			}
			if keep.Len() > 1 {
				inv.Flags = append(inv.Flags, keep.String())
			}
			inv.Flags = append(inv.Flags, argsTaken...)
		default:
			break options
		}
	}
	operands := args[i:]
	switch {
	case dashC:
		if len(operands) == 0 {
			return nil, usageErr("-c: option requires an argument")
		}
		inv.Mode = ModeCommand
		inv.Command = operands[0]
		inv.Args = operands[1:]
	case dashS:
		inv.Mode = ModeStdin
		inv.Args = operands
	case len(operands) > 0:
		inv.Mode = ModeFile
		inv.File = operands[0]
		inv.Args = operands[1:]
	case inv.Interactive || stdinTTY:
		inv.Mode = ModeInteractive
	default:
		inv.Mode = ModeStdin
	}
	if len(inv.Args) == 0 {
		inv.Args = nil
	}
	return inv, nil
}

// isOptLetter reports whether bash (or zsh) knows the single-letter option.
func isOptLetter(ch byte) bool {
	return strings.IndexByte("abefhkmnptuvxBCEHPTDilrsyXwgdLNYZFR0123456789", ch) >= 0
}

// Argv returns the real shell's argument list (without the program name) for
// running the command string src: the same flags, then -c src, then $0 and
// the arguments. For a script file, $0 is the file name, as bash sets it.
func (inv *Invocation) Argv(src string) []string {
	out := append([]string(nil), inv.Flags...)
	switch inv.Mode {
	case ModeCommand:
		out = append(out, "-c", src)
		if len(inv.Args) == 0 && inv.Argv0 != "" {
			// $0 is the name the caller used, as with the real shell
			// (the real one is started by its absolute path).
			out = append(out, inv.Argv0)
		}
		out = append(out, inv.Args...)
	case ModeFile:
		out = append(out, inv.File)
		out = append(out, inv.Args...)
	case ModeStdin:
		out = append(out, "-s")
		out = append(out, inv.Args...)
	}
	return out
}
