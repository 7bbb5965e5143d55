#!/usr/bin/env bash
# Fail when any tracked C source or header differs from clang-format's output.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -- '*.c' '*.h')
if [ ${#files[@]} -eq 0 ]; then
    exit 0
fi
if ! clang-format --dry-run -Werror "${files[@]}"; then
    echo "format: run 'clang-format -i' on the files above" >&2
    exit 1
fi
echo "format: ${#files[@]} files clean"
