package parse_test

import (
	"fmt"

	"github.com/rrsh/rrsh/parse"
)

func ExampleParse() {
	src := `git status | tee status.txt && bash -c 'rm -rf build' && psql <<EOF
DROP TABLE users;
EOF`
	plan, err := parse.Parse(src, parse.Options{})
	if err != nil {
		fmt.Println("parse error:", err) // fail closed
		return
	}
	for _, e := range plan.Execs {
		fmt.Printf("exec depth=%d %q %v (at %v)\n", e.Depth, e.Name, e.Argv()[1:], e.Span.Start)
	}
	for _, w := range plan.Writes {
		fmt.Printf("write %s %s recursive=%v\n", w.Kind, w.Path.Value, w.Recursive)
	}
	for _, c := range plan.CodeTexts {
		fmt.Printf("%s code for %s from %s: %q\n", c.Lang, c.Client, c.From, c.Text)
	}
	// Output:
	// exec depth=0 "git" [status] (at 1:1)
	// exec depth=0 "tee" [status.txt] (at 1:14)
	// exec depth=0 "bash" [-c rm -rf build] (at 1:32)
	// exec depth=1 "rm" [-rf build] (at 1:41)
	// exec depth=0 "psql" [] (at 1:58)
	// write tee status.txt recursive=false
	// write delete build recursive=true
	// sql code for psql from heredoc: "DROP TABLE users;\n"
}
