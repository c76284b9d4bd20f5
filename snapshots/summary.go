package snapshots

import (
	"fmt"
	"strings"
)

// Summary renders the report as a diff-like list, one line per path that
// is (or would be) changed, skipped or in conflict, then a count line:
//
//	M /p/a.txt (12 B → 40 B)
//	A /p/b.txt (restored, deleted by the command)
//	D /p/new.txt (created by the command)
//	D /p/build/ (directory created by the command)
//	M /p/run.sh (mode 0755 → 0644)
//	L /p/current (→ v1)
//	? /p/sock (skipped: directory not empty: …)
//	! /p/c.txt (conflict: modified since the command ended)
//
// Unchanged paths are only counted.
func (r *Report) Summary() string {
	var b strings.Builder
	for _, a := range r.Actions {
		line := a.summaryLine()
		if line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	for _, c := range r.Conflicts {
		fmt.Fprintf(&b, "! %s (conflict: %s)\n", c.Path, c.Reason)
	}
	verb := [3]string{"restored", "removed", "written"}
	if r.DryRun {
		verb = [3]string{"to restore", "to remove", "to write"}
	}
	fmt.Fprintf(&b, "%d %s, %d %s, %d skipped, %d unchanged; %s %s\n",
		r.Restored, verb[0], r.Removed, verb[1], r.Skipped, r.Unchanged, formatBytes(r.Bytes), verb[2])
	if len(r.Conflicts) > 0 {
		fmt.Fprintf(&b, "%d conflict(s): paths changed since the command ended\n", len(r.Conflicts))
	}
	for _, id := range r.NoPost {
		fmt.Fprintf(&b, "note: snapshot %s has no post-state (the command did not finish); its paths are rolled back without a conflict check\n", id)
	}
	return b.String()
}

func (a *Action) summaryLine() string {
	cur := a.Cur
	switch a.Op {
	case OpRestore:
		if a.Kind == KindDir {
			if a.Reason == "parent directory" {
				return fmt.Sprintf("A %s/ (parent directory recreated)", a.Path)
			}
			return fmt.Sprintf("A %s/ (directory restored, deleted by the command)", a.Path)
		}
		switch {
		case !cur.Exists:
			return fmt.Sprintf("A %s (restored, deleted by the command)", a.Path)
		case cur.Kind == KindFile:
			return fmt.Sprintf("M %s (%s → %s)", a.Path, formatBytes(cur.Size), formatBytes(a.Size))
		default:
			return fmt.Sprintf("M %s (%s replaced by the recorded file, %s)", a.Path, cur.Kind, formatBytes(a.Size))
		}
	case OpRelink:
		if !cur.Exists {
			return fmt.Sprintf("A %s (symlink → %s, deleted by the command)", a.Path, a.Link)
		}
		return fmt.Sprintf("L %s (→ %s)", a.Path, a.Link)
	case OpChmod:
		if a.Kind == KindSymlink || a.Mode == cur.Mode {
			return fmt.Sprintf("M %s (owner %d:%d → %d:%d)", a.Path, cur.UID, cur.GID, a.entry.UID, a.entry.GID)
		}
		return fmt.Sprintf("M %s (mode %s → %s)", a.Path, unixMode(cur.Mode), unixMode(a.Mode))
	case OpRemove:
		return fmt.Sprintf("D %s (created by the command)", a.Path)
	case OpRmdir:
		return fmt.Sprintf("D %s/ (directory created by the command)", a.Path)
	case OpSkip:
		return fmt.Sprintf("? %s (skipped: %s)", a.Path, a.Reason)
	}
	return ""
}

// formatBytes renders a size for people: "12 B", "1.5 KiB", "100 MiB".
func formatBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f := float64(n) / 1024
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	s := fmt.Sprintf("%.1f", f)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[i]
}
