#!/usr/bin/env bash
# One hostile tag list (hostile_registry.py) against copa patch --config
# --list-jobs: copa must end quickly with the expected exit code and a
# message naming the problem, after a bounded number of requests.
#
# usage: run.sh COPA CASE EXPECTED_EXIT EXPECTED_TEXT
set -uo pipefail
copa=$1 case=$2 want_rc=$3 want_text=$4
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
work=$(mktemp -d /tmp/copa-hostile-bulk.XXXXXX)
python3 "$here/hostile_registry.py" "$work/port" "$work/requests.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
reg=127.0.0.1:$(cat "$work/port")
cat >"$work/c.yaml" <<YAML
apiVersion: copa.sh/v1alpha1
kind: PatchConfig
images:
  - name: $case
    image: $reg/h/$case
    tags: {strategy: pattern, pattern: ".*"}
YAML
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
timeout 60 "$copa" patch --config "$work/c.yaml" --insecure-registry "$reg" --list-jobs \
    >"$work/out" 2>"$work/err"
rc=$?
requests=$(wc -l <"$work/requests.log")
echo "exit $rc after $requests requests: $(cat "$work/out" "$work/err")"
[ "$rc" -eq "$want_rc" ] || { echo "FAIL: expected exit $want_rc"; exit 1; }
grep -qF -- "$want_text" "$work/out" "$work/err" 2>/dev/null ||
    grep -qF -- "$want_text" <(cat "$work/out" "$work/err") || { echo "FAIL: no '$want_text'"; exit 1; }
[ "$requests" -le 10 ] || { echo "FAIL: $requests requests"; exit 1; }
echo "1 passed, 0 failed"
