package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/rrsh/rrsh/internal/paths"
	"github.com/rrsh/rrsh/journal"
)

func init() {
	register("log", "show, filter, summarize (--stats) or verify (--verify) the audit journal", cmdLog)
	register("history", "list recent commands: decision, exit status, files changed", cmdHistory)
}

// maxLogWarnings bounds the "bad line" warnings one run prints.
const maxLogWarnings = 5

// logFilter selects journal events; the zero value selects all of them.
type logFilter struct {
	session  string          // exact, or a prefix of the session
	decision string          // tier of decision events
	rule     string          // exact or glob (path.Match) on decision events' rule
	since    time.Time       // events at or after
	path     string          // events that mention this path (or one under it)
	grep     string          // events with a string field containing this
	types    map[string]bool // event types
}

func (f *logFilter) match(e journal.Entry) bool {
	if f.session != "" && !strings.HasPrefix(e.Session, f.session) {
		return false
	}
	if f.types != nil && !f.types[e.Type] {
		return false
	}
	if f.decision != "" && (e.Type != journal.TypeDecision || e.Str("tier") != f.decision) {
		return false
	}
	if f.rule != "" {
		r := e.Str("rule")
		if e.Type != journal.TypeDecision {
			return false
		}
		if ok, _ := path.Match(f.rule, r); !ok && r != f.rule {
			return false
		}
	}
	if !f.since.IsZero() && e.TS.Before(f.since) {
		return false
	}
	if f.path != "" && !mentionsPath(e, f.path) {
		return false
	}
	if f.grep != "" && !anyString(e.Fields, func(s string) bool { return strings.Contains(s, f.grep) }) {
		return false
	}
	return true
}

// eventPaths lists the paths an event mentions.
func eventPaths(e journal.Entry) []string {
	switch e.Type {
	case journal.TypeDecision:
		return append(e.Strs("writes"), e.Str("cwd"))
	case journal.TypeExit:
		var out []string
		files, _ := e.Fields["files"].([]any)
		for _, f := range files {
			if m, ok := f.(map[string]any); ok {
				if p, ok := m["path"].(string); ok {
					out = append(out, p)
				}
			}
		}
		return out
	case journal.TypeRollback:
		return e.Strs("files")
	case journal.TypeHook:
		return []string{e.Str("target")}
	}
	return nil
}

// mentionsPath reports whether e mentions want, a path under it, or (for a
// relative want) a path ending in it.
func mentionsPath(e journal.Entry, want string) bool {
	want = filepath.Clean(want)
	for _, p := range eventPaths(e) {
		if p == "" {
			continue
		}
		p = filepath.Clean(p)
		if p == want || strings.HasPrefix(p, want+"/") || want == "/" ||
			(!filepath.IsAbs(want) && strings.HasSuffix(p, "/"+want)) {
			return true
		}
	}
	return false
}

func anyString(v any, fn func(string) bool) bool {
	switch v := v.(type) {
	case string:
		return fn(v)
	case []any:
		for _, x := range v {
			if anyString(x, fn) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if anyString(x, fn) {
				return true
			}
		}
	}
	return false
}

// parseSince accepts a duration back from now (90s, 1h, 2d) or an RFC 3339
// time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 {
			return now.AddDate(0, 0, -d), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("invalid --since %q (want a duration like 1h or 2d, or a time like 2026-12-03T10:00:00Z)", s)
}

func parseTierFlag(s string) (string, error) {
	switch s {
	case "allow", "approve", "block":
		return s, nil
	case "deny":
		return "block", nil
	case "ask":
		return "approve", nil
	}
	return "", fmt.Errorf("invalid --decision %q (want allow, approve or block)", s)
}

// logFlags parses flags for log and history; usage errors are printed and
// reported as exitUsage.
func logFlags(c *cli, name, usage string, args []string, define func(fs *flag.FlagSet)) (*flag.FlagSet, int, bool) {
	fs := flag.NewFlagSet("rrsh "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	define(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: rrsh %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return fs, 0, false
		}
		return fs, exitUsage, false
	}
	if fs.NArg() > 0 {
		c.errorf("%s: unexpected argument %q", name, fs.Arg(0))
		c.hintf("run rrsh %s -h for the flags", name)
		return fs, exitUsage, false
	}
	return fs, 0, true
}

// journalDir finds the journal, or prints why it cannot.
func (c *cli) journalDir(name string) (string, int, bool) {
	dir, err := paths.JournalDir(c.getenv)
	if err != nil {
		c.errorf("%s: cannot find the journal: %v", name, err)
		c.hintf("set XDG_STATE_HOME or HOME (or RRSH_STATE_DIR)")
		return "", exitConfig, false
	}
	return dir, 0, true
}

// readJournal calls fn for every readable entry. Unreadable lines are
// reported (a few of them) on stderr and skipped; an I/O error stops
// reading. It returns whether any line was seen and an exit status.
func (c *cli) readJournal(name, dir string, fn func(journal.Entry)) (seen bool, code int) {
	bad := 0
	for e, err := range journal.Read(dir) {
		var le *journal.LineError
		switch {
		case err == nil:
			seen = true
			fn(e)
		case errors.As(err, &le):
			seen = true
			bad++
			if bad <= maxLogWarnings {
				c.errorf("%s: skipping %s:%d: %s", name, le.File, le.Line, le.Reason)
			}
		default:
			c.errorf("%s: %v", name, err)
			return seen, exitState
		}
	}
	if bad > maxLogWarnings {
		c.errorf("%s: skipped %d more unreadable lines", name, bad-maxLogWarnings)
	}
	if bad > 0 {
		c.hintf("run rrsh log --verify to see where the journal is broken")
	}
	return seen, 0
}

func cmdLog(c *cli, args []string) int {
	var (
		f                      logFilter
		decision, since, types string
		limit                  int
		asJSON, verify, stats  bool
	)
	fs, code, ok := logFlags(c, "log", "[--session S] [--decision allow|approve|block] [--rule R] [--since 1h|TIME] [--path P] [--grep TEXT] [--type T] [--limit N] [--json] | --verify | --stats", args, func(fs *flag.FlagSet) {
		fs.StringVar(&f.session, "session", "", "only events of session `S` (or of sessions whose id starts with S)")
		fs.StringVar(&decision, "decision", "", "only decision events with tier `TIER`: allow, approve or block")
		fs.StringVar(&f.rule, "rule", "", "only decision events whose rule is `R` (a glob like 'blocklist:*' works)")
		fs.StringVar(&since, "since", "", "only events since `WHEN`: a duration ago (1h, 2d) or a time (2026-12-03T10:00:00Z)")
		fs.StringVar(&f.path, "path", "", "only events that mention path `P`, a path under it, or (if relative) a path ending in it")
		fs.StringVar(&f.grep, "grep", "", "only events with a string field containing `TEXT`")
		fs.StringVar(&types, "type", "", "only events of type `T` (comma-separated: decision,start,exit,approval,rollback,hook)")
		fs.IntVar(&limit, "limit", 0, "show only the last `N` matching events (0: all)")
		fs.BoolVar(&asJSON, "json", false, "print the matching journal lines as they are (JSON lines)")
		fs.BoolVar(&verify, "verify", false, "check the journal's hash chain and report the first broken line")
		fs.BoolVar(&stats, "stats", false, "count decisions per rule and per session, by tier")
	})
	if !ok {
		return code
	}
	if verify {
		n := 0
		fs.Visit(func(*flag.Flag) { n++ })
		if n > 1 {
			c.errorf("log: --verify checks the whole journal and takes no other flags")
			return exitUsage
		}
	}
	if verify && stats {
		c.errorf("log: use either --verify or --stats")
		return exitUsage
	}
	if decision != "" {
		t, err := parseTierFlag(decision)
		if err != nil {
			c.errorf("log: %v", err)
			return exitUsage
		}
		f.decision = t
	}
	if since != "" {
		t, err := parseSince(since, c.now())
		if err != nil {
			c.errorf("log: %v", err)
			return exitUsage
		}
		f.since = t
	}
	if types != "" {
		f.types = map[string]bool{}
		for _, t := range strings.Split(types, ",") {
			if t = strings.TrimSpace(t); t != "" {
				f.types[t] = true
			}
		}
	}
	if limit < 0 {
		c.errorf("log: --limit must be 0 or more")
		return exitUsage
	}
	dir, code, ok := c.journalDir("log")
	if !ok {
		return code
	}
	switch {
	case verify:
		return c.logVerify(dir)
	case stats:
		return c.logStats(dir, &f, asJSON)
	}

	var rows []journal.Entry
	seen, code := c.readJournal("log", dir, func(e journal.Entry) {
		if !f.match(e) {
			return
		}
		rows = append(rows, e)
		if limit > 0 && len(rows) > 2*limit {
			rows = append(rows[:0], rows[len(rows)-limit:]...)
		}
	})
	if limit > 0 && len(rows) > limit {
		rows = rows[len(rows)-limit:]
	}
	if !seen && code == 0 && !asJSON {
		fmt.Fprintln(c.stderr, "rrsh: no journal yet")
		return 0
	}
	if asJSON {
		for _, e := range rows {
			c.stdout.Write(append(e.Raw, '\n'))
		}
		return code
	}
	t := newLogTable(c, "TIME", "SESSION", "ID", "TYPE", "RESULT", "RULE", "COMMAND/PATH")
	for _, e := range rows {
		result, paint := eventResult(e)
		t.row([]string{
			e.TS.UTC().Format("2006-01-02T15:04:05Z"),
			shortID(e.Session),
			e.ID,
			e.Type,
			result,
			eventRule(e),
			eventSubject(e),
		}, map[int]string{4: paint})
	}
	t.flush()
	return code
}

// logVerify prints whether the chain is intact.
func (c *cli) logVerify(dir string) int {
	files, err := journal.Files(dir)
	if err != nil {
		c.errorf("log: %v", err)
		return exitState
	}
	if len(files) == 0 {
		fmt.Fprintln(c.stdout, "no journal yet")
		return 0
	}
	brk, err := journal.Verify(dir)
	if err != nil {
		c.errorf("log: %v", err)
		return exitState
	}
	if brk != nil {
		c.errorf("journal broken at %s:%d (seq %d): %s", brk.File, brk.Line, brk.Seq, brk.Reason)
		c.hintf("the lines before it are intact; the journal was changed outside rrsh (or a power loss cut it)")
		return 1
	}
	lines := 0
	for _, err := range journal.Read(dir) {
		if err != nil {
			c.errorf("log: %v", err)
			return exitState
		}
		lines++
	}
	fmt.Fprintf(c.stdout, "journal intact: %d lines, %d files\n", lines, len(files))
	return 0
}

// tierCounts counts decisions by tier.
type tierCounts struct {
	Allow   int `json:"allow"`
	Approve int `json:"approve"`
	Block   int `json:"block"`
	Total   int `json:"total"`
}

func (t *tierCounts) add(tier string) {
	switch tier {
	case "allow":
		t.Allow++
	case "approve":
		t.Approve++
	case "block":
		t.Block++
	}
	t.Total++
}

// logStats prints decisions per rule and per session, by tier.
func (c *cli) logStats(dir string, f *logFilter, asJSON bool) int {
	rules := map[string]*tierCounts{}
	sessions := map[string]*tierCounts{}
	var total tierCounts
	count := func(m map[string]*tierCounts, k, tier string) {
		if m[k] == nil {
			m[k] = &tierCounts{}
		}
		m[k].add(tier)
	}
	seen, code := c.readJournal("log", dir, func(e journal.Entry) {
		if e.Type != journal.TypeDecision || !f.match(e) {
			return
		}
		tier := e.Str("tier")
		count(rules, e.Str("rule"), tier)
		count(sessions, e.Session, tier)
		total.add(tier)
	})
	if code != 0 {
		return code
	}
	if asJSON {
		b, _ := json.Marshal(struct {
			Rules    map[string]*tierCounts `json:"rules"`
			Sessions map[string]*tierCounts `json:"sessions"`
			Total    tierCounts             `json:"total"`
		}{rules, sessions, total})
		fmt.Fprintf(c.stdout, "%s\n", b)
		return 0
	}
	if !seen {
		fmt.Fprintln(c.stderr, "rrsh: no journal yet")
		return 0
	}
	section := func(title string, m map[string]*tierCounts) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool {
			if m[keys[a]].Total != m[keys[b]].Total {
				return m[keys[a]].Total > m[keys[b]].Total
			}
			return keys[a] < keys[b]
		})
		t := newLogTable(c, title, "ALLOW", "APPROVE", "BLOCK", "TOTAL")
		for _, k := range keys {
			n := m[k]
			if k == "" {
				k = "(none)"
			}
			t.row([]string{k, strconv.Itoa(n.Allow), strconv.Itoa(n.Approve), strconv.Itoa(n.Block), strconv.Itoa(n.Total)}, nil)
		}
		t.flush()
		fmt.Fprintln(c.stdout)
	}
	section("RULE", rules)
	section("SESSION", sessions)
	fmt.Fprintf(c.stdout, "total: %d decisions: %d allow, %d approve, %d block\n", total.Total, total.Allow, total.Approve, total.Block)
	return 0
}

// histCmd is one command as history shows it.
type histCmd struct {
	Session  string    `json:"session"`
	ID       string    `json:"id"`
	TS       time.Time `json:"ts"`
	Decision string    `json:"decision"`
	Rule     string    `json:"rule"`
	Approval string    `json:"approval,omitempty"` // granted | denied
	Status   *int      `json:"status"`             // nil: did not run, or no exit recorded
	Signal   string    `json:"signal,omitempty"`
	Files    *int      `json:"files"` // files changed (known write targets whose content changed)
	Command  string    `json:"command"`
}

func cmdHistory(c *cli, args []string) int {
	var (
		session string
		limit   int
		asJSON  bool
	)
	_, code, ok := logFlags(c, "history", "[--limit N] [--session S] [--json]", args, func(fs *flag.FlagSet) {
		fs.IntVar(&limit, "limit", 20, "show the last `N` commands (0: all)")
		fs.StringVar(&session, "session", "", "only commands of session `S` (or of sessions whose id starts with S)")
		fs.BoolVar(&asJSON, "json", false, "print one JSON object per command")
	})
	if !ok {
		return code
	}
	if limit < 0 {
		c.errorf("history: --limit must be 0 or more")
		return exitUsage
	}
	dir, code, ok := c.journalDir("history")
	if !ok {
		return code
	}
	var cmds []*histCmd
	byKey := map[[2]string]*histCmd{}
	seen, code := c.readJournal("history", dir, func(e journal.Entry) {
		if session != "" && !strings.HasPrefix(e.Session, session) {
			return
		}
		key := [2]string{e.Session, e.ID}
		if e.Type == journal.TypeDecision {
			h := &histCmd{Session: e.Session, ID: e.ID, TS: e.TS, Decision: e.Str("tier"), Rule: e.Str("rule"), Command: e.Str("command")}
			cmds = append(cmds, h)
			byKey[key] = h
			return
		}
		h := byKey[key]
		if h == nil {
			return
		}
		switch e.Type {
		case journal.TypeApproval:
			h.Approval = "denied"
			if granted, _ := e.Fields["granted"].(bool); granted {
				h.Approval = "granted"
			}
		case journal.TypeExit:
			st := int(e.Int("status"))
			h.Status = &st
			h.Signal = e.Str("signal")
			n := changedFiles(e)
			h.Files = &n
		}
	})
	if limit > 0 && len(cmds) > limit {
		cmds = cmds[len(cmds)-limit:]
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetEscapeHTML(false)
		for _, h := range cmds {
			enc.Encode(h)
		}
		return code
	}
	if !seen && code == 0 {
		fmt.Fprintln(c.stderr, "rrsh: no journal yet")
		return 0
	}
	t := newLogTable(c, "ID", "TIME", "DECISION", "EXIT", "FILES", "COMMAND")
	for _, h := range cmds {
		dec := h.Decision
		if h.Approval != "" {
			dec += " (" + h.Approval + ")"
		}
		exit, files := "-", "-"
		if h.Status != nil {
			exit = strconv.Itoa(*h.Status)
			if h.Signal != "" {
				exit += " " + h.Signal
			}
		}
		if h.Files != nil {
			files = strconv.Itoa(*h.Files)
		}
		t.row([]string{h.ID, h.TS.UTC().Format("2006-01-02T15:04:05Z"), dec, exit, files, logOneLine(h.Command, 100)},
			map[int]string{2: tierPaint(h.Decision)})
	}
	t.flush()
	return code
}

// changedFiles counts the files of an exit event whose existence or content
// changed, plus those cut from the event.
func changedFiles(e journal.Entry) int {
	n := int(e.Int("files_omitted"))
	files, _ := e.Fields["files"].([]any)
	for _, f := range files {
		m, _ := f.(map[string]any)
		if m == nil {
			continue
		}
		if m["pre_exists"] != m["post_exists"] || m["pre_sha256"] != m["post_sha256"] || m["pre_size"] != m["post_size"] {
			n++
		}
	}
	return n
}

// eventResult is the RESULT column, and its colour.
func eventResult(e journal.Entry) (string, string) {
	switch e.Type {
	case journal.TypeDecision:
		t := e.Str("tier")
		return t, tierPaint(t)
	case journal.TypeStart:
		return "pid " + strconv.FormatInt(e.Int("pid"), 10), ""
	case journal.TypeExit:
		s := "exit " + strconv.FormatInt(e.Int("status"), 10)
		if sig := e.Str("signal"); sig != "" {
			s += " " + sig
		}
		return s, ""
	case journal.TypeApproval:
		if g, _ := e.Fields["granted"].(bool); g {
			return "granted", tierPaint("allow")
		}
		return "denied", tierPaint("block")
	case journal.TypeRollback:
		return fmt.Sprintf("restored %d, removed %d", e.Int("restored"), e.Int("removed")), ""
	case journal.TypeHook:
		return e.Str("decision"), ""
	}
	return "", ""
}

func eventRule(e journal.Entry) string {
	switch e.Type {
	case journal.TypeDecision:
		return e.Str("rule")
	case journal.TypeApproval:
		return e.Str("channel")
	case journal.TypeHook:
		return e.Str("agent") + ":" + e.Str("tool")
	}
	return ""
}

func eventSubject(e journal.Entry) string {
	switch e.Type {
	case journal.TypeDecision:
		return logOneLine(e.Str("command"), 100)
	case journal.TypeStart:
		return logOneLine(strings.Join(e.Strs("argv"), " "), 100)
	case journal.TypeExit:
		ps := eventPaths(e)
		n := len(ps) + int(e.Int("files_omitted"))
		switch {
		case n == 0:
			return ""
		case n == 1:
			return logOneLine(ps[0], 100)
		}
		return logOneLine(fmt.Sprintf("%d files: %s", n, strings.Join(ps, " ")), 100)
	case journal.TypeApproval:
		return logOneLine(e.Str("reason"), 100)
	case journal.TypeRollback:
		return logOneLine(e.Str("target"), 100)
	case journal.TypeHook:
		return logOneLine(e.Str("target"), 100)
	}
	return ""
}

// shortID shortens a session id for the table.
func shortID(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// logOneLine makes s printable on one table row: control characters
// (newlines, escapes an agent could use to mislead a terminal) are shown
// escaped, and s is cut to n runes.
func logOneLine(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString("⏎")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		default:
			b.WriteRune(r)
		}
	}
	s = b.String()
	if utf8.RuneCountInString(s) > n {
		rs := []rune(s)
		return string(rs[:n]) + "…"
	}
	return s
}

const (
	ansiGreen  = "\x1b[1;32m"
	ansiYellow = "\x1b[1;33m"
	ansiRed    = "\x1b[1;31m"
	ansiReset  = "\x1b[0m"
)

func tierPaint(tier string) string {
	switch tier {
	case "allow":
		return ansiGreen
	case "approve":
		return ansiYellow
	case "block":
		return ansiRed
	}
	return ""
}

// logTable prints aligned columns; colour codes are added after padding so
// they do not upset the alignment.
type logTable struct {
	w      io.Writer
	color  bool
	header []string
	rows   [][]string
	paints []map[int]string
}

func newLogTable(c *cli, header ...string) *logTable {
	color := false
	if f, ok := c.stdout.(*os.File); ok && c.getenv("NO_COLOR") == "" {
		color = term.IsTerminal(int(f.Fd()))
	}
	return &logTable{w: c.stdout, color: color, header: header}
}

func (t *logTable) row(cells []string, paint map[int]string) {
	t.rows = append(t.rows, cells)
	t.paints = append(t.paints, paint)
}

func (t *logTable) flush() {
	if len(t.rows) == 0 {
		return
	}
	width := make([]int, len(t.header))
	for _, r := range append([][]string{t.header}, t.rows...) {
		for i, cell := range r {
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	line := func(cells []string, paint map[int]string) {
		var b strings.Builder
		for i, cell := range cells {
			pad := ""
			if i < len(cells)-1 {
				pad = strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell)+2)
			}
			if p := paint[i]; p != "" && t.color && cell != "" {
				cell = p + cell + ansiReset
			}
			b.WriteString(cell)
			b.WriteString(pad)
		}
		fmt.Fprintln(t.w, strings.TrimRight(b.String(), " "))
	}
	line(t.header, nil)
	for i, r := range t.rows {
		line(r, t.paints[i])
	}
}
