package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentProcesses runs 16 rrsh-like processes of 100 commands
// each against one store. Every command opens the store afresh and does
// Touch + Conflicts + RecordWrites, every tenth also Request + Answer +
// Wait. Nothing may fail (in particular no SQLITE_BUSY), and every command,
// write and request must be counted exactly once.
func TestConcurrentProcesses(t *testing.T) {
	const procs, commands = 16, 100
	if testing.Short() {
		t.Skip("spawns 16 processes running 1600 commands")
	}
	s, path := newStore(t)
	var wg sync.WaitGroup
	outs := make([]string, procs)
	errs := make([]error, procs)
	start := time.Now()
	for w := range procs {
		wg.Go(func() {
			cmd := helper(t, "worker", path, fmt.Sprint(w), fmt.Sprint(commands))
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				errs[w] = fmt.Errorf("worker %d: %v: %s", w, err, stderr.String())
			}
			outs[w] = stdout.String()
		})
	}
	wg.Wait()
	t.Logf("%d processes × %d commands in %v", procs, commands, time.Since(start))
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}
	ids := map[string]bool{}
	for _, out := range outs {
		for _, id := range strings.Fields(out) {
			if ids[id] {
				t.Errorf("request id %s handed out twice", id)
			}
			ids[id] = true
		}
	}
	if len(ids) != procs*commands/10 {
		t.Errorf("%d distinct request ids, want %d", len(ids), procs*commands/10)
	}
	ctx := context.Background()
	var sessions, touched, writes, requests, used int
	for q, dst := range map[string]*int{
		`SELECT count(*) FROM sessions`:                      &sessions,
		`SELECT sum(commands) FROM sessions`:                 &touched,
		`SELECT count(*) FROM writes`:                        &writes,
		`SELECT count(*) FROM requests`:                      &requests,
		`SELECT count(*) FROM requests WHERE state = 'used'`: &used,
	} {
		if err := s.db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	if sessions != procs || touched != procs*commands || writes != procs*commands || requests != procs*commands/10 || used != requests {
		t.Errorf("sessions %d, commands %d, writes %d, requests %d (%d used); want %d, %d, %d, %d (all used)",
			sessions, touched, writes, requests, used, procs, procs*commands, procs*commands, procs*commands/10)
	}
	// Every other session's writes to the shared files now conflict.
	var files []string
	for i := range 7 {
		files = append(files, fmt.Sprintf("/project/shared/file-%d", i))
	}
	c, err := s.Conflicts(ctx, "worker-0", files, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != (procs-1)*7 {
		t.Errorf("%d conflicts, want %d (15 other sessions × 7 files)", len(c), (procs-1)*7)
	}
}
