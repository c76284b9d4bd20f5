package store

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenCreatesPrivateWALStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "rrsh.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Touch(context.Background(), Session{ID: "x", Cwd: "/"}); err != nil {
		t.Fatal(err)
	}
	var mode string
	var version int
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || version != len(migrations) {
		t.Errorf("journal_mode %q, user_version %d; want wal, %d", mode, version, len(migrations))
	}
	// Every pooled connection has the pragmas, not only the first.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := s.db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
		var busy, fk, sync int
		for q, dst := range map[string]*int{"PRAGMA busy_timeout": &busy, "PRAGMA foreign_keys": &fk, "PRAGMA synchronous": &sync} {
			if err := c.QueryRowContext(context.Background(), q).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		if busy != 5000 || fk != 1 || sync != 1 {
			t.Errorf("connection %d: busy_timeout %d, foreign_keys %d, synchronous %d; want 5000, 1, 1 (NORMAL)", i, busy, fk, sync)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, filepath.Dir(dir): 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening keeps the data and does not migrate again.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Sessions(context.Background(), time.Time{})
	if err != nil || len(got) != 1 || got[0].ID != "x" {
		t.Fatalf("after reopen: %v, %v", got, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s, path := newStore(t)
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v, want an error saying newer", err)
	}
	if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("OpenReadOnly of a newer schema: %v", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	if _, err := OpenReadOnly(filepath.Join(t.TempDir(), "missing.db")); !isErr(err, fs.ErrNotExist) {
		t.Fatalf("OpenReadOnly of a missing file: %v, want fs.ErrNotExist", err)
	}
	w, path := newStore(t)
	ctx := context.Background()
	id, err := w.Request(ctx, Request{Session: "s1", Command: "npm publish", Rule: "publish"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.Pending(ctx)
	if err != nil || len(p) != 1 || p[0].ID != id {
		t.Fatalf("Pending on a read-only store: %v, %v", p, err)
	}
	for name, err := range map[string]error{
		"Answer":       r.Answer(ctx, id, Answer{Granted: true}),
		"GrantOnce":    r.GrantOnce(ctx, "s1", "x", "me", time.Minute),
		"Touch":        r.Touch(ctx, Session{ID: "s1"}),
		"RecordWrites": r.RecordWrites(ctx, "s1", "c", []string{"/x"}, time.Now()),
		"Cancel":       r.Cancel(ctx, id),
	} {
		if !isErr(err, ErrReadOnly) {
			t.Errorf("%s on a read-only store: %v, want ErrReadOnly", name, err)
		}
	}
	// Even past the package's own check, SQLite refuses to write.
	if _, err := r.db.Exec("UPDATE requests SET state = 'granted'"); err == nil {
		t.Error("a write through a read-only connection succeeded")
	}
}

// A leftover read-only -wal file (SQLite creates it with the database
// file's mode) is named in Open's error.
func TestOpenNamesReadOnlyWAL(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores file modes")
	}
	s, path := newStore(t)
	s.Touch(context.Background(), Session{ID: "x"})
	if err := os.Chmod(path+"-wal", 0o400); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path+"-wal", 0o600)
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "rrsh.db-wal is not writable") {
		t.Errorf("Open with a read-only -wal: %v", err)
	}
}

// writableConn tells a connection SQLite opened read-only (as it does,
// silently, for a file it cannot write) from a writable one.
func TestWritableConn(t *testing.T) {
	s, path := newStore(t)
	ctx := context.Background()
	c, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := writableConn(ctx, c); err != nil {
		t.Errorf("writable store: %v", err)
	}
	r, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rc, err := r.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := writableConn(ctx, rc); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("read-only connection: %v", err)
	}
}
