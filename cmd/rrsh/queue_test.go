//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// agentEnv is a project with a policy and state dirs, as an unattended
// agent sees it: no terminal, approvals through the queue.
type agentEnv struct {
	t       *testing.T
	rrsh    string
	dir     string
	project string
	env     []string
}

func newAgentEnv(t *testing.T, policy string) *agentEnv {
	t.Helper()
	requireJail(t)
	rrsh, err := exec.LookPath("rrsh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, "railroad.yaml"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	return &agentEnv{t: t, rrsh: rrsh, dir: dir, project: project, env: []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"RRSH_SESSION=agent-1",
	}}
}

func (a *agentEnv) cmd(args ...string) *exec.Cmd {
	c := exec.Command(a.rrsh, args...)
	c.Dir = a.project
	c.Env = a.env
	return c
}

// run runs rrsh to completion and returns stdout, stderr and the status.
func (a *agentEnv) run(args ...string) (string, string, int) {
	a.t.Helper()
	c := a.cmd(args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		a.t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

var approvalLine = regexp.MustCompile(`^rrsh: approval needed \(id ([0-9a-f]+)\): rrsh approve ([0-9a-f]+)$`)

// startWaiting starts a command that needs approval and returns it with
// the request id it printed.
func (a *agentEnv) startWaiting(script string) (*exec.Cmd, string, *bytes.Buffer) {
	a.t.Helper()
	c := a.cmd("-c", script)
	stderr, err := c.StderrPipe()
	if err != nil {
		a.t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		a.t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var rest bytes.Buffer
	for sc.Scan() {
		if m := approvalLine.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
					rest.WriteString(sc.Text() + "\n")
				}
			}()
			return c, m[1], &rest
		}
	}
	c.Wait()
	a.t.Fatalf("no approval line on stderr")
	return nil, "", nil
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

const queuePolicy = "approve: [deploy-thing]\ndefault: allow\napproval: {timeout: 30s}\n"

// An unattended command that needs approval waits; a human approves it
// from another terminal and it runs.
func TestQueueApproved(t *testing.T) {
	a := newAgentEnv(t, queuePolicy)
	c, id, _ := a.startWaiting("echo approved > marker; deploy-thing 2>/dev/null; true")
	out, errs, code := a.run("pending")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "deploy-thing") {
		t.Fatalf("rrsh pending (%d):\n%s%s", code, out, errs)
	}
	if _, errs, code := a.run("approve", id); code != 0 {
		t.Fatalf("rrsh approve: %d %s", code, errs)
	}
	if code := exitCode(c.Wait()); code != 0 {
		t.Fatalf("approved command exited %d", code)
	}
	if b, err := os.ReadFile(filepath.Join(a.project, "marker")); err != nil || string(b) != "approved\n" {
		t.Fatalf("the approved command did not run: %q %v", b, err)
	}
}

// A denial stops it, with the reason, and nothing of it runs.
func TestQueueDenied(t *testing.T) {
	a := newAgentEnv(t, queuePolicy)
	c, id, rest := a.startWaiting("echo ran > marker; deploy-thing")
	if _, errs, code := a.run("deny", id, "--reason", "not on a friday"); code != 0 {
		t.Fatalf("rrsh deny: %d %s", code, errs)
	}
	if code := exitCode(c.Wait()); code != exitDenied {
		t.Errorf("denied command exited %d, want %d", code, exitDenied)
	}
	time.Sleep(50 * time.Millisecond)
	if !strings.Contains(rest.String(), "not on a friday") {
		t.Errorf("the denial reason did not reach the agent: %q", rest.String())
	}
	if _, err := os.Stat(filepath.Join(a.project, "marker")); err == nil {
		t.Error("a denied command ran")
	}
}

// A timeout is a denial, reported as a timeout.
func TestQueueTimeout(t *testing.T) {
	a := newAgentEnv(t, "approve: [deploy-thing]\ndefault: allow\napproval: {timeout: 1s}\n")
	_, errs, code := a.run("-c", "echo ran > marker; deploy-thing")
	if code != exitTimeout || !strings.Contains(errs, "timed out") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(a.project, "marker")); err == nil {
		t.Error("a timed-out command ran")
	}
}

// A command killed with SIGKILL mid-run (rrsh with it) still has its
// decision line in the journal and a snapshot that rolls back.
func TestKilledMidRunRollsBack(t *testing.T) {
	a := newAgentEnv(t, "default: allow\n")
	f := filepath.Join(a.project, "data.txt")
	os.WriteFile(f, []byte("before\n"), 0o644)
	c := a.cmd("-c", "echo during > data.txt; sleep 30")
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, _ := os.ReadFile(f); string(b) == "during\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the command never wrote")
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	c.Wait()
	out, errs, code := a.run("log", "--json", "--type", "decision")
	if code != 0 || !strings.Contains(out, "echo during > data.txt") {
		t.Fatalf("no decision line after SIGKILL (%d):\n%s%s", code, out, errs)
	}
	if out, errs, code := a.run("rollback", "--last"); code != 0 {
		t.Fatalf("rollback after SIGKILL: %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(f); string(b) != "before\n" {
		t.Errorf("rolled back content %q", b)
	}
	if out, _, code := a.run("log", "--verify"); code != 0 {
		t.Errorf("journal after SIGKILL: %s", out)
	}
}

// A full disk makes rrsh refuse to run rather than run unjournaled.
func TestFullDiskRefuses(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	a := newAgentEnv(t, "default: allow\n")
	state := filepath.Join(a.dir, "state")
	os.MkdirAll(state, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", state).CombinedOutput(); err != nil {
		t.Skipf("cannot mount tmpfs: %v %s", err, out)
	}
	defer exec.Command("umount", state).Run()
	// Journal one command so the store exists, then fill the disk.
	if _, errs, code := a.run("-c", "true"); code != 0 {
		t.Fatalf("first command: %d %s", code, errs)
	}
	filler, _ := os.Create(filepath.Join(state, "filler"))
	buf := make([]byte, 4096)
	for {
		if _, err := filler.Write(buf); err != nil {
			break
		}
	}
	filler.Close()
	_, errs, code := a.run("-c", "echo ran > marker")
	if code != exitState {
		t.Errorf("exit %d on a full disk, want %d; stderr:\n%s", code, exitState, errs)
	}
	if !strings.HasPrefix(errs, "rrsh: ") {
		t.Errorf("stderr: %q", errs)
	}
	if _, err := os.Stat(filepath.Join(a.project, "marker")); err == nil {
		t.Error("the command ran although it could not be journaled")
	}
}
