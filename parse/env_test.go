package parse

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// Variables known from the environment the command will get are known at
// the top level until the script changes them in any way; nested shells
// do not see them.
func TestEnv(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "__CLAUDE_CC_COMMAND_TEXT": "rm -rf x"}
	tests := []struct {
		src  string
		want string // argv of the last Exec, joined by spaces
	}{
		{`eval "$__CLAUDE_CC_COMMAND_TEXT"`, "rm -rf x"},
		{`rm -rf $HOME`, "rm -rf /home/u"},
		{`source "$HOME/.bashrc"`, "source /home/u/.bashrc"},
		{`HOME=/x; rm -rf $HOME`, "rm -rf /x"},
		{`declare HOME=/z; rm -rf $HOME`, "rm -rf /z"},
		// Anything that may change the variable makes it unknown again.
		{`read HOME; rm -rf $HOME`, "rm -rf $HOME"},
		{`for HOME in a; do :; done; rm -rf $HOME`, "rm -rf $HOME"},
		{`if c; then HOME=/x; fi; rm -rf $HOME`, "rm -rf $HOME"},
		{`printf -v HOME %s /y; rm -rf $HOME`, "rm -rf $HOME"},
		{`unset HOME; rm -rf $HOME`, "rm -rf $HOME"},
		{`f() { HOME=/q; }; f; rm -rf $HOME`, "rm -rf $HOME"},
		{`getopts a HOME; rm -rf $HOME`, "rm -rf $HOME"},
		{`mapfile HOME; rm -rf $HOME`, "rm -rf $HOME"},
		// A nested shell's environment is not tracked.
		{`bash -c 'rm -rf $HOME'`, "rm -rf $HOME"},
		// A leading ~ in an assignment is $HOME, expanded when assigned.
		{`x=~; rm -rf $x`, "rm -rf /home/u"},
		{`x=~/a; rm -rf $x`, "rm -rf /home/u/a"},
		{`HOME=/h; x=~; rm -rf $x`, "rm -rf /h"},
		{`x=~; HOME=/h; rm -rf $x`, "rm -rf /home/u"},
		{`x=~root; rm -rf $x`, "rm -rf $x"},
		{`x=~$y; rm -rf $x`, "rm -rf $x"},
		{`x="~"; rm -rf $x`, "rm -rf ~"},
		{`read HOME; x=~; rm -rf $x`, "rm -rf $x"},
	}
	for _, tt := range tests {
		p, err := Parse(tt.src, Options{Env: env})
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		last := p.Execs[len(p.Execs)-1]
		if got := strings.Join(last.Argv(), " "); got != tt.want {
			t.Errorf("%s: last exec %q, want %q", tt.src, got, tt.want)
		}
		if strings.Contains(tt.want, "$") && slices.ContainsFunc(last.Args, func(w Word) bool { return w.Known && strings.Contains(w.Value, "$") }) {
			t.Errorf("%s: an unknown word is marked known", tt.src)
		}
	}
	// Without Env nothing is known.
	p, _ := Parse(`rm -rf $HOME`, Options{})
	if p.Execs[0].Args[1].Known {
		t.Error("$HOME known without Env")
	}
}

// source ~/FILE reads $HOME/FILE when HOME is known.
func TestSourceTilde(t *testing.T) {
	read := func(p string) ([]byte, error) {
		if p == "/home/u/.bashrc" {
			return []byte("rm -rf /tmp/x\n"), nil
		}
		return nil, fs.ErrNotExist
	}
	p, err := Parse("source ~/.bashrc", Options{Env: map[string]string{"HOME": "/home/u"}, ReadFile: read})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Execs) != 2 || p.Execs[1].Name != "rm" || len(p.Unknowns) != 0 {
		t.Errorf("execs %+v, unknowns %+v", p.Execs, p.Unknowns)
	}
	p, _ = Parse("source ~/.bashrc", Options{ReadFile: read}) // HOME not known
	if len(p.Unknowns) != 1 || p.Unknowns[0].Kind != UnknownShellText {
		t.Errorf("without HOME: unknowns %+v", p.Unknowns)
	}
}
