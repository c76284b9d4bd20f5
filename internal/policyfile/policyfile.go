package policyfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rrsh/rrsh/examples"
	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/policy"
)

// The sources of a policy file.
const (
	SourceEnv      = "env"
	SourceProject  = "project"
	SourceUser     = "user"
	SourceEmbedded = "embedded"
)

// File is a policy file that was found.
type File struct {
	// Path is the file's absolute path, or "" for the embedded default.
	Path string
	// Source is where it was found: "env" (RRSH_POLICY), "project" (a
	// railroad.yaml or .rrsh.yaml at or above the working directory),
	// "user" ($XDG_CONFIG_HOME/rrsh/railroad.yaml) or "embedded".
	Source string
	// Data is the file's content.
	Data []byte
}

// Name is the name to use in messages about the file: its path, or
// "embedded default.yaml".
func (f File) Name() string {
	if f.Path == "" {
		return "embedded default.yaml"
	}
	return f.Path
}

// Find locates the policy in force for cwd (see the package doc for the
// order). getenv reads the environment (RRSH_POLICY, XDG_CONFIG_HOME, HOME).
func Find(cwd string, getenv func(string) string) (File, error) {
	if p := getenv("RRSH_POLICY"); p != "" {
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		data, err := read(p)
		if err != nil {
			return File{}, fmt.Errorf("RRSH_POLICY: %w", err)
		}
		return File{Path: p, Source: SourceEnv, Data: data}, nil
	}
	if !filepath.IsAbs(cwd) {
		return File{}, fmt.Errorf("working directory %q is not absolute", cwd)
	}
	for dir := filepath.Clean(cwd); ; {
		for _, n := range [...]string{"railroad.yaml", ".rrsh.yaml"} {
			p := filepath.Join(dir, n)
			data, err := read(p)
			switch {
			case err == nil:
				return File{Path: p, Source: SourceProject, Data: data}, nil
			case !errors.Is(err, fs.ErrNotExist):
				return File{}, err
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if cfg, err := paths.ConfigDir(getenv); err == nil {
		p := filepath.Join(cfg, "railroad.yaml")
		data, err := read(p)
		switch {
		case err == nil:
			return File{Path: p, Source: SourceUser, Data: data}, nil
		case !errors.Is(err, fs.ErrNotExist):
			return File{}, err
		}
	}
	return File{Source: SourceEmbedded, Data: examples.Default}, nil
}

// Load finds the policy in force for cwd and loads it. Errors name the file.
//
// A policy's tests: examples run when it is loaded, which costs time on
// every command. They run once per policy content and rrsh binary: a
// marker named by both hashes is kept in the state directory (which jailed
// commands cannot write), and later loads of the same bytes skip them. The
// embedded default's examples run in rrsh's own test suite.
func Load(cwd string, getenv func(string) string) (*policy.Policy, File, error) {
	f, err := Find(cwd, getenv)
	if err != nil {
		return nil, File{}, err
	}
	var marker string
	var opts []policy.LoadOption
	if f.Source == SourceEmbedded {
		opts = append(opts, policy.Verified())
	} else if marker = verifiedMarker(f.Data, getenv); marker != "" {
		if _, err := os.Stat(marker); err == nil {
			opts = append(opts, policy.Verified())
			marker = ""
		}
	}
	p, err := policy.Load(f.Name(), f.Data, opts...)
	if err != nil {
		return nil, f, err
	}
	if marker != "" {
		// Best effort: without the marker the examples just run again.
		if os.MkdirAll(filepath.Dir(marker), 0o700) == nil {
			os.WriteFile(marker, nil, 0o600)
		}
	}
	return p, f, nil
}

// verifiedMarker is the path of the record that data's examples passed
// under this rrsh binary, or "" when there is no state directory.
func verifiedMarker(data []byte, getenv func(string) string) string {
	dir, err := paths.StateDir(getenv)
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write(data)
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "\x00%s\x00%d\x00%d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return filepath.Join(dir, "policy-verified", hex.EncodeToString(h.Sum(nil)))
}

// read reads a regular file of at most policy.MaxPolicyBytes. Only a path
// where nothing exists is an error wrapping fs.ErrNotExist; anything else
// that is there but cannot be read (a dangling symbolic link, a directory,
// a FIFO, no permission) is another error.
func read(p string) ([]byte, error) {
	if _, err := os.Lstat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("cannot read policy file: %w", err)
	}
	st, err := os.Stat(p)
	if err != nil {
		// Not wrapped: a dangling link must not read as "does not exist".
		return nil, fmt.Errorf("cannot read policy file %s: %v", p, errors.Unwrap(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("policy file %s is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read policy file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, policy.MaxPolicyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read policy file: %w", err)
	}
	if len(data) > policy.MaxPolicyBytes {
		return nil, fmt.Errorf("policy file %s is over the limit of %d bytes", p, policy.MaxPolicyBytes)
	}
	return data, nil
}
