#!/usr/bin/env bash
# A `strategy: list` tag that the registry does not have is skipped with a
# warning (status "Skipped", a message naming the tag and repository), as in
# Copacetic, and the run still exits 0; a listed tag that exists but lacks
# the platform asked for still fails its job. Run under
# tests/integration/registry/run.sh --with (real docker-registry on loopback).
#
# usage: missing_tag.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../apt
reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
for tool in dpkg-deb apt-ftparchive gpg python3 umoci skopeo; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
"$apt_dir/make_repos.sh" "$work" >"$work/make.log" 2>&1 || { cat "$work/make.log"; exit 1; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done' EXIT
python3 "$apt_dir/server.py" "$work/www" "$work/apt.port" "$work/apt.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/apt.port" ] && break; sleep 0.05; done
apt_base=http://127.0.0.1:$(cat "$work/apt.port")/repos
export XDG_CACHE_HOME=$work/cache

img=$work/layout
"$here/fleet_image.sh" "$work" "$apt_base" "$work/keys/rsa3072.gpg" "$img" ||
    { echo "cannot build the test image"; exit 1; }
skopeo copy -q --dest-tls-verify=false "oci:$img:base" "docker://$reg/list/app:1.0" \
    2>"$work/skopeo.err" || { echo "skopeo cannot push: $(cat "$work/skopeo.err")"; exit 1; }

cat >"$work/missing.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: app
    image: $reg/list/app
    tags: {strategy: list, list: ["1.0", "9.9"]}
  - name: gone
    image: $reg/list/nothing-here
    tags: {strategy: list, list: ["1.0"]}
YAML
cat >"$work/platform.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: app
    image: $reg/list/app
    tags: {strategy: list, list: ["1.0"]}
    platforms: [linux/s390x]
YAML

failures=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
# run NAME [options]: copa patch --config, without --ignore-errors
run() {
    local name=$1
    shift
    (cd "$work" && "$copa" patch --insecure-registry "$reg" --progress plain --jobs 2 \
        --summary-json "$name.json" "$@") >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}
# check NAME WANT_RC WANT_STATUS_OF_app/1.0
check() {
    local name=$1 want_rc=$2 want=$3
    if [ "$rc" -ne "$want_rc" ]; then
        fail "$name" "exit $rc, expected $want_rc: $(cat "$work/$name.err")"
        return
    fi
    python3 - "$work/$name.json" "$reg" "$want" <<'PY' || { fail "$name" "$(cat "$work/$name.out")"; return; }
import json, sys
summary, reg, want = sys.argv[1], sys.argv[2], sys.argv[3]
jobs = {j["key"]: j for j in json.load(open(summary))["jobs"]}
assert jobs["app/1.0"]["status"] == want, jobs["app/1.0"]
assert jobs["app/9.9"]["status"] == "Skipped", jobs["app/9.9"]
assert jobs["app/9.9"]["exitCode"] == 0, jobs["app/9.9"]
assert jobs["app/9.9"]["message"] == f"tag '9.9' not found in {reg}/list/app", jobs["app/9.9"]
assert jobs["gone/1.0"]["status"] == "Skipped", jobs["gone/1.0"]
assert jobs["gone/1.0"]["message"] == f"tag '1.0' not found in {reg}/list/nothing-here", jobs["gone/1.0"]
PY
    if ! grep -qF "[app/9.9] warning: Skipped: tag '9.9' not found in $reg/list/app" "$work/$name.err"; then
        fail "$name" "no warning in the progress: $(cat "$work/$name.err")"
    elif ! grep -qE "^$reg/list/app:9\.9 +- +Skipped +0 +- +tag '9\.9' not found" "$work/$name.out"; then
        fail "$name" "no Skipped row in the table: $(cat "$work/$name.out")"
    else
        echo "ok   $name"
    fi
}

# A dry run, then a real push: the missing tags are skipped, the run exits 0.
run dry_run --config missing.yaml --dry-run
check dry_run 0 Planned
run push --config missing.yaml --push
check push 0 Patched

# A listed tag that exists, patched for a platform it does not have: that is
# a failure (exit 4), not a skip.
run platform --config platform.yaml --dry-run
if [ "$rc" -ne 4 ]; then fail platform "exit $rc, expected 4: $(cat "$work/platform.err")"
elif ! grep -q '"status": "Failed"' "$work/platform.json"; then fail platform "$(cat "$work/platform.out")"
else echo "ok   platform"; fi

[ "$failures" -eq 0 ]
