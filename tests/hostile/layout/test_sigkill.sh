#!/usr/bin/env bash
# SIGKILL at random points of writes (issue 13, "how to make this stay
# fixed"): `copa copy` into an OCI layout that already holds a tag, and
# into a loopback docker-registry, killed after a random delay within the
# time a whole copy takes, over and over. Afterwards every tag that exists
# names complete content (every blob there, with its size and digest;
# skopeo reads it), the tag set before the kills is still there, and the
# source layout never changed.
#
# usage: test_sigkill.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"
kills=${COPA_TEST_KILLS:-10}

for v in v1 v2 v3; do make_image src "$v" 3; done
source_sum=$(tree_sum src)

start_registry

now_ms() { date +%s%3N; }

# kill_runs NAME DEST_PREFIX [copy options]: seed DEST_PREFIX:base, time a
# whole copy, then start $kills copies (to :base and to new tags, from
# changing images) and SIGKILL each after a random delay.
kill_runs() {
    local name=$1 dest=$2 start full k v tag delay pid status finished=0
    shift 2
    "$copa" copy -q "$@" oci:src:v1 "$dest:base" || die "$name: seeding :base failed"
    start=$(now_ms)
    "$copa" copy -q "$@" oci:src:v2 "$dest:timing" || die "$name: the timing copy failed"
    full=$(($(now_ms) - start))
    [ "$full" -ge 1 ] || full=1
    for k in $(seq 1 "$kills"); do
        v=v$((k % 3 + 1))
        tag=$([ $((k % 3)) = 0 ] && echo base || echo "k$k")
        delay=$((RANDOM % (full * 12 / 10 + 1)))
        "$copa" copy -q "$@" "oci:src:$v" "$dest:$tag" 2>/dev/null &
        pid=$!
        sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
        kill -KILL "$pid" 2>/dev/null || true
        status=0
        wait "$pid" 2>/dev/null || status=$?
        [ "$status" = 0 ] && finished=$((finished + 1))
        [ "$status" = 0 ] || [ "$status" = 137 ] || die "$name: copy $k failed by itself (exit $status)"
    done
    ok "$name: $kills copies killed at random within ${full} ms ($finished finished first)"
}

# --- an OCI layout
kill_runs layout oci:L
tags L | grep -qw base || die "layout: the tag 'base' is gone"
layout_ok L || die "layout: a tag names incomplete content after SIGKILL"
ok "layout: tags '$(tags L)' all complete"

# --- a registry
kill_runs registry "docker://$reg/repo" --insecure-registry "$reg"
reg_tags=$(curl -sf "http://$reg/v2/repo/tags/list" | jq -r '.tags | sort | join(" ")')
echo " $reg_tags " | grep -q " base " || die "registry: the tag 'base' is gone"
for tag in $reg_tags; do
    skopeo copy -q --src-tls-verify=false "docker://$reg/repo:$tag" "oci:check:$tag" >/dev/null 2>err.txt ||
        die "registry: $tag cannot be copied out (incomplete?): $(cat err.txt)"
done
layout_ok check || die "registry: a tag's content does not verify"
ok "registry: tags '$reg_tags' all complete (skopeo copied each out, every digest checked)"

[ "$(tree_sum src)" = "$source_sum" ] || die "the source layout changed"
ok "the source layout is unchanged"
echo "passed $passed"
