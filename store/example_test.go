package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rrsh/rrsh/store"
)

// A command waits for approval; a human answers from another process
// (here: another Store on the same file).
func Example() {
	dir, _ := os.MkdirTemp("", "rrsh-store-example-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rrsh.db")
	ctx := context.Background()

	agent, err := store.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer agent.Close()
	id, _ := agent.Request(ctx, store.Request{Session: "s1", Agent: "claude-code",
		Command: "npm publish", Rule: "publish", Reason: "publishing needs a human"})

	human, _ := store.Open(path)
	defer human.Close()
	pending, _ := human.Pending(ctx)
	fmt.Println(len(pending), pending[0].Command)
	human.Answer(ctx, id, store.Answer{Granted: true, Scope: store.ScopeCommand, For: 10 * time.Minute, By: "alice"})

	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, _ := agent.Wait(wctx, id)
	fmt.Println(out.Granted, out.Scope, out.By)

	// The same command in the same session is now approved in advance.
	g, _ := agent.Standing(ctx, "s1", "npm publish", "publish", time.Now())
	fmt.Println(g != nil)
	// Output:
	// 1 npm publish
	// true command alice
	// true
}
