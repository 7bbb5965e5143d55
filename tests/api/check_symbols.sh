#!/usr/bin/env bash
# Check that a shared library exports exactly the functions the public
# headers declare with COPA_EXTERN: nothing more (no leaked internals, no
# symbols of static dependencies) and nothing less (no declared but missing
# function).
#
# usage: check_symbols.sh LIBRARY INCLUDE_DIR
set -euo pipefail
library=$1
include_dir=$2

declared=$(mktemp) exported=$(mktemp)
trap 'rm -f "$declared" "$exported"' EXIT

# Preprocessor lines (the macro's own definition) are skipped. Headers
# put the return type and the name on one or two lines:
#   COPA_EXTERN(int) copa_init(void);   or   COPA_EXTERN(int)\n copa_x(...)
cat "$include_dir"/copa.h "$include_dir"/copa/*.h | grep -v "^[[:space:]]*#" |
    tr '\n' ' ' |
    grep -oE 'COPA_EXTERN\([^)]*\)[[:space:]]*[A-Za-z_][A-Za-z0-9_]*' |
    sed -E 's/.*\)[[:space:]]*//' | sort -u >"$declared"

# Defined dynamic symbols, minus the version-node marker the version script
# itself defines (an absolute symbol named after the node, e.g. COPA_0).
nm -D --defined-only "$library" |
    awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u >"$exported"

if ! diff -u "$declared" "$exported" >/dev/null; then
    echo "exported symbols differ from the public headers' declarations:" >&2
    echo "(- declared but not exported, + exported but not declared)" >&2
    diff -u "$declared" "$exported" | tail -n +3 | grep -E '^[-+]' >&2
    exit 1
fi
if [ ! -s "$declared" ]; then
    echo "no declarations found in $include_dir" >&2
    exit 1
fi
echo "symbols: $(wc -l <"$declared") declared, all exported, nothing else"
