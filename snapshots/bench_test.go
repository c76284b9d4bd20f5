package snapshots

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchTree makes the data set: one file of size bytes, or n files of size
// bytes spread over 100 directories.
func benchTree(b *testing.B, dir string, n, size int) []Target {
	b.Helper()
	if n == 1 {
		writeRandom(b, filepath.Join(dir, "big"), size, 1)
		return []Target{{Path: filepath.Join(dir, "big")}}
	}
	for i := range n {
		writeRandom(b, filepath.Join(dir, fmt.Sprint(i%100), fmt.Sprint(i)), size, uint64(i+1))
	}
	return []Target{{Path: dir, Recursive: true}}
}

func benchDirs(b *testing.B) (root string) {
	tmp, err := filepath.EvalSymlinks(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	root = filepath.Join(tmp, "proj")
	if err := os.Mkdir(root, 0o755); err != nil {
		b.Fatal(err)
	}
	return root
}

// benchCapture measures Capture into an empty store (every blob is new and
// made durable), reporting throughput of file content.
func benchCapture(b *testing.B, n, size int) {
	root := benchDirs(b)
	targets := benchTree(b, filepath.Join(root, "data"), n, size)
	b.SetBytes(int64(n * size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(filepath.Dir(root), fmt.Sprint("store", i))
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Capture(targets, CaptureOptions{Root: root, MaxBytes: -1}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
}

// benchRollback measures restoring content the command deleted.
func benchRollback(b *testing.B, n, size int) {
	root := benchDirs(b)
	data := filepath.Join(root, "data")
	targets := benchTree(b, data, n, size)
	s, err := Open(filepath.Join(filepath.Dir(root), "store"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := s.Capture(targets, CaptureOptions{Root: root, MaxBytes: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(n * size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.RemoveAll(data); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := s.Rollback([]string{m.ID}, RollbackOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Bytes != int64(n*size) {
			b.Fatalf("restored %d bytes, want %d", rep.Bytes, n*size)
		}
	}
}

func BenchmarkCaptureLargeFile(b *testing.B)   { benchCapture(b, 1, 100<<20) }
func BenchmarkCaptureSmallFiles(b *testing.B)  { benchCapture(b, 10000, 1024) }
func BenchmarkRollbackLargeFile(b *testing.B)  { benchRollback(b, 1, 100<<20) }
func BenchmarkRollbackSmallFiles(b *testing.B) { benchRollback(b, 10000, 1024) }

// BenchmarkCaptureDedup captures a tree whose content the store already
// holds: hashing only, no writes.
func BenchmarkCaptureDedup(b *testing.B) {
	root := benchDirs(b)
	targets := benchTree(b, filepath.Join(root, "data"), 1, 100<<20)
	s, err := Open(filepath.Join(filepath.Dir(root), "store"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(100 << 20)
	for b.Loop() {
		if _, err := s.Capture(targets, CaptureOptions{Root: root, MaxBytes: -1}); err != nil {
			b.Fatal(err)
		}
	}
}
