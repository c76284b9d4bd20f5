package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestShimDir(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	env := map[string]string{"HOME": home}
	var stdout, stderr strings.Builder
	run := func(args ...string) int {
		stdout.Reset()
		stderr.Reset()
		c := &cli{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr,
			getenv: func(k string) string { return env[k] }, now: time.Now, argv0: "rrsh"}
		return cmdShimDir(c, args)
	}
	dir := filepath.Join(home, ".local", "share", "rrsh", "shims")
	link := filepath.Join(dir, "bash")

	// Printing creates nothing.
	if code := run(); code != 0 || stdout.String() != dir+"\n" {
		t.Fatalf("shim-dir: %d %q %q", code, stdout.String(), stderr.String())
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Fatalf("shim-dir without --create made %s", dir)
	}

	// --create makes exactly one entry, bash -> rrsh, and says so once.
	self, err := selfPath()
	if err != nil {
		t.Fatal(err)
	}
	if code := run("--create"); code != 0 || stdout.String() != dir+"\n" || !strings.Contains(stderr.String(), "link "+link+" -> "+self) {
		t.Fatalf("--create: %d %q %q", code, stdout.String(), stderr.String())
	}
	if target, err := os.Readlink(link); err != nil || target != self {
		t.Fatalf("bash -> %q, %v; want %s", target, err, self)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries in the shim dir, want only bash (no sh)", len(entries))
	}
	if code := run("--create"); code != 0 || stderr.Len() != 0 {
		t.Errorf("second --create: %d %q", code, stderr.String())
	}

	// An old link is replaced; a file that is not a link is left alone.
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/old/rrsh", link); err != nil {
		t.Fatal(err)
	}
	if code := run("--create"); code != 0 || !strings.Contains(stderr.String(), "it pointed to /old/rrsh") {
		t.Errorf("relink: %d %q", code, stderr.String())
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(link, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code := run("--create"); code != exitConfig || !strings.Contains(stderr.String(), "not a symbolic link") {
		t.Errorf("over a file: %d %q", code, stderr.String())
	}

	env["RRSH_JAILED"] = "1"
	if code := run("--create"); code != exitDenied {
		t.Errorf("inside the jail: %d", code)
	}
	delete(env, "RRSH_JAILED")
	if code := run("extra"); code != exitUsage {
		t.Errorf("extra argument: %d", code)
	}
	env["HOME"] = ""
	if code := run(); code != exitConfig {
		t.Errorf("no HOME: %d", code)
	}
}
