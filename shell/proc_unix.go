//go:build unix

package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// forwarded are the signals rrsh passes on to the command. A kill of the
// agent's whole process group reaches the command directly as well, since
// (without a terminal) it stays in rrsh's process group.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

type proc struct {
	p       *os.Process
	ptmx    *os.File // non-nil in terminal mode
	restore func()
	sigs    chan os.Signal
	done    chan struct{} // closed when the output copy ends (terminal mode)
	stdin   *os.File
	script  *os.File // the checked stdin script, when there is one
}

func (p *proc) pid() int { return p.p.Pid }

// UsePTY reports whether rrsh runs the command on a fresh pseudo-terminal:
// only when both its stdin and stdout are terminals.
func UsePTY(stdin, stdout *os.File) bool {
	return stdin != nil && stdout != nil && term.IsTerminal(int(stdin.Fd())) && term.IsTerminal(int(stdout.Fd()))
}

// start starts argv. Without a terminal the command inherits rrsh's
// standard file descriptors untouched (an O_APPEND file stays O_APPEND),
// rrsh's process group, and nothing else. With a terminal it gets a fresh
// PTY in a new session, never rrsh's own terminal.
func (s *Shell) start(argv []string, inv *Invocation, src string) (*proc, error) {
	in, out, errw := s.stdin, s.stdout, s.stderr
	if in == nil {
		in = devNull()
	}
	pr := &proc{stdin: in}
	if inv.Mode == ModeStdin {
		// The script was read from stdin and checked; the real shell
		// reads exactly that text, from a private unlinked file.
		f, err := scriptFile(src)
		if err != nil {
			return nil, err
		}
		pr.script, in = f, f
	}
	attr := &os.ProcAttr{Dir: s.cwd, Env: s.env, Files: []*os.File{in, out, errw}}
	if inv.Mode != ModeStdin && UsePTY(s.stdin, s.stdout) {
		ptmx, tty, err := pty.Open()
		if err != nil {
			return nil, fmt.Errorf("open pty: %w", err)
		}
		_ = pty.InheritSize(s.stdin, ptmx)
		stderrFile := errw
		if term.IsTerminal(int(errw.Fd())) {
			stderrFile = tty
		}
		attr.Files = []*os.File{tty, tty, stderrFile}
		attr.Sys = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		p, err := os.StartProcess(argv[0], argv, attr)
		tty.Close()
		if err != nil {
			ptmx.Close()
			return nil, err
		}
		pr.p, pr.ptmx = p, ptmx
		if st, err := term.MakeRaw(int(s.stdin.Fd())); err == nil {
			pr.restore = func() { _ = term.Restore(int(s.stdin.Fd()), st) }
		} else {
			pr.restore = func() {}
		}
		pr.done = make(chan struct{})
		go func() { _, _ = io.Copy(ptmx, s.stdin) }()
		go func() { _, _ = io.Copy(out, ptmx); close(pr.done) }()
		pr.sigs = make(chan os.Signal, 8)
		signal.Notify(pr.sigs, syscall.SIGWINCH, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
		return pr, nil
	}
	p, err := os.StartProcess(argv[0], argv, attr)
	if err != nil {
		if pr.script != nil {
			pr.script.Close()
		}
		return nil, err
	}
	pr.p = p
	pr.sigs = make(chan os.Signal, 8)
	signal.Notify(pr.sigs, forwarded...)
	return pr, nil
}

// wait waits for the command, forwarding signals, and returns its exit
// status (128+n when killed by signal n) and the signal name, if any.
func (pr *proc) wait() (int, string) {
	defer signal.Stop(pr.sigs)
	if pr.script != nil {
		defer pr.script.Close()
	}
	exited := make(chan unix.WaitStatus, 1)
	stopped := make(chan struct{}, 1)
	go func() {
		for {
			var ws unix.WaitStatus
			_, err := unix.Wait4(pr.p.Pid, &ws, unix.WUNTRACED, nil)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				exited <- ws
				return
			}
			if ws.Stopped() {
				stopped <- struct{}{}
				continue
			}
			exited <- ws
			return
		}
	}()
	for {
		select {
		case sig := <-pr.sigs:
			if sig == syscall.SIGWINCH && pr.ptmx != nil {
				_ = pty.InheritSize(pr.stdin, pr.ptmx)
				continue
			}
			_ = pr.p.Signal(sig)
		case <-stopped:
			// Ctrl-Z on the PTY stopped the command: give the terminal
			// back, stop ourselves like a job, and resume both on fg.
			if pr.restore != nil {
				pr.restore()
			}
			_ = unix.Kill(os.Getpid(), unix.SIGSTOP)
			if pr.ptmx != nil {
				if st, err := term.MakeRaw(int(pr.stdin.Fd())); err == nil {
					pr.restore = func() { _ = term.Restore(int(pr.stdin.Fd()), st) }
				}
			}
			_ = unix.Kill(-pr.p.Pid, unix.SIGCONT)
			_ = unix.Kill(pr.p.Pid, unix.SIGCONT)
		case ws := <-exited:
			if pr.ptmx != nil {
				<-pr.done
				pr.ptmx.Close()
			}
			if pr.restore != nil {
				pr.restore()
			}
			switch {
			case ws.Signaled():
				return 128 + int(ws.Signal()), unix.SignalName(ws.Signal())
			case ws.Exited():
				return ws.ExitStatus(), ""
			}
			return 255, ""
		}
	}
}

// scriptFile returns a read-only handle on an unlinked private copy of src.
func scriptFile(src string) (*os.File, error) {
	f, err := os.CreateTemp("", "rrsh-script-*")
	if err != nil {
		return nil, fmt.Errorf("cannot hold the checked script: %w", err)
	}
	os.Remove(f.Name())
	if _, err := f.WriteString(src); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func devNull() *os.File {
	f, err := os.Open(os.DevNull)
	if err != nil {
		panic("rrsh bug: cannot open " + os.DevNull)
	}
	return f
}

// CloseExtraFDs marks every inherited file descriptor above 2 close-on-exec,
// so nothing but stdin, stdout and stderr reaches the command.
func CloseExtraFDs() {
	if closeRangeCloexec(3) == nil {
		return
	}
	ents, err := os.ReadDir("/dev/fd")
	if err != nil {
		return
	}
	for _, e := range ents {
		var fd int
		if _, err := fmt.Sscan(e.Name(), &fd); err == nil && fd > 2 {
			unix.CloseOnExec(fd)
		}
	}
}
