//go:build linux

package store

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestReadOnlyStore: a store on a read-only file, directory or mount (the
// jail mounts the state directory read-only) cannot be opened for writing,
// and no write gets through: Answer and GrantOnce fail.
func TestReadOnlyStore(t *testing.T) {
	cases := []struct {
		name            string
		dirMode, dbMode os.FileMode
		bind            bool
		// raw: the files themselves cannot be written, so even a
		// connection that skips Open's checks must fail. (In a 0500
		// directory the kept -wal and -shm files and the 0600 database
		// file are still writable; only Open's check refuses.)
		raw bool
	}{
		{name: "dir0500", dirMode: 0o500, dbMode: 0o600},
		{name: "file0400", dirMode: 0o700, dbMode: 0o400, raw: true},
		{name: "both", dirMode: 0o500, dbMode: 0o400, raw: true},
		{name: "ro-bind-mount", dirMode: 0o700, dbMode: 0o600, bind: true, raw: true},
	}
	root := os.Geteuid() == 0
	var uid, gid int
	var bin, base string
	if root {
		u, err := user.Lookup("rrtest")
		if err == nil {
			uid, _ = strconv.Atoi(u.Uid)
			gid, _ = strconv.Atoi(u.Gid)
			// The unprivileged user must reach the binary and the data:
			// a world-traversable copy outside the 0700 test directories.
			base, bin = worldReadableCopy(t)
		}
	}
	if base == "" {
		base = t.TempDir()
		bin = os.Args[0]
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bind && (!root || runtime.GOOS != "linux") {
				t.Skip("a read-only bind mount needs root on Linux")
			}
			if !tc.bind && root && uid == 0 {
				t.Skip("running as root, which ignores file modes, and there is no user rrtest to run as")
			}
			dir := filepath.Join(base, tc.name, "state")
			path := filepath.Join(dir, "rrsh.db")
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.Request(context.Background(), Request{Session: "s1", Command: "npm publish", Rule: "publish"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			raw := "noraw"
			if tc.raw {
				raw = "raw"
			}
			cmd := exec.Command(bin, path, id, raw)
			cmd.Env = append(os.Environ(), roleEnv+"=readonly", "HOME="+base)
			switch {
			case tc.bind:
				cmd.Env = append(cmd.Env, roBindEnv+"="+dir)
				cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
			case root:
				chownAll(t, filepath.Dir(dir), uid, gid)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
			}
			if err := os.Chmod(path, tc.dbMode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.dirMode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o700) })
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("readonly helper: %v\n%s", err, stderr.String())
			}
			var r roReport
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			t.Logf("%+v", r)
			if r.OpenErr == "" {
				t.Error("Open of a read-only store succeeded; callers would not fail closed")
			}
			if r.OpenROErr == "" && (r.AnswerErr == "" || r.GrantErr == "") {
				t.Errorf("a write through OpenReadOnly succeeded: %+v", r)
			}
			if tc.raw && (r.RawAnswerErr == "" || r.RawGrantErr == "") {
				t.Errorf("a write through a raw read-write connection succeeded: %+v", r)
			}
			// Nothing was granted: the request is still pending. (SQLite
			// gives new -wal and -shm files the database file's mode, so
			// they may be read-only now too.)
			os.Chmod(dir, 0o700)
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				os.Chmod(p, 0o600)
			}
			s, err = Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := s.Pending(context.Background())
			if err != nil || len(p) != 1 || p[0].ID != id {
				t.Errorf("after the read-only attempts: pending %v, %v; want request %s still pending", p, err, id)
			}
			var grants int
			if err := s.db.QueryRow("SELECT count(*) FROM hook_grants").Scan(&grants); err != nil || grants != 0 {
				t.Errorf("hook grants after the read-only attempts: %d, %v", grants, err)
			}
		})
	}
}

// worldReadableCopy makes a 0755 directory outside the test's private
// temporary directory, holding a copy of the test binary.
func worldReadableCopy(t *testing.T) (dir, bin string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "rrsh-store-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	bin = filepath.Join(dir, "store.test")
	dst, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, bin
}

func chownAll(t *testing.T, dir string, uid, gid int) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}
