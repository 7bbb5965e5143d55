#!/usr/bin/env bash
# Multi-platform rebuilds (lib/image/rebuild_index.c) on a real layout made
# with umoci (make_fixture.sh), checked with skopeo and umoci:
#   layouts   oci -> oci (every linux platform; a list), oci-archive,
#             docker-archive (refused for two platforms, one accepted),
#             a failed run leaves the destination as it was, list errors
#   registry  (under tests/integration/registry/run.sh --with) registry ->
#             registry with the per-platform manifests and the index pushed;
#             a Docker manifest list stays one
# usage: test_multiarch.sh INDEX_TOOL layouts|registry
set -uo pipefail
tool=$1 part=$2
here=$(cd "$(dirname "$0")" && pwd)
for t in umoci skopeo python3; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
work=$(mktemp -d /tmp/copa-multiarch.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
ok() { echo "ok $1"; }

"$here/make_fixture.sh" "$work/src" >"$work/fixture.log" 2>&1 ||
    { cat "$work/fixture.log"; echo "FAIL: cannot make the fixture"; exit 1; }
src="oci:$work/src"
mkdir -p "$work/layer/usr/share/copa"
echo added >"$work/layer/usr/share/copa/added"
tar -C "$work/layer" --owner=0 --group=0 --mtime=@0 -cf "$work/layer.tar" usr
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -c "$work/layer.tar" >"$work/layer.tar.gz"
skopeo inspect --raw "$src:multi" >"$work/multi.json"
skopeo inspect --raw "$src:plain" >"$work/plain.json"

# rebuild NAME SRC DST PLATFORMS: run the tool, output in $work/NAME.out/.err
rebuild() {
    local name=$1
    shift
    "$tool" rebuild "$1" "$2" "$work/layer.tar.gz" "$diff_id" "$3" >"$work/$name.out" 2>"$work/$name.err"
}
# check NAME RAW_REF SOURCE_JSON PATCHED DROPPED [MEDIA_TYPE]
check() {
    local name=$1 ref=$2 source=$3
    shift 3
    if ! skopeo inspect --raw --tls-verify=false "$ref" >"$work/$name.json" 2>"$work/$name.skopeo"; then
        fail "$name" "skopeo cannot read $ref: $(cat "$work/$name.skopeo")"
        return 1
    fi
    if ! python3 "$here/check_index.py" "$source" "$work/$name.json" "$work/$name.out" "$@" >"$work/$name.diff"; then
        fail "$name" "$(cat "$work/$name.diff")"
        return 1
    fi
}
# has_layer NAME REF ARCH [VARIANT]: that platform unpacks with umoci and holds the new file.
has_layer() {
    local name=$1 ref=$2 arch=$3 variant=${4:-} extra=()
    [ -n "$variant" ] && extra=(--override-variant "$variant")
    rm -rf "$work/one" "$work/bundle"
    skopeo copy --quiet --src-tls-verify=false --override-arch "$arch" "${extra[@]}" "$ref" \
        "oci:$work/one:x" >"$work/$name.copy" 2>&1 &&
        umoci unpack --image "$work/one:x" "$work/bundle" >>"$work/$name.copy" 2>&1 &&
        grep -qx added "$work/bundle/rootfs/usr/share/copa/added" &&
        grep -q "platform" "$work/bundle/rootfs/etc/platform" ||
        { fail "$name" "platform $arch: $(tail -3 "$work/$name.copy")"; return 1; }
}
# every_blob NAME REF: skopeo copies the whole index, verifying every blob.
every_blob() {
    rm -rf "$work/all"
    skopeo copy --all --src-tls-verify=false "$2" "oci:$work/all:x" >"$work/$1.all" 2>&1 ||
        { fail "$1" "skopeo copy --all: $(tail -3 "$work/$1.all")"; return 1; }
}

layouts() {
    # Every linux platform; windows kept; both attestations (amd64, arm64) dropped.
    if ! rebuild all "$src:multi" "oci:$work/out:all" -; then
        fail all "$(cat "$work/all.err")"
    elif check all "oci:$work/out:all" "$work/multi.json" 0,1,2 4,5 &&
        every_blob all "oci:$work/out:all" && has_layer all "oci:$work/out:all" arm64 v8 &&
        has_layer all "oci:$work/out:all" arm v7; then
        ok all
    fi
    # A list: linux/arm64 names the entry written linux/arm64/v8; only its
    # attestation goes, amd64's stays with amd64 unchanged.
    if ! rebuild list "$src:multi" "oci:$work/out:list" linux/arm64; then
        fail list "$(cat "$work/list.err")"
    elif check list "oci:$work/out:list" "$work/multi.json" 1 5 &&
        every_blob list "oci:$work/out:list" && has_layer list "oci:$work/out:list" arm64 v8; then
        ok list
    fi
    # The entries rebuilt from threads at once (the calls are serialized).
    if ! INDEX_TOOL_PARALLEL=1 rebuild parallel "$src:multi" "oci:$work/out:parallel" -; then
        fail parallel "$(cat "$work/parallel.err")"
    elif check parallel "oci:$work/out:parallel" "$work/multi.json" 0,1,2 4,5 &&
        every_blob parallel "oci:$work/out:parallel"; then
        ok parallel
    fi
    # A single-platform source: entry 0 is its manifest, written as one.
    if ! rebuild single "$src:arm64" "oci:$work/out:single" -; then
        fail single "$(cat "$work/single.err")"
    elif ! skopeo inspect "oci:$work/out:single" >"$work/single.json" 2>&1 ||
        ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["Architecture"]=="arm64" and len(d["Layers"])==2))' "$work/single.json"; then
        fail single "$(cat "$work/single.json")"
    elif grep -q '^entry 0 - sha256:' "$work/single.out" && has_layer single "oci:$work/out:single" arm64; then
        ok single
    else
        fail single "output: $(cat "$work/single.out")"
    fi
    # Both tags live in one layout.
    if skopeo inspect --raw "oci:$work/out:all" >/dev/null 2>&1; then ok two_tags; else fail two_tags "tag all is gone"; fi

    # oci-archive
    if ! rebuild oci_archive "$src:plain" "oci-archive:$work/out.tar:p" linux/amd64,linux/arm/v7; then
        fail oci_archive "$(cat "$work/oci_archive.err")"
    elif check oci_archive "oci-archive:$work/out.tar:p" "$work/plain.json" 0,2 "" &&
        has_layer oci_archive "oci-archive:$work/out.tar:p" amd64; then
        ok oci_archive
    fi

    # docker-archive: one platform only, and the message says so.
    if rebuild darchive2 "$src:multi" "docker-archive:$work/d.tar" -; then
        fail docker_archive_refused "accepted three platforms"
    elif ! grep -q "a docker archive holds one platform, and 3 platforms of the index are selected; choose one with --platform" "$work/darchive2.err"; then
        fail docker_archive_refused "$(cat "$work/darchive2.err")"
    elif [ -e "$work/d.tar" ]; then
        fail docker_archive_refused "an archive was written"
    else
        ok docker_archive_refused
    fi
    if ! rebuild darchive1 "$src:multi" "docker-archive:$work/d.tar" linux/arm64; then
        fail docker_archive_one "$(cat "$work/darchive1.err")"
    elif ! skopeo inspect "docker-archive:$work/d.tar" >"$work/d.json" 2>&1 ||
        ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["Architecture"]=="arm64" and len(d["Layers"])==2))' "$work/d.json"; then
        fail docker_archive_one "$(cat "$work/d.json")"
    else
        ok docker_archive_one
    fi

    # A run that fails after one platform: the layout stays as it was (tags
    # and blobs), the rebuilt platform's blobs are taken back.
    find "$work/out" -type f | sort >"$work/before.files"
    cp "$work/out/index.json" "$work/before.index"
    if INDEX_TOOL_FAIL_AT=1 rebuild failed "$src:multi" "oci:$work/out:failed" -; then
        fail failed_run "did not fail"
    elif ! cmp -s "$work/before.index" "$work/out/index.json"; then
        fail failed_run "index.json changed"
    elif ! find "$work/out" -type f | sort | cmp -s - "$work/before.files"; then
        fail failed_run "files left: $(find "$work/out" -type f | sort | comm -13 "$work/before.files" -)"
    else
        ok failed_run
    fi

    # List errors name the element and what the image has.
    rebuild missing "$src:multi" "oci:$work/out:x" linux/amd64,linux/s390x
    if grep -q "platform linux/s390x is not in the image; the image has: linux/amd64, linux/arm64, linux/arm/v7, windows/amd64" "$work/missing.err"; then
        ok missing_platform
    else
        fail missing_platform "$(cat "$work/missing.err")"
    fi
    rebuild empty "$src:multi" "oci:$work/out:x" linux/amd64,,linux/arm64
    if grep -q "invalid platform list 'linux/amd64,,linux/arm64': element 2 is empty" "$work/empty.err"; then
        ok empty_element
    else
        fail empty_element "$(cat "$work/empty.err")"
    fi
}

registry() {
    local reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
    export IMAGE_TOOL_INSECURE=$reg
    skopeo copy --all --dest-tls-verify=false "$src:multi" "docker://$reg/src:multi" >"$work/push.log" 2>&1 ||
        { cat "$work/push.log"; fail registry "skopeo cannot push the fixture"; return; }
    if ! rebuild registry "docker://$reg/src:multi" "docker://$reg/dst:patched" linux/amd64,linux/arm/v7; then
        fail registry "$(cat "$work/registry.err")"
    elif check registry "docker://$reg/dst:patched" "$work/multi.json" 0,2 4 &&
        every_blob registry "docker://$reg/dst:patched" &&
        has_layer registry "docker://$reg/dst:patched" arm v7; then
        # Each new platform manifest is in the registry by its digest.
        local d missing=""
        for d in $(awk '$1 == "entry" {print $4}' "$work/registry.out"); do
            skopeo inspect --raw --tls-verify=false "docker://$reg/dst@$d" >/dev/null 2>&1 || missing="$missing $d"
        done
        if [ -n "$missing" ]; then fail registry "not pushed by digest:$missing"; else ok registry; fi
    fi
    # A run that fails after one platform (its manifest already pushed by
    # digest) moves no tag.
    if INDEX_TOOL_FAIL_AT=1 rebuild registry_failed "docker://$reg/src:multi" "docker://$reg/dst:failed" -; then
        fail registry_failed "did not fail"
    elif skopeo inspect --raw --tls-verify=false "docker://$reg/dst:failed" >/dev/null 2>&1; then
        fail registry_failed "the tag dst:failed exists"
    else
        ok registry_failed
    fi
    # The source tag did not move.
    if skopeo inspect --raw --tls-verify=false "docker://$reg/src:multi" | cmp -s - "$work/multi.json"; then
        ok registry_source_kept
    else
        fail registry_source_kept "src:multi changed"
    fi

    # A Docker manifest list (skopeo converts the plain index) stays a
    # Docker list with Docker manifests.
    if ! skopeo copy --all --format v2s2 --dest-tls-verify=false "$src:plain" "docker://$reg/src:dlist" >"$work/dpush.log" 2>&1; then
        echo "skopeo cannot push a Docker manifest list here, skipping that case: $(tail -1 "$work/dpush.log")"
        return
    fi
    skopeo inspect --raw --tls-verify=false "docker://$reg/src:dlist" >"$work/dlist.json"
    if ! rebuild registry_docker_list "docker://$reg/src:dlist" "docker://$reg/dst:dlist" linux/arm64; then
        fail registry_docker_list "$(cat "$work/registry_docker_list.err")"
    elif check registry_docker_list "docker://$reg/dst:dlist" "$work/dlist.json" 1 "" \
        application/vnd.docker.distribution.manifest.v2+json &&
        every_blob registry_docker_list "docker://$reg/dst:dlist"; then
        ok registry_docker_list
    fi
}

case $part in
layouts) layouts ;;
registry) registry ;;
*) echo "usage: test_multiarch.sh INDEX_TOOL layouts|registry" >&2; exit 2 ;;
esac
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
