//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sys/unix"

	"github.com/rrsh/rrsh/internal/agents"
)

// realRRSH builds the rrsh binary once for the tests that need the real
// program under its real names (a link named bash, a shim on PATH), which
// the testscript copies of the test binary cannot provide: they choose
// what to run by their own name.
func realRRSH(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds rrsh; skipped with -short")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skipf("no go tool to build rrsh: %v", err)
		}
	}
	out := filepath.Join(t.TempDir(), "bin", "rrsh")
	cmd := exec.Command(gobin, "build", "-o", out, ".")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// e2eEnv is an explicit environment for the real binary: nothing from the
// developer's HOME, no sandbox marker of the machine the test runs on.
type e2eEnv struct {
	t    *testing.T
	dir  string
	home string
	proj string
	vars map[string]string
}

func newE2E(t *testing.T) *e2eEnv {
	dir := t.TempDir()
	e := &e2eEnv{t: t, dir: dir, home: filepath.Join(dir, "home"), proj: filepath.Join(dir, "project")}
	e.vars = map[string]string{
		"HOME":            e.home,
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"TMPDIR":          filepath.Join(dir, "tmp"),
		"PATH":            "/usr/local/bin:/usr/bin:/bin",
		"NO_COLOR":        "1",
	}
	for _, d := range []string{e.home, e.proj, e.vars["TMPDIR"], filepath.Join(e.proj, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *e2eEnv) environ(extra ...string) []string {
	var env []string
	for k, v := range e.vars {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// run runs argv in the project directory and returns stdout, stderr and
// the exit status.
func (e *e2eEnv) run(stdin string, env []string, argv ...string) (string, string, int) {
	e.t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = e.proj
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			e.t.Fatalf("%v: %v", argv, err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errb.String(), code
}

func needJail(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("bwrap"); err != nil {
		if os.Getenv("RRSH_REQUIRE_JAIL") != "" {
			t.Fatalf("RRSH_REQUIRE_JAIL is set but bwrap is missing: %v", err)
		}
		t.Skip("needs bwrap")
	}
}

// TestInstallEndToEnd installs the real rrsh for Claude Code and uses it
// the way Claude Code 2.1.197 does: it accepts CLAUDE_CODE_SHELL only when
// the path contains bash or zsh and is executable, runs its wrapper with
// it, and runs the hook command with /bin/sh, the tool call's JSON on
// stdin.
func TestInstallEndToEnd(t *testing.T) {
	needJail(t)
	rrsh := realRRSH(t)
	e := newE2E(t)
	if err := os.WriteFile(filepath.Join(e.proj, "railroad.yaml"),
		[]byte("blocklist: [\"rm -rf\"]\napprove: [touch]\ndefault: allow\napproval: {timeout: 1s}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	out, errs, code := e.run("", e.environ(), rrsh, "install", "claude")
	if code != 0 {
		t.Fatalf("install: %d %s %s", code, out, errs)
	}
	var settings struct {
		Env   map[string]string `json:"env"`
		Hooks struct {
			PreToolUse []struct {
				Matcher string `json:"matcher"`
				Hooks   []struct {
					Type, Command string
				} `json:"hooks"`
			} `json:"PreToolUse"`
		} `json:"hooks"`
	}
	b, err := os.ReadFile(filepath.Join(e.home, ".claude", "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &settings); err != nil {
		t.Fatal(err)
	}
	shellPath := settings.Env["CLAUDE_CODE_SHELL"]
	// Claude Code's own test of the setting (I$p in cli.js).
	if !strings.Contains(shellPath, "bash") || unix.Access(shellPath, unix.X_OK) != nil {
		t.Fatalf("Claude Code would ignore CLAUDE_CODE_SHELL=%q", shellPath)
	}
	if len(settings.Hooks.PreToolUse) != 1 || len(settings.Hooks.PreToolUse[0].Hooks) != 1 {
		t.Fatalf("hooks: %s", b)
	}
	hook := settings.Hooks.PreToolUse[0].Hooks[0].Command

	claude := e.environ("CLAUDECODE=1", "CLAUDE_CODE_SESSION_ID=5b2e7d0c-claude")
	if out, _, code := e.run("", claude, shellPath, "--version"); code != 0 || !strings.Contains(out, "GNU bash") {
		t.Fatalf("--version: %d %q", code, out)
	}
	wrapper := func(cmd string) string {
		return "shopt -u extglob 2>/dev/null || true && eval '" + strings.ReplaceAll(cmd, "'", `'"'"'`) +
			"' < /dev/null && pwd -P >| " + filepath.Join(e.vars["TMPDIR"], "claude-e2e-cwd")
	}
	if out, errs, code := e.run("", claude, shellPath, "-c", wrapper("echo hi from claude; echo jailed=$RRSH_JAILED")); code != 0 || out != "hi from claude\njailed=1\n" {
		t.Errorf("allowed command: %d %q %q", code, out, errs)
	}
	if err := os.MkdirAll(filepath.Join(e.proj, "victim"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := e.run("", claude, shellPath, "-c", wrapper("touch marker; rm -rf victim")); code != 77 || !strings.Contains(errs, "rrsh: blocked: ") {
		t.Errorf("blocked command: %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(e.proj, "marker")); err == nil {
		t.Error("part of a blocked command ran")
	}

	// The hook, run as Claude Code runs it, then the approved command once.
	in := `{"session_id":"5b2e7d0c-claude","transcript_path":"/t.jsonl","cwd":"` + e.proj + `","permission_mode":"default",` +
		`"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"touch granted"},"tool_use_id":"toolu_e2e"}`
	out, errs, code = e.run(in, e.environ(), "/bin/sh", "-c", hook)
	if code != 0 || !strings.Contains(out, `"permissionDecision":"ask"`) {
		t.Fatalf("hook: %d %q %q", code, out, errs)
	}
	if _, errs, code := e.run("", claude, shellPath, "-c", wrapper("touch granted")); code != 0 {
		t.Fatalf("granted command: %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(e.proj, "granted")); err != nil {
		t.Error("the granted command did not run")
	}
	if _, _, code := e.run("", claude, shellPath, "-c", wrapper("touch granted-again")); code != 75 {
		t.Errorf("a command without a grant: exit %d, want 75 (approval timed out)", code)
	}

	out, errs, code = e.run("", e.environ(), rrsh, "uninstall", "claude")
	if code != 0 {
		t.Fatalf("uninstall: %d %s %s", code, out, errs)
	}
	if _, err := os.Lstat(shellPath); !os.IsNotExist(err) {
		t.Errorf("the entry point is still there: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(e.home, ".claude", "settings.json")); string(b) != "{}\n" {
		t.Errorf("settings after uninstall: %s", b)
	}
}

// TestShimDirEndToEnd puts the real shim directory first on PATH and runs
// Gemini CLI's wrapper with `bash` looked up there, as Gemini CLI does.
func TestShimDirEndToEnd(t *testing.T) {
	needJail(t)
	rrsh := realRRSH(t)
	e := newE2E(t)
	if err := os.WriteFile(filepath.Join(e.proj, "railroad.yaml"), []byte("blocklist: [\"rm -rf\"]\ndefault: allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := e.run("", e.environ(), rrsh, "shim-dir", "--create")
	dir := strings.TrimSpace(out)
	if code != 0 || dir != filepath.Join(e.home, ".local", "share", "rrsh", "shims") {
		t.Fatalf("shim-dir --create: %d %q %q", code, out, errs)
	}
	env := e.environ()
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + dir + ":" + e.vars["PATH"]
		}
	}
	env = append(env, "GEMINI_CLI=1")
	gemini := func(cmd string) string {
		return "shopt -u promptvars nullglob extglob nocaseglob dotglob; { " + cmd + "; }; __code=$?; pgrep -g 0 >" +
			filepath.Join(e.vars["TMPDIR"], "shell_pgrep_0a1b2c3d4e5f.tmp") + " 2>&1; exit $__code;"
	}
	// /usr/bin/env looks bash up on PATH, like Node's spawn('bash', …).
	out, errs, code = e.run("", env, "/usr/bin/env", "bash", "-c", gemini("echo jailed=$RRSH_JAILED; bash --version | head -1"))
	if code != 0 || !strings.Contains(out, "jailed=1\n") || !strings.Contains(out, "GNU bash") {
		t.Errorf("through the shim: %d %q %q", code, out, errs)
	}
	if _, errs, code := e.run("", env, "/usr/bin/env", "bash", "-c", gemini("touch marker; rm -rf x")); code != 77 || !strings.Contains(errs, "rrsh: blocked") {
		t.Errorf("blocked through the shim: %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(e.proj, "marker")); err == nil {
		t.Error("part of a blocked command ran")
	}
}

// TestIntegrationExamples runs the files in examples/integrations with the
// real rrsh, the way each client would.
func TestIntegrationExamples(t *testing.T) {
	needJail(t)
	rrsh := realRRSH(t)
	ex, err := filepath.Abs(filepath.Join("..", "..", "examples", "integrations"))
	if err != nil {
		t.Fatal(err)
	}
	withRRSH := func(e *e2eEnv, extra ...string) []string {
		env := e.environ(extra...)
		for i, kv := range env {
			if strings.HasPrefix(kv, "PATH=") {
				env[i] = "PATH=" + filepath.Dir(rrsh) + ":" + e.vars["PATH"]
			}
		}
		return env
	}

	t.Run("Makefile", func(t *testing.T) {
		if _, err := exec.LookPath("make"); err != nil {
			t.Skip("needs make")
		}
		e := newE2E(t)
		// One session for the three make runs, as one CI job or one
		// terminal is; otherwise each make (the parent) is a session of its
		// own and make clean conflicts with the build before it.
		e.vars["RRSH_SESSION"] = "make-example"
		mk := filepath.Join(ex, "Makefile")
		want, errs, code := e.run("", withRRSH(e), "make", "-s", "-f", mk, "SHELL=bash")
		if code != 0 {
			t.Fatalf("make with bash: %d %s", code, errs)
		}
		if err := os.RemoveAll(filepath.Join(e.proj, "build")); err != nil {
			t.Fatal(err)
		}
		got, errs, code := e.run("", withRRSH(e), "make", "-s", "-f", mk)
		if code != 0 || got != want || !strings.Contains(got, "checking project: ") {
			t.Fatalf("make with rrsh: %d %q (bash: %q) %s", code, got, want, errs)
		}
		if _, errs, code := e.run("", withRRSH(e), "make", "-s", "-f", mk, "clean"); code != 0 {
			t.Fatalf("make clean: %d %s", code, errs)
		}
		if _, err := os.Stat(filepath.Join(e.proj, "build")); !os.IsNotExist(err) {
			t.Errorf("make clean left build/: %v", err)
		}
	})

	t.Run("gemini.sh", func(t *testing.T) {
		e := newE2E(t)
		fake := filepath.Join(e.dir, "fakebin")
		if err := os.MkdirAll(fake, 0o755); err != nil {
			t.Fatal(err)
		}
		// A stand-in for gemini that runs a command the way Gemini CLI does.
		script := "#!/bin/sh\nexec bash -c 'shopt -u promptvars nullglob extglob nocaseglob dotglob; { echo jailed=$RRSH_JAILED; }; __code=$?; exit $__code;'\n"
		if err := os.WriteFile(filepath.Join(fake, "gemini"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		env := withRRSH(e)
		for i, kv := range env {
			if strings.HasPrefix(kv, "PATH=") {
				env[i] = "PATH=" + fake + ":" + strings.TrimPrefix(kv, "PATH=")
			}
		}
		out, errs, code := e.run("", env, "/bin/sh", filepath.Join(ex, "gemini.sh"))
		if code != 0 || out != "jailed=1\n" {
			t.Errorf("gemini.sh: %d %q %q", code, out, errs)
		}
	})

	t.Run("codex-login-shell.sh", func(t *testing.T) {
		e := newE2E(t)
		out, errs, code := e.run("", e.environ(), "/bin/sh", filepath.Join(ex, "codex-login-shell.sh"))
		entry := filepath.Join(e.home, ".local", "share", "rrsh", "bin", "bash")
		if code != 0 || !strings.Contains(out, "+ chsh -s "+entry+"\n") || !strings.Contains(out, "'"+entry+"' >> /etc/shells") {
			t.Errorf("codex-login-shell.sh (dry run): %d %q %q", code, out, errs)
		}
	})

	t.Run("github-actions.yml", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(ex, "github-actions.yml"))
		if err != nil {
			t.Fatal(err)
		}
		type step struct {
			Name            string `yaml:"name"`
			Uses            string `yaml:"uses"`
			Shell           string `yaml:"shell"`
			Run             string `yaml:"run"`
			ContinueOnError bool   `yaml:"continue-on-error"`
		}
		var wf struct {
			Jobs map[string]struct {
				Defaults struct {
					Run struct {
						Shell string `yaml:"shell"`
					} `yaml:"run"`
				} `yaml:"defaults"`
				Steps []step `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(b, &wf); err != nil {
			t.Fatal(err)
		}
		ran := 0
		for _, job := range wf.Jobs {
			for _, st := range job.Steps {
				sh := st.Shell
				if sh == "" {
					sh = job.Defaults.Run.Shell
				}
				if st.Run == "" || !strings.HasPrefix(sh, "rrsh ") {
					continue
				}
				e := newE2E(t)
				file := filepath.Join(e.dir, "_temp", "step.sh")
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(st.Run), 0o644); err != nil {
					t.Fatal(err)
				}
				argv := strings.Fields(strings.ReplaceAll(sh, "{0}", file))
				argv[0] = rrsh
				out, errs, code := e.run("", withRRSH(e, "CI=true", "GITHUB_ACTIONS=true"), argv...)
				switch {
				case st.ContinueOnError && (code != 77 || !strings.Contains(errs, "rrsh: blocked: ")):
					t.Errorf("step %q: %d %q, want blocked", st.Name, code, errs)
				case !st.ContinueOnError && code != 0:
					t.Errorf("step %q: %d %q %q", st.Name, code, out, errs)
				}
				ran++
			}
		}
		if ran < 3 {
			t.Errorf("ran %d steps through rrsh", ran)
		}
	})

	t.Run("gitlab-ci.yml", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(ex, "gitlab-ci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var ci map[string]struct {
			Script []string `yaml:"script"`
		}
		if err := yaml.Unmarshal(b, &ci); err != nil {
			t.Fatal(err)
		}
		e := newE2E(t)
		script := strings.Join(ci["test"].Script, "\n") + "\n"
		out, errs, code := e.run(script, withRRSH(e, "CI=true", "GITLAB_CI=true", "CI_JOB_NAME=test"), rrsh, "-l")
		if code != 0 || !strings.Contains(out, "job test in project") {
			t.Errorf("job: %d %q %q", code, out, errs)
		}
		conf, err := os.ReadFile(filepath.Join(ex, "gitlab-runner.service.d", "rrsh.conf"))
		if err != nil {
			t.Fatal(err)
		}
		shims, _ := agents.ShimDir("/home/gitlab-runner")
		if !strings.Contains(string(conf), `Environment="PATH=`+shims+":") {
			t.Errorf("rrsh.conf does not put %s first on PATH", shims)
		}
	})
}
