#!/usr/bin/env bash
# copa sources: usage errors and the no-network cases (no sources, bad
# sources file, missing Signed-By file). The repository cases live in
# tests/integration/apt/.
set -euo pipefail
COPA=$1
source "$(dirname "$0")/assert.sh"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

run "$COPA" sources
expect_status 2
run "$COPA" sources --help
expect_status 0
expect_out_contains "usage: copa sources IMAGE|ROOTFS"
run "$COPA" sources "$root" --mirror nonsense
expect_status 2
run "$COPA" sources "$root/missing" --cache-dir "$root/cache"
expect_status 4

# No apt configuration at all: nothing to load, not an error.
mkdir -p "$root/etc/apt/sources.list.d"
run "$COPA" sources "$root" --cache-dir "$root/cache" --json
expect_status 0
expect_out_contains '"sources":	[]'

printf 'deb http://127.0.0.1:9/debian\n' >"$root/etc/apt/sources.list"
run "$COPA" sources "$root" --cache-dir "$root/cache"
expect_status 3
expect_err_contains "/etc/apt/sources.list:1"

printf 'deb [signed-by=/usr/share/keyrings/none.gpg] http://127.0.0.1:9/debian stable main\n' \
    >"$root/etc/apt/sources.list"
run "$COPA" sources "$root" --cache-dir "$root/cache"
expect_status 4
expect_err_contains "Signed-By key file /usr/share/keyrings/none.gpg does not exist in the image"
echo "ok"
