package shell

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		argv0 string
		args  []string
		tty   bool
		want  Invocation
		argv  []string // Argv("S") for the real shell
	}{
		{"rrsh", []string{"-c", "echo hi"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "echo hi"},
			[]string{"-c", "S"}},
		{"rrsh", []string{"-c", "echo $0 $1", "zero", "one"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "echo $0 $1", Args: []string{"zero", "one"}},
			[]string{"-c", "S", "zero", "one"}},
		// Claude Code's snapshot builder: an option after -c.
		{"/home/u/.local/share/rrsh/bin/bash", []string{"-c", "-l", "script"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "script", Flags: []string{"-l"}, Login: true},
			[]string{"-l", "-c", "S"}},
		// Codex: -lc.
		{"bash", []string{"-lc", "script"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "script", Flags: []string{"-l"}, Login: true},
			[]string{"-l", "-c", "S"}},
		// make: .SHELLFLAGS=-ec, -eu -o pipefail -c.
		{"rrsh", []string{"-ec", "false"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "false", Flags: []string{"-e"}},
			[]string{"-e", "-c", "S"}},
		{"rrsh", []string{"-eu", "-o", "pipefail", "-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Flags: []string{"-eu", "-o", "pipefail"}},
			[]string{"-eu", "-o", "pipefail", "-c", "S"}},
		{"rrsh", []string{"-eo", "pipefail", "-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Flags: []string{"-eo", "pipefail"}},
			[]string{"-eo", "pipefail", "-c", "S"}},
		{"rrsh", []string{"+o", "history", "-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Flags: []string{"+o", "history"}},
			[]string{"+o", "history", "-c", "S"}},
		// GitHub Actions: bash --noprofile --norc -e -o pipefail FILE.
		{"rrsh", []string{"--noprofile", "--norc", "-e", "-o", "pipefail", "/tmp/step.sh"}, false,
			Invocation{Shell: "bash", Mode: ModeFile, File: "/tmp/step.sh", Flags: []string{"--noprofile", "--norc", "-e", "-o", "pipefail"}},
			[]string{"--noprofile", "--norc", "-e", "-o", "pipefail", "/tmp/step.sh"}},
		{"rrsh", []string{"script.sh", "a", "-c"}, false,
			Invocation{Shell: "bash", Mode: ModeFile, File: "script.sh", Args: []string{"a", "-c"}},
			[]string{"script.sh", "a", "-c"}},
		// GitLab: bash -l with the script on stdin.
		{"rrsh", []string{"-l"}, false,
			Invocation{Shell: "bash", Mode: ModeStdin, Flags: []string{"-l"}, Login: true},
			[]string{"-l", "-s"}},
		{"rrsh", []string{"-s", "a", "b"}, true,
			Invocation{Shell: "bash", Mode: ModeStdin, Args: []string{"a", "b"}},
			[]string{"-s", "a", "b"}},
		{"rrsh", nil, true, Invocation{Shell: "bash", Mode: ModeInteractive}, nil},
		{"rrsh", []string{"-i"}, false, Invocation{Shell: "bash", Mode: ModeInteractive, Flags: []string{"-i"}, Interactive: true}, nil},
		{"rrsh", []string{"--version"}, false, Invocation{Shell: "bash", Mode: ModeVersion}, nil},
		{"/opt/rrsh/bin/zsh", []string{"-c", "x"}, false,
			Invocation{Shell: "zsh", Mode: ModeCommand, Command: "x"}, []string{"-c", "S"}},
		{"-bash", []string{"-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Login: true, Flags: []string{"-l"}}, []string{"-l", "-c", "S", "-bash"}},
		{"rrsh", []string{"--rcfile", "f", "-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Flags: []string{"--rcfile", "f"}}, []string{"--rcfile", "f", "-c", "S"}},
		{"rrsh", []string{"--", "script.sh"}, false,
			Invocation{Shell: "bash", Mode: ModeFile, File: "script.sh"}, []string{"script.sh"}},
		{"rrsh", []string{"-n", "-c", "x"}, false,
			Invocation{Shell: "bash", Mode: ModeCommand, Command: "x", Flags: []string{"-n"}, NoExec: true}, []string{"-n", "-c", "S"}},
	}
	for _, tt := range tests {
		got, err := ParseArgs(tt.argv0, tt.args, tt.tty)
		if err != nil {
			t.Errorf("ParseArgs(%q, %q): %v", tt.argv0, tt.args, err)
			continue
		}
		tt.want.Argv0 = tt.argv0
		if tt.want.Mode == ModeCommand && len(tt.want.Args) == 0 && tt.argv0 != "-bash" {
			// $0 of a -c string without ARG0 is the invoked name.
			tt.argv = append(tt.argv, tt.argv0)
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("ParseArgs(%q, %q)\n got %+v\nwant %+v", tt.argv0, tt.args, *got, tt.want)
		}
		if tt.argv != nil {
			if a := got.Argv("S"); !reflect.DeepEqual(a, tt.argv) {
				t.Errorf("ParseArgs(%q, %q).Argv = %q, want %q", tt.argv0, tt.args, a, tt.argv)
			}
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{{"-c"}, {"-o"}, {"--bogus"}, {"-Q", "-c", "x"}, {"--rcfile"}} {
		if _, err := ParseArgs("rrsh", args, false); !errors.Is(err, ErrUsage) {
			t.Errorf("ParseArgs(%q) = %v, want a usage error", args, err)
		}
	}
}
