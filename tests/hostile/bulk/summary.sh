#!/usr/bin/env bash
# Hand-made summary files against copa summary merge: a job whose
# sourceTag is not the tag at the end of its image must be refused (exit 3,
# naming the job) before any comparison reads past its strings; a job key
# in two files is refused even when the two name different images.
#
# usage: summary.sh COPA
set -uo pipefail
copa=$1
work=$(mktemp -d /tmp/copa-hostile-summary.XXXXXX)
trap 'rm -rf "$work"' EXIT
job() { # KEY IMAGE SOURCE_TAG
    printf '{"key": "%s", "name": "a", "image": "%s", "sourceTag": "%s", "target": "t",
      "platforms": "", "status": "Patched", "updates": 1, "digest": "", "exitCode": 0,
      "message": ""}' "$1" "$2" "$3"
}
# sourceTag as long as the image: "registry/repository" would have length -1
cat >"$work/s.json" <<JSON
{"kind": "CopaBulkSummary", "version": 1, "shard": "0/1", "total": 2,
 "jobs": [$(job a/1 abcd wxyz), $(job a/2 abcd wxyz)]}
JSON
"$copa" summary merge "$work/s.json" >"$work/out" 2>&1
rc=$?
echo "exit $rc: $(cat "$work/out")"
[ "$rc" -eq 3 ] || { echo "FAIL: expected exit 3"; exit 1; }
grep -qF "sourceTag 'wxyz' is not the tag of image 'abcd'" "$work/out" || { echo "FAIL: message"; exit 1; }
# two shards that agree on the total, but one job key twice (under two
# images, as when the config changed between shards) and one job missing
cat >"$work/s0.json" <<JSON
{"kind": "CopaBulkSummary", "version": 1, "shard": "0/2", "total": 2,
 "jobs": [$(job a/1 reg.test/x:1 1)]}
JSON
cat >"$work/s1.json" <<JSON
{"kind": "CopaBulkSummary", "version": 1, "shard": "1/2", "total": 2,
 "jobs": [$(job a/1 reg.test/y:1 1)]}
JSON
"$copa" summary merge "$work/s0.json" "$work/s1.json" >"$work/out" 2>&1
rc=$?
echo "exit $rc: $(cat "$work/out")"
[ "$rc" -eq 3 ] || { echo "FAIL: expected exit 3"; exit 1; }
grep -qF "job a/1 appears in two summaries" "$work/out" || { echo "FAIL: message"; exit 1; }
echo "2 passed, 0 failed"
