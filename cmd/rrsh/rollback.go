package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/journal"
	"github.com/rrsh/rrsh/shell"
	"github.com/rrsh/rrsh/snapshots"
	"github.com/rrsh/rrsh/store"
)

func init() {
	register("rollback", "restore the files a command changed, from its snapshot", cmdRollback)
	register("gc", "drop old snapshots to keep the store bounded", cmdGC)
}

type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

func (c *cli) openSnapshots() (*snapshots.Store, int) {
	dir, err := paths.SnapshotDir(c.getenv)
	if err != nil {
		c.errorf("cannot locate the snapshot store: %v", err)
		return nil, exitState
	}
	st, err := snapshots.Open(dir)
	if err != nil {
		c.errorf("cannot open the snapshot store: %v", err)
		return nil, exitState
	}
	return st, 0
}

func cmdRollback(c *cli, args []string) int {
	if c.getenv("RRSH_JAILED") == "1" {
		c.errorf("cannot roll back from inside the jail")
		c.hintf("run rrsh rollback from your own terminal")
		return exitDenied
	}
	// --last takes an optional count: `--last` or `--last 3`.
	last := 0
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--last" || args[i] == "-last" {
			last = 1
			if i+1 < len(args) {
				if n, err := strconv.Atoi(args[i+1]); err == nil && n > 0 {
					last = n
					i++
				}
			}
			continue
		}
		rest = append(rest, args[i])
	}
	fs := flag.NewFlagSet("rrsh rollback", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	session := fs.String("session", "", "roll back every command of this session, newest first")
	var files stringsFlag
	fs.Var(&files, "file", "only restore this path (and the tree under it); alone: undo the last command that wrote it")
	dry := fs.Bool("dry-run", false, "show what would change, change nothing")
	force := fs.Bool("force", false, "restore even paths changed since by someone else")
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "usage: rrsh rollback [--dry-run] [--force] [--file PATH]… (--last [N] | ID… | --session S | --file PATH)\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(rest); err != nil {
		return exitUsage
	}
	st, code := c.openSnapshots()
	if st == nil {
		return code
	}
	cwd, _ := os.Getwd()
	for i, f := range files {
		if !filepath.IsAbs(f) {
			files[i] = filepath.Join(cwd, f)
		}
		files[i] = filepath.Clean(files[i])
	}

	ids := fs.Args()
	list, err := st.List()
	if err != nil {
		c.errorf("cannot list snapshots: %v", err)
		return exitState
	}
	switch {
	case last > 0:
		for _, s := range list {
			if len(ids) == last {
				break
			}
			ids = append(ids, s.ID)
		}
	case *session != "":
		for _, s := range list {
			if s.Session == *session {
				ids = append(ids, s.ID)
			}
		}
	case len(ids) == 0 && len(files) > 0:
		id, err := lastWriterOf(st, list, files)
		if err != nil {
			c.errorf("%v", err)
			return exitUsage
		}
		ids = []string{id}
	}
	if len(ids) == 0 {
		if len(list) == 0 {
			c.errorf("no snapshots yet: nothing to roll back")
			return 1
		}
		fs.Usage()
		return exitUsage
	}

	opts := snapshots.RollbackOptions{DryRun: *dry, Force: *force, Files: files}
	if f, ok := c.stderr.(*os.File); ok && isTerminal(f) && !*dry {
		opts.Progress = progressBar(c, f)
	}
	rep, err := st.Rollback(ids, opts)
	if opts.Progress != nil {
		fmt.Fprint(c.stderr, "\r\x1b[K")
	}
	if err != nil {
		if rep != nil && len(rep.Conflicts) > 0 {
			for _, cf := range rep.Conflicts {
				c.errorf("conflict: %s: %s (snapshot %s)", cf.Path, cf.Reason, cf.ID)
			}
		}
		c.errorf("rollback refused: %v", err)
		if errors.Is(err, snapshots.ErrConflict) {
			c.hintf("nothing was changed; look at the files, then use --force to overwrite them anyway")
		}
		return 1
	}
	if *dry {
		fmt.Fprintf(c.stdout, "dry run: rolling back %s would:\n", strings.Join(ids, ", "))
	}
	fmt.Fprint(c.stdout, rep.Summary())
	for _, id := range rep.NoPost {
		fmt.Fprintf(c.stdout, "note: %s did not finish under rrsh; it was rolled back without a conflict check\n", id)
	}
	if *dry {
		return 0
	}
	// Record the rollback itself.
	jdir, err := paths.JournalDir(c.getenv)
	if err == nil {
		var j *journal.Journal
		if j, err = journal.Open(jdir, journal.Options{}); err == nil {
			var changed []string
			for _, a := range rep.Actions {
				if a.Op != snapshots.OpUnchanged {
					changed = append(changed, a.Path)
				}
			}
			sid, _ := store.SessionID(c.getenv, os.Getppid())
			err = j.Rollback(journal.Header{Session: sid, ID: strings.Join(ids, ",")},
				journal.Rollback{Target: strings.Join(ids, ","), Restored: rep.Restored, Removed: rep.Removed,
					Skipped: rep.Skipped, Files: changed, Forced: *force})
			j.Close()
		}
	}
	if err != nil {
		c.errorf("warning: the rollback was done but could not be journaled: %v", err)
	}
	return 0
}

// lastWriterOf finds the newest snapshot that captured one of files.
func lastWriterOf(st *snapshots.Store, list []snapshots.Summary, files []string) (string, error) {
	for _, s := range list {
		m, _, err := st.Load(s.ID)
		if err != nil {
			continue
		}
		for _, e := range m.Entries {
			for _, f := range files {
				if e.Path == f || strings.HasPrefix(e.Path, f+"/") || strings.HasPrefix(f, e.Path+"/") {
					return s.ID, nil
				}
			}
		}
	}
	return "", fmt.Errorf("no snapshot holds %s", strings.Join(files, ", "))
}

func progressBar(c *cli, f *os.File) func(done, total int64) {
	lastDraw := time.Time{}
	return func(done, total int64) {
		if total < 1<<20 || time.Since(lastDraw) < 100*time.Millisecond && done < total {
			return
		}
		lastDraw = time.Now()
		const width = 30
		n := int(float64(width) * float64(done) / float64(total))
		fmt.Fprintf(f, "\r\x1b[Krestoring [%s%s] %s / %s", strings.Repeat("#", n), strings.Repeat(".", width-n), shell.HumanBytes(done), shell.HumanBytes(total))
	}
}

func cmdGC(c *cli, args []string) int {
	if c.getenv("RRSH_JAILED") == "1" {
		c.errorf("cannot collect snapshots from inside the jail")
		return exitDenied
	}
	fs := flag.NewFlagSet("rrsh gc", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	maxAge := fs.Duration("max-age", 7*24*time.Hour, "drop snapshots older than this (0: no age limit)")
	maxSize := fs.String("max-size", "2GiB", "drop the oldest snapshots until the store fits (0: no size limit)")
	fs.Usage = func() {
		fmt.Fprintln(c.stderr, "usage: rrsh gc [--max-age 168h] [--max-size 2GiB]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	size, err := parseSize(*maxSize)
	if err != nil {
		c.errorf("--max-size: %v", err)
		return exitUsage
	}
	st, code := c.openSnapshots()
	if st == nil {
		return code
	}
	rep, err := st.GC(snapshots.GCOptions{MaxAge: *maxAge, MaxBytes: size})
	if err != nil {
		c.errorf("gc: %v", err)
		return exitState
	}
	fmt.Fprintf(c.stdout, "kept %d snapshots (%s), removed %d snapshots and %d blobs (%s freed)\n",
		rep.ManifestsKept, shell.HumanBytes(rep.BytesKept), rep.ManifestsRemoved, rep.BlobsRemoved, shell.HumanBytes(rep.BytesFreed))
	return 0
}

// parseSize parses "512MiB", "2GiB", "100MB", "0" and plain byte counts.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			n, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("bad size %q", s)
			}
			return int64(n * float64(u.mult)), nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 512MiB)", s)
	}
	return n, nil
}
