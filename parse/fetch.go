package parse

import (
	"path"
	"strings"
)

var (
	curlOpts = optSpec{short: "oDcdHXuAeEbCFKmrTUwxYyztPQ", long: []string{"output", "output-dir", "dump-header",
		"cookie-jar", "trace", "trace-ascii", "stderr", "libcurl", "etag-save", "hsts", "alt-svc", "data",
		"data-raw", "data-binary", "data-urlencode", "header", "request", "user", "user-agent", "referer",
		"cert", "cookie", "continue-at", "form", "config", "max-time", "range", "upload-file", "proxy-user",
		"write-out", "proxy", "speed-limit", "speed-time", "time-cond", "telnet-option", "ftp-port", "quote",
		"connect-timeout", "retry", "retry-delay", "retry-max-time", "max-filesize", "resolve", "connect-to",
		"cacert", "capath", "key", "pass", "url", "json"}, permute: true}
	wgetOpts = optSpec{short: "OoaPtTwQUeiBlAR", long: []string{"output-document", "output-file", "append-output",
		"directory-prefix", "tries", "timeout", "wait", "quota", "user-agent", "execute", "input-file", "base",
		"level", "accept", "reject", "user", "password", "header", "post-data", "post-file", "load-cookies",
		"save-cookies", "referer", "limit-rate", "domains", "exclude-domains", "include-directories",
		"exclude-directories", "cut-dirs", "default-page", "adjust-extension", "ca-certificate", "certificate",
		"private-key"}, permute: true}
	rsyncOpts = optSpec{short: "eBfTM", long: []string{"rsh", "rsync-path", "filter", "exclude", "include",
		"exclude-from", "include-from", "files-from", "temp-dir", "compare-dest", "copy-dest", "link-dest",
		"backup-dir", "suffix", "chmod", "chown", "usermap", "groupmap", "log-file", "log-file-format",
		"password-file", "port", "sockopts", "out-format", "partial-dir", "timeout", "contimeout",
		"max-size", "min-size", "max-delete", "bwlimit", "compress-choice", "compress-level",
		"checksum-choice", "iconv", "remote-option", "info", "debug", "outbuf", "block-size", "modify-window"},
		permute: true}
)

// fetchWrites lists the local files curl, wget and rsync write: curl -o
// (in --output-dir), -D, -c, --trace…; wget -O, its log (-o, -a) and
// -P's directory; rsync's destination (recursive with -r or -a), when it
// is not on another host. "-" (standard output) is not a file.
func (w *walker) fetchWrites(c ctx, idx int, name string, args []xword) {
	file := func(x xword, kind WriteKind) {
		if x.Known && x.Value == "-" {
			return
		}
		w.addWrite(c, idx, x, kind, false)
	}
	switch name {
	case "curl":
		hits, _ := scanOpts(args, &curlOpts)
		dir := values(hits, "output-dir")
		for _, h := range hits {
			if h.val == nil {
				continue
			}
			switch h.name {
			case "o", "output":
				x := *h.val
				if len(dir) > 0 && x.Known && !strings.HasPrefix(x.Value, "/") {
					d := dir[len(dir)-1]
					x.Value, x.Known = path.Join(d.Value, x.Value), d.Known
				}
				file(x, WriteRedirect)
			case "D", "dump-header", "c", "cookie-jar", "trace", "trace-ascii", "stderr", "libcurl", "etag-save":
				file(*h.val, WriteRedirect)
			}
		}
	case "wget":
		hits, _ := scanOpts(args, &wgetOpts)
		for _, h := range hits {
			if h.val == nil {
				continue
			}
			switch h.name {
			case "O", "output-document", "o", "output-file":
				file(*h.val, WriteRedirect)
			case "a", "append-output":
				file(*h.val, WriteAppend)
			case "P", "directory-prefix":
				file(*h.val, WriteMkdir)
			}
		}
	case "rsync":
		hits, ops := scanOpts(args, &rsyncOpts)
		if len(ops) < 2 {
			return
		}
		dst := args[ops[len(ops)-1]]
		if remotePath(dst) {
			return
		}
		w.addWrite(c, idx, dst, WriteCopy, has(hits, "r", "a", "recursive", "archive"))
	}
}

// remotePath reports whether an rsync or scp operand names another host
// (host:path, user@host:path, rsync://…). A word not known statically may.
func remotePath(x xword) bool {
	if !x.Known {
		return false // an unknown local path is still listed, as unknown
	}
	v := x.Value
	if strings.HasPrefix(v, "rsync://") {
		return true
	}
	i := strings.IndexByte(v, ':')
	return i > 0 && !strings.Contains(v[:i], "/")
}
