//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ptyHarness runs rrsh with a pseudo-terminal as its stdin, stdout and
// stderr, as when a human runs it in a terminal.
type ptyHarness struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func requireJail(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bwrap"); err != nil {
		if os.Getenv("RRSH_REQUIRE_JAIL") != "" {
			t.Fatalf("RRSH_REQUIRE_JAIL is set but bwrap is missing: %v", err)
		}
		t.Skip("needs bwrap")
	}
}

func startPTY(t *testing.T, size *pty.Winsize, args ...string) *ptyHarness {
	t.Helper()
	requireJail(t)
	rrsh, err := exec.LookPath("rrsh")
	if err != nil {
		t.Fatalf("rrsh test command not on PATH: %v", err)
	}
	dir := t.TempDir()
	project := filepath.Join(dir, "project")
	if err := os.MkdirAll(project, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(project, "railroad.yaml"), []byte("blocklist: [\"rm -rf\"]\napprove: [deploy-thing]\ndefault: allow\n"), 0o644)
	cmd := exec.Command(rrsh, args...)
	cmd.Dir = project
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"TMPDIR=" + dir,
		"RRSH_SESSION=pty-test",
		"TERM=xterm",
		"NO_COLOR=1",
	}
	ptmx, err := pty.StartWithSize(cmd, size)
	if err != nil {
		t.Fatal(err)
	}
	h := &ptyHarness{t: t, cmd: cmd, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			h.mu.Lock()
			h.out.Write(buf[:n])
			h.mu.Unlock()
			if err != nil {
				close(h.done)
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		ptmx.Close()
	})
	return h
}

// waitFor waits until the terminal output contains s.
func (h *ptyHarness) waitFor(s string) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		got := h.out.String()
		h.mu.Unlock()
		if strings.Contains(got, s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.t.Fatalf("terminal never showed %q; it shows:\n%s", s, h.out.String())
}

func (h *ptyHarness) exit() int {
	h.t.Helper()
	err := h.cmd.Wait()
	<-h.done
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return 0
}

func termios(t *testing.T, f *os.File) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

// The command gets a fresh PTY with the terminal's size, sees input typed
// at rrsh's terminal, follows a window-size change, and the exit status
// passes through; rrsh's terminal is back in its original mode afterwards.
func TestPTYSession(t *testing.T) {
	h := startPTY(t, &pty.Winsize{Rows: 40, Cols: 100}, "-c",
		`test -t 0 && test -t 1 && echo in-tty; stat -L -c 'dev=%t:%T' /proc/self/fd/0; stty size; read x; echo "got:$x"; read y; stty size; exit 5`)
	before := termios(t, h.ptmx)
	h.waitFor("in-tty")
	h.waitFor("40 100")
	io.WriteString(h.ptmx, "hello\r")
	h.waitFor("got:hello")
	if err := pty.Setsize(h.ptmx, &pty.Winsize{Rows: 50, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let SIGWINCH reach rrsh and be forwarded
	io.WriteString(h.ptmx, "again\r")
	h.waitFor("50 120")
	if code := h.exit(); code != 5 {
		t.Errorf("exit status %d, want 5", code)
	}
	h.mu.Lock()
	out := h.out.String()
	h.mu.Unlock()
	// The command's terminal is a fresh PTY, not the one rrsh runs on.
	n, err := unix.IoctlGetInt(int(h.ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	// Unix98 PTY slaves have major 136; the minor is the pts number.
	if mine := fmt.Sprintf("dev=88:%x\r\n", n); strings.Contains(out, mine) {
		t.Errorf("the command got rrsh's own terminal (pts %d):\n%s", n, out)
	}
	if !strings.Contains(out, "dev=88:") {
		t.Errorf("the command's stdin is not a PTY slave:\n%s", out)
	}
	after := termios(t, h.ptmx)
	if before.Lflag != after.Lflag || before.Iflag != after.Iflag || before.Oflag != after.Oflag {
		t.Errorf("terminal mode not restored: before %+v after %+v\n%s", before, after, out)
	}
}

// Ctrl-C typed at the terminal reaches the command: it dies of SIGINT and
// rrsh exits 130; the terminal is restored.
func TestPTYInterrupt(t *testing.T) {
	h := startPTY(t, &pty.Winsize{Rows: 24, Cols: 80}, "-c", `echo ready; sleep 30; echo not-reached`)
	before := termios(t, h.ptmx)
	h.waitFor("ready")
	time.Sleep(100 * time.Millisecond)
	h.ptmx.Write([]byte{3}) // Ctrl-C
	code := h.exit()
	if code != 130 {
		t.Errorf("exit status %d, want 130", code)
	}
	h.mu.Lock()
	out := h.out.String()
	h.mu.Unlock()
	if strings.Contains(out, "not-reached") {
		t.Errorf("the command went on after Ctrl-C:\n%s", out)
	}
	after := termios(t, h.ptmx)
	if before.Lflag != after.Lflag {
		t.Errorf("terminal mode not restored after Ctrl-C")
	}
}

// The approval prompt appears on the terminal; typing yes runs the command.
func TestPTYApprovalPrompt(t *testing.T) {
	h := startPTY(t, &pty.Winsize{Rows: 24, Cols: 80}, "-c", `echo approved-and-ran; deploy-thing 2>/dev/null; exit 0`)
	h.waitFor("NEEDS APPROVAL")
	h.waitFor("rule approve:deploy-thing")
	h.waitFor("Type yes")
	io.WriteString(h.ptmx, "yes\r")
	h.waitFor("approved-and-ran")
	if code := h.exit(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
}

// With a terminal on stdin only (output redirected), the command runs in a
// new session (no TIOCSTI into the terminal); an interrupt still stops it:
// rrsh forwards SIGINT and the jail takes the command down with it.
func TestTTYStdinInterrupt(t *testing.T) {
	requireJail(t)
	rrsh, err := exec.LookPath("rrsh")
	if err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	dir := t.TempDir()
	cmd := exec.Command(rrsh, "-c", "echo ready; sleep 30; echo not-reached")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "RRSH_SESSION=tty-test"}
	cmd.Stdin = tty
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	start := time.Now()
	cmd.Process.Signal(unix.SIGINT)
	rest, _ := io.ReadAll(out)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("rrsh exited with %v, want status 130", err)
	}
	if strings.Contains(string(rest), "not-reached") || time.Since(start) > 20*time.Second {
		t.Errorf("the command went on after the interrupt: %q", rest)
	}
}
