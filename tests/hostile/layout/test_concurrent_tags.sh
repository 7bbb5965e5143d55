#!/usr/bin/env bash
# Concurrent writers to one OCI layout (issue 13, item 8): four `copa copy`
# runs into one layout, each with its own tag, several rounds, into a fresh
# layout and into one that already holds a tag; then four runs from a
# loopback registry sharing one blob cache. Every run must succeed and
# afterwards every tag must be there and name complete, verified content.
#
# usage: test_concurrent_tags.sh COPA
copa=$1
source "$(dirname "$0")/common.sh"

make_image src v1 2
before=$(tree_sum src)
for round in 1 2 3 4; do
    rm -rf L
    want="t1 t2 t3 t4"
    if [ $((round % 2)) = 0 ]; then
        "$copa" copy -q oci:src:v1 oci:L:keep || die "round $round: seeding the layout failed"
        want="keep $want"
    fi
    run_pids=()
    for n in 1 2 3 4; do
        "$copa" copy -q oci:src:v1 "oci:L:t$n" 2>"err$n.txt" &
        run_pids+=($!)
    done
    for n in 1 2 3 4; do
        wait "${run_pids[$((n - 1))]}" || die "round $round: copy to t$n failed: $(cat "err$n.txt")"
    done
    [ "$(tags L)" = "$want" ] || die "round $round: tags are '$(tags L)', expected '$want'"
    layout_ok L || die "round $round: a tag names incomplete content"
    ok "round $round: all of '$want' present and complete"
done

# From a registry: four runs fill one (empty) blob cache and write one layout.
start_registry
"$copa" copy -q --insecure-registry "$reg" oci:src:v1 "$reg/img:v1" || die "pushing the image failed"
for round in 1 2; do
    rm -rf R "$COPA_CACHE_DIR"
    run_pids=()
    for n in 1 2 3 4; do
        "$copa" copy -q --insecure-registry "$reg" "$reg/img:v1" "oci:R:r$n" 2>"err$n.txt" &
        run_pids+=($!)
    done
    for n in 1 2 3 4; do
        wait "${run_pids[$((n - 1))]}" || die "registry round $round: copy to r$n failed: $(cat "err$n.txt")"
    done
    [ "$(tags R)" = "r1 r2 r3 r4" ] || die "registry round $round: tags are '$(tags R)'"
    layout_ok R || die "registry round $round: a tag names incomplete content"
    [ -z "$(find "$COPA_CACHE_DIR" -name '*.tmp-*')" ] || die "temporary files left in the cache"
    ok "registry round $round: four runs on one cache and one layout, all tags complete"
done
[ "$(tree_sum src)" = "$before" ] || die "the source layout changed"
ok "the source layout is unchanged"
echo "passed $passed"
