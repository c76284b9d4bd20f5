package snapshots

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rollbackTests: each sets up a tree, captures the targets, runs the
// command with the real bash, records the post-state, rolls back, and
// expects the tree to equal the original exactly.
var rollbackTests = []struct {
	name    string
	setup   string
	targets []Target // paths relative to the root
	cmd     string
	tree    treeOpts
	root    bool // needs root
}{
	{
		name:    "write new file",
		setup:   "mkdir d; echo keep > d/keep",
		targets: []Target{{Path: "d/new"}},
		cmd:     "echo x > d/new",
	},
	{
		name:    "overwrite",
		setup:   "printf 'old\\n' > f; chmod 640 f",
		targets: []Target{{Path: "f"}},
		cmd:     "echo new content > f",
	},
	{
		name:    "append",
		setup:   "printf 'line1\\n' > f",
		targets: []Target{{Path: "f"}},
		cmd:     "echo line2 >> f",
	},
	{
		name:    "truncate to empty",
		setup:   "head -c 5000 /dev/urandom > f",
		targets: []Target{{Path: "f"}},
		cmd:     ": > f",
	},
	{
		name:    "delete a file",
		setup:   "printf 'secret\\n' > f; chmod 600 f",
		targets: []Target{{Path: "f"}},
		cmd:     "rm f",
	},
	{
		name:    "rename to a new name",
		setup:   "echo a > a",
		targets: []Target{{Path: "a"}, {Path: "b"}},
		cmd:     "mv a b",
	},
	{
		name:    "rename over an existing file",
		setup:   "echo a > a; echo bb > b; chmod 755 b",
		targets: []Target{{Path: "a"}, {Path: "b"}},
		cmd:     "mv a b",
	},
	{
		name: "tree delete",
		setup: `mkdir -p t/x/y t/empty t/locked
			echo 1 > t/one; echo 2 > t/x/two; printf 'three' > t/x/y/three
			chmod 755 t/x/two; chmod 4755 t/x/y/three; chmod 700 t/locked; chmod 1777 t/empty
			echo hidden > t/locked/h; chmod 400 t/locked/h
			ln -s one t/link; ln -s ../missing t/x/dangling; ln -s x t/dirlink
			head -c 200000 /dev/urandom > t/x/big`,
		targets: []Target{{Path: "t", Recursive: true}},
		cmd:     "rm -rf t",
	},
	{
		name:    "sed -i",
		setup:   "printf 'hello\\nworld\\n' > f; chmod 754 f",
		targets: []Target{{Path: "f"}},
		cmd:     "sed -i s/hello/bye/ f",
	},
	{
		name:    "chmod -R",
		setup:   "mkdir -p t/a; echo 1 > t/f; echo 2 > t/a/g; chmod 640 t/f; chmod 4755 t/a/g; chmod 750 t/a",
		targets: []Target{{Path: "t", Recursive: true, MetaOnly: true}},
		cmd:     "chmod -R u=rwx,go=rx t",
	},
	{
		name:    "chmod 000 on a whole tree",
		setup:   "mkdir -p t/a; echo 1 > t/f; echo 2 > t/a/g; chmod 640 t/f",
		targets: []Target{{Path: "t", Recursive: true, MetaOnly: true}},
		cmd:     "find t -depth -exec chmod 000 {} +", // chmod -R 000 as non-root cannot descend
	},
	{
		name:    "chown -R",
		setup:   "mkdir -p t/a; echo 1 > t/f; echo 2 > t/a/g; chmod 4755 t/f; ln -s f t/l",
		targets: []Target{{Path: "t", Recursive: true, MetaOnly: true}},
		cmd:     "chown -R -h 1001:1001 t",
		root:    true,
	},
	{
		name:    "mkdir -p",
		setup:   "mkdir keep",
		targets: []Target{{Path: "keep/a/b/c"}},
		cmd:     "mkdir -p keep/a/b/c",
	},
	{
		name:    "cp -r to a new directory",
		setup:   "mkdir -p src/sub; echo 1 > src/f; echo 2 > src/sub/g",
		targets: []Target{{Path: "dst", Recursive: true}},
		cmd:     "cp -r src dst",
	},
	{
		name:    "cp -r into an existing directory",
		setup:   "mkdir -p src/sub dst; echo 1 > src/f; echo 2 > src/sub/g; echo old > dst/f; echo mine > dst/mine",
		targets: []Target{{Path: "dst", Recursive: true}},
		cmd:     "cp -r src/. dst/",
	},
	{
		name:    "file replaced by a directory",
		setup:   "echo f > f",
		targets: []Target{{Path: "f", Recursive: true}},
		cmd:     "rm f; mkdir -p f/g; echo x > f/g/h",
	},
	{
		name:    "directory replaced by a file",
		setup:   "mkdir -p d/e; echo 1 > d/e/f; chmod 711 d",
		targets: []Target{{Path: "d", Recursive: true}},
		cmd:     "rm -rf d; echo now-a-file > d",
	},
	{
		name:    "write through a symlink",
		setup:   "echo real > real; ln -s real link",
		targets: []Target{{Path: "link"}},
		cmd:     "echo changed > link",
	},
	{
		name:    "write through a dangling symlink",
		setup:   "ln -s made-by-cmd link",
		targets: []Target{{Path: "link"}},
		cmd:     "echo created > link",
	},
	{
		name:    "ln -sfn",
		setup:   "mkdir v1 v2; ln -s v1 current",
		targets: []Target{{Path: "current"}},
		cmd:     "ln -sfn v2 current",
	},
	{
		name:    "touch and truncate several",
		setup:   "echo a > a",
		targets: []Target{{Path: "a"}, {Path: "b"}, {Path: "c/d"}},
		cmd:     "touch a b; truncate -s 100 a; mkdir c; echo d > c/d",
	},
	{
		name: "git reset --hard",
		setup: `git init -q .
			printf 'a\n' > a; printf 'b\n' > b; mkdir -p dir/sub; printf 'c\n' > dir/sub/c
			printf 'ignored\n' > .gitignore
			git add . && git commit -q -m init
			printf 'a changed\n' >> a; rm b; printf 'staged\n' > n; git add n
			printf 'c dirty\n' > dir/sub/c; chmod 755 dir/sub/c
			mkdir -p un/deep; printf 'u\n' > un/deep/u; printf 'i\n' > ignored`,
		targets: []Target{{Path: ".", Git: true}},
		cmd:     "git reset -q --hard",
		tree:    treeOpts{skipGit: true, noModTime: true},
	},
	{
		name: "git clean -fdx",
		setup: `git init -q .
			printf 'a\n' > a; mkdir src; printf 'main\n' > src/main.go
			printf 'build/\n*.log\n' > .gitignore
			git add . && git commit -q -m init
			mkdir -p build/obj/x un/deep/er; printf 'o\n' > build/obj/x/o.o; chmod 700 build/obj
			printf 'log\n' > src/debug.log; printf 'u\n' > un/deep/er/u; chmod 600 un/deep/er/u
			ln -s ../a un/link; printf 'dirty\n' >> a`,
		targets: []Target{{Path: ".", Git: true, Ignored: true}},
		cmd:     "git clean -q -fdx",
		tree:    treeOpts{skipGit: true},
	},
	{
		name: "git clean in a subdirectory",
		setup: `git init -q .
			mkdir -p sub/x other; printf 't\n' > sub/tracked; printf 'o\n' > other/u
			printf '*.o\n' > .gitignore; git add . && git commit -q -m init
			mkdir -p sub/x/y; printf 'u\n' > sub/x/y/u; printf 'o\n' > sub/x/a.o; chmod 700 sub/x/y
			printf 'other\n' > other/untracked`,
		targets: []Target{{Path: "sub", Git: true, Ignored: true}},
		cmd:     "git clean -q -fdx sub",
		tree:    treeOpts{skipGit: true},
	},
}

func TestRollbackScenarios(t *testing.T) {
	for _, tc := range rollbackTests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && !isRoot() {
				t.Skip("needs root")
			}
			e := newEnv(t)
			e.bash(tc.setup)
			before := snapshotTree(t, e.root, tc.tree)
			var targets []Target
			for _, tg := range tc.targets {
				tg.Path = e.path(tg.Path)
				targets = append(targets, tg)
			}
			m, err := e.store.Capture(targets, e.opts())
			if err != nil {
				t.Fatal(err)
			}
			e.bash(tc.cmd)
			changed := snapshotTree(t, e.root, tc.tree)
			if diffTrees(before, changed) == "" {
				t.Fatal("the command changed nothing; the scenario proves nothing")
			}
			changes, err := e.store.Finish(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) == 0 {
				t.Error("Finish reported no changes")
			}
			rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{})
			if err != nil {
				t.Fatalf("rollback: %v\n%s", err, rep.Summary())
			}
			e.assertTree(before, tc.tree, "after rollback")
			if rep.Skipped != 0 || len(rep.NoPost) != 0 {
				t.Errorf("unexpected skips or missing post-state:\n%s", rep.Summary())
			}
			// A second rollback finds nothing to do.
			rep, err = e.store.Rollback([]string{m.ID}, RollbackOptions{})
			if err != nil {
				t.Fatalf("second rollback: %v", err)
			}
			if rep.Restored+rep.Removed+rep.Skipped != 0 {
				t.Errorf("second rollback acted:\n%s", rep.Summary())
			}
			e.assertTree(before, tc.tree, "after second rollback")
		})
	}
}

func TestFinishChanges(t *testing.T) {
	e := newEnv(t)
	e.bash("echo a > mod; echo b > del; echo c > same; mkdir t; echo d > t/old; echo e > chm")
	m, err := e.store.Capture([]Target{
		{Path: e.path("mod")}, {Path: e.path("del")}, {Path: e.path("same")},
		{Path: e.path("new")}, {Path: e.path("t"), Recursive: true}, {Path: e.path("chm"), MetaOnly: true},
	}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("echo aa > mod; rm del; echo n > new; echo x > t/created; chmod 700 chm")
	changes, err := e.store.Finish(m)
	if err != nil {
		t.Fatal(err)
	}
	type ch struct {
		path      string
		pre, post bool
	}
	var got []ch
	for _, c := range changes {
		rel, _ := filepath.Rel(e.root, c.Path)
		got = append(got, ch{rel, c.PreExists, c.PostExists})
		if c.PostExists && c.PostKind == KindFile && rel != "chm" && c.PostSHA256 == "" {
			t.Errorf("%s: no post sha256", rel)
		}
	}
	want := []ch{{"chm", true, true}, {"del", true, false}, {"mod", true, true}, {"new", false, true}, {"t/created", false, true}}
	if !slices.Equal(got, want) {
		t.Errorf("changes = %v, want %v", got, want)
	}
	if _, err := e.store.Finish(m); err == nil {
		t.Error("a second Finish succeeded; the post-state is write-once")
	}
	_, post, err := e.store.Load(m.ID)
	if err != nil || post == nil {
		t.Fatalf("Load: post=%v err=%v", post, err)
	}
	if len(post.States) != len(m.Entries)+1 {
		t.Errorf("post has %d states, want %d", len(post.States), len(m.Entries)+1)
	}
}

func TestConflict(t *testing.T) {
	e := newEnv(t)
	e.bash("echo original > f; echo keep > g")
	before := snapshotTree(t, e.root, treeOpts{})
	m, err := e.store.Capture([]Target{{Path: e.path("f")}, {Path: e.path("g")}, {Path: e.path("t"), Recursive: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("echo by-command > f; rm g; mkdir t; echo 1 > t/by-command")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	e.bash("echo by-someone-else > f; echo 2 > t/later")
	after := snapshotTree(t, e.root, treeOpts{})

	rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	var paths []string
	for _, c := range rep.Conflicts {
		paths = append(paths, c.Path)
	}
	slices.Sort(paths)
	if want := []string{e.path("f"), e.path("t/later")}; !slices.Equal(paths, want) {
		t.Errorf("conflicts = %v, want %v", paths, want)
	}
	if !strings.Contains(rep.Summary(), "! "+e.path("f")+" (conflict: modified since the command ended)") {
		t.Errorf("summary does not show the conflict:\n%s", rep.Summary())
	}
	e.assertTree(after, treeOpts{}, "after refused rollback")

	if _, err := e.store.Rollback([]string{m.ID}, RollbackOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	e.assertTree(before, treeOpts{}, "after forced rollback")
}

func TestDryRun(t *testing.T) {
	e := newEnv(t)
	e.bash("printf 'twelve bytes' > m; echo gone > d; mkdir keep; chmod 755 keep; echo x > p; chmod 644 p")
	m, err := e.store.Capture([]Target{
		{Path: e.path("m")}, {Path: e.path("d")}, {Path: e.path("new")}, {Path: e.path("newdir/sub")},
		{Path: e.path("p"), MetaOnly: true},
	}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("printf 'forty bytes of new content, exactly 40!!' > m; rm d; echo n > new; mkdir -p newdir/sub; chmod 600 p")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	after := snapshotTree(t, e.root, treeOpts{})
	blobsBefore := storeFiles(t, e.store)
	var calls int
	rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{DryRun: true, Progress: func(done, total int64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	e.assertTree(after, treeOpts{}, "after dry run")
	if got := storeFiles(t, e.store); !slices.Equal(got, blobsBefore) {
		t.Errorf("dry run changed the store: %v -> %v", blobsBefore, got)
	}
	if calls != 0 {
		t.Errorf("dry run called Progress %d times", calls)
	}
	sum := rep.Summary()
	for _, want := range []string{
		"M " + e.path("m") + " (40 B → 12 B)\n",
		"A " + e.path("d") + " (restored, deleted by the command)\n",
		"D " + e.path("new") + " (created by the command)\n",
		"D " + e.path("newdir/sub") + "/ (directory created by the command)\n",
		"D " + e.path("newdir") + "/ (directory created by the command)\n",
		"M " + e.path("p") + " (mode 0600 → 0644)\n",
		"3 to restore, 3 to remove, 0 skipped, 0 unchanged; 17 B to write\n",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	// The real rollback does what the dry run said.
	var last, total int64
	real, err := e.store.Rollback([]string{m.ID}, RollbackOptions{Progress: func(d, t int64) { last, total = d, t }})
	if err != nil {
		t.Fatal(err)
	}
	if real.Summary() != strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(sum, "to restore", "restored"), "to remove", "removed"), "to write", "written") {
		t.Errorf("real rollback differs from dry run:\n%s\nvs\n%s", real.Summary(), sum)
	}
	if last != 17 || total != 17 {
		t.Errorf("progress ended at %d/%d, want 17/17", last, total)
	}
}

func TestCorruptBlobAborts(t *testing.T) {
	for _, mode := range []string{"corrupt", "missing"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			e.bash("echo one > a; echo two > b; mkdir d; echo three > d/c")
			m, err := e.store.Capture([]Target{{Path: e.path("a")}, {Path: e.path("b")}, {Path: e.path("d"), Recursive: true}}, e.opts())
			if err != nil {
				t.Fatal(err)
			}
			e.bash("rm a; echo changed > b; rm -r d; echo new > n")
			if _, err := e.store.Finish(m); err != nil {
				t.Fatal(err)
			}
			after := snapshotTree(t, e.root, treeOpts{})
			var victim Entry
			for _, en := range m.Entries {
				if en.Path == e.path("b") {
					victim = en
				}
			}
			blob := e.store.blobPath(victim.SHA256)
			if mode == "corrupt" {
				if err := os.Chmod(blob, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(blob, []byte("tampered\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Remove(blob); err != nil {
				t.Fatal(err)
			}
			_, err = e.store.Rollback([]string{m.ID}, RollbackOptions{})
			if !errors.Is(err, ErrCorruptBlob) {
				t.Fatalf("err = %v, want ErrCorruptBlob", err)
			}
			if !strings.Contains(err.Error(), victim.SHA256) || !strings.Contains(err.Error(), e.path("b")) {
				t.Errorf("error does not name the blob and the path: %v", err)
			}
			e.assertTree(after, treeOpts{}, "after aborted rollback")
		})
	}
}

func TestTooLarge(t *testing.T) {
	e := newEnv(t)
	e.bash("mkdir big; head -c 3000 /dev/urandom > big/a; head -c 3000 /dev/urandom > big/b; echo small > s")
	o := e.opts()
	o.MaxBytes = 5000
	m, err := e.store.Capture([]Target{{Path: e.path("s")}, {Path: e.path("big"), Recursive: true}, {Path: e.path("big/a")}}, o)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %v (manifest %v), want *TooLargeError", err, m)
	}
	if tl.Size != 6006 || tl.Limit != 5000 || tl.Path != e.path("big") {
		t.Errorf("TooLargeError = %+v, want size 6006, limit 5000, path big", *tl)
	}
	if !strings.Contains(tl.Error(), "5.9 KiB") {
		t.Errorf("message %q lacks the size", tl.Error())
	}
	if files := storeFiles(t, e.store); len(files) != 0 {
		t.Errorf("store is not empty: %v", files)
	}
	// Without a cap it goes through.
	o.MaxBytes = -1
	if _, err := e.store.Capture([]Target{{Path: e.path("big"), Recursive: true}}, o); err != nil {
		t.Fatal(err)
	}
}

func TestSymlinkEscapeSkipped(t *testing.T) {
	e := newEnv(t)
	outside := filepath.Join(e.tmp, "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "file"), []byte("outside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.bash("ln -s " + outside + " dirlink; ln -s " + outside + "/file filelink; echo in > inside")
	targets := []Target{
		{Path: e.path("dirlink/file")},                   // parent escapes
		{Path: e.path("dirlink/new")},                    // parent escapes, absent
		{Path: e.path("filelink")},                       // final symlink escapes
		{Path: e.path("dirlink"), Recursive: true},       // the link itself: recorded, not followed
		{Path: filepath.Join(outside, "file")},           // outside the root
		{Path: e.path("inside")},                         // normal
		{Path: e.path("../outside/file")},                // lexically outside
		{Path: filepath.Join(e.root, "..", "proj", "x")}, // cleaned back inside
	}
	m, err := e.store.Capture(targets, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, en := range m.Entries {
		if !within(en.Path, e.root) {
			t.Errorf("entry outside the root: %+v", en)
		}
		rel, _ := filepath.Rel(e.root, en.Path)
		entries = append(entries, rel+":"+en.Kind)
	}
	if want := []string{"dirlink:symlink", "filelink:symlink", "inside:file", "x:absent"}; !slices.Equal(entries, want) {
		t.Errorf("entries = %v, want %v", entries, want)
	}
	reasons := map[string]string{}
	for _, sk := range m.Skipped {
		reasons[sk.Path] = sk.Reason
	}
	for path, want := range map[string]string{
		e.path("dirlink/file"):         "symlink that leads outside the project root",
		e.path("dirlink/new"):          "symlink that leads outside the project root",
		filepath.Join(outside, "file"): "outside the project root",
	} {
		if !strings.Contains(reasons[path], want) {
			t.Errorf("skip reason for %s = %q, want it to contain %q (all: %v)", path, reasons[path], want, m.Skipped)
		}
	}
	// The command writes outside through the links; rollback must not touch it.
	e.bash("echo changed > dirlink/file; echo new > dirlink/new; echo x > x")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Rollback([]string{m.ID}, RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"file": "changed\n", "new": "new\n"} {
		got, err := os.ReadFile(filepath.Join(outside, name))
		if err != nil || string(got) != want {
			t.Errorf("outside/%s = %q, %v; rollback must leave it (%q)", name, got, err, want)
		}
	}
	if _, err := os.Lstat(e.path("x")); !os.IsNotExist(err) {
		t.Errorf("x was not removed: %v", err)
	}
	// A temp dir passed in is captured although outside the root.
	o := e.opts()
	o.TempDirs = []string{outside}
	m2, err := e.store.Capture([]Target{{Path: filepath.Join(outside, "file")}, {Path: e.path("filelink")}}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Entries) != 2 || len(m2.Skipped) != 0 {
		t.Errorf("with TempDirs: entries %v skipped %v", m2.Entries, m2.Skipped)
	}
}

func TestKilledCommand(t *testing.T) {
	e := newEnv(t)
	e.bash("echo a > f; mkdir t; echo 1 > t/one")
	before := snapshotTree(t, e.root, treeOpts{})
	m, err := e.store.Capture([]Target{{Path: e.path("f")}, {Path: e.path("t"), Recursive: true}, {Path: e.path("n")}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("echo half > f; echo 2 > t/two; rm t/one; echo n > n")
	// No Finish: rrsh was killed with the command.
	if list, _ := e.store.List(); len(list) != 1 || list[0].HasPost {
		t.Fatalf("List = %+v", list)
	}
	rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.NoPost, []string{m.ID}) || !strings.Contains(rep.Summary(), "has no post-state") {
		t.Errorf("report does not say the post-state is missing:\n%s", rep.Summary())
	}
	e.assertTree(before, treeOpts{}, "after rollback")
}

func TestSeveralSnapshots(t *testing.T) {
	e := newEnv(t)
	e.bash("echo v1 > f; echo g1 > g")
	v1 := snapshotTree(t, e.root, treeOpts{})
	run := func(cmd string, targets ...string) *Manifest {
		var ts []Target
		for _, p := range targets {
			ts = append(ts, Target{Path: e.path(p)})
		}
		m, err := e.store.Capture(ts, e.opts())
		if err != nil {
			t.Fatal(err)
		}
		e.bash(cmd)
		if _, err := e.store.Finish(m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m1 := run("echo v2 > f; echo new > n", "f", "n")
	v2 := snapshotTree(t, e.root, treeOpts{})
	m2 := run("echo v3 > f; rm g; rm n", "f", "g", "n")

	list, err := e.store.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != m2.ID || list[1].ID != m1.ID || !list[0].HasPost || list[0].Entries != 3 {
		t.Errorf("List = %+v", list)
	}
	// Only the newest: back to v2.
	if _, err := e.store.Rollback([]string{m2.ID}, RollbackOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	e.bash("cp -a . ../copy") // keep the v3 state to roll back again below
	if _, err := e.store.Rollback([]string{m2.ID}, RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	e.assertTree(v2, treeOpts{}, "after rolling back the newest")
	// Both at once (ids in any order), from v3: back to v1.
	e.bash("rm -rf ./* && cp -a ../copy/. .")
	if _, err := e.store.Rollback([]string{m1.ID, m2.ID}, RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	e.assertTree(v1, treeOpts{}, "after rolling back both")
}

func TestRollbackFiles(t *testing.T) {
	e := newEnv(t)
	e.bash("echo a > a; echo b > b; mkdir t; echo c > t/c; echo d > t/d")
	m, err := e.store.Capture([]Target{{Path: e.path("a")}, {Path: e.path("b")}, {Path: e.path("t"), Recursive: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("echo A > a; echo B > b; rm -r t")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{Files: []string{e.path("a"), e.path("t/d")}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(e.path(p))
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return string(b)
	}
	if read("a") != "a\n" || read("b") != "B\n" || read("t/d") != "d\n" {
		t.Errorf("a=%q b=%q t/d=%q; want only a and t/d restored", read("a"), read("b"), read("t/d"))
	}
	if _, err := os.Lstat(e.path("t/c")); !os.IsNotExist(err) {
		t.Errorf("t/c restored although not selected")
	}
	if !strings.Contains(rep.Summary(), "A "+e.path("t")+"/ (parent directory recreated)") {
		t.Errorf("summary:\n%s", rep.Summary())
	}
}

func TestRollbackNeverDeletesUnknown(t *testing.T) {
	e := newEnv(t)
	e.bash("mkdir d")
	m, err := e.store.Capture([]Target{{Path: e.path("d/a/b")}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	e.bash("mkdir -p d/a/b")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	e.bash("echo mine > d/a/mine") // someone else's file in a directory the command made
	rep, err := e.store.Rollback([]string{m.ID}, RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(e.path("d/a/mine")); err != nil || string(b) != "mine\n" {
		t.Fatalf("d/a/mine lost: %v", err)
	}
	if _, err := os.Lstat(e.path("d/a/b")); !os.IsNotExist(err) {
		t.Errorf("d/a/b not removed")
	}
	if rep.Skipped != 1 || !strings.Contains(rep.Summary(), "? "+e.path("d/a")+" (skipped: directory not empty") {
		t.Errorf("summary:\n%s", rep.Summary())
	}
}

func TestUnreadableSkipped(t *testing.T) {
	if isRoot() {
		t.Skip("root reads every file")
	}
	e := newEnv(t)
	e.bash("mkdir t; echo ok > t/ok; echo secret > t/secret; chmod 000 t/secret")
	m, err := e.store.Capture([]Target{{Path: e.path("t"), Recursive: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Skipped) != 1 || m.Skipped[0].Path != e.path("t/secret") {
		t.Fatalf("skipped = %v", m.Skipped)
	}
	e.bash("echo new > t/new; echo changed > t/ok")
	if _, err := e.store.Finish(m); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Rollback([]string{m.ID}, RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(e.path("t/secret")); err != nil {
		t.Errorf("the skipped file was removed: %v", err)
	}
	if _, err := os.Lstat(e.path("t/new")); !os.IsNotExist(err) {
		t.Errorf("t/new not removed")
	}
}

func TestCaptureErrors(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		o    CaptureOptions
		want string
	}{
		{"relative root", CaptureOptions{Root: "proj"}, "not an absolute path"},
		{"missing root", CaptureOptions{Root: filepath.Join(e.tmp, "nope")}, "not a directory"},
		{"bad id", CaptureOptions{Root: e.root, ID: "../x"}, "invalid snapshot id"},
		{"post id", CaptureOptions{Root: e.root, ID: "x.post"}, "invalid snapshot id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.store.Capture(nil, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// An id is written once.
	o := e.opts()
	o.ID = "fixed"
	if _, err := e.store.Capture(nil, o); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Capture(nil, o); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second capture with the same id: %v", err)
	}
	if _, err := e.store.Rollback([]string{"nope"}, RollbackOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rollback of an unknown id: %v", err)
	}
}

func TestCaptureRelativeAndDedup(t *testing.T) {
	e := newEnv(t)
	e.bash("mkdir d; echo same > d/a; echo same > d/b; : > d/empty")
	m, err := e.store.Capture([]Target{{Path: "d", Recursive: true}, {Path: "d/a"}, {Path: "d/a", MetaOnly: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 4 {
		t.Errorf("entries = %+v", m.Entries)
	}
	for _, en := range m.Entries {
		if en.Path == e.path("d/a") && (en.Meta || en.SHA256 == "") {
			t.Errorf("d/a lost its content: %+v", en)
		}
	}
	if m.Bytes != 10 {
		t.Errorf("Bytes = %d, want 10", m.Bytes)
	}
	if n := countBlobs(t, e.store); n != 2 {
		t.Errorf("%d blobs, want 2 (same content stored once, plus the empty file)", n)
	}
}

func TestGitSkips(t *testing.T) {
	e := newEnv(t)
	m, err := e.store.Capture([]Target{{Path: e.root, Git: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0].Reason, "not a git work tree") {
		t.Errorf("skipped = %v", m.Skipped)
	}
	t.Setenv("PATH", e.tmp) // no git here
	m, err = e.store.Capture([]Target{{Path: e.root, Git: true}}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0].Reason, "git is not installed") {
		t.Errorf("skipped = %v", m.Skipped)
	}
}
