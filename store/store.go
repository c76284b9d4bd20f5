package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
)

// busyTimeout is how long a statement waits for another process's write
// lock before it fails. Every pooled connection gets it through the DSN.
const busyTimeout = 5 * time.Second

// walSizeLimit is the size the WAL file is truncated to after a
// checkpoint (it is kept, not deleted; see newConnector).
const walSizeLimit = 1 << 20

// Retention: rows older than these are pruned.
const (
	writeRetention   = 24 * time.Hour     // the cross-session write index
	sessionRetention = 7 * 24 * time.Hour // sessions (and, by cascade, their writes)
	answerRetention  = 7 * 24 * time.Hour // answered approvals and used/expired hook grants
)

// maxPaths bounds the paths one call of RecordWrites, Conflicts or Lock
// looks at; more is an error, so a caller never silently loses some.
const maxPaths = 4096

// Store is an open handle on the shared SQLite database. It is safe for
// concurrent use by many goroutines and, through SQLite's own locking, by
// many processes.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
}

// ErrReadOnly is returned by the writing methods of a Store opened with
// [OpenReadOnly].
var ErrReadOnly = errors.New("store opened read-only")

// Open opens the store at path, creating it (file mode 0600, missing
// parent directories 0700) and migrating its schema as needed. A store
// that cannot be written (read-only file, directory or mount) is an
// error, so callers fail closed.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory: %w", err)
	}
	// SQLite would create the file 0644 (less umask); create it first so
	// the database and its -wal and -shm files (which copy the database
	// file's mode) are private.
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	case errors.Is(err, fs.ErrExist):
	default:
		return nil, fmt.Errorf("store: create %s: %w", abs, err)
	}
	// SQLite needs to write the directory too (the -wal and -shm files).
	// With those files kept between processes (see newConnector) it might
	// get by without, so check explicitly: a read-only state directory
	// means the store must not be written.
	for _, p := range []string{filepath.Dir(abs), abs, abs + "-wal", abs + "-shm"} {
		err := accessWritable(p)
		if err != nil && !(errors.Is(err, fs.ErrNotExist) && p != abs) {
			return nil, fmt.Errorf("store: %s is not writable: %w", p, err)
		}
	}
	db := sql.OpenDB(newConnector(dsn(abs, false), true))
	configurePool(db)
	s := &Store{db: db, path: abs}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	return s, nil
}

// OpenReadOnly opens an existing store for listing. It never creates or
// migrates anything; a missing file is an error wrapping [fs.ErrNotExist],
// and a schema version other than this package's is an error. Every
// writing method of the returned Store fails with [ErrReadOnly].
func OpenReadOnly(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db := sql.OpenDB(newConnector(dsn(abs, true), false))
	configurePool(db)
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", abs, err)
	}
	if v != len(migrations) {
		db.Close()
		return nil, fmt.Errorf("store: open %s: schema version %d, this rrsh reads %d (run any rrsh command that writes the store to migrate it)", abs, v, len(migrations))
	}
	return &Store{db: db, path: abs, readOnly: true}, nil
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// dsn builds the driver's data source name: a file: URI (so any byte in
// the path is escaped) whose parameters set the per-connection pragmas.
// _txlock=immediate makes every read-write database/sql transaction start
// with BEGIN IMMEDIATE, so a read-modify-write never has to upgrade a read
// lock (which fails at once with SQLITE_BUSY instead of waiting).
func dsn(path string, readOnly bool) string {
	u := url.URL{Scheme: "file", Path: path}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
		q.Set("_txlock", "immediate")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// connector opens connections with a driver of its own, so its hook
// reaches only this package's connections.
type connector struct {
	d   *sqlite.Driver
	dsn string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.d }

// newConnector returns a connector for dsn. With persistWAL, every
// connection sets SQLITE_FCNTL_PERSIST_WAL: when the last connection to
// the database closes (the usual case for a short-lived rrsh process) it
// still checkpoints, but it leaves the -wal and -shm files in place
// instead of deleting them, so the next process does not have to create
// them again. journal_size_limit keeps the kept WAL file small.
func newConnector(dsn string, persistWAL bool) connector {
	d := &sqlite.Driver{}
	if persistWAL {
		d.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
			fc, ok := c.(sqlite.FileControl)
			if !ok {
				return errors.New("sqlite driver without file control")
			}
			if _, err := fc.FileControlPersistWAL("main", 1); err != nil {
				return fmt.Errorf("persist WAL: %w", err)
			}
			return nil
		})
	}
	return connector{d: d, dsn: dsn}
}

func configurePool(db *sql.DB) {
	// A handful of connections: enough for a Wait poll next to a write,
	// few enough that a short-lived process opens only what it uses.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(0)
}

// migrate brings the schema to the current version inside one BEGIN
// IMMEDIATE transaction, so concurrent first opens migrate exactly once.
// A store already at the current version costs one read and no lock.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var v int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v == len(migrations) {
		// SQLite opens a file it cannot write read-only, silently, and
		// then fails only the first write; find out now.
		if err := writableConn(ctx, conn); err != nil {
			return err
		}
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write transaction: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this rrsh understands (%d)", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migrate to schema version %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return commit(tx)
}

// writableConn fails when SQLite opened the database read-only. It asks
// the driver (sqlite3_db_readonly); a driver that cannot say gets a
// statement that must open a write transaction and changes nothing.
func writableConn(ctx context.Context, conn *sql.Conn) error {
	asked := false
	readOnly := false
	err := conn.Raw(func(dc any) error {
		if c, ok := dc.(interface{ IsReadOnly(string) (bool, error) }); ok {
			ro, err := c.IsReadOnly("main")
			asked, readOnly = err == nil, ro
		}
		return nil
	})
	if err != nil {
		return err
	}
	if asked {
		if readOnly {
			return errors.New("store is not writable: SQLite opened it read-only")
		}
		return nil
	}
	if _, err := conn.ExecContext(ctx, "DELETE FROM locks WHERE 0"); err != nil {
		return fmt.Errorf("store is not writable: %w", err)
	}
	return nil
}

func commit(tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// writable fails on a read-only Store.
func (s *Store) writable() error {
	if s.readOnly {
		return ErrReadOnly
	}
	return nil
}

// migrations[i] takes the schema from version i to i+1. Append only.
var migrations = []string{
	// 1: sessions, the write index, locks, approval requests, hook grants.
	// Times are Unix nanoseconds.
	`
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	agent        TEXT NOT NULL,
	cwd          TEXT NOT NULL,
	first_seen   INTEGER NOT NULL,
	last_seen    INTEGER NOT NULL,
	last_command TEXT NOT NULL,
	commands     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sessions_last_seen ON sessions(last_seen);

CREATE TABLE writes (
	id      INTEGER PRIMARY KEY,
	session TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	cmd_id  TEXT NOT NULL,
	command TEXT NOT NULL,
	path    TEXT NOT NULL,
	at      INTEGER NOT NULL
) STRICT;
CREATE INDEX writes_path ON writes(path);
CREATE INDEX writes_session_at ON writes(session, at);
CREATE INDEX writes_at ON writes(at);

CREATE TABLE locks (
	path      TEXT PRIMARY KEY,
	session   TEXT NOT NULL,
	cmd_id    TEXT NOT NULL,
	pid       INTEGER NOT NULL,
	pid_start INTEGER NOT NULL,
	boot_id   TEXT NOT NULL,
	at        INTEGER NOT NULL
) STRICT;

CREATE TABLE requests (
	id            TEXT PRIMARY KEY,
	session       TEXT NOT NULL,
	agent         TEXT NOT NULL,
	command       TEXT NOT NULL,
	rule          TEXT NOT NULL,
	part          TEXT NOT NULL,
	reason        TEXT NOT NULL,
	cwd           TEXT NOT NULL,
	writes        TEXT NOT NULL,
	pid           INTEGER NOT NULL,
	pid_start     INTEGER NOT NULL,
	boot_id       TEXT NOT NULL,
	created       INTEGER NOT NULL,
	state         TEXT NOT NULL DEFAULT 'pending'
	              CHECK (state IN ('pending','granted','denied','timeout','cancelled','used')),
	scope         TEXT NOT NULL DEFAULT '' CHECK (scope IN ('','once','command','rule')),
	expires       INTEGER NOT NULL DEFAULT 0,
	answered      INTEGER NOT NULL DEFAULT 0,
	answered_by   TEXT NOT NULL DEFAULT '',
	answer_reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX requests_state ON requests(state, created);
CREATE INDEX requests_standing ON requests(session, state, expires);

CREATE TABLE hook_grants (
	id      INTEGER PRIMARY KEY,
	session TEXT NOT NULL,
	command TEXT NOT NULL,
	by      TEXT NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL,
	used    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX hook_grants_lookup ON hook_grants(session, command, used);
`,
}
