#!/bin/sh
# Run Gemini CLI behind rrsh. Gemini CLI runs every shell command as
# `bash -c '…'` with bash looked up on PATH, so this puts a directory
# whose only entry is bash -> rrsh first on PATH, then starts gemini.
# Install as e.g. ~/.local/bin/gemini-rrsh, or alias gemini=gemini-rrsh.
set -eu
shims=$(rrsh shim-dir --create)
PATH="$shims:$PATH"
export PATH
exec gemini "$@"
