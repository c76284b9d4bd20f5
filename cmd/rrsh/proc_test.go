//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func rrshCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	requireJail(t)
	rrsh, err := exec.LookPath("rrsh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(rrsh, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "RRSH_SESSION=proc-test"}
	return cmd
}

// An agent hands rrsh one O_APPEND file as stdout and stderr, and fds of
// its own: the command writes to the very same open file (still O_APPEND)
// and gets no other descriptor.
func TestInheritedFDs(t *testing.T) {
	cmd := rrshCmd(t, "-c", `grep ^flags /proc/self/fdinfo/1; ls /proc/self/fd | tr '\n' ' '; echo`)
	out, err := os.OpenFile(filepath.Join(t.TempDir(), "out"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.ExtraFiles = []*os.File{extra, extra, extra} // fds 3, 4, 5 of rrsh
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	b, _ := os.ReadFile(out.Name())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("output:\n%s", b)
	}
	var flags int
	if _, err := fmtSscanOctal(strings.TrimSpace(strings.TrimPrefix(lines[0], "flags:")), &flags); err != nil {
		t.Fatalf("flags line %q: %v", lines[0], err)
	}
	if flags&syscall.O_APPEND == 0 {
		t.Errorf("stdout lost O_APPEND inside the jail: flags %o", flags)
	}
	// ls itself opens one fd (3) for the directory it lists.
	if got := strings.TrimSpace(lines[1]); got != "0 1 2 3" {
		t.Errorf("fds inside the jail: %q, want only 0 1 2 (and ls's own 3)", got)
	}
}

// The agent kills its whole process group: every jailed process dies,
// background ones included.
func TestProcessGroupKill(t *testing.T) {
	marker := "1234.5" + strings.TrimPrefix(filepath.Base(t.TempDir()), "TestProcessGroupKill")
	cmd := rrshCmd(t, "-c", "sleep "+marker+" & sleep "+marker+" & echo started; wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for countProcs("sleep "+marker) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the sleeps never started: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline = time.Now().Add(5 * time.Second)
	for countProcs("sleep "+marker) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("jailed processes survived the group kill")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SIGTERM sent to rrsh alone is forwarded: the command ends and rrsh
// reports 128+15.
func TestSignalForwarded(t *testing.T) {
	cmd := rrshCmd(t, "-c", "echo started; sleep 30")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	stdout.Read(buf)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 143 {
		t.Errorf("rrsh exited with %v, want status 143", err)
	}
}

func countProcs(cmdline string) int {
	n := 0
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.ReplaceAll(strings.TrimRight(string(b), "\x00"), "\x00", " ") == cmdline {
			n++
		}
	}
	return n
}

func fmtSscanOctal(s string, v *int) (int, error) {
	n, err := strconv.ParseInt(s, 8, 64)
	*v = int(n)
	return 1, err
}
