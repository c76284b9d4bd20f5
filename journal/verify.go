package journal

import (
	"errors"
	"fmt"
	"iter"
	"path/filepath"
)

// vline is what Verify keeps of one line.
type vline struct {
	file string
	no   int
	seq  int64
	prev string
	hash string
	err  error // *LineError if the line is unusable
}

// Break is the first place where the journal's chain is broken.
type Break struct {
	File   string // path of the journal file (or of the head file)
	Line   int    // 1-based line number in File; one past the end for lines removed from the end
	Seq    int64  // the seq the line has or should have
	Reason string // starts with "edited", "removed", "inserted", "truncated", "bad JSON", "bad line" or "head"
}

func (b *Break) String() string {
	return fmt.Sprintf("%s:%d (seq %d): %s", b.File, b.Line, b.Seq, b.Reason)
}

// Verify checks the whole journal in dir: every line is complete, valid
// JSON with the common fields; seq goes up by one from 1; every prev is the
// SHA-256 of the line before it (GenesisPrev for the first); and the last
// line matches the head file. It returns nil when the chain is intact, or
// the FIRST broken line. The error is for I/O problems only. A missing or
// empty directory is an intact (empty) journal.
//
// Telling which line was changed uses one line of lookahead: when line k
// does not link to line k-1, and line k+1 links to line k-1, line k was
// inserted; when line k+1 links to line k, line k-1 was edited; and so on.
func Verify(dir string) (*Break, error) {
	snap, err := takeSnapshot(dir)
	if err != nil {
		return nil, err
	}
	defer snap.close()
	hd, hdOK := parseHead(snap.head)

	// Lines stream from all files, oldest first, with one line of
	// lookahead; only the current line and the next are held.
	var ioErr error
	next, stop := iter.Pull(func(yield func(vline) bool) {
		for _, sf := range snap.files {
			stopped := false
			err := sf.scan(func(l rawLine) bool {
				v := vline{file: l.file, no: l.no}
				if e, err := l.entry(); err != nil {
					v.err = err
				} else {
					v.seq, v.prev, v.hash = e.Seq, e.Prev, lineHash(l.raw)
				}
				if !yield(v) {
					stopped = true
					return false
				}
				return true
			})
			if stopped {
				return
			}
			if err != nil {
				ioErr = err
				return
			}
		}
	})
	defer stop()

	prev := vline{hash: GenesisPrev} // the last good line (seq 0 = genesis)
	haveLast := false
	lastFile, lastNo := "", 0
	var atHead *vline
	c, ok := next()
	for ok {
		n, nok := next()
		if ioErr != nil {
			return nil, ioErr
		}
		brk := func(v vline, reason string, seq int64) (*Break, error) {
			return &Break{File: v.file, Line: v.no, Seq: seq, Reason: reason}, nil
		}
		if c.err != nil {
			var le *LineError
			reason := c.err.Error()
			if errors.As(c.err, &le) {
				reason = le.Reason
			}
			return brk(c, reason, prev.seq+1)
		}
		nextLinksPrev := nok && n.err == nil && n.prev == prev.hash
		switch {
		case c.prev == prev.hash && c.seq == prev.seq+1:
			if nextLinksPrev && n.prev != c.hash {
				return brk(c, "inserted: the next line links to the line before this one", c.seq)
			}
		case c.prev == prev.hash:
			return brk(c, fmt.Sprintf("edited: seq is %d, expected %d", c.seq, prev.seq+1), c.seq)
		case nextLinksPrev:
			return brk(c, "inserted: this line does not link to the line before it, and the next line does", c.seq)
		case c.seq > prev.seq+1:
			return brk(c, missing(prev.seq+1, c.seq-1)+" before this line", c.seq)
		case c.seq == prev.seq+1:
			// Either this line's prev was edited, or the line before it was.
			// If the next line (or the head) still links to this line as it
			// is, this line is intact and the one before it changed.
			selfIntact := false
			if nok {
				selfIntact = n.err == nil && n.prev == c.hash
			} else {
				selfIntact = hdOK && hd.seq == c.seq && hd.hash == c.hash
			}
			if selfIntact && prev.seq > 0 {
				return brk(prev, "edited: this line's hash does not match the next line's prev", prev.seq)
			}
			if !nok && hdOK && hd.seq == prev.seq && hd.hash == prev.hash {
				return brk(c, "inserted: this line does not link to the line before it, the last line the head records", c.seq)
			}
			if prev.seq == 0 {
				return brk(c, "edited: the first line's prev is not the genesis value (or earlier files were removed)", c.seq)
			}
			return brk(c, "edited: prev does not match the line before", c.seq)
		default:
			return brk(c, fmt.Sprintf("inserted: seq %d repeats or goes back (expected %d)", c.seq, prev.seq+1), c.seq)
		}
		if hdOK && c.seq == hd.seq {
			cc := c
			atHead = &cc
		}
		prev, haveLast = c, true
		lastFile, lastNo = c.file, c.no
		c, ok = n, nok
	}
	if ioErr != nil {
		return nil, ioErr
	}

	headPath := filepath.Join(dir, headFile)
	switch {
	case !haveLast && (!hdOK || hd.seq == 0):
		return nil, nil
	case !haveLast:
		return &Break{File: filepath.Join(dir, CurrentFile), Line: 1, Seq: 1,
			Reason: fmt.Sprintf("removed: the journal is empty but the head records seq %d", hd.seq)}, nil
	case !hdOK:
		return &Break{File: headPath, Line: 1, Seq: prev.seq,
			Reason: "head missing or unreadable: the end of the journal cannot be checked"}, nil
	case hd.seq > prev.seq:
		return &Break{File: lastFile, Line: lastNo + 1, Seq: prev.seq + 1,
			Reason: fmt.Sprintf("removed: the journal ends at seq %d but the head records seq %d", prev.seq, hd.seq)}, nil
	case atHead == nil:
		return &Break{File: headPath, Line: 1, Seq: hd.seq, Reason: "head records a seq that is not in the journal"}, nil
	case atHead.hash != hd.hash:
		return &Break{File: atHead.file, Line: atHead.no, Seq: atHead.seq,
			Reason: "edited: this line does not match the head"}, nil
	}
	// hd.seq < prev.seq with a matching line is a head the writer did not
	// get to update (it died between writing and updating the head).
	return nil, nil
}

func missing(from, to int64) string {
	if from == to {
		return fmt.Sprintf("removed: the line with seq %d is missing", from)
	}
	return fmt.Sprintf("removed: the lines with seq %d to %d are missing", from, to)
}
