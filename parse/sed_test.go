package parse

import (
	"fmt"
	"testing"
)

func TestScanSed(t *testing.T) {
	tests := []struct{ script, want string }{
		{"1e rm -rf x", "[e:rm -rf x]"},
		{"e", "[e:]"},
		{"s/.*/ls/e", "[e:]"},
		{"s/a/b/gw out.txt", "[w:out.txt]"},
		{"/x/w log.txt\ns/a/b/", "[w:log.txt]"},
		{"1,5{s/e/E/g;p}", "[]"},
		{"s|e|w|g", "[]"},
		{`s/a\/e/b/`, "[]"},
		{"y/ew/we/", "[]"},
		{"$a text with e and w", "[]"},
		{"1i\\\nline e\\\nline w\n3e date", "[e:date]"},
		{"/start/,/stop/!d; $e echo end", "[e:echo end]"},
		{"# a comment with e\n:top\nb top", "[]"},
		{`\%e%w x.txt`, "[w:x.txt]"},
		{"r in.txt\nW out.txt", "[w:out.txt]"},
		{"s/a/b", "[]"},
	}
	for _, tt := range tests {
		var got []string
		for _, op := range scanSed(tt.script) {
			got = append(got, fmt.Sprintf("%c:%s", op.kind, op.arg))
		}
		if g := fmt.Sprint(got); g != tt.want {
			t.Errorf("%q: %s, want %s", tt.script, g, tt.want)
		}
	}
}
