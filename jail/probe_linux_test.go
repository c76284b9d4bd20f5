//go:build linux

package jail

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The escape suite re-executes this test binary, inside and outside the
// jail, to run one probe operation (STYLE habit 22). The operation is named
// by RRSH_JAIL_TEST_CMD, its argument by RRSH_JAIL_TEST_ARG.
//
// Exit status: 0 the operation succeeded; 10 it failed with an errno
// (printed as "errno=N" on stderr); 11 it failed otherwise; 2 usage.
const (
	envProbeCmd = "RRSH_JAIL_TEST_CMD"
	envProbeArg = "RRSH_JAIL_TEST_ARG"

	probeOK       = 0
	probeErrno    = 10
	probeFailed   = 11
	probeBadUsage = 2
)

func TestMain(m *testing.M) {
	if op := os.Getenv(envProbeCmd); op != "" {
		os.Exit(runProbe(op, os.Getenv(envProbeArg)))
	}
	os.Exit(m.Run())
}

func runProbe(op, arg string) int {
	err := probeOp(op, arg)
	if err == nil {
		return probeOK
	}
	if errors.Is(err, errBadUsage) {
		fmt.Fprintln(os.Stderr, err)
		return probeBadUsage
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		fmt.Fprintf(os.Stderr, "errno=%d %v\n", int(errno), err)
		return probeErrno
	}
	fmt.Fprintln(os.Stderr, err)
	return probeFailed
}

var errBadUsage = errors.New("bad probe usage")

func probeOp(op, arg string) error {
	switch op {
	case "read": // read a file
		_, err := os.ReadFile(arg)
		return err
	case "create": // create (or truncate) a file and write to it
		return os.WriteFile(arg, []byte("#!/bin/sh\necho pwned\n"), 0o755)
	case "append": // append to an existing file
		f, err := os.OpenFile(arg, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteString("\necho pwned\n"); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "rename": // rename a directory away (the first step of recreating it)
		return os.Rename(arg, arg+".old")
	case "connect-unix":
		return dial("unix", arg)
	case "connect-tcp":
		return dial("tcp", arg)
	case "kill": // send SIGTERM to a pid
		pid, err := strconv.Atoi(arg)
		if err != nil {
			return errBadUsage
		}
		return syscall.Kill(pid, syscall.SIGTERM)
	case "tiocsti-stdin": // push a byte into the terminal on fd 0
		return tiocsti(0)
	case "tiocsti-devtty": // push a byte into the controlling terminal
		fd, err := unix.Open("/dev/tty", unix.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			return &os.PathError{Op: "open", Path: "/dev/tty", Err: err}
		}
		defer unix.Close(fd)
		return tiocsti(fd)
	case "jailed": // succeed only inside rrsh's jail
		if os.Getenv("RRSH_JAILED") != "1" {
			return fmt.Errorf("RRSH_JAILED=%q", os.Getenv("RRSH_JAILED"))
		}
		return nil
	}
	return errBadUsage
}

func dial(network, addr string) error {
	c, err := net.Dial(network, addr)
	if err != nil {
		return err
	}
	return c.Close()
}

func tiocsti(fd int) error {
	b := byte('#')
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TIOCSTI, uintptr(unsafe.Pointer(&b)))
	if errno != 0 {
		return fmt.Errorf("ioctl TIOCSTI: %w", errno)
	}
	return nil
}
