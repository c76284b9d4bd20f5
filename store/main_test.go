package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// roleEnv selects a helper role when the test binary is re-executed as a
// separate process (an approver, a concurrent rrsh, a lock holder …).
const roleEnv = "RRSH_STORE_TEST_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// roles are the helper processes. Each gets its arguments as os.Args[1:],
// reports on stdout and fails with a message on stderr and exit status 1.
var roles = map[string]func(args []string) error{
	// approver DB COMMAND grant|deny|grant-command|grant-rule REASON:
	// waits until a request for COMMAND is pending, then answers it.
	"approver": func(args []string) error {
		s, err := Open(args[0])
		if err != nil {
			return err
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for {
			pend, err := s.Pending(ctx)
			if err != nil {
				return err
			}
			for _, p := range pend {
				if p.Command != args[1] {
					continue
				}
				a := Answer{By: "approver-process", Reason: args[3]}
				switch args[2] {
				case "grant":
					a.Granted = true
				case "grant-command":
					a.Granted, a.Scope, a.For = true, ScopeCommand, 10*time.Minute
				case "grant-rule":
					a.Granted, a.Scope, a.For = true, ScopeRule, time.Hour
				}
				if err := s.Answer(ctx, p.ID, a); err != nil {
					return err
				}
				fmt.Println(p.ID)
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("no pending request for %q: %w", args[1], ctx.Err())
			case <-time.After(5 * time.Millisecond):
			}
		}
	},
	// worker DB N COMMANDS: one rrsh process running COMMANDS commands,
	// each opening the store afresh; prints the ids of its requests.
	"worker": func(args []string) error {
		w, n := args[1], atoi(args[2])
		ctx := context.Background()
		for i := range n {
			s, err := Open(args[0])
			if err != nil {
				return fmt.Errorf("command %d: %w", i, err)
			}
			session := "worker-" + w
			path := fmt.Sprintf("/project/shared/file-%d", i%7)
			if err := s.Touch(ctx, Session{ID: session, Agent: "codex", Cwd: "/project", LastCommand: fmt.Sprintf("echo %d > %s", i, path)}); err != nil {
				return fmt.Errorf("command %d: %w", i, err)
			}
			if _, err := s.Conflicts(ctx, session, []string{path}, time.Now().Add(-time.Minute)); err != nil {
				return fmt.Errorf("command %d: %w", i, err)
			}
			if err := s.RecordWrites(ctx, session, fmt.Sprintf("%s-%d", w, i), []string{path}, time.Now()); err != nil {
				return fmt.Errorf("command %d: %w", i, err)
			}
			if i%10 == 0 {
				id, err := s.Request(ctx, Request{Session: session, Command: "npm publish", Rule: "publish"})
				if err != nil {
					return fmt.Errorf("command %d: %w", i, err)
				}
				if err := s.Answer(ctx, id, Answer{Granted: true, By: "worker"}); err != nil {
					return fmt.Errorf("command %d: %w", i, err)
				}
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				o, err := s.Wait(wctx, id)
				cancel()
				if err != nil {
					return fmt.Errorf("command %d: %w", i, err)
				}
				if !o.Granted {
					return fmt.Errorf("command %d: request %s not granted: %+v", i, id, o)
				}
				fmt.Println(id)
			}
			if err := s.Close(); err != nil {
				return fmt.Errorf("command %d: %w", i, err)
			}
		}
		return nil
	},
	// locker DB SESSION PATH exit|hold: takes a lock; "exit" leaves without
	// unlocking, "hold" prints "locked" and keeps it until stdin closes.
	"locker": func(args []string) error {
		s, err := Open(args[0])
		if err != nil {
			return err
		}
		if _, err := s.Lock(context.Background(), args[1], "locker-cmd", []string{args[2]}); err != nil {
			return err
		}
		fmt.Println("locked")
		if args[3] == "hold" {
			bufio.NewReader(os.Stdin).ReadString('\n')
		}
		return nil // exits without unlock
	},
	// consumer DB SESSION COMMAND GO-FILE: waits for GO-FILE to exist, then
	// consumes the grant and prints true or false.
	"consumer": func(args []string) error {
		s, err := Open(args[0])
		if err != nil {
			return err
		}
		defer s.Close()
		fmt.Println("ready")
		for {
			if _, err := os.Stat(args[3]); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		ok, err := s.ConsumeGrant(context.Background(), args[1], args[2], time.Now())
		if err != nil {
			return err
		}
		fmt.Println(ok)
		return nil
	},
	// noop does nothing: the baseline for timing "runpath".
	"noop": func([]string) error { return nil },
	// runpath DB: what one rrsh command does with the store, for timing a
	// fresh process (hyperfine 'store.test runpath DB' vs 'noop').
	"runpath": func(args []string) error {
		ctx := context.Background()
		s, err := Open(args[0])
		if err != nil {
			return err
		}
		path := fmt.Sprintf("/project/src/file-%d.go", os.Getpid()%50)
		if err := s.Touch(ctx, Session{ID: "hyperfine", Agent: "terminal", Cwd: "/project", LastCommand: "touch " + path}); err != nil {
			return err
		}
		if _, err := s.Conflicts(ctx, "hyperfine", []string{path}, time.Now().Add(-10*time.Minute)); err != nil {
			return err
		}
		if err := s.RecordWrites(ctx, "hyperfine", "c", []string{path}, time.Now()); err != nil {
			return err
		}
		return s.Close()
	},
	// readonly DB ID raw|noraw: reports, as JSON, what works on a store it
	// cannot write; with raw, also through a connection that skips Open.
	"readonly": func(args []string) error {
		if dir := os.Getenv(roBindEnv); dir != "" {
			if err := remountReadOnly(dir); err != nil {
				return err
			}
		}
		r := roReport{}
		if s, err := Open(args[0]); err != nil {
			r.OpenErr = err.Error()
		} else {
			s.Close()
		}
		s, err := OpenReadOnly(args[0])
		if err != nil {
			r.OpenROErr = err.Error()
		} else {
			defer s.Close()
			ctx := context.Background()
			if err := s.Answer(ctx, args[1], Answer{Granted: true}); err != nil {
				r.AnswerErr = err.Error()
			}
			if err := s.GrantOnce(ctx, "s", "cmd", "me", time.Minute); err != nil {
				r.GrantErr = err.Error()
			}
			if p, err := s.Pending(ctx); err != nil {
				r.PendingErr = err.Error()
			} else {
				r.Pending = len(p)
			}
		}
		if args[2] != "raw" {
			return json.NewEncoder(os.Stdout).Encode(r)
		}
		// Past Open's check: a raw read-write connection, as a careless
		// caller would make, must still fail to write.
		db, err := sql.Open("sqlite", dsn(args[0], false))
		if err != nil {
			return err
		}
		raw := &Store{db: db, path: args[0]}
		defer raw.Close()
		ctx := context.Background()
		if err := raw.Answer(ctx, args[1], Answer{Granted: true}); err != nil {
			r.RawAnswerErr = err.Error()
		}
		if err := raw.GrantOnce(ctx, "s", "cmd", "me", time.Minute); err != nil {
			r.RawGrantErr = err.Error()
		}
		return json.NewEncoder(os.Stdout).Encode(r)
	},
}

type roReport struct {
	OpenErr, OpenROErr, AnswerErr, GrantErr, PendingErr string
	RawAnswerErr, RawGrantErr                           string
	Pending                                             int
}

func runRole(role string, args []string) int {
	f, ok := roles[role]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown role %q\n", role)
		return 2
	}
	if err := f(args); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
		return 1
	}
	return 0
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// helper builds a command re-running this test binary in role.
func helper(t testing.TB, role string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	return cmd
}

// runHelper runs a helper to completion and returns its stdout.
func runHelper(t testing.TB, role string, args ...string) string {
	t.Helper()
	cmd := helper(t, role, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", role, args, err, stderr.String())
	}
	return string(out)
}

// newStore opens a fresh store in a temporary directory.
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "rrsh.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, path
}

// deadPid returns the pid of a process that has exited and been reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func isErr(err, target error) bool { return errors.Is(err, target) }
