package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// SchemaVersion is the value of the "v" field of every line this package
// writes. It changes only if a field changes meaning; adding fields does not
// change it.
const SchemaVersion = 1

// DefaultMaxSize is the size at which the current file is rotated when
// Options.MaxSize is zero.
const DefaultMaxSize = 64 << 20

// File names inside the journal directory.
const (
	CurrentFile = "journal.jsonl" // the file being appended to
	headFile    = "head"          // "seq hash size start" of the last line
	lockName    = "lock"          // flock(2) target; never holds data
)

// rotatedLayout names rotated files after the time of their first line:
// journal-YYYYMMDDTHHMMSSZ.jsonl (a "-N" suffix is added before ".jsonl" if
// two files start in the same second).
const rotatedLayout = "20060102T150405Z"

// tsLayout is RFC 3339 with nanoseconds, fixed width, always UTC.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

// GenesisPrev is the prev of the first line ever written.
const GenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000"

// ErrClosed is returned by appends to a closed Journal.
var ErrClosed = errors.New("journal: closed")

// Options configures a Journal. The zero value is ready to use: rotate at
// 64 MiB, sync every line that must be synced, use the real clock.
type Options struct {
	// MaxSize rotates the current file before a line would make it larger
	// than this many bytes. Zero means DefaultMaxSize; negative means never
	// rotate by size.
	MaxSize int64
	// Daily rotates the current file before the first line of a new UTC day.
	Daily bool
	// NoSync skips every fdatasync. Only for benchmarks and tests: a crash
	// can then lose acknowledged lines, including decisions.
	NoSync bool
	// Now is the clock for the ts field and for daily rotation. Nil means
	// time.Now.
	Now func() time.Time
}

// Journal appends events to the journal in one directory. It is safe for
// concurrent use by many goroutines and by many processes: each append takes
// an exclusive flock on the directory's lock file.
type Journal struct {
	dir  string
	opts Options

	mu     sync.Mutex
	closed bool
	lock   *os.File // dir/lock
	head   *os.File // dir/head
	cur    *os.File // dir/journal.jsonl, O_APPEND
	buf    bytes.Buffer
	zl     zerolog.Logger
}

// Open opens (creating if needed, mode 0700) the journal directory dir and
// returns a Journal that appends to it. It fails if dir cannot be created or
// its files cannot be opened for writing.
func Open(dir string, opts Options) (*Journal, error) {
	if opts.MaxSize == 0 {
		opts.MaxSize = DefaultMaxSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: create %s: %w", dir, err)
	}
	j := &Journal{dir: dir, opts: opts}
	var err error
	if j.lock, err = os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("journal: open lock: %w", err)
	}
	if j.head, err = os.OpenFile(filepath.Join(dir, headFile), os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		j.lock.Close()
		return nil, fmt.Errorf("journal: open head: %w", err)
	}
	if j.cur, err = openCurrent(dir); err != nil {
		j.lock.Close()
		j.head.Close()
		return nil, err
	}
	j.zl = zerolog.New(&j.buf)
	return j, nil
}

func openCurrent(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, CurrentFile), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", CurrentFile, err)
	}
	return f, nil
}

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

// Close closes the journal's files. Appends after Close return ErrClosed.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil
	}
	j.closed = true
	return errors.Join(j.cur.Close(), j.head.Close(), j.lock.Close())
}

// Sync flushes every line written so far (including unsynced start and exit
// lines) to stable storage.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if err := j.acquire(); err != nil {
		return err
	}
	defer unlockFile(j.lock)
	if _, err := j.reopenIfRotated(); err != nil {
		return err
	}
	if err := datasync(j.cur); err != nil {
		return fmt.Errorf("journal: sync: %w", err)
	}
	return nil
}

// acquire takes the exclusive lock. If the lock file was removed or
// replaced since it was opened, a lock on the old one would exclude nobody,
// so it is reopened by name and locked again.
func (j *Journal) acquire() error {
	path := filepath.Join(j.dir, lockName)
	for i := 0; ; i++ {
		if err := lockFile(j.lock); err != nil {
			return fmt.Errorf("journal: lock: %w", err)
		}
		want, err1 := os.Stat(path)
		have, err2 := j.lock.Stat()
		if err1 == nil && err2 == nil && os.SameFile(want, have) {
			return nil
		}
		unlockFile(j.lock)
		if i == 3 {
			return fmt.Errorf("journal: lock file %s keeps changing", path)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("journal: open lock: %w", err)
		}
		j.lock.Close()
		j.lock = f
	}
}

// head is the state of the chain after its last line: the cached content of
// the head file, checked against the current file's size.
type head struct {
	seq   int64
	hash  string
	size  int64 // size of journal.jsonl after the last line
	start int64 // unix nanoseconds of the first line in journal.jsonl, 0 if none
}

const headLen = 20 + 1 + 64 + 1 + 20 + 1 + 20 + 1

func (h head) encode() []byte {
	return fmt.Appendf(nil, "%020d %s %020d %020d\n", h.seq, h.hash, h.size, h.start)
}

func parseHead(b []byte) (head, bool) {
	if len(b) != headLen || b[headLen-1] != '\n' {
		return head{}, false
	}
	f := bytes.Fields(b)
	if len(f) != 4 || !isHash(string(f[1])) {
		return head{}, false
	}
	var h head
	var err1, err2, err3 error
	h.seq, err1 = strconv.ParseInt(string(f[0]), 10, 64)
	h.hash = string(f[1])
	h.size, err2 = strconv.ParseInt(string(f[2]), 10, 64)
	h.start, err3 = strconv.ParseInt(string(f[3]), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || h.seq < 0 || h.size < 0 {
		return head{}, false
	}
	return h, true
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// append writes one line: lock, find the chain head, encode, rotate if
// needed, one write(2), fdatasync when sync is set, update head, unlock.
func (j *Journal) append(typ string, h Header, sync bool, body func(*zerolog.Event)) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrClosed
	}
	if err := j.acquire(); err != nil {
		return err
	}
	defer unlockFile(j.lock)

	st, err := j.reopenIfRotated()
	if err != nil {
		return err
	}
	// From here on hd.size is the real size of journal.jsonl.
	hd, needNL, err := j.chainHead(st.Size())
	if err != nil {
		return err
	}
	if hd.size == 0 {
		hd.start = 0
	}

	now := j.opts.Now().UTC()
	line, err := j.encode(typ, h, now, hd, body)
	if err != nil {
		return err
	}
	if j.needRotate(hd, int64(len(line)), now) {
		if err := j.rotate(&hd, now); err != nil {
			return err
		}
		needNL = false
	}

	out := line
	if needNL {
		// The file ends in a fragment that is not ours to remove (see
		// chainHead): end it, so it stays visible to Verify and our line
		// stays whole.
		out = append([]byte{'\n'}, line...)
	}
	off := hd.size
	n, err := writeOnce(j.cur, out)
	if err == nil && n != len(out) {
		err = fmt.Errorf("%w: %d of %d bytes (is the disk full?)", io.ErrShortWrite, n, len(out))
	}
	if err == nil && sync && !j.opts.NoSync {
		if err = datasync(j.cur); err != nil {
			err = fmt.Errorf("fdatasync: %w", err)
		}
	}
	if err == nil {
		next := head{
			seq:   hd.seq + 1,
			hash:  lineHash(line[:len(line)-1]),
			size:  off + int64(len(out)),
			start: hd.start,
		}
		if next.start == 0 {
			next.start = now.UnixNano()
		}
		if _, err = j.head.WriteAt(next.encode(), 0); err != nil {
			err = fmt.Errorf("update head: %w", err)
		}
	}
	if err != nil {
		if terr := j.cur.Truncate(off); terr != nil {
			err = errors.Join(err, fmt.Errorf("truncate back to %d: %w", off, terr))
		}
		return fmt.Errorf("journal: append %s: %w", typ, err)
	}
	return nil
}

// encode builds one line, newline included, with zerolog as the encoder.
func (j *Journal) encode(typ string, h Header, now time.Time, hd head, body func(*zerolog.Event)) ([]byte, error) {
	j.buf.Reset()
	e := j.zl.Log()
	if e == nil {
		// zerolog's global level disables every logger, this one included.
		return nil, errors.New("journal: encoder disabled (zerolog global level)")
	}
	e.Int("v", SchemaVersion).Str("type", typ).Str("ts", now.Format(tsLayout))
	str(e, "session", h.Session, MaxShort)
	str(e, "id", h.ID, MaxShort)
	e.Int64("seq", hd.seq+1).Str("prev", hd.hash)
	body(e)
	e.Send()
	line := j.buf.Bytes()
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '\n' || bytes.IndexByte(line[:len(line)-1], '\n') >= 0 {
		return nil, fmt.Errorf("rrsh bug: journal encoder produced a malformed line (%d bytes), please report", len(line))
	}
	if len(line) > maxLineBytes {
		return nil, fmt.Errorf("journal: %s line is %d bytes, over the %d limit", typ, len(line), maxLineBytes)
	}
	return line, nil
}

// reopenIfRotated makes j.cur the file now named journal.jsonl (another
// process may have rotated it since we opened ours) and returns its stat.
func (j *Journal) reopenIfRotated() (os.FileInfo, error) {
	path := filepath.Join(j.dir, CurrentFile)
	want, err := os.Stat(path)
	if err == nil {
		have, err := j.cur.Stat()
		if err == nil && os.SameFile(want, have) {
			return have, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("journal: stat: %w", err)
	}
	f, err := openCurrent(j.dir)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: stat: %w", err)
	}
	j.cur.Close()
	j.cur = f
	return st, nil
}

// chainHead returns the state after the last line, given the current
// file's size. The head file is trusted when the size it records matches.
// Otherwise (a crash between a write and the head update, a deleted head
// file, a torn write, or an edited journal) the tail of the journal is read:
//   - complete lines after the recorded size that continue the chain are
//     adopted (the writer died before updating head);
//   - an incomplete fragment right after the last known line is an append
//     that never returned, and is truncated away;
//   - anything else is left in place for Verify to report, and the chain
//     continues from the head file, so removing or editing the end of the
//     journal stays visible. needNL reports that the file ends in a fragment
//     that must be ended before the next line.
func (j *Journal) chainHead(size int64) (hd head, needNL bool, err error) {
	buf := make([]byte, headLen+1)
	n, _ := j.head.ReadAt(buf, 0)
	hd, ok := parseHead(buf[:n])
	if ok && hd.size == size {
		return hd, false, nil
	}
	if !ok {
		return j.recoverHead(size)
	}
	if size < hd.size {
		nl, err := j.endsInFragment(size)
		hd.size = size
		return hd, nl, err
	}
	// size > hd.size: read what follows the last known line.
	const maxAdopt = 4 << 20
	if size-hd.size > maxAdopt {
		nl, err := j.endsInFragment(size)
		hd.size = size
		return hd, nl, err
	}
	tail := make([]byte, size-hd.size)
	if _, err := j.readCurrentAt(tail, hd.size); err != nil {
		return hd, false, err
	}
	rest := tail
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		hdr, perr := parseHeader(rest[:i])
		if perr != nil || hdr.seq != hd.seq+1 || hdr.prev != hd.hash {
			break
		}
		hd.seq, hd.hash = hdr.seq, lineHash(rest[:i])
		hd.size += int64(i + 1)
		if hd.start == 0 {
			hd.start = hdr.ts.UnixNano()
		}
		rest = rest[i+1:]
	}
	if len(rest) > 0 && bytes.IndexByte(rest, '\n') < 0 {
		if err := j.cur.Truncate(hd.size); err != nil {
			return hd, false, fmt.Errorf("journal: remove torn line: %w", err)
		}
		return hd, false, nil
	}
	needNL = len(rest) > 0 && rest[len(rest)-1] != '\n'
	hd.size = size
	return hd, needNL, nil
}

// recoverHead rebuilds the head from the last complete line of the journal
// when the head file is missing or unreadable.
func (j *Journal) recoverHead(size int64) (head, bool, error) {
	files, err := journalFiles(j.dir)
	if err != nil {
		return head{}, false, err
	}
	for i := len(files) - 1; i >= 0; i-- {
		path := files[i]
		last, lastEnd, fragment, err := lastLine(path)
		if err != nil {
			return head{}, false, fmt.Errorf("journal: recover head from %s: %w", path, err)
		}
		isCur := filepath.Base(path) == CurrentFile
		if isCur && fragment {
			// No head to say otherwise: an incomplete last line is a torn
			// append that never returned.
			if err := j.cur.Truncate(lastEnd); err != nil {
				return head{}, false, fmt.Errorf("journal: remove torn line: %w", err)
			}
			size = lastEnd
		}
		if last == nil {
			continue
		}
		hdr, err := parseHeader(last)
		if err != nil {
			return head{}, false, fmt.Errorf("journal: head file missing and the last line of %s is unreadable (%v); run rrsh log --verify", path, err)
		}
		hd := head{seq: hdr.seq, hash: lineHash(last), size: size}
		if isCur {
			if first, err := firstLine(path); err == nil && first != nil {
				if fh, err := parseHeader(first); err == nil {
					hd.start = fh.ts.UnixNano()
				}
			}
		}
		return hd, false, nil
	}
	return head{hash: GenesisPrev, size: size}, false, nil
}

// endsInFragment reports whether the current file (of the given size) does
// not end in a newline.
func (j *Journal) endsInFragment(size int64) (bool, error) {
	if size == 0 {
		return false, nil
	}
	b := make([]byte, 1)
	if _, err := j.readCurrentAt(b, size-1); err != nil {
		return false, err
	}
	return b[0] != '\n', nil
}

func (j *Journal) readCurrentAt(b []byte, off int64) (int, error) {
	f, err := os.Open(filepath.Join(j.dir, CurrentFile))
	if err != nil {
		return 0, fmt.Errorf("journal: read tail: %w", err)
	}
	defer f.Close()
	n, err := f.ReadAt(b, off)
	if err != nil && !(errors.Is(err, io.EOF) && n == len(b)) {
		return n, fmt.Errorf("journal: read tail: %w", err)
	}
	return n, nil
}

func (j *Journal) needRotate(hd head, lineLen int64, now time.Time) bool {
	if hd.size == 0 {
		return false
	}
	if j.opts.MaxSize > 0 && hd.size+lineLen > j.opts.MaxSize {
		return true
	}
	if j.opts.Daily && hd.start != 0 {
		y1, m1, d1 := time.Unix(0, hd.start).UTC().Date()
		y2, m2, d2 := now.Date()
		return y1 != y2 || m1 != m2 || d1 != d2
	}
	return false
}

// rotate renames journal.jsonl after its first line's time and starts a new
// one. The chain (seq, prev) simply continues in the new file.
func (j *Journal) rotate(hd *head, now time.Time) error {
	start := now
	if hd.start != 0 {
		start = time.Unix(0, hd.start).UTC()
	}
	base := "journal-" + start.Format(rotatedLayout)
	name := base + ".jsonl"
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(j.dir, name)); errors.Is(err, os.ErrNotExist) {
			break
		} else if err != nil {
			return fmt.Errorf("journal: rotate: %w", err)
		}
		name = fmt.Sprintf("%s-%d.jsonl", base, i)
	}
	if err := os.Rename(filepath.Join(j.dir, CurrentFile), filepath.Join(j.dir, name)); err != nil {
		return fmt.Errorf("journal: rotate: %w", err)
	}
	f, err := openCurrent(j.dir)
	if err != nil {
		return err
	}
	j.cur.Close()
	j.cur = f
	if !j.opts.NoSync {
		if err := syncDir(j.dir); err != nil {
			return fmt.Errorf("journal: rotate: %w", err)
		}
	}
	hd.size, hd.start = 0, 0
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
