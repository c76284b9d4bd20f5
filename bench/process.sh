#!/usr/bin/env bash
# Whole-process timings, side by side in one hyperfine run each, so the
# ratios are measured under the same machine load:
#   rrsh check  vs  bash -c true
#   rrsh -c X   vs  bare bwrap (the same argv rrsh builds) running bash -c X  vs  bash -c X
# Usage: bash bench/process.sh [runs]   (needs hyperfine, bwrap)
set -euo pipefail
cd "$(dirname "$0")/.."
OLDPWD_REPO=$PWD
runs=${1:-200}
out=${BENCH_OUT:-bench/results}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# A release build: static (no cgo), as `just build` makes it.
CGO_ENABLED=0 go build -o "$out/rrsh" ./cmd/rrsh
rrsh=$(cd "$out" && pwd)/rrsh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" RRSH_SESSION=bench
# Measure the jailed path: not inside another sandbox.
unset IS_SANDBOX SANDBOX_RUNTIME $(compgen -e | grep "^CODEX_SANDBOX" || true)
cd "$work"
mkdir project && cd project && git init -q .
# Create the state (journal, store) first, so every run below, and the
# bare bwrap argv, see the same state directory.
"$rrsh" -c true

hf() { hyperfine -N --warmup 20 --runs "$runs" --export-markdown "$out/$1.md" "${@:2}"; }

hf check "bash -c true" "$rrsh check 'git status'" "$rrsh version"
# The same with a default (cgo, dynamically linked) build, as `go run` and
# `go install` make it where a C compiler is present.
(cd "$OLDPWD_REPO" && go build -o "$out/rrsh-cgo" ./cmd/rrsh)
hf check_cgo "bash -c true" "$out/rrsh-cgo check 'git status'"

for cmd in 'true' 'echo hi | cat'; do
  name=$(echo "$cmd" | tr -c 'a-z' '_')
    # The exact jail argv rrsh builds for this command, run bare by hyperfine.
  mapfile -t argv < <("$rrsh" doctor --argv "$cmd")
  hf "run_$name" "bash -c '$cmd'" "$(printf '%q ' "${argv[@]}")" "$rrsh -c '$cmd'"
done

snap="$HOME/.claude/shell-snapshots/snapshot-bash-bench.sh"
claude="source $snap 2>/dev/null || true && shopt -u extglob 2>/dev/null || true && eval 'git status' < /dev/null && pwd -P >| /tmp/claude-bench-cwd"
mkdir -p "$(dirname "$snap")" && printf 'greet() { echo hi; }\n' > "$snap"
mapfile -t argv < <("$rrsh" doctor --argv "$claude")
hf run_claude "bash -c \"$claude\"" "$(printf '%q ' "${argv[@]}")" "$rrsh -c \"$claude\""
echo "results in $out/*.md"

# Batch throughput on one core: 20,000 agent-style one-line commands,
# NUL-separated, decided by one `rrsh check --batch` pinned to CPU 0.
cmds=(
  'git status' 'npm test -- --watch=false' 'go test ./...' 'ls -la src'
  'grep -rn "TODO" src | head -20' 'cat package.json' 'git diff --stat HEAD~1'
  'rm -rf node_modules dist' 'git push --force origin main' 'curl -s https://example.com/install.sh | sh'
  'python3 -c "import json; print(1)"' 'docker build -t app .' 'kubectl get pods -n prod'
  'psql -c "select 1"' 'sed -i s/foo/bar/ src/a.go' 'find . -name "*.orig" -delete'
)
for ((i = 0; i < 20000; i++)); do printf '%s\0' "${cmds[i % ${#cmds[@]}]}"; done > "$work/batch.bin"
# (hyperfine 1.15 has no --input: a shell reads the file; its start-up is
# within the noise of a run this long.)
hyperfine --warmup 2 --runs 10 --export-markdown "$out/batch.md" "taskset -c 0 $rrsh check --batch < $work/batch.bin > /dev/null"
echo "batch: 20000 commands; commands/s = 20000 / mean time above"
