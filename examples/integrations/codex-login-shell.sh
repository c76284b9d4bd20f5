#!/bin/sh
# Make rrsh the login shell Codex CLI runs. Codex ignores $SHELL: it runs
# the login shell from the passwd database when its file name is exactly
# bash, zsh or sh, as `<shell> -lc '<script>'`. rrsh's entry point
# ~/.local/share/rrsh/bin/bash is such a shell. chsh accepts only shells
# listed in /etc/shells.
#
# Without --apply this prints the commands; with --apply it runs them
# (the /etc/shells line needs sudo). Undo with: chsh -s /bin/bash
set -eu
entry="$HOME/.local/share/rrsh/bin/bash"
apply=false
[ "${1-}" = --apply ] && apply=true

run() {
	echo "+ $*"
	if $apply; then "$@"; fi
}

if [ ! -L "$entry" ] && $apply; then
	echo "no entry point at $entry: run 'rrsh install claude' (or link it: ln -s \"\$(command -v rrsh)\" $entry)" >&2
	exit 1
fi
if ! grep -qxF "$entry" /etc/shells 2>/dev/null; then
	run sudo sh -c "echo '$entry' >> /etc/shells"
fi
run chsh -s "$entry"
echo "# every Codex command now runs as: $entry -lc '<script>' (and $entry -c '<command>' inside it)"
