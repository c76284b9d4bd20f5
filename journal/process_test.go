package journal

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// The test binary re-executes itself as a journal writer; the role is
// selected by this variable.
const roleEnv = "RRSH_JOURNAL_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "":
		os.Exit(m.Run())
	case "writer":
		os.Exit(writerRole())
	case "killee":
		os.Exit(killeeRole())
	default:
		fmt.Fprintln(os.Stderr, "unknown role", os.Getenv(roleEnv))
		os.Exit(2)
	}
}

// writerRole appends RRSH_JOURNAL_TEST_N decision lines.
func writerRole() int {
	dir := os.Getenv("RRSH_JOURNAL_TEST_DIR")
	n, _ := strconv.Atoi(os.Getenv("RRSH_JOURNAL_TEST_N"))
	name := os.Getenv("RRSH_JOURNAL_TEST_NAME")
	j, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range n {
		h := Header{Session: name, ID: strconv.Itoa(i)}
		if err := j.Decision(h, Decision{Command: fmt.Sprintf("echo %s %d", name, i), Tier: "allow"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// killeeRole appends forever (or once, then waits), printing the seq of
// each line once Append has returned.
func killeeRole() int {
	dir := os.Getenv("RRSH_JOURNAL_TEST_DIR")
	j, err := Open(dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	once := os.Getenv("RRSH_JOURNAL_TEST_ONCE") != ""
	for i := 1; ; i++ {
		if err := j.Decision(Header{Session: "k", ID: strconv.Itoa(i)}, Decision{Command: "sleep 1"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if i%2 == 0 {
			j.Start(Header{Session: "k", ID: strconv.Itoa(i)}, Start{Pid: i})
		}
		fmt.Println(i)
		if once {
			time.Sleep(time.Hour)
		}
	}
}

func child(t *testing.T, role string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append([]string{
		roleEnv + "=" + role,
		"HOME=" + t.TempDir(),
		"PATH=" + os.Getenv("PATH"),
	}, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestConcurrentProcesses runs 8 processes that append 200 lines each at
// the same time.
func TestConcurrentProcesses(t *testing.T) {
	const procs, each = 8, 200
	dir := filepath.Join(t.TempDir(), "journal")
	var cmds []*exec.Cmd
	for p := range procs {
		cmd := child(t, "writer",
			"RRSH_JOURNAL_TEST_DIR="+dir,
			"RRSH_JOURNAL_TEST_N="+strconv.Itoa(each),
			"RRSH_JOURNAL_TEST_NAME=w"+strconv.Itoa(p))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
		t.Cleanup(func() { cmd.Process.Kill() })
	}
	// Readers run while the writers append: each Verify sees a consistent
	// snapshot (no half-written line, a head that matches the lines).
	done := make(chan error, 1)
	go func() {
		var err error
		for _, cmd := range cmds {
			if werr := cmd.Wait(); werr != nil && err == nil {
				err = werr
			}
		}
		done <- err
	}()
	verifies := 0
	for waiting := true; waiting; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("writer: %v", err)
			}
			waiting = false
		default:
			brk, err := Verify(dir)
			if err != nil {
				t.Fatalf("Verify during writes: %v", err)
			}
			if brk != nil {
				t.Fatalf("Verify during writes: broken at %s", brk)
			}
			verifies++
		}
	}
	t.Logf("%d verifications while writing", verifies)

	raw, err := os.ReadFile(filepath.Join(dir, CurrentFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := countByte(raw, '\n'); n != procs*each {
		t.Fatalf("%d lines, want %d", n, procs*each)
	}
	perWriter := map[string]int{}
	var seen int64
	for e, err := range Read(dir) {
		if err != nil {
			t.Fatalf("line not valid: %v", err)
		}
		seen++
		if e.Seq != seen {
			t.Fatalf("line %d has seq %d", e.Line, e.Seq)
		}
		// Each writer's lines appear in its own order.
		id, _ := strconv.Atoi(e.ID)
		if id != perWriter[e.Session] {
			t.Fatalf("%s: id %d after %d", e.Session, id, perWriter[e.Session])
		}
		perWriter[e.Session]++
	}
	if seen != procs*each || len(perWriter) != procs {
		t.Fatalf("read %d lines from %d writers", seen, len(perWriter))
	}
	mustVerify(t, dir)
}

func countByte(b []byte, c byte) int {
	n := 0
	for _, x := range b {
		if x == c {
			n++
		}
	}
	return n
}

// TestSIGKILL kills a writer with SIGKILL, once while it waits right after
// an append returned and once while it appends in a loop; the journal must
// hold every acknowledged line and verify, and accept new lines.
func TestSIGKILL(t *testing.T) {
	for _, tc := range []struct {
		name string
		once bool
		acks int
	}{
		{"after append", true, 1},
		{"while appending", false, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "journal")
			env := []string{"RRSH_JOURNAL_TEST_DIR=" + dir}
			if tc.once {
				env = append(env, "RRSH_JOURNAL_TEST_ONCE=1")
			}
			cmd := child(t, "killee", env...)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			last := 0
			for last < tc.acks && sc.Scan() {
				last, _ = strconv.Atoi(sc.Text())
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if last < tc.acks {
				t.Fatalf("writer acknowledged %d lines before dying", last)
			}

			mustVerify(t, dir)
			decisions := 0
			for e, err := range Read(dir) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Type == TypeDecision {
					decisions++
				}
			}
			if decisions < last {
				t.Fatalf("%d decision lines, but %d were acknowledged", decisions, last)
			}
			j := openT(t, dir, Options{})
			if err := j.Decision(Header{ID: "after"}, Decision{}); err != nil {
				t.Fatal(err)
			}
			mustVerify(t, dir)
		})
	}
}
