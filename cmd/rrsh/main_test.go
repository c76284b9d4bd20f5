package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("u", false, "update testscript files with actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"rrsh": func() { os.Exit(run(newCLI(), os.Args[1:])) },
		// Invoked under a bash-like name, rrsh is only a shell.
		"rrsh-bash": func() { os.Exit(run(newCLI(), os.Args[1:])) },
		// argv-log appends its argv (one JSON array per line) to $ARGV_LOG.
		"argv-log": func() {
			f, err := os.OpenFile(os.Getenv("ARGV_LOG"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			b, _ := json.Marshal(os.Args[1:])
			f.Write(append(b, '\n'))
			f.Close()
		},
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			if err := os.MkdirAll(home, 0o755); err != nil {
				return err
			}
			env.Setenv("HOME", home)
			env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, "state"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, "config"))
			env.Setenv("ARGV_LOG", filepath.Join(env.WorkDir, "argv.log"))
			env.Setenv("RRSH_SESSION", "test-session")
			env.Setenv("NO_COLOR", "1")
			// Without a terminal a command that needs approval would wait in
			// the queue; scripts that test the queue unset this.
			env.Setenv("RRSH_APPROVAL", "deny")
			for _, k := range []string{"CLAUDECODE", "CLAUDE_CODE_SESSION_ID", "CI", "GITHUB_ACTIONS", "RRSH_JAILED", "RRSH_POLICY"} {
				env.Setenv(k, "")
			}
			if os.Getenv("RRSH_REQUIRE_JAIL") == "" {
				if _, err := exec.LookPath("bwrap"); err != nil {
					env.Setenv("RRSH_TEST_NOJAIL", "1")
				}
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "jail":
				if _, err := exec.LookPath("bwrap"); err != nil {
					if os.Getenv("RRSH_REQUIRE_JAIL") != "" {
						return false, fmt.Errorf("RRSH_REQUIRE_JAIL is set but bwrap is missing: %w", err)
					}
					return false, nil
				}
				return true, nil
			case "root":
				return os.Getuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":    cmdExitcode,
			"journal-has": cmdJournalHas,
		},
	})
}

// exitcode N cmd args…: runs cmd (like exec) and requires exit status N.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// journal-has key=value…: some journal line has all the given top-level
// fields (values compared as their JSON text without quotes).
func cmdJournalHas(ts *testscript.TestScript, neg bool, args []string) {
	dir := filepath.Join(ts.Getenv("XDG_STATE_HOME"), "rrsh", "journal")
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	found := false
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			ts.Fatalf("%v", err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() && !found {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			all := true
			for _, kv := range args {
				k, v, _ := strings.Cut(kv, "=")
				got, ok := m[k]
				if !ok {
					all = false
					break
				}
				s := fmt.Sprint(got)
				if b, err := json.Marshal(got); err == nil && !strings.HasPrefix(string(b), "\"") {
					s = string(b)
				}
				if s != v {
					all = false
					break
				}
			}
			found = all
		}
		fh.Close()
	}
	if found == neg {
		if neg {
			ts.Fatalf("journal has a line with %v", args)
		}
		ts.Fatalf("journal has no line with %v", args)
	}
}
