package parse

import (
	"path"
	"strings"
)

// resolve makes a path relative to the directory the command string
// started in, following cd/pushd earlier in the script. Under an unknown
// directory a relative path is unknown.
func (w *walker) resolve(c ctx, p Word) Word {
	if p.Tilde || strings.HasPrefix(p.Value, "/") {
		return p
	}
	cwd, known := c.sc.cwd()
	if known && cwd == "" {
		return p
	}
	if !known {
		if strings.HasPrefix(cwd, "$") {
			p.Value = cwd + "/" + p.Value
		} else {
			p.Value = joinRel(cwd, p.Value)
		}
		p.Known = false
		return p
	}
	if strings.HasPrefix(cwd, "/") {
		p.Value = path.Join(cwd, p.Value)
	} else {
		p.Value = joinRel(cwd, p.Value)
	}
	return p
}

func (w *walker) addWrite(c ctx, idx int, x xword, kind WriteKind, recursive bool) {
	if x.Known && devNoWrite(x.Value) {
		return
	}
	w.plan.Writes = append(w.plan.Writes, Write{
		Path:       w.resolve(c, x.Word),
		Kind:       kind,
		Recursive:  recursive,
		Exec:       idx,
		InFunction: w.inFunc,
		Span:       x.Span,
	})
}

func (w *walker) opsOf(args []xword, ops []int) []xword {
	out := make([]xword, len(ops))
	for i, o := range ops {
		out[i] = args[o]
	}
	return out
}

var (
	rmOpts    = optSpec{permute: true, longOpt: []string{"interactive", "preserve-root"}}
	cpOpts    = optSpec{short: "St", long: []string{"target-directory", "suffix"}, longOpt: []string{"backup", "reflink", "sparse", "preserve", "no-preserve", "update", "context"}, permute: true}
	instOpts  = optSpec{short: "mogSt", long: []string{"mode", "owner", "group", "target-directory", "suffix", "strip-program"}, longOpt: []string{"backup", "context"}, permute: true}
	lnOpts    = optSpec{short: "St", long: []string{"target-directory", "suffix"}, longOpt: []string{"backup"}, permute: true}
	teeOpts   = optSpec{permute: true, longOpt: []string{"output-error"}}
	sedOpts   = optSpec{short: "efl", shortOpt: "i", long: []string{"expression", "file", "line-length"}, longOpt: []string{"in-place"}, permute: true}
	truncOpts = optSpec{short: "sr", long: []string{"size", "reference"}, permute: true}
	touchOpts = optSpec{short: "dtr", long: []string{"date", "reference", "time"}, permute: true}
	mkdirOpts = optSpec{short: "m", long: []string{"mode"}, longOpt: []string{"context"}, permute: true}
	shredOpts = optSpec{short: "ns", long: []string{"iterations", "size", "random-source"}, longOpt: []string{"remove"}, permute: true}
	chownOpts = optSpec{longOpt: []string{"from", "reference", "dereference"}, permute: true}
	gitGlobal = optSpec{short: "Cc", long: []string{"git-dir", "work-tree", "namespace", "config-env", "super-prefix", "list-cmds", "attr-source"}}
)

// writes finds the paths Exec idx is statically known to write.
func (w *walker) writes(c ctx, idx int) {
	name := w.plan.Execs[idx].Name
	args := w.info[idx].words[1:]
	switch name {
	case "rm", "rmdir", "unlink":
		hits, ops := scanOpts(args, &rmOpts)
		rec := has(hits, "r", "R", "recursive")
		for _, o := range w.opsOf(args, ops) {
			w.addWrite(c, idx, o, WriteDelete, rec)
		}
	case "shred":
		_, ops := scanOpts(args, &shredOpts)
		for _, o := range w.opsOf(args, ops) {
			w.addWrite(c, idx, o, WriteDelete, false)
		}
	case "cp", "install", "mv", "ln":
		w.copyLike(c, idx, name, args)
	case "tee":
		hits, ops := scanOpts(args, &teeOpts)
		kind := WriteTee
		if has(hits, "a", "append") {
			kind = WriteAppend
		}
		for _, o := range w.opsOf(args, ops) {
			if o.Known && o.Value == "-" {
				continue
			}
			w.addWrite(c, idx, o, kind, false)
		}
	case "sed":
		hits, ops := scanOpts(args, &sedOpts)
		w.sedScripts(c, idx, args, hits, ops)
		if !has(hits, "i", "in-place") {
			return
		}
		files := w.opsOf(args, ops)
		if !has(hits, "e", "expression", "f", "file") && len(files) > 0 {
			files = files[1:]
		}
		for _, f := range files {
			w.addWrite(c, idx, f, WriteEdit, false)
		}
	case "truncate":
		_, ops := scanOpts(args, &truncOpts)
		for _, o := range w.opsOf(args, ops) {
			w.addWrite(c, idx, o, WriteTruncate, false)
		}
	case "dd":
		for _, a := range args {
			if strings.HasPrefix(a.Value, "of=") {
				w.addWrite(c, idx, attached(a, a.Value[3:]), WriteTruncate, false)
			}
		}
	case "touch":
		_, ops := scanOpts(args, &touchOpts)
		for _, o := range w.opsOf(args, ops) {
			w.addWrite(c, idx, o, WriteTouch, false)
		}
	case "mkdir":
		_, ops := scanOpts(args, &mkdirOpts)
		for _, o := range w.opsOf(args, ops) {
			w.addWrite(c, idx, o, WriteMkdir, false)
		}
	case "chmod", "chown", "chgrp":
		w.meta(c, idx, name, args)
	case "git":
		w.gitWrites(c, idx, args)
	case "curl", "wget", "rsync":
		w.fetchWrites(c, idx, name, args)
	}
}

// copyLike handles cp, install, mv and ln: the destination (last operand,
// or -t DIR), and for mv each source as deleted.
func (w *walker) copyLike(c ctx, idx int, name string, args []xword) {
	spec := &cpOpts
	switch name {
	case "install":
		spec = &instOpts
	case "ln":
		spec = &lnOpts
	case "mv":
		spec = &lnOpts
	}
	hits, ops := scanOpts(args, spec)
	if has(hits, "help", "version") {
		return
	}
	files := w.opsOf(args, ops)
	rec := name == "mv" || has(hits, "r", "R", "recursive", "a", "archive")
	if name == "install" && has(hits, "d", "directory") {
		for _, f := range files {
			w.addWrite(c, idx, f, WriteMkdir, false)
		}
		return
	}
	kind := map[string]WriteKind{"cp": WriteCopy, "install": WriteCopy, "mv": WriteMove, "ln": WriteLink}[name]
	var sources []xword
	if t := values(hits, "t", "target-directory"); len(t) > 0 {
		dir := t[len(t)-1]
		sources = files
		if name == "ln" {
			for _, s := range files {
				dst := dir
				dst.Value = path.Join(dir.Value, path.Base(s.Value))
				dst.Known = dir.Known && s.Known
				w.addWrite(c, idx, dst, kind, false)
			}
		} else {
			w.addWrite(c, idx, dir, kind, rec)
		}
	} else {
		switch {
		case len(files) >= 2:
			sources = files[:len(files)-1]
			w.addWrite(c, idx, files[len(files)-1], kind, rec)
		case len(files) == 1 && name == "ln":
			// ln TARGET makes a link named after it in the current directory
			dst := files[0]
			dst.Value = path.Base(dst.Value)
			w.addWrite(c, idx, dst, kind, false)
		}
	}
	if name == "mv" {
		for _, s := range sources {
			w.addWrite(c, idx, s, WriteDelete, true)
		}
	}
}

// meta handles chmod, chown and chgrp: every operand after the mode or
// owner (or all with --reference).
func (w *walker) meta(c ctx, idx int, name string, args []xword) {
	var files []xword
	rec := false
	ref := false
	ended := false
	for _, a := range args {
		v := a.Value
		switch {
		case ended || !strings.HasPrefix(v, "-") || v == "-" || !a.Known:
			files = append(files, a)
		case v == "--":
			ended = true
		case strings.HasPrefix(v, "--"):
			if v == "--recursive" {
				rec = true
			}
			if strings.HasPrefix(v, "--reference") {
				ref = true
			}
		case name == "chmod" && strings.Trim(v[1:], "cfvR") != "":
			// a mode like -x or -w
			files = append(files, a)
		default:
			if strings.Contains(v, "R") {
				rec = true
			}
		}
	}
	if !ref && len(files) > 0 {
		files = files[1:]
	}
	for _, f := range files {
		w.addWrite(c, idx, f, WriteMeta, rec)
	}
}

// gitWrites handles the git subcommands that change working-tree files.
// The path is the repository directory (".", or -C DIR) joined with the
// pathspecs when they are given.
func (w *walker) gitWrites(c ctx, idx int, all []xword) {
	hits, ops := scanOpts(all, &gitGlobal)
	k := firstOp(all, ops)
	if k >= len(all) || !all[k].Known {
		return
	}
	e := w.plan.Execs[idx]
	repo := synth(".", e.Span)
	for _, d := range values(hits, "C") {
		if path.IsAbs(d.Value) {
			repo.Value = d.Value
		} else {
			repo.Value = path.Join(repo.Value, d.Value)
		}
		repo.Known = repo.Known && d.Known
		repo.Raw, repo.Span = d.Raw, d.Span
	}
	for _, d := range values(hits, "work-tree") {
		if path.IsAbs(d.Value) {
			repo.Value = d.Value
		} else {
			repo.Value = path.Join(repo.Value, d.Value)
		}
		repo.Known = repo.Known && d.Known
	}
	sub := all[k].Value
	args := all[k+1:]
	under := func(p xword) xword {
		out := p
		if !path.IsAbs(p.Value) {
			out.Value = path.Join(repo.Value, p.Value)
		}
		out.Known = p.Known && repo.Known && !strings.HasPrefix(p.Value, ":")
		return out
	}
	repoWrite := func(kind WriteKind) { w.addWrite(c, idx, repo, kind, true) }
	// pathspecs returns the operands after "--", or all operands.
	pathspecs := func(spec optSpec, afterDashOnly bool) ([]optHit, []xword) {
		for i, a := range args {
			if a.Known && a.Value == "--" {
				hits, _ := scanOpts(args[:i], &spec)
				return hits, args[i+1:]
			}
		}
		hits, ops := scanOpts(args, &spec)
		if afterDashOnly {
			return hits, nil
		}
		return hits, w.opsOf(args, ops)
	}
	switch sub {
	case "checkout":
		hits, ps := pathspecs(optSpec{short: "bBt", long: []string{"orphan", "conflict", "pathspec-from-file"}, permute: true}, true)
		if has(hits, "h", "help") {
			return
		}
		if len(ps) == 0 {
			repoWrite(WriteGit)
			return
		}
		for _, p := range ps {
			w.addWrite(c, idx, under(p), WriteGit, true)
		}
	case "switch":
		hits, _ := scanOpts(args, &optSpec{short: "cC", long: []string{"orphan", "conflict"}, permute: true})
		if has(hits, "f", "force", "discard-changes") {
			repoWrite(WriteGit)
		}
	case "restore":
		hits, ps := pathspecs(optSpec{short: "s", long: []string{"source", "conflict", "pathspec-from-file"}, permute: true}, false)
		if has(hits, "S", "staged") && !has(hits, "W", "worktree") {
			return
		}
		if len(ps) == 0 || has(hits, "pathspec-from-file") {
			repoWrite(WriteGit)
			return
		}
		for _, p := range ps {
			w.addWrite(c, idx, under(p), WriteGit, true)
		}
	case "reset":
		hits, _ := scanOpts(args, &optSpec{permute: true})
		if has(hits, "hard", "merge", "keep") {
			repoWrite(WriteGit)
		}
	case "clean":
		hits, _ := scanOpts(args, &optSpec{short: "e", long: []string{"exclude"}, permute: true})
		if !has(hits, "n", "dry-run") {
			repoWrite(WriteGit)
		}
	case "stash":
		s := ""
		if len(args) > 0 && !strings.HasPrefix(args[0].Value, "-") {
			s = args[0].Value
		}
		switch s {
		case "list", "show", "drop", "clear", "create", "store":
		default:
			repoWrite(WriteGit)
		}
	case "rm":
		hits, ps := pathspecs(optSpec{long: []string{"pathspec-from-file"}, permute: true}, false)
		if has(hits, "cached", "n", "dry-run") {
			return
		}
		rec := has(hits, "r")
		for _, p := range ps {
			w.addWrite(c, idx, under(p), WriteDelete, rec)
		}
	case "mv":
		hits, ops := scanOpts(args, &optSpec{permute: true})
		if has(hits, "n", "dry-run") {
			return
		}
		files := w.opsOf(args, ops)
		if len(files) >= 2 {
			w.addWrite(c, idx, under(files[len(files)-1]), WriteMove, true)
			for _, s := range files[:len(files)-1] {
				w.addWrite(c, idx, under(s), WriteDelete, true)
			}
		}
	}
}
