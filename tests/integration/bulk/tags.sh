#!/usr/bin/env bash
# Tag listing against the real registry (plain, and TLS + htpasswd), run
# inside tests/integration/registry/run.sh --with: gives skopeo's test image
# 24 more tags (25: three pages of 10) on both registries, then runs the
# C test program, which lists them page by page.
# usage: tags.sh TEST_PROGRAM
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tags=()
for i in $(seq 1 12); do tags+=("1.$i.0"); done
tags+=(1.10.1 1.11.0-rc.1 latest stable alpha 2.0 v3 bookworm 3.19-alpine 0.9.9 1.2.0-beta 1.9.0-x)
python3 "$here/retag.py" "http://$COPA_TEST_PLAIN" skopeo/img v1 "${tags[@]}"
skopeo copy -q --dest-cert-dir "$COPA_TEST_WORK/certs" --dest-creds "$COPA_TEST_USER:$COPA_TEST_PASS" \
    --src-tls-verify=false "docker://$COPA_TEST_PLAIN/skopeo/img:v1" \
    "docker://$COPA_TEST_TLS/secure/many:v1"
python3 "$here/retag.py" "https://$COPA_TEST_TLS" secure/many v1 "${tags[@]}" \
    --user "$COPA_TEST_USER:$COPA_TEST_PASS" --ca "$COPA_TEST_CA"
# The registry does not page tag lists itself (see paging_proxy.py).
python3 "$here/paging_proxy.py" "$COPA_TEST_PLAIN" "$COPA_TEST_WORK/proxy.port" &
proxy=$!
trap 'kill $proxy 2>/dev/null || true' EXIT
for i in $(seq 1 100); do [ -s "$COPA_TEST_WORK/proxy.port" ] && break; sleep 0.1; done
export COPA_TEST_PAGED=127.0.0.1:$(cat "$COPA_TEST_WORK/proxy.port")
status=0
${COPA_TEST_WRAPPER:-} "$1" || status=$?
exit $status
