# Assertions for the CLI tests, sourced by tests/cli/test_*.sh.
# Each test script sets COPA to the copa binary and calls these; the
# script exits non-zero on the first failed assertion, naming it.

# run CMD...: run a command, capturing stdout, stderr and status in
# $out, $err and $status.
run() {
    local out_file err_file
    out_file=$(mktemp) err_file=$(mktemp)
    set +e
    "$@" >"$out_file" 2>"$err_file"
    status=$?
    set -e
    out=$(cat "$out_file") err=$(cat "$err_file")
    rm -f "$out_file" "$err_file"
}

fail() {
    echo "FAIL: $*" >&2
    echo "  status: $status" >&2
    echo "  stdout: $out" >&2
    echo "  stderr: $err" >&2
    exit 1
}

expect_status() { [ "$status" -eq "$1" ] || fail "expected exit status $1"; }
expect_out() { [ "$out" = "$1" ] || fail "expected stdout '$1'"; }
expect_out_contains() { [[ $out == *"$1"* ]] || fail "expected stdout to contain '$1'"; }
expect_err_contains() { [[ $err == *"$1"* ]] || fail "expected stderr to contain '$1'"; }
expect_no_out() { [ -z "$out" ] || fail "expected no stdout"; }
