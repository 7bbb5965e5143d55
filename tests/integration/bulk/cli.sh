#!/usr/bin/env bash
# copa patch --config end to end, under tests/integration/registry/run.sh
# --with (a real docker-registry on loopback at $COPA_TEST_PLAIN). Every copa
# request goes through paging_proxy.py, which logs it, so the test can see
# what a run sent. The images are tiny Debian-like roots (os-release, dpkg
# status, apt sources naming the signed repository of tests/integration/apt,
# where hello-copa 1.0-1 has the update 1.1-1), pushed by skopeo and given
# many tags; "broken/img" has no os-release, so its job fails (exit 9).
#
# usage: cli.sh COPA WORKDIR
set -uo pipefail
copa=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
apt_dir=$here/../apt
reg=${COPA_TEST_PLAIN:?run under tests/integration/registry/run.sh --with}
for tool in dpkg-deb apt-ftparchive gpg python3 umoci skopeo cmp; do
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
python3 "$here/paging_proxy.py" "$reg" "$work/proxy.port" "$work/requests.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/apt.port" ] && [ -s "$work/proxy.port" ] && break; sleep 0.05; done
apt_base=http://127.0.0.1:$(cat "$work/apt.port")/repos
px=127.0.0.1:$(cat "$work/proxy.port")
export XDG_CACHE_HOME=$work/cache

failures=0 passes=0
ok() { echo "ok   $1"; passes=$((passes + 1)); }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
# bulk NAME [options]: copa patch --config with the proxy as an insecure registry
bulk() {
    local name=$1
    shift
    (cd "$work" && "$copa" patch --insecure-registry "$px" --progress plain "$@") \
        >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}
expect_rc() {
    if [ "$rc" -ne "$2" ]; then fail "$1" "exit $rc, expected $2: $(tail -3 "$work/$1.err")"; return 1; fi
}

# --- images: base/app and base/tool (patchable), broken/img (no os-release)
img=$work/layout
"$here/fleet_image.sh" "$work" "$apt_base" "$work/keys/rsa3072.gpg" "$img" ||
    { echo "cannot build the test image"; exit 1; }
sk() { skopeo "$@" 2>>"$work/skopeo.err"; }
sk copy -q --dest-tls-verify=false "oci:$img:base" "docker://$reg/base/app:1.0.0" &&
    sk copy -q --dest-tls-verify=false "oci:$img:base" "docker://$reg/base/tool:a" &&
    sk copy -q --src-tls-verify=false --dest-tls-verify=false \
        "docker://$reg/skopeo/img:v1" "docker://$reg/broken/img:v1" ||
    { echo "skopeo cannot push: $(cat "$work/skopeo.err")"; exit 1; }
python3 "$here/retag.py" "http://$reg" base/app 1.0.0 1.1.0 1.2.0 2.0.0 2.1.0-rc.1 latest dev 0.9.0 &&
    python3 "$here/retag.py" "http://$reg" base/tool a b c || { echo "cannot retag"; exit 1; }

# --- the config: each strategy, exclude/maxTags, a per-image target and platform
cat >"$work/fleet.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
target:
  tag: "{{ .SourceTag }}-patched"
images:
  - name: app
    image: $px/base/app
    tags:
      strategy: pattern
      pattern: "^1\\\\.\\\\d+\\\\.0$"
      maxTags: 2
      exclude: ["1.2.0"]
  - name: app-latest
    image: $px/base/app
    tags: {strategy: latest}
    target: {tag: "{{ .SourceTag }}-fixed"}
  - name: tool
    image: $px/base/tool
    tags: {strategy: list, list: [a, b]}
    platforms: [linux/amd64]
    target: {registry: $px/mirror}
YAML
expected_jobs="app/1.0.0	$px/base/app:1.0.0	$px/base/app:1.0.0-patched	-
app/1.1.0	$px/base/app:1.1.0	$px/base/app:1.1.0-patched	-
app-latest/2.0.0	$px/base/app:2.0.0	$px/base/app:2.0.0-fixed	-
tool/a	$px/base/tool:a	$px/mirror/tool:a-patched	linux/amd64
tool/b	$px/base/tool:b	$px/mirror/tool:b-patched	linux/amd64"

# 1. The job list: pattern (\d, exclude, maxTags: 1.1.0 and 1.0.0 of 0.9.0-1.2.0),
#    latest (2.0.0 above 2.1.0-rc.1), list, per-image target and platforms.
bulk list --config fleet.yaml --list-jobs
if expect_rc list 0; then
    if [ "$(cat "$work/list.out")" = "$expected_jobs" ]; then ok list
    else fail list "jobs: $(cat "$work/list.out")"; fi
fi

# 2. Three shards as three processes at once: together exactly the job list.
for i in 0 1 2; do
    (cd "$work" && "$copa" patch --config fleet.yaml --insecure-registry "$px" --list-jobs \
        --shard "$i/3" >"$work/shard$i.out" 2>"$work/shard$i.err") &
    spids[$i]=$!
done
shard_rc=0
for i in 0 1 2; do wait "${spids[$i]}" || shard_rc=1; done
union=$(cat "$work"/shard[012].out | sort)
if [ "$shard_rc" -ne 0 ]; then fail shards "a shard failed: $(cat "$work"/shard*.err)"
elif [ "$union" != "$(sort <<<"$expected_jobs")" ]; then fail shards "union: $union"
elif [ "$(cat "$work"/shard[012].out | wc -l)" -ne 5 ]; then fail shards "a job twice"
else ok shards; fi

# 3. A real run: every job patched and pushed (tool through a copy to mirror/).
: >"$work/requests.log"
bulk run1 --config fleet.yaml --push --jobs 2 --summary-json run1.json
if expect_rc run1 0; then
    patched=$(grep -c '"status": "Patched"' "$work/run1.json")
    label=$(sk inspect --tls-verify=false --format '{{index .Labels "sh.copa.image.base.digest"}}' \
        "docker://$reg/mirror/tool:b-patched")
    if [ "$patched" -ne 5 ]; then fail run1 "$patched of 5 patched: $(cat "$work/run1.out")"
    elif [ -z "$label" ]; then fail run1 "mirror/tool:b-patched has no copa label"
    elif ! grep -q '^IMAGE  *PLATFORMS  *STATUS  *UPDATES  *DIGEST  *MESSAGE$' "$work/run1.out"; then
        fail run1 "no summary table: $(cat "$work/run1.out")"
    else ok run1; fi
fi

# 4. The same run again: every job up to date, and nothing written to the registry.
: >"$work/requests.log"
bulk run2 --config fleet.yaml --push --jobs 2 --summary-json run2.json
if expect_rc run2 0; then
    current=$(grep -c '"status": "Up to date"' "$work/run2.json")
    writes=$(grep -cE '^(PUT|POST|PATCH|DELETE) ' "$work/requests.log")
    if [ "$current" -ne 5 ]; then fail run2 "$current of 5 up to date: $(cat "$work/run2.out")"
    elif [ "$writes" -ne 0 ]; then fail run2 "$writes write requests: $(grep -E '^(PUT|POST|PATCH)' "$work/requests.log" | head -3)"
    else ok run2; fi
fi

# 4b. -r DIR: a clean report of a patched image (matched by ArtifactName,
#     whatever the file is called) skips its job; one with fixes does not;
#     a file that is no report is ignored with a warning.
mkdir -p "$work/reports"
fixtures=$here/../../fixtures/report
python3 - "$fixtures" "$work/reports" "$px" <<'PY'
import json, sys
fixtures, out, px = sys.argv[1:4]
clean = json.load(open(fixtures + "/trivy-nothing.json"))
clean["ArtifactName"] = px + "/base/app:dev-patched"
json.dump(clean, open(out + "/any-name.json", "w"))
dirty = json.load(open(fixtures + "/trivy-debian.json"))
dirty["ArtifactName"] = px + "/base/app:0.9.0-patched"
json.dump(dirty, open(out + "/other.json", "w"))
open(out + "/notes.json", "w").write("not a report")
PY
cat >"$work/reports.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: app
    image: $px/base/app
    tags: {strategy: list, list: [dev, 0.9.0]}
YAML
bulk reports --config reports.yaml --push -r reports --summary-json reports.json
if expect_rc reports 0; then
    if ! python3 - "$work/reports.json" <<'PY'
import json, sys
jobs = {j["key"]: j for j in json.load(open(sys.argv[1]))["jobs"]}
assert jobs["app/dev"]["status"] == "Up to date", jobs["app/dev"]
assert "report" in jobs["app/dev"]["message"], jobs["app/dev"]
assert jobs["app/0.9.0"]["status"] == "Patched", jobs["app/0.9.0"]
PY
    then fail reports "$(cat "$work/reports.out")"
    elif ! grep -q "notes.json.*not used for skipping" "$work/reports.err"; then
        fail reports "no warning for notes.json: $(grep -v '^\[' "$work/reports.err")"
    else ok reports; fi
fi

# 4c. --oci-dir DIR: each config entry gets the layout DIR/NAME, tagged with
#     the target tag; nothing is pushed.
: >"$work/requests.log"
bulk oci_dir --config reports.yaml --oci-dir out
if expect_rc oci_dir 0; then
    tags_out=$(umoci ls --layout "$work/out/app" 2>&1 | sort | tr '\n' ' ')
    if [ "$tags_out" != "0.9.0-patched dev-patched " ]; then fail oci_dir "tags: $tags_out"
    elif grep -qE '^(PUT|POST|PATCH) ' "$work/requests.log"; then fail oci_dir "pushed"
    else ok oci_dir; fi
fi

# 5. One failing job: without --ignore-errors the run fails with the job's
#    code (9: no os-release); with it the others still run and it exits 0.
cat >"$work/mixed.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: app
    image: $px/base/app
    tags: {strategy: list, list: [0.9.0, dev, latest]}
  - name: broken
    image: $px/broken/img
    tags: {strategy: list, list: [v1]}
YAML
bulk fail_stop --config mixed.yaml --dry-run --jobs 1 --summary-json fail_stop.json
if expect_rc fail_stop 9; then
    if grep -q '"status": "Failed"' "$work/fail_stop.json"; then ok fail_stop
    else fail fail_stop "no failed job: $(cat "$work/fail_stop.out")"; fi
fi
bulk fail_go --config mixed.yaml --dry-run --ignore-errors --summary-json single.json
if expect_rc fail_go 0; then
    if [ "$(grep -c '"status": "Planned"' "$work/single.json")" -eq 3 ] &&
        [ "$(grep -c '"status": "Failed"' "$work/single.json")" -eq 1 ]; then ok fail_go
    else fail fail_go "statuses: $(cat "$work/fail_go.out")"; fi
fi

# 5b. --progress json: every line is a JSON event that names its job; each
#     job ends with a job-end event carrying its status.
bulk json_progress --config mixed.yaml --dry-run --ignore-errors --progress json
if expect_rc json_progress 0; then
    if python3 - "$work/json_progress.err" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
events = [json.loads(l) for l in lines]
assert events and all(e.get("job") in ("app/0.9.0", "app/dev", "app/latest", "broken/v1") for e in events), lines[:3]
assert {e["job"] for e in events} == {"app/0.9.0", "app/dev", "app/latest", "broken/v1"}
ends = {e["job"]: e for e in events if e["event"] == "job-end"}
assert ends["broken/v1"]["status"] == "Failed" and ends["broken/v1"]["exitCode"] == 9, ends
assert ends["app/dev"]["status"] == "Planned", ends
PY
    then ok json_progress
    else fail json_progress "$(head -3 "$work/json_progress.err")"; fi
fi

# 5c. TLS + htpasswd registry: tags discovered with --creds and --ca-file.
tls=${COPA_TEST_TLS:?}
sk copy -q --dest-cert-dir "$COPA_TEST_WORK/certs" --dest-creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    "oci:$img:base" "docker://$tls/secure/app:3.0.0" &&
    python3 "$here/retag.py" "https://$tls" secure/app 3.0.0 3.1.0 4.0.0-beta \
        --user "$COPA_TEST_USER:$COPA_TEST_PASS" --ca "$COPA_TEST_CA" ||
    { echo "cannot push to the TLS registry: $(cat "$work/skopeo.err")"; exit 1; }
cat >"$work/tls.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: secure
    image: $tls/secure/app
    tags: {strategy: latest}
YAML
(cd "$work" && "$copa" patch --config tls.yaml --list-jobs --ca-file "$COPA_TEST_CA" \
    --creds "$COPA_TEST_USER:$COPA_TEST_PASS") >"$work/tls.out" 2>"$work/tls.err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cut -f1 "$work/tls.out")" = secure/3.1.0 ]; then ok tls_auth
else fail tls_auth "exit $rc: $(cat "$work/tls.out" "$work/tls.err")"; fi
(cd "$work" && "$copa" patch --config tls.yaml --list-jobs --ca-file "$COPA_TEST_CA" \
    --creds "$COPA_TEST_USER:wrong") >"$work/tls_bad.out" 2>"$work/tls_bad.err"
rc=$?
if [ "$rc" -eq 5 ] && grep -q "secure/.*error:" "$work/tls_bad.out"; then ok tls_bad_creds
else fail tls_bad_creds "exit $rc: $(cat "$work/tls_bad.out" "$work/tls_bad.err")"; fi

# 5d. --timeout applies to each job: a timeout no job can meet fails every
#     patchable job with exit 11, and --ignore-errors still exits 0.
bulk timeout --config mixed.yaml --dry-run --ignore-errors --timeout 1ms --summary-json timeout.json
if expect_rc timeout 0; then
    if python3 - "$work/timeout.json" <<'PY'
import json, sys
jobs = {j["key"]: j for j in json.load(open(sys.argv[1]))["jobs"]}
for key in ("app/0.9.0", "app/dev", "app/latest"):
    assert jobs[key]["status"] == "Failed" and jobs[key]["exitCode"] == 11, jobs[key]
PY
    then ok timeout
    else fail timeout "$(cat "$work/timeout.out")"; fi
fi

# 6. The same config in three shards at once; the merged summary is the single
#    run's, byte for byte, and merge exits 1 because a job failed.
for i in 0 1 2; do
    (cd "$work" && "$copa" patch --config mixed.yaml --insecure-registry "$px" --dry-run \
        --ignore-errors --progress quiet --shard "$i/3" --summary-json "part$i.json" \
        >/dev/null 2>"$work/part$i.err") &
    spids[$i]=$!
done
for i in 0 1 2; do wait "${spids[$i]}"; done
"$copa" summary merge -o "$work/merged.json" "$work"/part[012].json >"$work/merge.out" 2>&1
rc=$?
if [ "$rc" -ne 1 ]; then fail merge "exit $rc, expected 1: $(cat "$work/merge.out")"
elif ! cmp -s "$work/merged.json" "$work/single.json"; then
    fail merge "merged differs: $(diff "$work/merged.json" "$work/single.json" | head -5)"
else ok merge; fi
"$copa" summary merge "$work/part0.json" "$work/part1.json" >"$work/merge2.out" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q "a shard is missing" "$work/merge2.out"; then ok merge_missing
else fail merge_missing "exit $rc: $(cat "$work/merge2.out")"; fi
"$copa" summary merge "$work/part0.json" "$work/part0.json" >"$work/merge3.out" 2>&1
rc=$?
if [ "$rc" -eq 3 ] && grep -q "appears in two summaries" "$work/merge3.out"; then ok merge_twice
else fail merge_twice "exit $rc: $(cat "$work/merge3.out")"; fi

# 7. Bad configs: exit 3, the message names file:line:key, and nothing is sent
#    or written (the proxy sees no request, no ./patched appears).
head6="apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: app
    image: $px/base/app"
bad_case() { # NAME EXPECTED_MESSAGE CONFIG_TEXT [extra options]
    local name=$1 want=$2 text=$3
    shift 3
    printf '%s\n' "$text" >"$work/$name.yaml"
    : >"$work/requests.log"
    bulk "$name" --config "$name.yaml" --push "$@"
    if [ "$rc" -ne 3 ]; then fail "$name" "exit $rc, expected 3: $(cat "$work/$name.err")"
    elif ! grep -qF "$want" "$work/$name.err"; then fail "$name" "message: $(cat "$work/$name.err")"
    elif [ -s "$work/requests.log" ] || [ -e "$work/patched" ]; then fail "$name" "work was done"
    else ok "$name"; fi
}
bad_case bad_api "bad_api.yaml:1: apiVersion: 'copa.sh/v1beta1' is not supported" \
    "$(sed 's#v1alpha1#v1beta1#' <<<"$head6")
    tags: {strategy: latest}"
bad_case bad_key "bad_key.yaml:6: tag: unknown key in images[]" "$head6
    tag: latest"
bad_case bad_regex "bad_regex.yaml:6: tags.pattern: '^1.[': invalid regular expression" \
    "$head6
    tags: {strategy: pattern, pattern: \"^1.[\"}"
bad_case bad_template "bad_template.yaml:7: target.tag: '{{ .Tag }}-p': unknown template field" \
    "$head6
    tags: {strategy: latest}
    target: {tag: \"{{ .Tag }}-p\"}"
bad_case bad_shard "shard '3/3': INDEX 3 is not below COUNT 3" "$head6
    tags: {strategy: latest}" --shard 3/3
bad_case bad_compression "layer compression 'bogus' is not one of" "$head6
    tags: {strategy: latest}" --layer-compression bogus
printf '%s\n    tags: {strategy: latest}\n' "$head6" >"$work/good.yaml"
bulk with_image --config good.yaml -i "$px/base/app:1.0.0"
if [ "$rc" -eq 2 ] && grep -q "cannot be combined with -i" "$work/with_image.err"; then ok with_image
else fail with_image "exit $rc: $(cat "$work/with_image.err")"; fi

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
