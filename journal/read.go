package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxReadLine bounds one line when reading. Lines this package writes are
// at most 1 MiB; a longer line is reported as an error and skipped.
const maxReadLine = 4 << 20

// Entry is one line of the journal.
type Entry struct {
	Seq     int64
	Type    string
	Session string
	ID      string
	TS      time.Time
	Prev    string
	// Raw is the line as written, without its newline.
	Raw []byte
	// Fields is the whole line decoded with encoding/json (numbers are
	// float64, lists []any, objects map[string]any).
	Fields map[string]any
	// File is the path of the journal file and Line the 1-based line number
	// in it.
	File string
	Line int
}

// Str returns the string field key, or "".
func (e Entry) Str(key string) string {
	s, _ := e.Fields[key].(string)
	return s
}

// Int returns the numeric field key as an int64, or 0.
func (e Entry) Int(key string) int64 {
	f, _ := e.Fields[key].(float64)
	return int64(f)
}

// Strs returns the list-of-strings field key, or nil.
func (e Entry) Strs(key string) []string {
	l, _ := e.Fields[key].([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// LineError is a line Read or Verify could not use.
type LineError struct {
	File   string
	Line   int
	Reason string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("journal: %s:%d: %s", e.File, e.Line, e.Reason)
}

// Read returns every line of the journal in dir, oldest first: rotated files
// in order, then journal.jsonl. A line that cannot be decoded is yielded
// with a *LineError (and an Entry holding only File, Line and Raw), and
// reading goes on; an I/O error is yielded and ends the sequence. A missing
// directory is an empty journal.
func Read(dir string) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		snap, err := takeSnapshot(dir)
		if err != nil {
			yield(Entry{}, err)
			return
		}
		defer snap.close()
		for _, sf := range snap.files {
			stop := false
			err := sf.scan(func(l rawLine) bool {
				e, err := l.entry()
				if !yield(e, err) {
					stop = true
					return false
				}
				return true
			})
			if stop {
				return
			}
			if err != nil {
				yield(Entry{File: sf.path}, err)
				return
			}
		}
	}
}

// snapshot is a consistent view of the journal: its files, opened and
// sized, and its head, taken under a shared lock so that no append is
// half-done. Lines appended later are past the recorded sizes and are not
// read; a rotation after the snapshot does not matter, as the files are
// already open. The lock is held only while taking the snapshot.
type snapshot struct {
	files []snapFile
	head  []byte // nil if missing
}

type snapFile struct {
	path string
	f    *os.File
	size int64
}

func takeSnapshot(dir string) (*snapshot, error) {
	if lk, err := os.Open(filepath.Join(dir, lockName)); err == nil {
		// Without the lock (another platform, a foreign lock file) the
		// snapshot can only race with a writer: a half-written last line
		// would show up as truncated.
		if lockFileShared(lk) == nil {
			defer unlockFile(lk)
		}
		defer lk.Close()
	}
	paths, err := journalFiles(dir)
	if err != nil {
		return nil, err
	}
	s := &snapshot{}
	if b, err := os.ReadFile(filepath.Join(dir, headFile)); err == nil {
		s.head = b
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("journal: %w", err)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		var st os.FileInfo
		if err == nil {
			st, err = f.Stat()
			if err != nil {
				f.Close()
			}
		}
		if err != nil {
			s.close()
			return nil, fmt.Errorf("journal: %w", err)
		}
		s.files = append(s.files, snapFile{path: p, f: f, size: st.Size()})
	}
	return s, nil
}

func (s *snapshot) close() {
	for _, sf := range s.files {
		sf.f.Close()
	}
}

func (sf snapFile) scan(fn func(rawLine) bool) error {
	return scanReader(sf.path, io.NewSectionReader(sf.f, 0, sf.size), fn)
}

// rawLine is one line of a file as scanned.
type rawLine struct {
	file     string
	no       int
	raw      []byte // without the newline
	complete bool   // ended by a newline
	tooLong  bool
}

func (l rawLine) entry() (Entry, error) {
	e := Entry{File: l.file, Line: l.no, Raw: l.raw}
	switch {
	case l.tooLong:
		return e, &LineError{l.file, l.no, fmt.Sprintf("bad line: longer than %d bytes", maxReadLine)}
	case !l.complete:
		return e, &LineError{l.file, l.no, "truncated: partial line without a newline"}
	}
	full, err := parseLine(l.raw)
	if err != nil {
		return e, &LineError{l.file, l.no, err.Error()}
	}
	full.File, full.Line = l.file, l.no
	return full, nil
}

// parseLine decodes a line and checks the fields every line has.
func parseLine(raw []byte) (Entry, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return Entry{}, fmt.Errorf("bad JSON: %v", err)
	}
	if m == nil {
		return Entry{}, errors.New("bad JSON: not an object")
	}
	e := Entry{Raw: raw, Fields: m}
	v, ok := m["v"].(float64)
	if !ok || v < 1 || v != float64(int64(v)) {
		return e, errors.New("bad JSON: missing or invalid v")
	}
	seq, ok := m["seq"].(float64)
	if !ok || seq < 1 || seq != float64(int64(seq)) || seq > 1<<53 {
		return e, errors.New("bad JSON: missing or invalid seq")
	}
	e.Seq = int64(seq)
	if e.Type, ok = m["type"].(string); !ok || e.Type == "" {
		return e, errors.New("bad JSON: missing type")
	}
	if e.Prev, ok = m["prev"].(string); !ok || !isHash(e.Prev) {
		return e, errors.New("bad JSON: missing or invalid prev")
	}
	ts, ok := m["ts"].(string)
	if !ok {
		return e, errors.New("bad JSON: missing ts")
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return e, errors.New("bad JSON: invalid ts")
	}
	e.TS = t
	if e.Session, ok = m["session"].(string); !ok {
		return e, errors.New("bad JSON: missing session")
	}
	if e.ID, ok = m["id"].(string); !ok {
		return e, errors.New("bad JSON: missing id")
	}
	return e, nil
}

// header is what the writer needs from a line: its place in the chain.
type header struct {
	seq  int64
	prev string
	ts   time.Time
}

func parseHeader(raw []byte) (header, error) {
	e, err := parseLine(raw)
	if err != nil {
		return header{}, err
	}
	return header{seq: e.Seq, prev: e.Prev, ts: e.TS}, nil
}

// scanLines calls fn for each line of path, stopping when fn returns false.
func scanLines(path string, fn func(rawLine) bool) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // rotated away between listing and opening
		}
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	return scanReader(path, f, fn)
}

// scanReader calls fn for each line read from rd (the file path), stopping
// when fn returns false.
func scanReader(path string, rd io.Reader, fn func(rawLine) bool) error {
	r := bufio.NewReaderSize(rd, 64<<10)
	var acc []byte
	no := 0
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if len(chunk) > 0 && !tooLong {
			if len(acc)+len(chunk) > maxReadLine+1 {
				tooLong = true
				acc = acc[:0]
			} else {
				acc = append(acc, chunk...)
			}
		}
		switch {
		case err == nil:
			no++
			line := rawLine{file: path, no: no, complete: true, tooLong: tooLong}
			if !tooLong {
				line.raw = bytes.Clone(acc[:len(acc)-1])
			}
			if !fn(line) {
				return nil
			}
			acc, tooLong = acc[:0], false
		case errors.Is(err, bufio.ErrBufferFull):
			// keep accumulating
		case errors.Is(err, io.EOF):
			if len(acc) > 0 || tooLong {
				no++
				fn(rawLine{file: path, no: no, raw: bytes.Clone(acc), tooLong: tooLong})
			}
			return nil
		default:
			return fmt.Errorf("journal: read %s: %w", path, err)
		}
	}
}

// firstLine returns the first complete line of path (nil if none).
func firstLine(path string) ([]byte, error) {
	var first []byte
	err := scanLines(path, func(l rawLine) bool {
		if l.complete && !l.tooLong {
			first = l.raw
		}
		return false
	})
	return first, err
}

// lastLine returns the last complete line of path, the offset just past it,
// and whether an incomplete fragment follows it. It reads backwards from the
// end, so its cost does not grow with the file.
func lastLine(path string) (last []byte, end int64, fragment bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, 0, false, nil
		}
		return nil, 0, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, false, err
	}
	size := st.Size()
	n := min(size, int64(maxReadLine)+1)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, false, err
	}
	nl := bytes.LastIndexByte(buf, '\n')
	if nl < 0 {
		return nil, 0, size > 0, nil
	}
	end = size - n + int64(nl) + 1
	fragment = end < size
	startAt := bytes.LastIndexByte(buf[:nl], '\n') + 1
	if startAt == 0 && size > n {
		return nil, end, fragment, errors.New("last line too long")
	}
	return buf[startAt:nl], end, fragment, nil
}

// journalFiles lists the journal's files in chain order: rotated files by
// the time in their name, then by the seq of their first line (for files
// named after the same second), then journal.jsonl.
func journalFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("journal: %w", err)
	}
	type rotated struct {
		name, stamp string
		seq         int64
	}
	var rs []rotated
	hasCur := false
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if name == CurrentFile {
			hasCur = true
			continue
		}
		stamp, ok := rotatedStamp(name)
		if !ok {
			continue
		}
		r := rotated{name: name, stamp: stamp, seq: 1<<63 - 1}
		if first, err := firstLine(filepath.Join(dir, name)); err == nil && first != nil {
			if h, err := parseHeader(first); err == nil {
				r.seq = h.seq
			}
		}
		rs = append(rs, r)
	}
	sort.Slice(rs, func(a, b int) bool {
		if rs[a].stamp != rs[b].stamp {
			return rs[a].stamp < rs[b].stamp
		}
		if rs[a].seq != rs[b].seq {
			return rs[a].seq < rs[b].seq
		}
		return rs[a].name < rs[b].name
	})
	out := make([]string, 0, len(rs)+1)
	for _, r := range rs {
		out = append(out, filepath.Join(dir, r.name))
	}
	if hasCur {
		out = append(out, filepath.Join(dir, CurrentFile))
	}
	return out, nil
}

// rotatedStamp returns the time part of a rotated file's name
// (journal-YYYYMMDDTHHMMSSZ.jsonl or journal-YYYYMMDDTHHMMSSZ-N.jsonl).
func rotatedStamp(name string) (string, bool) {
	mid, ok := strings.CutPrefix(name, "journal-")
	if !ok {
		return "", false
	}
	if mid, ok = strings.CutSuffix(mid, ".jsonl"); !ok || len(mid) < len(rotatedLayout) {
		return "", false
	}
	stamp, suffix := mid[:len(rotatedLayout)], mid[len(rotatedLayout):]
	if _, err := time.Parse(rotatedLayout, stamp); err != nil {
		return "", false
	}
	if suffix != "" {
		n, ok := strings.CutPrefix(suffix, "-")
		if _, err := strconv.Atoi(n); !ok || err != nil {
			return "", false
		}
	}
	return stamp, true
}

// Files returns the paths of the journal's files in chain order, oldest
// first (the order [Read] uses). A missing directory has no files.
func Files(dir string) ([]string, error) { return journalFiles(dir) }
