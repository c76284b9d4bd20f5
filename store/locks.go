package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockedError is returned by [Store.Lock] when a live process holds a lock
// on an overlapping path.
type LockedError struct {
	// Path is the locked path (the holder's), Want the one asked for.
	Path, Want string
	// Session and CmdID name the holder's command, Pid its process.
	Session, CmdID string
	Pid            int
	Since          time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is locked by session %s (pid %d, command %s) since %s",
		e.Path, e.Session, e.Pid, e.CmdID, e.Since.Format(time.RFC3339))
}

// Lock takes a lock on each of paths for command cmdID of session, held by
// the calling process until unlock is called. A path overlaps a lock on
// the same path, on a directory above it or on a path below it. Lock does
// not wait: if a live process holds an overlapping lock it fails at once
// with a *LockedError naming the holder. Locks whose holder has exited
// (checked with kill(pid, 0) and, on Linux, the process start time and
// boot id, so a reused pid does not count) are stale and taken over. The
// same process and cmdID may lock a path again. unlock releases exactly
// the locks this call took; it is safe to call more than once.
func (s *Store) Lock(ctx context.Context, session, cmdID string, paths []string) (unlock func() error, err error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	if len(paths) > maxPaths {
		return nil, fmt.Errorf("store: lock: %d paths, at most %d", len(paths), maxPaths)
	}
	pid := os.Getpid()
	start, boot := pidStartTime(pid), bootID()
	var clean []string
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			clean = append(clean, p)
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	defer tx.Rollback()
	now := time.Now()
	for _, p := range clean {
		where, args := overlapClause("path", p)
		rows, err := tx.QueryContext(ctx, `
SELECT path, session, cmd_id, pid, pid_start, boot_id, at FROM locks WHERE `+where+` ORDER BY path`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: lock: %w", err)
		}
		type holder struct {
			LockedError
			start int64
			boot  string
		}
		var held []holder
		for rows.Next() {
			var h holder
			var at int64
			if err := rows.Scan(&h.Path, &h.Session, &h.CmdID, &h.Pid, &h.start, &h.boot, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: lock: %w", err)
			}
			h.Want, h.Since = p, time.Unix(0, at)
			held = append(held, h)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("store: lock: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: lock: %w", err)
		}
		for _, h := range held {
			if h.Pid == pid && h.start == start && h.boot == boot && h.CmdID == cmdID {
				continue // ours already
			}
			if alive(h.Pid, h.start, h.boot) {
				e := h.LockedError
				return nil, &e
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM locks WHERE path = ? AND pid = ? AND pid_start = ?`, h.Path, h.Pid, h.start); err != nil {
				return nil, fmt.Errorf("store: lock: remove stale lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `
INSERT INTO locks (path, session, cmd_id, pid, pid_start, boot_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (path) DO UPDATE SET at = excluded.at`,
			p, session, cmdID, pid, start, boot, now.UnixNano()); err != nil {
			return nil, fmt.Errorf("store: lock: %w", err)
		}
	}
	if err := commit(tx); err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	done := false
	return func() error {
		if done || len(clean) == 0 {
			return nil
		}
		// The caller's ctx may be done by now (an interrupted command);
		// releasing must still happen.
		ctx, cancel := context.WithTimeout(context.Background(), 2*busyTimeout)
		defer cancel()
		args := []any{pid, start, cmdID}
		for _, p := range clean {
			args = append(args, p)
		}
		_, err := s.db.ExecContext(ctx, `DELETE FROM locks WHERE pid = ? AND pid_start = ? AND cmd_id = ? AND path IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(clean)), ",")+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: unlock: %w", err)
		}
		done = true
		return nil
	}, nil
}
