package journal

import (
	"os"
	"testing"
)

// benchDir is a temporary directory on a real disk: fsync on tmpfs costs
// nothing and would hide the number that matters.
func benchDir(b *testing.B) string {
	b.Helper()
	base := os.TempDir()
	if isTmpfs(base) {
		base = "/var/tmp"
	}
	dir, err := os.MkdirTemp(base, "rrsh-journal-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	if isTmpfs(dir) {
		b.Logf("warning: %s is on tmpfs; sync numbers are not meaningful", dir)
	}
	return dir
}

var benchDecision = Decision{
	Command: "go test ./... 2>&1 | tee test.log", Mode: "shell", Shell: "bash",
	Cwd: "/home/user/src/project", Root: "/home/user/src/project", Agent: "claude",
	Policy: "/home/user/src/project/railroad.yaml", Tier: "allow", Rule: "allowlist:go test",
	Reason: "go test is allowed", Part: "go test ./...", Line: 1, Col: 1,
	Execs: []string{"go test ./...", "tee test.log"}, Writes: []string{"test.log"}, Jail: "bwrap",
}

// BenchmarkAppend measures one line (a decision) and one command (the
// decision, start and exit lines a command writes; only the decision is
// synced), each with and without fdatasync.
func BenchmarkAppend(b *testing.B) {
	for _, bc := range []struct {
		name    string
		noSync  bool
		command bool
	}{
		{"line/sync", false, false},
		{"line/nosync", true, false},
		{"command/sync", false, true},
		{"command/nosync", true, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			j, err := Open(benchDir(b), Options{NoSync: bc.noSync})
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			h := Header{Session: "01JF0Z8Q4W5N6M7K8J9H0G1F2E", ID: "c42"}
			exit := Exit{Status: 0, DurationMS: 1234.5, Snapshot: "m42", Files: []FileChange{{
				Path: "test.log", PostExists: true, PostSHA256: GenesisPrev, PostSize: 1000}}}
			b.ReportAllocs()
			for b.Loop() {
				if err := j.Decision(h, benchDecision); err != nil {
					b.Fatal(err)
				}
				if bc.command {
					if err := j.Start(h, Start{Jail: "bwrap", Pid: 4242, Argv: []string{"bash", "-c", benchDecision.Command}}); err != nil {
						b.Fatal(err)
					}
					if err := j.Exit(h, exit); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkVerify measures checking a journal of 10 000 commands.
func BenchmarkVerify(b *testing.B) {
	dir := benchDir(b)
	j, err := Open(dir, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	for range 10000 {
		if err := j.Decision(Header{Session: "s", ID: "c"}, benchDecision); err != nil {
			b.Fatal(err)
		}
	}
	j.Close()
	fi, _ := os.Stat(dir + "/" + CurrentFile)
	b.SetBytes(fi.Size())
	for b.Loop() {
		if brk, err := Verify(dir); err != nil || brk != nil {
			b.Fatal(brk, err)
		}
	}
}

// BenchmarkFdatasyncBaseline is the floor for a synced line: one write(2)
// of a line-sized buffer and one fdatasync on the same disk, without the
// journal. The difference to BenchmarkAppend/line/sync is the journal's own
// cost.
func BenchmarkFdatasyncBaseline(b *testing.B) {
	f, err := os.OpenFile(benchDir(b)+"/plain", os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	line := make([]byte, 600)
	line[len(line)-1] = '\n'
	for b.Loop() {
		if _, err := writeOnce(f, line); err != nil {
			b.Fatal(err)
		}
		if err := datasync(f); err != nil {
			b.Fatal(err)
		}
	}
}
