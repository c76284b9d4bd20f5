package parse

import (
	"io/fs"
	"strings"
	"testing"
)

// Bodies of functions nothing can call are marked Uncalled; anything that
// may call a function, or may run unknown commands, keeps them checked.
func TestUncalled(t *testing.T) {
	tests := []struct {
		src      string
		uncalled string // the Execs marked Uncalled, by name, space-separated
	}{
		{`f() { rm -rf ~; }; echo hi`, "rm"},
		{`f() { rm -rf ~; }; f`, ""},
		{`f() { rm -rf ~; }; g() { f; }; g`, ""},
		{`f() { rm -rf ~; }; g() { f; }; echo`, "rm f"},
		{`f() { rm -rf ~; }; g() { rm x; }; g`, "rm"},
		{`function f { rm a; }; echo`, "rm"},
		{`f() { g() { rm a; }; }; g`, ""},
		// f calls itself only: still never started
		{`f() { f; rm a; }; echo`, "f rm"},
		// run-time command names and text may call anything
		{`f() { rm a; }; $x`, ""},
		{`f() { rm a; }; eval "$x"`, ""},
		{`f() { rm a; }; bash -c "$x"`, ""},
		{`f() { rm a; }; source ./missing-file`, ""},
		{`f() { rm a; }; g() { $x; }; g`, ""},
		// an unknown inside an uncalled body changes nothing
		{`f() { rm a; }; g() { $x; }; echo`, "rm ?"},
		// by name anywhere: nested shells, traps, aliases, wrappers
		{`f() { rm a; }; bash -c f`, ""},
		{`f() { rm a; }; trap f EXIT`, ""},
		{`f() { rm a; }; alias g=f; g`, ""},
		{`f() { rm a; }; xargs f < list`, ""},
		// exported: a child bash may call it from anywhere
		{`f() { rm a; }; export -f f; parallel f ::: 1`, ""},
		{`f() { rm a; }; declare -fx f`, ""},
		{`f() { rm a; }; declare -f f`, "rm"},
		{`f() { rm a; }; declare -f "$g"`, "rm"},
		{`f() { rm a; }; export -f "$g"`, ""},
		{`f() { rm a; }; export $v`, ""},
		{`f() { rm a; }; export PATH`, "rm"},
		// callbacks and handlers bash calls by itself
		{`f() { rm a; }; mapfile -C f -c 1 a < /dev/null`, ""},
		{`command_not_found_handle() { rm a; }; nosuch`, ""},
		// the snapshot form: defined through eval of decoded text
		{`eval "$(echo 'ZigpIHsgcm0gYTsgfQo=' | base64 -d)"; echo`, "rm"},
		{`eval "$(echo 'ZigpIHsgcm0gYTsgfQo=' | base64 -d)"; f`, ""},
	}
	for _, tt := range tests {
		p, err := Parse(tt.src, Options{ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }})
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		var got []string
		for _, e := range p.Execs {
			if e.Uncalled {
				n := e.Name
				if !e.NameKnown {
					n = "?"
				}
				got = append(got, n)
			}
		}
		if g := strings.Join(got, " "); g != tt.uncalled {
			t.Errorf("%s: uncalled %q, want %q", tt.src, g, tt.uncalled)
		}
		for _, w := range p.Writes {
			if w.Exec >= 0 && w.Uncalled != p.Execs[w.Exec].Uncalled {
				t.Errorf("%s: write %s uncalled=%v, its exec %v", tt.src, w.Path.Value, w.Uncalled, p.Execs[w.Exec].Uncalled)
			}
		}
	}
}

// A limit hit anywhere means part of the command was not analysed: no
// body is marked.
func TestUncalledLimit(t *testing.T) {
	src := "f() { rm a; }\n" + strings.Repeat("echo x; ", 400)
	p, err := Parse(src, Options{MaxNodes: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Execs {
		if e.Uncalled {
			t.Fatalf("%s marked uncalled with a limit hit", e.Name)
		}
	}
}
