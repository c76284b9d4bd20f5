package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rrsh/rrsh/internal/cputime"
)

// reportCPU adds a cpu-µs/op metric for the loop that started at start.
func reportCPU(b *testing.B, start time.Duration) {
	if n := b.N; n > 0 {
		b.ReportMetric(float64((cputime.Used()-start).Microseconds())/float64(n), "cpu-µs/op")
	}
}

// runPath is what rrsh does with the store for one command on the run
// path: record the session, look for conflicting writes by other active
// sessions, record this command's writes.
func runPath(b *testing.B, s *Store, i int) {
	ctx := context.Background()
	path := fmt.Sprintf("/project/src/file-%d.go", i%50)
	if err := s.Touch(ctx, Session{ID: "bench", Agent: "claude-code", Cwd: "/project", LastCommand: "sed -i s/a/b/ " + path}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Conflicts(ctx, "bench", []string{path}, time.Now().Add(-10*time.Minute)); err != nil {
		b.Fatal(err)
	}
	if err := s.RecordWrites(ctx, "bench", fmt.Sprint(i), []string{path}, time.Now()); err != nil {
		b.Fatal(err)
	}
}

// seed gives the store some other sessions' writes to search.
func seed(b testing.TB, path string) {
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i := range 1000 {
		sess := fmt.Sprintf("other-%d", i%8)
		s.Touch(ctx, Session{ID: sess, LastCommand: "x"})
		s.RecordWrites(ctx, sess, fmt.Sprint(i), []string{fmt.Sprintf("/project/src/file-%d.go", i%200)}, time.Now())
	}
}

// BenchmarkRunPathFresh: the store's cost per command as a fresh rrsh
// process pays it: Open + Touch + Conflicts + RecordWrites + Close.
func BenchmarkRunPathFresh(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rrsh.db")
	seed(b, path)
	// Keep one other connection open, as concurrent agents would, so
	// Close is not the last connection (which checkpoints the WAL).
	other, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer other.Close()
	if err := other.Touch(context.Background(), Session{ID: "keepalive"}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cputime.Used()
	for i := 0; b.Loop(); i++ {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runPath(b, s, i)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkRunPathFreshAlone is the same when no other process has the
// store open, so every Close checkpoints the WAL and removes it.
func BenchmarkRunPathFreshAlone(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rrsh.db")
	seed(b, path)
	cpu := cputime.Used()
	for i := 0; b.Loop(); i++ {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runPath(b, s, i)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkRunPathOpen: the same without Open and Close.
func BenchmarkRunPathOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rrsh.db")
	seed(b, path)
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cpu := cputime.Used()
	for i := 0; b.Loop(); i++ {
		runPath(b, s, i)
	}
	reportCPU(b, cpu)
}

// BenchmarkOpenClose: Open and Close alone.
func BenchmarkOpenClose(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rrsh.db")
	seed(b, path)
	other, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer other.Close()
	other.Touch(context.Background(), Session{ID: "keepalive"})
	cpu := cputime.Used()
	for b.Loop() {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkAnswerToWait: from Answer returning in one Store (the
// approver's) to Wait returning in another (the waiting command's). The
// mean is about half of PollInterval plus one query.
func BenchmarkAnswerToWait(b *testing.B) {
	path := filepath.Join(b.TempDir(), "rrsh.db")
	approver, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer approver.Close()
	waiter, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer waiter.Close()
	ctx := context.Background()
	var total, worst time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		id, err := waiter.Request(ctx, Request{Session: "s", Command: "npm publish"})
		if err != nil {
			b.Fatal(err)
		}
		answered := make(chan time.Time, 1)
		go func() {
			// Answer at a random point of the poll cycle.
			time.Sleep(time.Duration(n%7) * PollInterval / 7)
			if err := approver.Answer(ctx, id, Answer{Granted: true}); err != nil {
				b.Error(err)
			}
			answered <- time.Now()
		}()
		b.StartTimer()
		o, err := waiter.Wait(ctx, id)
		done := time.Now()
		if err != nil || !o.Granted {
			b.Fatal(o, err)
		}
		lat := done.Sub(<-answered)
		total += lat
		worst = max(worst, lat)
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms-answer-to-wait")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst")
}
