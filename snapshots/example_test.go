package snapshots_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/rrsh/rrsh/snapshots"
)

func Example() {
	tmp, _ := os.MkdirTemp("", "rrsh-example-")
	defer os.RemoveAll(tmp)
	tmp, _ = filepath.EvalSymlinks(tmp)
	root := filepath.Join(tmp, "project")
	os.MkdirAll(filepath.Join(root, "build"), 0o755)
	os.WriteFile(filepath.Join(root, "build", "out.txt"), []byte("built\n"), 0o644)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("v1\n"), 0o644)

	s, err := snapshots.Open(filepath.Join(tmp, "store"))
	if err != nil {
		panic(err)
	}
	// The parser says: this command deletes build/ and writes notes.txt and log.txt.
	command := "rm -rf build && echo v2 > notes.txt && date > log.txt"
	m, err := s.Capture([]snapshots.Target{
		{Path: filepath.Join(root, "build"), Recursive: true},
		{Path: filepath.Join(root, "notes.txt")},
		{Path: filepath.Join(root, "log.txt")},
	}, snapshots.CaptureOptions{Root: root, Command: command})
	if err != nil {
		panic(err)
	}
	cmd := exec.Command("bash", "-c", command)
	cmd.Dir = root
	if err := cmd.Run(); err != nil {
		panic(err)
	}
	changes, _ := s.Finish(m)
	fmt.Println(len(changes), "paths changed")

	report, err := s.Rollback([]string{m.ID}, snapshots.RollbackOptions{DryRun: true})
	if err != nil {
		panic(err)
	}
	fmt.Print(strings.ReplaceAll(report.Summary(), root, "/p"))
	// Output:
	// 4 paths changed
	// A /p/build/ (directory restored, deleted by the command)
	// A /p/build/out.txt (restored, deleted by the command)
	// D /p/log.txt (created by the command)
	// M /p/notes.txt (3 B → 3 B)
	// 3 to restore, 1 to remove, 0 skipped, 0 unchanged; 9 B to write
}
