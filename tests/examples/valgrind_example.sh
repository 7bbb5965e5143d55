#!/usr/bin/env bash
# Run an example under valgrind: any memory error or leak fails (status 99),
# the example's own exit status is checked against EXPECTED_STATUS.
#
# usage: valgrind_example.sh EXPECTED_STATUS PROGRAM ARGS...
set -uo pipefail
expected=$1
shift
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$@" >/dev/null
status=$?
if [ "$status" -ne "$expected" ]; then
    echo "FAIL: $* exited $status under valgrind, expected $expected (99: memory errors)" >&2
    exit 1
fi
echo "valgrind clean: $*"
