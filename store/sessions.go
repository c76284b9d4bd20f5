package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Session is what one command tells the store about the session it runs
// in.
type Session struct {
	ID          string
	Agent       string
	Cwd         string
	LastCommand string
	// LastSeen is when the command ran; zero means now.
	LastSeen time.Time
}

// SessionInfo is a session as [Store.Sessions] lists it.
type SessionInfo struct {
	ID          string    `json:"id"`
	Agent       string    `json:"agent"`
	Cwd         string    `json:"cwd"`
	LastCommand string    `json:"last_command"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	// Commands counts the calls of Touch for this session.
	Commands int64 `json:"commands"`
	// RecentFiles are the latest distinct paths the session wrote, newest
	// first (at most recentFiles).
	RecentFiles []string `json:"recent_files"`
}

// recentFiles is how many paths SessionInfo.RecentFiles holds at most.
const recentFiles = 5

// Touch records that a command ran in a session: it creates the session
// (first seen now) or updates its last-seen time, cwd, agent and last
// command, and counts the command.
func (s *Store) Touch(ctx context.Context, sess Session) error {
	if err := s.writable(); err != nil {
		return err
	}
	if sess.ID == "" {
		return errors.New("store: touch: empty session id")
	}
	at := sess.LastSeen
	if at.IsZero() {
		at = time.Now()
	}
	_, err := s.db.ExecContext(ctx, `
INSERT INTO sessions (id, agent, cwd, first_seen, last_seen, last_command, commands)
VALUES (?1, ?2, ?3, ?4, ?4, ?5, 1)
ON CONFLICT (id) DO UPDATE SET
	agent = CASE WHEN excluded.agent <> '' THEN excluded.agent ELSE agent END,
	cwd = excluded.cwd,
	first_seen = min(first_seen, excluded.first_seen),
	last_seen = max(last_seen, excluded.last_seen),
	last_command = excluded.last_command,
	commands = commands + 1`,
		sess.ID, sess.Agent, sess.Cwd, at.UnixNano(), sess.LastCommand)
	if err != nil {
		return fmt.Errorf("store: touch session %s: %w", sess.ID, err)
	}
	return nil
}

// Sessions lists the sessions that ran a command at or after since, most
// recently seen first.
func (s *Store) Sessions(ctx context.Context, since time.Time) ([]SessionInfo, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `
SELECT id, agent, cwd, last_command, first_seen, last_seen, commands
FROM sessions WHERE last_seen >= ? ORDER BY last_seen DESC, id`, since.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	var out []SessionInfo
	for rows.Next() {
		var si SessionInfo
		var first, last int64
		if err := rows.Scan(&si.ID, &si.Agent, &si.Cwd, &si.LastCommand, &first, &last, &si.Commands); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		si.FirstSeen, si.LastSeen = time.Unix(0, first), time.Unix(0, last)
		out = append(out, si)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	for i := range out {
		files, err := recentPaths(ctx, tx, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		out[i].RecentFiles = files
	}
	return out, nil
}

func recentPaths(ctx context.Context, tx *sql.Tx, session string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `
SELECT path, max(at) AS last FROM writes WHERE session = ?
GROUP BY path ORDER BY last DESC, path LIMIT ?`, session, recentFiles)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	files := []string{}
	for rows.Next() {
		var p string
		var at int64
		if err := rows.Scan(&p, &at); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	return files, rows.Err()
}

// RecordWrites adds the paths command cmdID of session wrote (or is about
// to write) at time at to the cross-session write index. Paths are
// cleaned; they should be absolute. The session's current LastCommand is
// stored with each path, so call Touch first. Entries older than a day
// are pruned from time to time.
func (s *Store) RecordWrites(ctx context.Context, session, cmdID string, paths []string, at time.Time) error {
	if err := s.writable(); err != nil {
		return err
	}
	if session == "" {
		return errors.New("store: record writes: empty session id")
	}
	if len(paths) > maxPaths {
		return fmt.Errorf("store: record writes: %d paths, at most %d", len(paths), maxPaths)
	}
	if at.IsZero() {
		at = time.Now()
	}
	var clean []string
	seen := make(map[string]bool, len(paths))
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
	if len(clean) == 0 {
		return nil
	}
	if len(clean) == 1 {
		// The common case, after Touch: one statement, no transaction.
		res, err := s.db.ExecContext(ctx, insertWrite, session, cmdID, clean[0], at.UnixNano())
		if err != nil {
			return fmt.Errorf("store: record writes: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if err := maybePrune(ctx, s.db, res); err != nil {
				return err
			}
			return nil
		}
		// No session row yet: take the general path.
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: record writes: %w", err)
	}
	defer tx.Rollback()
	// A session that was never touched still needs a row: writes
	// reference it.
	if _, err := tx.ExecContext(ctx, `
INSERT INTO sessions (id, agent, cwd, first_seen, last_seen, last_command)
VALUES (?1, '', '', ?2, ?2, '') ON CONFLICT (id) DO NOTHING`, session, at.UnixNano()); err != nil {
		return fmt.Errorf("store: record writes: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, insertWrite)
	if err != nil {
		return fmt.Errorf("store: record writes: %w", err)
	}
	defer stmt.Close()
	for _, p := range clean {
		res, err := stmt.ExecContext(ctx, session, cmdID, p, at.UnixNano())
		if err != nil {
			return fmt.Errorf("store: record writes: %w", err)
		}
		if err := maybePrune(ctx, tx, res); err != nil {
			return err
		}
	}
	if err := commit(tx); err != nil {
		return fmt.Errorf("store: record writes: %w", err)
	}
	return nil
}

// insertWrite adds one entry to the write index, with the session's last
// command; it inserts nothing when the session has no row.
const insertWrite = `
INSERT INTO writes (session, cmd_id, command, path, at)
SELECT ?1, ?2, last_command, ?3, ?4 FROM sessions WHERE id = ?1`

// maybePrune drops old write-index entries once every pruneEvery rows
// (by the new row's id) rather than on every call: one statement less on
// the run path.
func maybePrune(ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, res sql.Result) error {
	id, err := res.LastInsertId()
	if err != nil || id%pruneEvery != 0 {
		return nil
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM writes WHERE at < ?`, time.Now().Add(-writeRetention).UnixNano()); err != nil {
		return fmt.Errorf("store: prune writes: %w", err)
	}
	return nil
}

// pruneEvery: RecordWrites prunes old entries when the row id of a new
// entry is a multiple of this.
const pruneEvery = 64

// Conflict is a write by another session to a path that overlaps one of
// ours.
type Conflict struct {
	// Path is the path the other session wrote.
	Path string `json:"path"`
	// Overlaps is the path passed to Conflicts that Path overlaps: the
	// same path, a directory above it or a path below it.
	Overlaps string `json:"overlaps"`
	Session  string `json:"session"`
	Agent    string `json:"agent"`
	// Command is the other session's command text as of the write (its
	// last Touch before RecordWrites), CmdID the id it was recorded with.
	Command string    `json:"command"`
	CmdID   string    `json:"cmd_id"`
	At      time.Time `json:"at"`
}

// maxConflictsPerPath bounds the rows Conflicts returns for one path.
const maxConflictsPerPath = 100

// Conflicts lists the writes, by sessions other than session that are
// still active (last seen at or after since), to any of paths: the exact
// path, or a path where one is a directory prefix of the other. For each
// other session and written path only the newest write is listed. The
// result is newest first.
func (s *Store) Conflicts(ctx context.Context, session string, paths []string, since time.Time) ([]Conflict, error) {
	if len(paths) > maxPaths {
		return nil, fmt.Errorf("store: conflicts: %d paths, at most %d", len(paths), maxPaths)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	// One path (the common case) is one statement; several are read in
	// one transaction, so they see the same snapshot.
	var q querier = s.db
	if len(paths) > 1 {
		tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, fmt.Errorf("store: conflicts: %w", err)
		}
		defer tx.Rollback()
		q = tx
	}
	type key struct{ session, path string }
	best := map[key]Conflict{}
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = filepath.Clean(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		where, args := overlapClause("w.path", p)
		args = append([]any{session, since.UnixNano()}, args...)
		args = append(args, maxConflictsPerPath)
		rows, err := q.QueryContext(ctx, `
SELECT w.path, w.session, s.agent, w.command, w.cmd_id, max(w.at)
FROM writes w JOIN sessions s ON s.id = w.session
WHERE w.session <> ? AND s.last_seen >= ? AND (`+where+`)
GROUP BY w.session, w.path
ORDER BY max(w.at) DESC
LIMIT ?`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: conflicts: %w", err)
		}
		for rows.Next() {
			c := Conflict{Overlaps: p}
			var at int64
			if err := rows.Scan(&c.Path, &c.Session, &c.Agent, &c.Command, &c.CmdID, &at); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: conflicts: %w", err)
			}
			c.At = time.Unix(0, at)
			k := key{c.Session, c.Path}
			if old, ok := best[k]; !ok || c.At.After(old.At) {
				best[k] = c
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("store: conflicts: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: conflicts: %w", err)
		}
	}
	out := make([]Conflict, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Session < out[j].Session
	})
	return out, nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// overlapClause is an SQL condition, usable with the index on col, that
// holds when col names p, a directory above p, or a path below p.
func overlapClause(col, p string) (string, []any) {
	anc := ancestors(p)
	var b strings.Builder
	args := make([]any, 0, len(anc)+2)
	b.WriteString(col + " IN (")
	for i, a := range anc {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("?")
		args = append(args, a)
	}
	b.WriteString(")")
	// Below p: paths that start with p + "/", i.e. sort in
	// [p+"/", p+"0") since '0' follows '/' in byte order.
	prefix := p
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	b.WriteString(" OR (" + col + " >= ? AND " + col + " < ?)")
	args = append(args, prefix, prefix[:len(prefix)-1]+"0")
	return b.String(), args
}

// ancestors is p and every directory above it: "/a/b" → "/a/b", "/a", "/".
func ancestors(p string) []string {
	out := []string{p}
	for {
		d := filepath.Dir(p)
		if d == p || d == "." {
			return out
		}
		out = append(out, d)
		p = d
	}
}
