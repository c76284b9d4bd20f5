package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestApprovalFromAnotherProcess(t *testing.T) {
	tests := []struct {
		answer      string
		wantGranted bool
		wantScope   Scope
		reason      string
	}{
		{"grant", true, ScopeOnce, "looks fine"},
		{"grant-command", true, ScopeCommand, ""},
		{"grant-rule", true, ScopeRule, ""},
		{"deny", false, "", "publish from CI instead"},
	}
	for _, tc := range tests {
		t.Run(tc.answer, func(t *testing.T) {
			s, path := newStore(t)
			ctx := context.Background()
			command := "npm publish --tag " + tc.answer
			id, err := s.Request(ctx, Request{Session: "s1", Agent: "claude-code", Command: command, Rule: "publish",
				Part: "npm publish", Reason: "publishing needs approval", Cwd: "/p", Writes: []string{"/p/dist"}})
			if err != nil {
				t.Fatal(err)
			}
			approver := helper(t, "approver", path, command, tc.answer, tc.reason)
			var stderr strings.Builder
			approver.Stderr = &stderr
			out := new(strings.Builder)
			approver.Stdout = out
			if err := approver.Start(); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			o, err := s.Wait(wctx, id)
			if werr := approver.Wait(); werr != nil {
				t.Fatalf("approver: %v\n%s", werr, stderr.String())
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out.String()) != id {
				t.Errorf("approver answered %q, want %q", out.String(), id)
			}
			if o.Granted != tc.wantGranted || o.TimedOut || o.Scope != tc.wantScope || o.By != "approver-process" || o.Reason != tc.reason {
				t.Errorf("Wait = %+v; want Granted %v, scope %q, by approver-process, reason %q", o, tc.wantGranted, tc.wantScope, tc.reason)
			}
			if (tc.wantScope == ScopeCommand || tc.wantScope == ScopeRule) == o.Expires.IsZero() {
				t.Errorf("Expires %v for scope %q", o.Expires, o.Scope)
			}
			if p, _ := s.Pending(ctx); len(p) != 0 {
				t.Errorf("still pending after the answer: %+v", p)
			}
		})
	}
}

func TestPendingListsRequests(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	r := Request{Session: "s1", Agent: "codex", Command: "terraform apply", Rule: "terraform-apply", Part: "terraform apply",
		Reason: "infrastructure change", Cwd: "/infra", Writes: []string{"/infra/terraform.tfstate"}}
	id, err := s.Request(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.Request(ctx, Request{Session: "s2", Command: "docker push x"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p[0].ID != id || p[1].ID != id2 {
		t.Fatalf("Pending: %+v", p)
	}
	got := p[0]
	if got.Session != r.Session || got.Agent != r.Agent || got.Command != r.Command || got.Rule != r.Rule || got.Part != r.Part ||
		got.Reason != r.Reason || got.Cwd != r.Cwd || len(got.Writes) != 1 || got.Writes[0] != r.Writes[0] ||
		got.Pid != os.Getpid() || time.Since(got.Created) > time.Minute {
		t.Errorf("Pending()[0] = %+v, want the fields of %+v", got, r)
	}
	if p[1].Writes == nil {
		t.Error("nil Writes; want an empty list")
	}
}

func TestWaitTimeout(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	id, err := s.Request(ctx, Request{Session: "s1", Command: "npm publish"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 80*time.Millisecond)
	defer cancel()
	o, err := s.Wait(wctx, id)
	if err != nil || !o.TimedOut || o.Granted {
		t.Fatalf("Wait = %+v, %v; want TimedOut", o, err)
	}
	var state string
	if err := s.db.QueryRow(`SELECT state FROM requests WHERE id = ?`, id).Scan(&state); err != nil || state != "timeout" {
		t.Errorf("row state %q, %v; want timeout", state, err)
	}
	err = s.Answer(ctx, id, Answer{Granted: true})
	if !isErr(err, ErrNotPending) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Answer after the timeout: %v; want ErrNotPending saying it timed out", err)
	}
	// A later Wait on it reports the timeout again.
	if o, err := s.Wait(ctx, id); err != nil || !o.TimedOut {
		t.Errorf("second Wait = %+v, %v", o, err)
	}
}

func TestWaitAnswerBeatsTimeout(t *testing.T) {
	// The answer is in before the deadline is noticed: Wait reports it.
	s, _ := newStore(t)
	ctx := context.Background()
	id, _ := s.Request(ctx, Request{Session: "s1", Command: "x"})
	if err := s.Answer(ctx, id, Answer{Granted: false, Reason: "no"}); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	o, err := s.giveUp(done, id)
	if err != nil || o.Granted || o.TimedOut || o.Reason != "no" {
		t.Errorf("giveUp after an answer = %+v, %v; want the denial", o, err)
	}
}

func TestWaitCancelled(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	id, _ := s.Request(ctx, Request{Session: "s1", Command: "x"})
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	if _, err := s.Wait(cctx, id); !isErr(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled ctx: %v", err)
	}
	if err := s.Answer(ctx, id, Answer{Granted: true}); !isErr(err, ErrNotPending) || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("Answer after cancel: %v", err)
	}
	// Cancel: pending → cancelled; a second Cancel is a no-op; unknown id.
	id2, _ := s.Request(ctx, Request{Session: "s1", Command: "y"})
	if err := s.Cancel(ctx, id2); err != nil {
		t.Fatal(err)
	}
	if err := s.Cancel(ctx, id2); err != nil {
		t.Errorf("second Cancel: %v", err)
	}
	if _, err := s.Wait(ctx, id2); !isErr(err, ErrCancelled) {
		t.Errorf("Wait on a cancelled request: %v", err)
	}
	if err := s.Cancel(ctx, "ffffffff"); !isErr(err, ErrNotFound) {
		t.Errorf("Cancel of an unknown id: %v", err)
	}
}

func TestAnswerErrors(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	id, _ := s.Request(ctx, Request{Session: "s1", Command: "x"})
	tests := []struct {
		name string
		id   string
		a    Answer
		want string
	}{
		{"unknown id", "0000", Answer{Granted: true}, "no such approval request"},
		{"command scope without duration", id, Answer{Granted: true, Scope: ScopeCommand}, "positive duration"},
		{"unknown scope", id, Answer{Granted: true, Scope: "forever", For: time.Hour}, "unknown scope"},
	}
	for _, tc := range tests {
		if err := s.Answer(ctx, tc.id, tc.a); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if err := s.Answer(ctx, id, Answer{Granted: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(ctx, id, Answer{Granted: false}); !isErr(err, ErrNotPending) || !strings.Contains(err.Error(), "already approved") {
		t.Errorf("second Answer: %v", err)
	}
	if _, err := s.Wait(ctx, "0000"); !isErr(err, ErrNotFound) {
		t.Errorf("Wait on an unknown id: %v", err)
	}
}

func TestWaiterGone(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	id, err := s.Request(ctx, Request{Session: "s1", Command: "x", Pid: deadPid(t)})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Errorf("Pending lists a request whose waiter has exited: %+v", p)
	}
	if err := s.Answer(ctx, id, Answer{Granted: true}); !isErr(err, ErrNotPending) || !strings.Contains(err.Error(), "exited") {
		t.Errorf("Answer for an exited waiter: %v", err)
	}
}

func TestScopes(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Now()
	ask := func(session, command, rule string) string {
		t.Helper()
		id, err := s.Request(ctx, Request{Session: session, Command: command, Rule: rule})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	t.Run("once is used once", func(t *testing.T) {
		id := ask("s1", "npm publish", "publish")
		if err := s.Answer(ctx, id, Answer{Granted: true}); err != nil {
			t.Fatal(err)
		}
		if o, err := s.Wait(ctx, id); err != nil || !o.Granted {
			t.Fatalf("first Wait = %+v, %v", o, err)
		}
		if _, err := s.Wait(ctx, id); !isErr(err, ErrUsed) {
			t.Errorf("second Wait on a once grant: %v, want ErrUsed", err)
		}
		if g, err := s.Standing(ctx, "s1", "npm publish", "publish", now); err != nil || g != nil {
			t.Errorf("a once grant stands: %+v, %v", g, err)
		}
	})

	t.Run("once: concurrent waiters, one wins", func(t *testing.T) {
		id := ask("s1", "npm publish", "publish")
		if err := s.Answer(ctx, id, Answer{Granted: true}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		granted, used := 0, 0
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				o, err := s.Wait(ctx, id)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && o.Granted:
					granted++
				case isErr(err, ErrUsed):
					used++
				default:
					t.Errorf("Wait = %+v, %v", o, err)
				}
			})
		}
		wg.Wait()
		if granted != 1 || used != 7 {
			t.Errorf("granted %d, used %d; want 1 and 7", granted, used)
		}
	})

	t.Run("command for 10m", func(t *testing.T) {
		id := ask("s2", "docker push app:1", "docker-push")
		if err := s.Answer(ctx, id, Answer{Granted: true, Scope: ScopeCommand, For: 10 * time.Minute, By: "ann"}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // a command-scoped grant is not used up
			if o, err := s.Wait(ctx, id); err != nil || !o.Granted {
				t.Fatalf("Wait = %+v, %v", o, err)
			}
		}
		tests := []struct {
			session, command, rule string
			at                     time.Duration
			want                   bool
		}{
			{"s2", "docker push app:1", "docker-push", 0, true},
			{"s2", "docker push app:1", "", 9 * time.Minute, true},
			{"s2", "docker push app:2", "docker-push", 0, false},  // other command, same rule
			{"s2", "docker push app:1 ", "docker-push", 0, false}, // not the exact text
			{"s3", "docker push app:1", "docker-push", 0, false},  // other session
			{"s2", "docker push app:1", "docker-push", 11 * time.Minute, false},
		}
		for _, tc := range tests {
			g, err := s.Standing(ctx, tc.session, tc.command, tc.rule, now.Add(tc.at))
			if err != nil {
				t.Fatal(err)
			}
			if (g != nil) != tc.want {
				t.Errorf("Standing(%s, %q, %q, +%v) = %+v, want grant %v", tc.session, tc.command, tc.rule, tc.at, g, tc.want)
			}
			if g != nil && (g.ID != id || g.Scope != ScopeCommand || g.By != "ann" || g.Expires.Sub(g.Approved) != 10*time.Minute) {
				t.Errorf("grant %+v", g)
			}
		}
	})

	t.Run("rule for the session", func(t *testing.T) {
		id := ask("s4", "terraform apply -target=a", "terraform-apply")
		if err := s.Answer(ctx, id, Answer{Granted: true, Scope: ScopeRule, For: time.Hour}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			session, command, rule string
			at                     time.Duration
			want                   bool
		}{
			{"s4", "terraform apply -target=b", "terraform-apply", 0, true},
			{"s4", "anything", "terraform-apply", 59 * time.Minute, true},
			{"s4", "terraform apply -target=b", "other-rule", 0, false},
			{"s4", "terraform apply -target=b", "", 0, false},
			{"s5", "terraform apply -target=a", "terraform-apply", 0, false},
			{"s4", "terraform apply -target=a", "terraform-apply", 61 * time.Minute, false},
		}
		for _, tc := range tests {
			g, err := s.Standing(ctx, tc.session, tc.command, tc.rule, now.Add(tc.at))
			if err != nil {
				t.Fatal(err)
			}
			if (g != nil) != tc.want {
				t.Errorf("Standing(%s, %q, %q, +%v) = %+v, want grant %v", tc.session, tc.command, tc.rule, tc.at, g, tc.want)
			}
		}
	})

	t.Run("a denial never stands", func(t *testing.T) {
		id := ask("s6", "rm -rf build", "rm")
		if err := s.Answer(ctx, id, Answer{Granted: false, Scope: ScopeRule, For: time.Hour}); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.Standing(ctx, "s6", "rm -rf build", "rm", now); g != nil {
			t.Errorf("a denial stands: %+v", g)
		}
	})
}

func TestRequestIDs(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	re := regexp.MustCompile(`^[0-9a-f]{4,8}$`)
	seen := map[string]bool{}
	short := 0
	for i := range 600 {
		id, err := s.Request(ctx, Request{Session: "s", Command: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(id) {
			t.Fatalf("id %q is not 4–8 lowercase hex characters", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		if len(id) == 4 {
			short++
		}
	}
	if short < 550 {
		t.Errorf("only %d of 600 ids are 4 characters long", short)
	}
}

func TestPruneKeepsRecentAndStanding(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	old := time.Now().Add(-answerRetention - time.Hour).UnixNano()
	// An old answered request, an old pending one, and an old one whose
	// grant still stands.
	for _, q := range []string{
		`INSERT INTO requests (id, session, agent, command, rule, part, reason, cwd, writes, pid, pid_start, boot_id, created, state)
		 VALUES ('aaaa', 's', '', 'c', '', '', '', '', '[]', 1, 0, '', ?1, 'denied')`,
		`INSERT INTO requests (id, session, agent, command, rule, part, reason, cwd, writes, pid, pid_start, boot_id, created, state)
		 VALUES ('bbbb', 's', '', 'c', '', '', '', '', '[]', 1, 0, '', ?1, 'pending')`,
		`INSERT INTO requests (id, session, agent, command, rule, part, reason, cwd, writes, pid, pid_start, boot_id, created, state, scope, expires)
		 VALUES ('cccc', 's', '', 'c', 'r', '', '', '', '[]', 1, 0, '', ?1, 'granted', 'rule', ?2)`,
	} {
		if _, err := s.db.Exec(q, old, time.Now().Add(time.Hour).UnixNano()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Request(ctx, Request{Session: "s", Command: "new"}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	rows, _ := s.db.Query(`SELECT id FROM requests WHERE length(id) = 4 AND id IN ('aaaa','bbbb','cccc') ORDER BY id`)
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if fmt.Sprint(ids) != "[cccc]" {
		t.Errorf("after pruning: %v, want only the standing grant cccc", ids)
	}
}

func TestGrantOnce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	now := time.Now()
	if err := s.GrantOnce(ctx, "s1", "git push", "hook", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantOnce(ctx, "s1", "git push", "hook", 0); err == nil {
		t.Error("GrantOnce with ttl 0 succeeded")
	}
	tests := []struct {
		session, command string
		at               time.Duration
		want             bool
	}{
		{"s2", "git push", 0, false},
		{"s1", "git push --force", 0, false},
		{"s1", "git push", 2 * time.Minute, false}, // expired
		{"s1", "git push", 0, true},
		{"s1", "git push", 0, false}, // used up
	}
	for _, tc := range tests {
		got, err := s.ConsumeGrant(ctx, tc.session, tc.command, now.Add(tc.at))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("ConsumeGrant(%s, %q, +%v) = %v, want %v", tc.session, tc.command, tc.at, got, tc.want)
		}
	}
}

// TestConsumeGrantConcurrentProcesses: of N processes racing for one
// grant, exactly one gets it.
func TestConsumeGrantConcurrentProcesses(t *testing.T) {
	const n = 8
	for round := range 3 {
		s, path := newStore(t)
		ctx := context.Background()
		if err := s.GrantOnce(ctx, "s1", "git push", "hook", time.Minute); err != nil {
			t.Fatal(err)
		}
		goFile := filepath.Join(t.TempDir(), "go")
		type result struct {
			out string
			err error
		}
		results := make(chan result, n)
		var ready sync.WaitGroup
		for range n {
			cmd := helper(t, "consumer", path, "s1", "git push", goFile)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ready.Add(1)
			go func() {
				buf := make([]byte, 64)
				var all []byte
				signalled := false
				for {
					k, err := stdout.Read(buf)
					all = append(all, buf[:k]...)
					if !signalled && strings.Contains(string(all), "ready\n") {
						signalled = true
						ready.Done()
					}
					if err != nil {
						break
					}
				}
				if !signalled {
					ready.Done()
				}
				err := cmd.Wait()
				if err != nil {
					err = fmt.Errorf("%v: %s", err, stderr.String())
				}
				results <- result{strings.TrimPrefix(string(all), "ready\n"), err}
			}()
		}
		ready.Wait()
		if err := os.WriteFile(goFile, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		winners := 0
		for range n {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			if strings.TrimSpace(r.out) == "true" {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("round %d: %d of %d processes consumed the one grant", round, winners, n)
		}
	}
}

// TestConsumeGrantConcurrentConnections: the same with goroutines, each
// with its own Store (its own SQLite connections).
func TestConsumeGrantConcurrentConnections(t *testing.T) {
	s, path := newStore(t)
	ctx := context.Background()
	const n, grants = 16, 5
	for range grants {
		if err := s.GrantOnce(ctx, "s1", "make deploy", "hook", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	var wins sync.WaitGroup
	var mu sync.Mutex
	got := 0
	start := make(chan struct{})
	for range n {
		st, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		wins.Go(func() {
			<-start
			ok, err := st.ConsumeGrant(ctx, "s1", "make deploy", time.Now())
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				got++
				mu.Unlock()
			}
		})
	}
	close(start)
	wins.Wait()
	if got != grants {
		t.Errorf("%d consumers got a grant; want exactly %d (one per grant)", got, grants)
	}
}
