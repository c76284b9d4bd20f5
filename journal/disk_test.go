package journal

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFullDisk fills a 16 KiB tmpfs: the append that does not fit must
// fail, leave no partial line, and leave a journal that verifies.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipped: mounting a small tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("skipped: cannot mount a tmpfs (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	dir := filepath.Join(mnt, "journal")
	j, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	cur := filepath.Join(dir, CurrentFile)
	ok := 0
	var appendErr error
	var sizeBefore int64
	for i := range 1000 {
		fi, err := os.Stat(cur)
		if err != nil {
			t.Fatal(err)
		}
		sizeBefore = fi.Size()
		// Lines of varying length, so the failing one straddles a page.
		cmd := strings.Repeat("x", 100+i*37%500)
		if appendErr = j.Decision(Header{ID: "c"}, Decision{Command: cmd}); appendErr != nil {
			break
		}
		ok++
	}
	if appendErr == nil || ok == 0 {
		t.Fatalf("after %d appends: err = %v; want some appends, then an error", ok, appendErr)
	}
	if !errors.Is(appendErr, syscall.ENOSPC) && !errors.Is(appendErr, io.ErrShortWrite) {
		t.Errorf("error = %v, want ENOSPC or a short write", appendErr)
	}
	t.Logf("%d appends, then: %v", ok, appendErr)
	fi, err := os.Stat(cur)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != sizeBefore {
		t.Errorf("file is %d bytes after the failed append, was %d", fi.Size(), sizeBefore)
	}
	mustVerify(t, dir)
	if n := len(readAll(t, dir)); n != ok {
		t.Errorf("%d lines, want %d", n, ok)
	}
	// Still full: the next append fails the same way and changes nothing.
	if err := j.Decision(Header{ID: "again"}, Decision{Command: strings.Repeat("y", 4000)}); err == nil {
		t.Error("append on a full disk succeeded")
	}
	mustVerify(t, dir)
}
