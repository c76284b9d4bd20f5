package snapshots

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Kinds of file system entries.
const (
	KindFile    = "file"
	KindDir     = "dir"
	KindSymlink = "symlink"
	KindAbsent  = "absent"
	KindOther   = "other" // socket, fifo, device: seen in post-states, never captured
)

// State is what a path looked like at one moment: the post-state of a
// command, or the current state during a rollback.
type State struct {
	Path    string      `json:"path"`
	Exists  bool        `json:"exists"`
	Kind    string      `json:"kind"`
	Mode    fs.FileMode `json:"mode,omitempty"`
	Size    int64       `json:"size,omitempty"`
	SHA256  string      `json:"sha256,omitempty"`
	Link    string      `json:"link,omitempty"`
	UID     int         `json:"uid,omitempty"`
	GID     int         `json:"gid,omitempty"`
	ModTime time.Time   `json:"mtime,omitzero"`
	// Ino and Ctime fingerprint a regular file so that a later look can
	// skip re-hashing it when neither changed. They are left zero when the
	// file changed too recently for the fingerprint to be trusted.
	Ino   uint64 `json:"ino,omitempty"`
	Ctime int64  `json:"ctime,omitempty"`
}

// racyWindow: a file whose change time is this close to the moment it was
// looked at gets no fingerprint, because a write in the same timestamp tick
// would not change it (file systems with coarse timestamps included).
const racyWindow = 2 * time.Second

// modeBits are the permission bits rrsh records and restores.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return KindFile
	case m.IsDir():
		return KindDir
	case m&fs.ModeSymlink != 0:
		return KindSymlink
	default:
		return KindOther
	}
}

// otherReason names the type of a socket, fifo or device.
func otherReason(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "is a socket"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe"
	case m&fs.ModeDevice != 0:
		return "is a device"
	default:
		return "is not a regular file, directory or symlink"
	}
}

// stateFromInfo fills everything but SHA256 from an Lstat result.
func stateFromInfo(path string, fi fs.FileInfo, now time.Time) State {
	st := State{Path: path, Exists: true, Kind: kindOf(fi.Mode()), Mode: fi.Mode() & modeBits}
	ino, ctime, uid, gid, _ := statSys(fi)
	st.UID, st.GID = uid, gid
	if st.Kind == KindFile {
		st.Size = fi.Size()
		st.ModTime = fi.ModTime().UTC()
		if ino != 0 && now.Sub(time.Unix(0, ctime)) > racyWindow {
			st.Ino, st.Ctime = ino, ctime
		}
	}
	return st
}

// sameFingerprint reports whether a file's fingerprint matches a reference
// that carries a trusted hash, so that the hash can be reused.
func sameFingerprint(st, ref State) bool {
	return ref.SHA256 != "" && ref.Ino != 0 && st.Ino == ref.Ino && st.Ctime == ref.Ctime &&
		st.Size == ref.Size && st.ModTime.Equal(ref.ModTime)
}

// observe looks at path without following a final symlink. With hash, a
// regular file's SHA-256 is computed unless ref (a state of the same path
// with a trusted fingerprint) shows it cannot have changed.
func observe(path string, hash bool, refs ...State) (State, error) {
	now := time.Now()
	fi, err := os.Lstat(path)
	if err != nil {
		if isNotExist(err) {
			return State{Path: path, Kind: KindAbsent}, nil
		}
		return State{Path: path}, err
	}
	st := stateFromInfo(path, fi, now)
	switch st.Kind {
	case KindSymlink:
		if st.Link, err = os.Readlink(path); err != nil {
			return st, err
		}
	case KindFile:
		if !hash {
			break
		}
		for _, ref := range refs {
			if sameFingerprint(st, ref) {
				st.SHA256 = ref.SHA256
				return st, nil
			}
		}
		sum, n, err := hashFile(path, fi)
		if err != nil {
			return st, err
		}
		st.SHA256, st.Size = sum, n
	}
	return st, nil
}

// isNotExist is true for a missing path and for a path whose parent is not
// a directory: either way nothing exists there.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// errChanged means a file changed (or was replaced) while it was being read.
var errChanged = errors.New("file changed while it was being read")

var bufPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// openCapture opens a regular file for reading, refusing anything that is
// not the file fi describes.
func openCapture(path string, fi fs.FileInfo) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, errChanged
		}
		return nil, err
	}
	got, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !got.Mode().IsRegular() || !os.SameFile(fi, got) {
		f.Close()
		return nil, errChanged
	}
	return f, nil
}

// hashFile returns the SHA-256 and length of a regular file.
func hashFile(path string, fi fs.FileInfo) (string, int64, error) {
	f, err := openCapture(path, fi)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	return hashReader(f)
}

func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	// Hide an *os.File's WriteTo: io.CopyBuffer would call it, and its
	// generic fallback allocates a fresh 32 KB buffer for every file.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{r}, *bp)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// validSum reports whether s looks like a hex SHA-256.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f')
	}) < 0
}

// unixMode renders recorded mode bits the way chmod spells them (0755, 4755).
func unixMode(m fs.FileMode) string {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		u |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		u |= 0o1000
	}
	return fmt.Sprintf("%04o", u)
}
