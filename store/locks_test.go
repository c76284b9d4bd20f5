package store

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLockHeldInThisProcess(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	unlock, err := s.Lock(ctx, "s1", "cmd1", []string{"/p/src", "/p/go.mod"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, cmd, path, wantPath string
	}{
		{"same path", "cmd2", "/p/go.mod", "/p/go.mod"},
		{"below a locked directory", "cmd2", "/p/src/a/b.go", "/p/src"},
		{"above a locked path", "cmd2", "/p", "/p/go.mod"},
	}
	for _, tc := range tests {
		_, err := s.Lock(ctx, "s2", tc.cmd, []string{"/q/free", tc.path})
		var le *LockedError
		if !errors.As(err, &le) {
			t.Fatalf("%s: Lock = %v, want a *LockedError", tc.name, err)
		}
		if le.Path != tc.wantPath || le.Want != tc.path || le.Session != "s1" || le.CmdID != "cmd1" || le.Pid != os.Getpid() {
			t.Errorf("%s: %+v", tc.name, le)
		}
		if !strings.Contains(err.Error(), "locked by session s1") {
			t.Errorf("%s: message %q", tc.name, err)
		}
	}
	// A failed Lock takes nothing: /q/free is still free.
	u, err := s.Lock(ctx, "s3", "cmd3", []string{"/q/free"})
	if err != nil {
		t.Fatalf("a failed Lock kept a lock: %v", err)
	}
	u()
	// A sibling with a common name prefix is not covered.
	u, err = s.Lock(ctx, "s2", "cmd2", []string{"/p/srcx"})
	if err != nil {
		t.Fatalf("/p/srcx: %v", err)
	}
	u()
	// The same command may lock again (re-entrant).
	u, err = s.Lock(ctx, "s1", "cmd1", []string{"/p/src/x"})
	if err != nil {
		t.Fatalf("re-entrant lock: %v", err)
	}
	u()
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v", err)
	}
	u, err = s.Lock(ctx, "s2", "cmd2", []string{"/p"})
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	u()
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	s, path := newStore(t)
	cmd := helper(t, "locker", path, "agent-b", "/p/db.sqlite", "hold")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("locker: %q, %v\n%s", line, err, stderr.String())
	}
	_, err = s.Lock(context.Background(), "agent-a", "c1", []string{"/p/db.sqlite"})
	var le *LockedError
	if !errors.As(err, &le) || le.Pid != cmd.Process.Pid || le.Session != "agent-b" || le.CmdID != "locker-cmd" {
		t.Errorf("Lock against a live holder: %v (%+v); want LockedError naming pid %d, session agent-b", err, le, cmd.Process.Pid)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	// The holder exited without unlocking: its lock is stale and taken over.
	unlock, err := s.Lock(context.Background(), "agent-a", "c1", []string{"/p/db.sqlite"})
	if err != nil {
		t.Fatalf("Lock after the holder exited: %v", err)
	}
	var pid int
	if err := s.db.QueryRow(`SELECT pid FROM locks WHERE path = '/p/db.sqlite'`).Scan(&pid); err != nil || pid != os.Getpid() {
		t.Errorf("lock row pid %d, %v; want ours (%d)", pid, err, os.Getpid())
	}
	unlock()
}

func TestStaleLocksTakenOver(t *testing.T) {
	s, path := newStore(t)
	ctx := context.Background()
	runHelper(t, "locker", path, "gone", "/p/a", "exit")
	stale := []struct {
		name  string
		pid   int
		start int64
		boot  string
	}{
		{"pid of a reaped process", deadPid(t), 0, bootID()},
		{"live pid, other start time (pid reused)", os.Getpid(), pidStartTime(os.Getpid()) + 1, bootID()},
		{"live pid, previous boot", os.Getpid(), pidStartTime(os.Getpid()), "00000000-0000-0000-0000-000000000000"},
	}
	for i, st := range stale {
		if _, err := s.db.Exec(`INSERT INTO locks (path, session, cmd_id, pid, pid_start, boot_id, at) VALUES (?, 'gone', 'c', ?, ?, ?, 0)`,
			"/p/stale"+string(rune('0'+i)), st.pid, st.start, st.boot); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Lock(ctx, "me", "c", []string{"/p/a", "/p/stale0", "/p/stale1", "/p/stale2"}); err != nil {
		t.Fatalf("stale locks not taken over: %v", err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM locks WHERE session = 'gone'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d stale locks left, %v", n, err)
	}
}
