package journal_test

import (
	"fmt"
	"os"

	"github.com/rrsh/rrsh/journal"
)

func Example() {
	dir, _ := os.MkdirTemp("", "journal-example-")
	defer os.RemoveAll(dir)

	j, err := journal.Open(dir, journal.Options{})
	if err != nil {
		fmt.Println("refusing to run:", err)
		return
	}
	defer j.Close()
	h := journal.Header{Session: "s1", ID: "c1"}
	if err := j.Decision(h, journal.Decision{Command: "make test", Tier: "allow", Rule: "allowlist:make"}); err != nil {
		fmt.Println("refusing to run:", err)
		return
	}
	j.Start(h, journal.Start{Pid: 1234})
	j.Exit(h, journal.Exit{Status: 0, DurationMS: 812})

	for e, err := range journal.Read(dir) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		if e.Type == journal.TypeDecision {
			fmt.Println(e.Seq, e.Type, e.ID, e.Str("tier"), e.Str("command"))
		} else {
			fmt.Println(e.Seq, e.Type, e.ID)
		}
	}
	brk, err := journal.Verify(dir)
	fmt.Println("intact:", brk == nil && err == nil)
	// Output:
	// 1 decision c1 allow make test
	// 2 start c1
	// 3 exit c1
	// intact: true
}
