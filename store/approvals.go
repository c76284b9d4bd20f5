package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// Request is a command waiting for a human's approval.
type Request struct {
	Session string
	Agent   string
	// Command is the full command text; Part the part of it that needs
	// approval, Rule the policy rule that asked, Reason its one-line why.
	Command, Rule, Part, Reason string
	Cwd                         string
	Writes                      []string
	// Pid is the waiting process; 0 means the caller.
	Pid int
}

// PendingRequest is a request as [Store.Pending] lists it.
type PendingRequest struct {
	ID      string    `json:"id"`
	Session string    `json:"session"`
	Agent   string    `json:"agent"`
	Command string    `json:"command"`
	Rule    string    `json:"rule"`
	Part    string    `json:"part"`
	Reason  string    `json:"reason"`
	Cwd     string    `json:"cwd"`
	Writes  []string  `json:"writes"`
	Pid     int       `json:"pid"`
	Created time.Time `json:"created"`
}

// Scope is how far an approval reaches.
type Scope string

const (
	// ScopeOnce approves the one request; its waiting command runs once.
	ScopeOnce Scope = "once"
	// ScopeCommand approves this exact command text in this session for
	// Answer.For.
	ScopeCommand Scope = "command"
	// ScopeRule approves every command the same rule asks about in this
	// session for Answer.For.
	ScopeRule Scope = "rule"
)

// Answer is a human's decision on a request.
type Answer struct {
	Granted bool
	// Scope of a grant; "" means ScopeOnce. Ignored for a denial.
	Scope Scope
	// For is how long a ScopeCommand or ScopeRule grant stands; it must
	// be positive for those scopes.
	For time.Duration
	// By names who answered; Reason is shown to the agent.
	By, Reason string
}

// Outcome is what [Store.Wait] learned.
type Outcome struct {
	Granted  bool
	TimedOut bool
	By       string
	Reason   string
	Scope    Scope
	// Expires is when a ScopeCommand or ScopeRule grant ends.
	Expires time.Time
}

// Grant is a standing approval found by [Store.Standing].
type Grant struct {
	// ID is the request that was approved.
	ID       string
	Session  string
	Command  string
	Rule     string
	Scope    Scope
	By       string
	Approved time.Time
	Expires  time.Time
}

// Errors of the approval methods; match them with errors.Is.
var (
	// ErrNotFound: no request has this id.
	ErrNotFound = errors.New("no such approval request")
	// ErrNotPending: the request was already answered, timed out, was
	// cancelled, or its waiting process is gone. The error is a
	// *NotPendingError.
	ErrNotPending = errors.New("approval request is not pending")
	// ErrCancelled: Wait found the request cancelled.
	ErrCancelled = errors.New("approval request was cancelled")
	// ErrUsed: a once-only grant was already used by another Wait.
	ErrUsed = errors.New("approval was already used")
)

// NotPendingError is returned by [Store.Answer] for a request that no
// longer waits. It matches ErrNotPending.
type NotPendingError struct {
	ID string
	// State is what became of the request: "granted", "denied",
	// "timeout", "cancelled", "used" (a once grant, used), or "exited"
	// (its waiting process is gone; now cancelled).
	State string
	// Pid is the waiting process, for State "exited".
	Pid int
}

func (e *NotPendingError) Error() string {
	if e.State == "exited" {
		return fmt.Sprintf("approval %s: the waiting process %d has exited", e.ID, e.Pid)
	}
	return fmt.Sprintf("approval %s %s", e.ID, describeState(e.State))
}

// Is makes errors.Is(err, ErrNotPending) hold.
func (e *NotPendingError) Is(target error) bool { return target == ErrNotPending }

// Request states as stored.
const (
	statePending   = "pending"
	stateGranted   = "granted"
	stateDenied    = "denied"
	stateTimeout   = "timeout"
	stateCancelled = "cancelled"
	stateUsed      = "used"
)

// describeState is how a state reads after "request abcd ".
func describeState(state string) string {
	switch state {
	case stateGranted:
		return "was already approved"
	case stateDenied:
		return "was already denied"
	case stateTimeout:
		return "timed out"
	case stateCancelled:
		return "was cancelled"
	case stateUsed:
		return "was already approved and used"
	}
	return "is " + state
}

// newID returns n random lowercase hex characters (n even).
func newID(n int) (string, error) {
	b := make([]byte, n/2)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Request queues r for a human and returns its id: 4 to 8 lowercase hex
// characters, unique among all requests the store keeps (so also among
// the pending ones). Short ids are tried first, longer ones when the short
// space is crowded.
func (s *Store) Request(ctx context.Context, r Request) (string, error) {
	if err := s.writable(); err != nil {
		return "", err
	}
	if r.Session == "" {
		return "", errors.New("store: request: empty session id")
	}
	if r.Pid == 0 {
		r.Pid = os.Getpid()
	}
	if r.Writes == nil {
		r.Writes = []string{}
	}
	writes, err := json.Marshal(r.Writes)
	if err != nil {
		return "", fmt.Errorf("store: request: %w", err)
	}
	now := time.Now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("store: request: %w", err)
	}
	defer tx.Rollback()
	var id string
	for _, try := range []struct{ n, times int }{{4, 8}, {6, 8}, {8, 32}} {
		for range try.times {
			cand, err := newID(try.n)
			if err != nil {
				return "", fmt.Errorf("store: request: %w", err)
			}
			res, err := tx.ExecContext(ctx, `
INSERT INTO requests (id, session, agent, command, rule, part, reason, cwd, writes, pid, pid_start, boot_id, created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				cand, r.Session, r.Agent, r.Command, r.Rule, r.Part, r.Reason, r.Cwd, string(writes),
				r.Pid, pidStartTime(r.Pid), bootID(), now.UnixNano())
			if err != nil {
				return "", fmt.Errorf("store: request: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				id = cand
				break
			}
		}
		if id != "" {
			break
		}
	}
	if id == "" {
		return "", errors.New("store: request: no free request id")
	}
	if err := prune(ctx, tx, now); err != nil {
		return "", fmt.Errorf("store: request: %w", err)
	}
	if err := commit(tx); err != nil {
		return "", fmt.Errorf("store: request: %w", err)
	}
	return id, nil
}

// prune removes old answered requests, old hook grants and old sessions.
func prune(ctx context.Context, tx *sql.Tx, now time.Time) error {
	old, cur := now.Add(-answerRetention).UnixNano(), now.UnixNano()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM requests WHERE state <> 'pending' AND created < ? AND expires < ?`, []any{old, cur}},
		{`DELETE FROM requests WHERE state = 'pending' AND created < ?`, []any{old}},
		{`DELETE FROM hook_grants WHERE created < ? AND (used <> 0 OR expires < ?)`, []any{old, cur}},
		{`DELETE FROM sessions WHERE last_seen < ?`, []any{now.Add(-sessionRetention).UnixNano()}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("prune: %w", err)
		}
	}
	return nil
}

// Answer grants or denies a pending request. It fails with an error
// wrapping ErrNotFound for an unknown id and ErrNotPending for a request
// that is no longer waiting (already answered, timed out, cancelled, or
// whose waiting process has exited; the last is marked cancelled).
func (s *Store) Answer(ctx context.Context, id string, a Answer) error {
	if err := s.writable(); err != nil {
		return err
	}
	scope := a.Scope
	if scope == "" {
		scope = ScopeOnce
	}
	var expires int64
	now := time.Now()
	state := stateDenied
	if a.Granted {
		state = stateGranted
		switch scope {
		case ScopeOnce:
		case ScopeCommand, ScopeRule:
			if a.For <= 0 {
				return fmt.Errorf("store: answer %s: a %s grant needs a positive duration", id, scope)
			}
			expires = now.Add(a.For).UnixNano()
		default:
			return fmt.Errorf("store: answer %s: unknown scope %q", id, scope)
		}
	} else {
		scope = ""
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: answer %s: %w", id, err)
	}
	defer tx.Rollback()
	var cur, boot string
	var pid int
	var start int64
	err = tx.QueryRowContext(ctx, `SELECT state, pid, pid_start, boot_id FROM requests WHERE id = ?`, id).Scan(&cur, &pid, &start, &boot)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: approval %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: answer %s: %w", id, err)
	}
	if cur != statePending {
		return &NotPendingError{ID: id, State: cur}
	}
	if !alive(pid, start, boot) {
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'cancelled', answered = ? WHERE id = ?`, now.UnixNano(), id); err != nil {
			return fmt.Errorf("store: answer %s: %w", id, err)
		}
		if err := commit(tx); err != nil {
			return fmt.Errorf("store: answer %s: %w", id, err)
		}
		return &NotPendingError{ID: id, State: "exited", Pid: pid}
	}
	if _, err := tx.ExecContext(ctx, `
UPDATE requests SET state = ?, scope = ?, expires = ?, answered = ?, answered_by = ?, answer_reason = ?
WHERE id = ? AND state = 'pending'`, state, string(scope), expires, now.UnixNano(), a.By, a.Reason, id); err != nil {
		return fmt.Errorf("store: answer %s: %w", id, err)
	}
	if err := commit(tx); err != nil {
		return fmt.Errorf("store: answer %s: %w", id, err)
	}
	return nil
}

// PollInterval is how often Wait looks for an answer.
const PollInterval = 25 * time.Millisecond

// Wait blocks until request id is answered or ctx is done, looking every
// PollInterval (one primary-key SELECT). A grant of ScopeOnce is used up
// by the Wait that sees it: a second Wait on the same id fails with
// ErrUsed. When ctx's deadline passes first, the request is marked timed
// out (a later Answer fails with ErrNotPending) and the Outcome has
// TimedOut set; when ctx is cancelled otherwise, the request is marked
// cancelled and ctx's error is returned. An answer that lands in the same
// instant wins over the timeout.
func (s *Store) Wait(ctx context.Context, id string) (Outcome, error) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		o, done, err := s.poll(ctx, id)
		if err != nil && ctx.Err() == nil {
			return Outcome{}, err
		}
		if done {
			return o, nil
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return s.giveUp(ctx, id)
		}
	}
}

// poll reads request id once; done reports that it is no longer pending.
func (s *Store) poll(ctx context.Context, id string) (o Outcome, done bool, err error) {
	var state, scope string
	var expires int64
	err = s.db.QueryRowContext(ctx, `SELECT state, scope, expires, answered_by, answer_reason FROM requests WHERE id = ?`, id).
		Scan(&state, &scope, &expires, &o.By, &o.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, fmt.Errorf("store: approval %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, false, fmt.Errorf("store: wait %s: %w", id, err)
	}
	o.Scope = Scope(scope)
	if expires != 0 {
		o.Expires = time.Unix(0, expires)
	}
	switch state {
	case statePending:
		return o, false, nil
	case stateGranted:
		o.Granted = true
		if o.Scope == ScopeOnce {
			if err := s.useOnce(ctx, id); err != nil {
				return Outcome{}, false, err
			}
		}
		return o, true, nil
	case stateDenied:
		return o, true, nil
	case stateTimeout:
		o.TimedOut = true
		return o, true, nil
	case stateCancelled:
		return o, false, fmt.Errorf("store: approval %s: %w", id, ErrCancelled)
	case stateUsed:
		return o, false, fmt.Errorf("store: approval %s: %w", id, ErrUsed)
	}
	return o, false, fmt.Errorf("store: approval %s: unknown state %q", id, state)
}

// useOnce marks a once-only grant used; exactly one caller succeeds.
func (s *Store) useOnce(ctx context.Context, id string) error {
	if err := s.writable(); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE requests SET state = 'used' WHERE id = ? AND state = 'granted' AND scope = 'once'`, id)
	if err != nil {
		return fmt.Errorf("store: wait %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: approval %s: %w", id, ErrUsed)
	}
	return nil
}

// giveUp ends a Wait whose ctx is done.
func (s *Store) giveUp(ctx context.Context, id string) (Outcome, error) {
	state := stateCancelled
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		state = stateTimeout
	}
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*busyTimeout)
	defer cancel()
	if err := s.writable(); err == nil {
		res, err := s.db.ExecContext(bg, `UPDATE requests SET state = ?, answered = ? WHERE id = ? AND state = 'pending'`,
			state, time.Now().UnixNano(), id)
		if err != nil {
			return Outcome{}, fmt.Errorf("store: wait %s: mark %s: %w", id, state, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Answered (or marked) in the meantime: report that.
			o, done, err := s.poll(bg, id)
			if err != nil {
				return Outcome{}, err
			}
			if done {
				return o, nil
			}
		}
	}
	if state == stateTimeout {
		return Outcome{TimedOut: true}, nil
	}
	return Outcome{}, fmt.Errorf("store: wait %s: %w", id, ctx.Err())
}

// Cancel marks a pending request cancelled: its waiting process was
// interrupted. Cancelling a request that is no longer pending does
// nothing (a standing grant stays); an unknown id is ErrNotFound.
func (s *Store) Cancel(ctx context.Context, id string) error {
	if err := s.writable(); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE requests SET state = 'cancelled', answered = ? WHERE id = ? AND state = 'pending'`,
		time.Now().UnixNano(), id)
	if err != nil {
		return fmt.Errorf("store: cancel %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var one int
	err = s.db.QueryRowContext(ctx, `SELECT 1 FROM requests WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: approval %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: cancel %s: %w", id, err)
	}
	return nil
}

// Pending lists the requests still waiting, oldest first. Requests whose
// waiting process has exited are left out.
func (s *Store) Pending(ctx context.Context) ([]PendingRequest, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT id, session, agent, command, rule, part, reason, cwd, writes, pid, pid_start, boot_id, created
FROM requests WHERE state = 'pending' ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	defer rows.Close()
	out := []PendingRequest{}
	for rows.Next() {
		var p PendingRequest
		var writes, boot string
		var start, created int64
		if err := rows.Scan(&p.ID, &p.Session, &p.Agent, &p.Command, &p.Rule, &p.Part, &p.Reason, &p.Cwd,
			&writes, &p.Pid, &start, &boot, &created); err != nil {
			return nil, fmt.Errorf("store: pending: %w", err)
		}
		if !alive(p.Pid, start, boot) {
			continue
		}
		if err := json.Unmarshal([]byte(writes), &p.Writes); err != nil {
			return nil, fmt.Errorf("store: pending %s: writes: %w", p.ID, err)
		}
		p.Created = time.Unix(0, created)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	return out, nil
}

// Standing returns an unexpired ScopeCommand grant for exactly this
// command text, or ScopeRule grant for this rule, in this session, valid
// at now; nil when there is none. When several apply, the one lasting
// longest is returned.
func (s *Store) Standing(ctx context.Context, session, command, rule string, now time.Time) (*Grant, error) {
	var g Grant
	var scope string
	var answered, expires int64
	err := s.db.QueryRowContext(ctx, `
SELECT id, session, command, rule, scope, answered_by, answered, expires FROM requests
WHERE session = ?1 AND state = 'granted' AND expires > ?2
  AND ((scope = 'command' AND command = ?3) OR (scope = 'rule' AND rule = ?4 AND ?4 <> ''))
ORDER BY expires DESC LIMIT 1`, session, now.UnixNano(), command, rule).
		Scan(&g.ID, &g.Session, &g.Command, &g.Rule, &scope, &g.By, &answered, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: standing: %w", err)
	}
	g.Scope, g.Approved, g.Expires = Scope(scope), time.Unix(0, answered), time.Unix(0, expires)
	return &g, nil
}

// GrantOnce records a one-time approval of exactly this command text in
// this session, given outside rrsh (the human said yes in the agent's own
// prompt), valid for ttl. [Store.ConsumeGrant] uses it up.
func (s *Store) GrantOnce(ctx context.Context, session, command, by string, ttl time.Duration) error {
	if err := s.writable(); err != nil {
		return err
	}
	if ttl <= 0 {
		return errors.New("store: grant: the ttl must be positive")
	}
	if session == "" {
		return errors.New("store: grant: empty session id")
	}
	now := time.Now()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO hook_grants (session, command, by, created, expires) VALUES (?, ?, ?, ?, ?)`,
		session, command, by, now.UnixNano(), now.Add(ttl).UnixNano()); err != nil {
		return fmt.Errorf("store: grant: %w", err)
	}
	return nil
}

// ConsumeGrant uses up one unexpired GrantOnce grant for exactly this
// command in this session and reports whether there was one. It is one
// UPDATE statement under SQLite's write lock: of concurrent consumers of
// one grant, exactly one gets true.
func (s *Store) ConsumeGrant(ctx context.Context, session, command string, now time.Time) (bool, error) {
	if err := s.writable(); err != nil {
		return false, err
	}
	res, err := s.db.ExecContext(ctx, `
UPDATE hook_grants SET used = ?3 WHERE id = (
	SELECT id FROM hook_grants
	WHERE session = ?1 AND command = ?2 AND used = 0 AND expires > ?3
	ORDER BY created LIMIT 1)`, session, command, now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("store: consume grant: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: consume grant: %w", err)
	}
	return n == 1, nil
}
