package agents

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// agentSDKVersion is the @anthropic-ai/claude-agent-sdk release whose type
// declarations TestClaudeSchema checks rrsh against (it ships Claude
// Code's hook and tool input types). RRSH_AGENT_SDK_VERSION overrides it
// ("latest" checks the newest release).
const agentSDKVersion = "0.3.335"

// TestClaudeSchema checks the field names rrsh reads and writes against
// the types Anthropic publishes: the hook input, the hook answer, the
// permission modes and the tool inputs. It downloads the package with npm
// (or reads an unpacked one from RRSH_AGENT_SDK_DIR) and skips when it
// cannot, unless RRSH_REQUIRE_AGENTS=1.
func TestClaudeSchema(t *testing.T) {
	dir := os.Getenv("RRSH_AGENT_SDK_DIR")
	if dir == "" {
		dir = packAgentSDK(t)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sdk, tools := read("sdk.d.ts"), read("sdk-tools.d.ts")

	// Every field rrsh decodes from the hook input is declared.
	declared := tsFields(t, sdk, "export declare type BaseHookInput = {")
	for k := range tsFields(t, sdk, "export declare type PreToolUseHookInput = BaseHookInput & {") {
		declared[k] = true
	}
	for _, tag := range jsonTags(reflect.TypeOf(PreToolUse{})) {
		if !declared[tag] {
			t.Errorf("PreToolUse field %q is not in the SDK's PreToolUseHookInput (fields: %v)", tag, keys(declared))
		}
	}
	// The answer's fields and decisions.
	out := tsFields(t, sdk, "export declare type PreToolUseHookSpecificOutput = {")
	for _, f := range []string{"hookEventName", "permissionDecision", "permissionDecisionReason"} {
		if !out[f] {
			t.Errorf("PreToolUseHookSpecificOutput has no %s (fields: %v)", f, keys(out))
		}
	}
	if !strings.Contains(sdk, "hookSpecificOutput?: ") {
		t.Error("the SDK's hook output has no hookSpecificOutput")
	}
	decisions := tsUnion(t, sdk, "HookPermissionDecision")
	for _, d := range []string{"allow", "deny", "ask"} {
		if !decisions[d] {
			t.Errorf("HookPermissionDecision lacks %q: %v", d, keys(decisions))
		}
	}
	// Every permission mode is classified on purpose: a new mode must be
	// looked at before rrsh trusts "ask" in it.
	notPrompting := map[string]bool{"bypassPermissions": true, "dontAsk": true, "auto": true}
	for m := range tsUnion(t, sdk, "PermissionMode") {
		if !PromptsOnAsk(m) && !notPrompting[m] {
			t.Errorf("permission mode %q is new: decide whether Claude Code shows its dialog for a hook's ask in it (PromptsOnAsk)", m)
		}
	}
	// The tool inputs rrsh reads.
	for iface, field := range map[string]string{
		"BashInput": "command", "FileEditInput": "file_path", "FileWriteInput": "file_path", "NotebookEditInput": "notebook_path",
	} {
		if !tsFields(t, tools, "export interface "+iface+" {")[field] {
			t.Errorf("%s has no %s", iface, field)
		}
	}
}

// packAgentSDK downloads and unpacks the SDK with npm, into a temporary
// directory, with npm's home and cache there too.
func packAgentSDK(t *testing.T) string {
	require := os.Getenv("RRSH_REQUIRE_AGENTS") == "1"
	skip := func(format string, args ...any) {
		t.Helper()
		if require {
			t.Fatalf("RRSH_REQUIRE_AGENTS=1: "+format, args...)
		}
		t.Skipf(format, args...)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		skip("npm is not installed: %v", err)
	}
	version := agentSDKVersion
	if v := os.Getenv("RRSH_AGENT_SDK_VERSION"); v != "" {
		version = v
	}
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "pack", "@anthropic-ai/claude-agent-sdk@"+version, "--silent", "--pack-destination", tmp)
	cmd.Dir = tmp
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "npm_config_cache=" + filepath.Join(tmp, "cache"),
		"npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false"}
	for _, k := range []string{"npm_config_registry", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	outb, err := cmd.CombinedOutput()
	if err != nil {
		skip("npm pack failed (no network?): %v: %s", err, outb)
	}
	tgz := strings.TrimSpace(string(outb))
	if i := strings.LastIndexByte(tgz, '\n'); i >= 0 {
		tgz = tgz[i+1:]
	}
	f, err := os.Open(filepath.Join(tmp, tgz))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	dir := filepath.Join(tmp, "package")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if name != "sdk.d.ts" && name != "sdk-tools.d.ts" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 16<<20))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	tsComment = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
	tsField   = regexp.MustCompile(`^\s*"?([A-Za-z_$][\w$-]*)"?\??\s*:`)
)

// tsFields lists the top-level field names of the TypeScript object type
// that starts with header.
func tsFields(t *testing.T, src, header string) map[string]bool {
	t.Helper()
	i := strings.Index(src, header)
	if i < 0 {
		t.Fatalf("no %q in the declarations", header)
	}
	body := src[i+len(header):]
	depth, end := 1, -1
	for j, r := range body {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 {
			end = j
			break
		}
	}
	if end < 0 {
		t.Fatalf("unterminated %q", header)
	}
	body = tsComment.ReplaceAllString(body[:end], "")
	out := map[string]bool{}
	depth = 0
	for _, line := range strings.Split(body, "\n") {
		if depth == 0 {
			if m := tsField.FindStringSubmatch(line); m != nil {
				out[m[1]] = true
			}
		}
		depth += strings.Count(line, "{") - strings.Count(line, "}")
	}
	return out
}

// tsUnion lists the string literals of `export declare type NAME = 'a' | 'b';`.
func tsUnion(t *testing.T, src, name string) map[string]bool {
	t.Helper()
	re := regexp.MustCompile(`export declare type ` + name + ` = ([^;]*);`)
	m := re.FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("no type %s", name)
	}
	out := map[string]bool{}
	for _, lit := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		out[lit[1]] = true
	}
	return out
}

func jsonTags(typ reflect.Type) []string {
	var out []string
	for i := 0; i < typ.NumField(); i++ {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
