#!/usr/bin/env bash
# Run every unit test program under valgrind; any leak or memory error fails.
# The differential tests are left out: they spend their time in dpkg and rpm
# processes, and the same code paths run in the table tests.
#
# usage: scripts/valgrind-unit.sh BUILD_DIR
set -euo pipefail
build=$1
failed=0 count=0
for program in "$build"/tests/unit_*; do
    [ -x "$program" ] || continue
    case $(basename "$program") in *_differential) continue ;; esac
    count=$((count + 1))
    log=$(mktemp)
    if ! valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        "$program" >"$log" 2>&1; then
        echo "valgrind: $(basename "$program") FAILED" >&2
        tail -n 40 "$log" >&2
        failed=$((failed + 1))
    fi
    rm -f "$log"
done
echo "valgrind: $count programs, $failed with errors or leaks"
[ "$failed" -eq 0 ]
