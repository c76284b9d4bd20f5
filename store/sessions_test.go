package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestTouchAndSessions(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	steps := []Session{
		{ID: "s1", Agent: "claude-code", Cwd: "/p", LastCommand: "ls", LastSeen: t0},
		{ID: "s1", Agent: "", Cwd: "/p/sub", LastCommand: "make", LastSeen: t0.Add(time.Minute)},
		{ID: "s2", Agent: "codex", Cwd: "/q", LastCommand: "go test", LastSeen: t0.Add(2 * time.Minute)},
		{ID: "s1", Agent: "claude-code", Cwd: "/p", LastCommand: "git status", LastSeen: t0.Add(3 * time.Minute)},
		{ID: "old", Agent: "terminal", Cwd: "/", LastCommand: "true", LastSeen: t0.Add(-time.Hour)},
	}
	for _, st := range steps {
		if err := s.Touch(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []string{"/p/a", "/p/b", "/p/a", "/p/c", "/p/d", "/p/e", "/p/f"} {
		if err := s.RecordWrites(ctx, "s1", "c", []string{p}, t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Sessions(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := []SessionInfo{
		{ID: "s1", Agent: "claude-code", Cwd: "/p", LastCommand: "git status", FirstSeen: t0, LastSeen: t0.Add(3 * time.Minute),
			Commands: 3, RecentFiles: []string{"/p/f", "/p/e", "/p/d", "/p/c", "/p/a"}},
		{ID: "s2", Agent: "codex", Cwd: "/q", LastCommand: "go test", FirstSeen: t0.Add(2 * time.Minute), LastSeen: t0.Add(2 * time.Minute),
			Commands: 1, RecentFiles: []string{}},
	}
	for i := range got {
		got[i].FirstSeen, got[i].LastSeen = got[i].FirstSeen.UTC(), got[i].LastSeen.UTC()
	}
	for i := range want {
		want[i].FirstSeen, want[i].LastSeen = want[i].FirstSeen.UTC(), want[i].LastSeen.UTC()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sessions:\n got %+v\nwant %+v", got, want)
	}
	// An out-of-order Touch (an older command finishing late) never moves
	// last_seen back.
	if err := s.Touch(ctx, Session{ID: "s2", LastCommand: "late", LastSeen: t0}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Sessions(ctx, t0.Add(2*time.Minute))
	if len(got) != 2 || !got[1].LastSeen.Equal(t0.Add(2*time.Minute)) || got[1].Agent != "codex" {
		t.Errorf("after a late touch: %+v", got)
	}
}

func TestConflicts(t *testing.T) {
	now := time.Now()
	since := now.Add(-10 * time.Minute)
	type write struct {
		session, cmd, path string
		ago                time.Duration
	}
	type sess struct {
		id, agent string
		ago       time.Duration
	}
	sessions := []sess{
		{"me", "claude-code", 0},
		{"other", "codex", time.Minute},
		{"third", "gemini-cli", 2 * time.Minute},
		{"idle", "terminal", time.Hour}, // not active since `since`
	}
	writes := []write{
		{"other", "sed -i s/a/b/ /p/src/main.go", "/p/src/main.go", 5 * time.Minute},
		{"other", "echo >> /p/src/main.go", "/p/src/main.go", 2 * time.Minute}, // newer, same path
		{"third", "rm -r /p/build", "/p/build", 3 * time.Minute},
		{"third", "touch /p/src/mainxgo", "/p/src/mainxgo", 3 * time.Minute},
		{"idle", "echo > /p/src/main.go", "/p/src/main.go", 61 * time.Minute},
		{"me", "echo > /p/src/main.go", "/p/src/main.go", time.Second},
		{"other", "mkdir /p/docs", "/p/docs/", 4 * time.Minute}, // trailing slash cleaned
		{"third", "echo > /p/src/sub/x.go", "/p/src/sub/x.go", 30 * time.Second},
	}
	s, _ := newStore(t)
	ctx := context.Background()
	for _, w := range writes {
		if err := s.Touch(ctx, Session{ID: w.session, LastCommand: w.cmd, LastSeen: now.Add(-w.ago)}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordWrites(ctx, w.session, w.cmd+"#id", []string{w.path}, now.Add(-w.ago)); err != nil {
			t.Fatal(err)
		}
	}
	// Set each session's agent and final last-seen time.
	for _, se := range sessions {
		if _, err := s.db.Exec(`UPDATE sessions SET agent = ?, last_seen = ? WHERE id = ?`, se.agent, now.Add(-se.ago).UnixNano(), se.id); err != nil {
			t.Fatal(err)
		}
	}
	type hit struct{ path, overlaps, session, agent, command string }
	tests := []struct {
		name    string
		session string
		paths   []string
		want    []hit // newest first
	}{
		{"same file: newest write of the other session, not idle, not self", "me", []string{"/p/src/main.go"}, []hit{
			{"/p/src/main.go", "/p/src/main.go", "other", "codex", "echo >> /p/src/main.go"},
		}},
		{"directory above written files", "me", []string{"/p/src"}, []hit{
			{"/p/src/sub/x.go", "/p/src", "third", "gemini-cli", "echo > /p/src/sub/x.go"},
			{"/p/src/main.go", "/p/src", "other", "codex", "echo >> /p/src/main.go"},
			{"/p/src/mainxgo", "/p/src", "third", "gemini-cli", "touch /p/src/mainxgo"},
		}},
		{"file below a written directory", "me", []string{"/p/build/out/a.o"}, []hit{
			{"/p/build", "/p/build/out/a.o", "third", "gemini-cli", "rm -r /p/build"},
		}},
		{"a name prefix is not a directory prefix", "me", []string{"/p/buil", "/p/src/main"}, nil},
		{"several paths, deduplicated, sorted newest first", "me", []string{"/p/docs/readme.md", "/p/src/main.go", "/p/src/main.go"}, []hit{
			{"/p/src/main.go", "/p/src/main.go", "other", "codex", "echo >> /p/src/main.go"},
			{"/p/docs", "/p/docs/readme.md", "other", "codex", "mkdir /p/docs"},
		}},
		{"the other session sees me", "other", []string{"/p/src/main.go"}, []hit{
			{"/p/src/main.go", "/p/src/main.go", "me", "claude-code", "echo > /p/src/main.go"},
		}},
		{"root overlaps everything active", "idle", []string{"/"}, []hit{
			{"/p/src/main.go", "/", "me", "claude-code", "echo > /p/src/main.go"},
			{"/p/src/sub/x.go", "/", "third", "gemini-cli", "echo > /p/src/sub/x.go"},
			{"/p/src/main.go", "/", "other", "codex", "echo >> /p/src/main.go"},
			{"/p/build", "/", "third", "gemini-cli", "rm -r /p/build"},
			{"/p/src/mainxgo", "/", "third", "gemini-cli", "touch /p/src/mainxgo"},
			{"/p/docs", "/", "other", "codex", "mkdir /p/docs"},
		}},
		{"no paths", "me", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Conflicts(ctx, tc.session, tc.paths, since)
			if err != nil {
				t.Fatal(err)
			}
			var hits []hit
			for _, c := range got {
				hits = append(hits, hit{c.Path, c.Overlaps, c.Session, c.Agent, c.Command})
				if c.CmdID != c.Command+"#id" {
					t.Errorf("CmdID %q for command %q", c.CmdID, c.Command)
				}
			}
			if !reflect.DeepEqual(hits, tc.want) {
				t.Errorf("Conflicts(%s, %q):\n got %+v\nwant %+v", tc.session, tc.paths, hits, tc.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].At.After(got[i-1].At) {
					t.Errorf("not newest first: %v after %v", got[i].At, got[i-1].At)
				}
			}
		})
	}
	// The time of a conflict is the write's time.
	got, _ := s.Conflicts(ctx, "me", []string{"/p/src/main.go"}, since)
	if len(got) != 1 || got[0].At.UnixNano() != now.Add(-2*time.Minute).UnixNano() {
		t.Errorf("conflict time: %+v, want %v", got, now.Add(-2*time.Minute))
	}
	// Once the other sessions go idle, nothing conflicts.
	got, _ = s.Conflicts(ctx, "me", []string{"/"}, now.Add(time.Second))
	if len(got) != 0 {
		t.Errorf("conflicts with sessions idle since: %+v", got)
	}
}

func TestRecordWritesBeforeTouch(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.RecordWrites(ctx, "fresh", "c1", []string{"/x", "/x", ""}, time.Now()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM writes WHERE session = 'fresh'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("writes: %d, %v; want 1 (duplicates and empty paths dropped)", n, err)
	}
	if err := s.Touch(ctx, Session{ID: "fresh", Agent: "codex"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sessions(ctx, time.Now().Add(-time.Minute))
	if err != nil || len(got) != 1 || got[0].Commands != 1 || got[0].Agent != "codex" {
		t.Fatalf("Sessions: %+v, %v", got, err)
	}
}

func TestRecordWritesPrunesOldEntries(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	if err := s.RecordWrites(ctx, "s", "old", []string{"/old"}, time.Now().Add(-writeRetention-time.Minute)); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := s.db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i := 2; i <= pruneEvery; i++ {
		if count(`SELECT count(*) FROM writes WHERE path = '/old'`) != 1 {
			t.Fatalf("pruned before the %dth entry", pruneEvery)
		}
		if err := s.RecordWrites(ctx, "s", "new", []string{fmt.Sprintf("/new/%d", i)}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(`SELECT count(*) FROM writes WHERE path = '/old'`); n != 0 {
		t.Errorf("the old entry survived %d recorded writes", pruneEvery)
	}
	if n := count(`SELECT count(*) FROM writes`); n != pruneEvery-1 {
		t.Errorf("%d entries left, want the %d new ones", n, pruneEvery-1)
	}
}

func TestTooManyPaths(t *testing.T) {
	s, _ := newStore(t)
	many := make([]string, maxPaths+1)
	for i := range many {
		many[i] = "/x"
	}
	ctx := context.Background()
	if err := s.RecordWrites(ctx, "s", "c", many, time.Now()); err == nil {
		t.Error("RecordWrites took more than maxPaths paths")
	}
	if _, err := s.Conflicts(ctx, "s", many, time.Now()); err == nil {
		t.Error("Conflicts took more than maxPaths paths")
	}
	if _, err := s.Lock(ctx, "s", "c", many); err == nil {
		t.Error("Lock took more than maxPaths paths")
	}
}
