#!/usr/bin/env bash
# A registry behind a fault-injecting proxy (fault_proxy.py; issue 13, "how
# to make this stay fixed"): copa pulls an image through the proxy into an
# OCI layout and pushes one through it into the registry. The invariant, in
# every mode: copa either completes, and what it wrote is complete and
# verified, or it exits non-zero with a message, and the destination tag does
# not exist; the source never changes. Transient faults (one dropped body,
# 503s, a 429 with Retry-After, one failed upload) must be retried through;
# persistent ones must fail, a corrupt blob as a verification failure (7).
#
# usage: test_faults.sh COPA MODE
copa=$1
mode=$2
source "$(dirname "$0")/../layout/common.sh"
proxy_script=$(cd "$(dirname "$0")" && pwd)/fault_proxy.py

make_image src v1 1
source_sum=$(tree_sum src)
start_registry
"$copa" copy -q --insecure-registry "$reg" oci:src:v1 "docker://$reg/repo:base" ||
    die "seeding the registry directly failed"

python3 "$proxy_script" "$t/proxy.port" "$reg" "$mode" "$t/proxy.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$t/proxy.port" ] && break; sleep 0.1; done
[ -s "$t/proxy.port" ] || die "fault_proxy.py did not start"
proxy=127.0.0.1:$(cat "$t/proxy.port")

# run NAME CMD...: exit status in $rc, stderr in $err.
run() {
    local name=$1
    shift
    rc=0
    timeout 100 "$@" >"$t/$name.out" 2>"$t/$name.err" || rc=$?
    err=$(cat "$t/$name.err")
    [ "$rc" != 124 ] || die "$name: still running after 100 s"
    if grep -q "AddressSanitizer\|runtime error" "$t/$name.err"; then die "$name: sanitizer report: $err"; fi
}
# failed NAME [CODE]: a non-zero exit (CODE if given) with a message saying what.
failed() {
    [ "$rc" != 0 ] || die "$1: exit 0 under '$mode' (proxy: $(tail -3 "$t/proxy.log"))"
    [ -z "${2:-}" ] || [ "$rc" = "$2" ] || die "$1: exit $rc, expected $2: $err"
    grep -q "^copa: ." "$t/$1.err" || die "$1: exit $rc without a message"
}
succeeded() {
    [ "$rc" = 0 ] || die "$1: exit $rc under '$mode' (a transient fault must be retried): $err"
}
# registry_has REPO TAG: the upstream registry lists TAG (asked directly).
registry_has() {
    curl -sf "http://$reg/v2/$1/tags/list" 2>/dev/null | jq -e --arg t "$2" '(.tags // []) | index($t)' >/dev/null
}

# --- pull through the proxy
run pull "$copa" copy -q --insecure-registry "$proxy" "docker://$proxy/repo:base" oci:out:pulled
case $mode in
pass | drop_once | status_503_twice | status_429_once | upload_drop_always | upload_500_once)
    succeeded pull
    layout_ok out || die "pull: the layout's content does not verify"
    [ "$(tags out)" = pulled ] || die "pull: tags '$(tags out)'"
    ok "pull under '$mode': complete and verified"
    ;;
corrupt_always)
    failed pull 7
    ok "pull under '$mode': exit 7: $(head -1 "$t/pull.err")"
    ;;
*)
    failed pull
    ok "pull under '$mode': exit $rc: $(head -1 "$t/pull.err")"
    ;;
esac
if [ "$rc" != 0 ] && [ -f out/index.json ]; then
    ! tags out | grep -qw pulled || die "pull: the failed copy left the tag 'pulled'"
    layout_ok out || die "pull: the failed copy left incomplete content reachable"
fi

# --- push through the proxy
run push "$copa" copy -q --insecure-registry "$proxy" oci:src:v1 "docker://$proxy/pushed:t1"
case $mode in
upload_drop_always)
    failed push
    ! registry_has pushed t1 || die "push: the tag t1 exists after a failed push"
    ok "push under '$mode': exit $rc, no tag: $(head -1 "$t/push.err")"
    ;;
*)
    succeeded push
    registry_has pushed t1 || die "push: exit 0 but no tag t1"
    skopeo copy -q --src-tls-verify=false "docker://$reg/pushed:t1" oci:check:t1 >/dev/null 2>"$t/skopeo.err" ||
        die "push: the pushed image cannot be read back: $(cat "$t/skopeo.err")"
    layout_ok check || die "push: the pushed image does not verify"
    ok "push under '$mode': complete (read back directly with skopeo, every digest checked)"
    ;;
esac

[ "$(tree_sum src)" = "$source_sum" ] || die "the source layout changed"
ok "the source layout is unchanged"
echo "passed $passed"
