#!/usr/bin/env bash
# Build the reference implementations the differential tests compare against
# (test oracles only: never linked into libcopa, never copied into the repository).
#
# Today: apk-tools 2.14.10 (Alpine's package manager, GPL-2.0), built from the unmodified
# upstream tarball and script in ../shared/oracles (relative to the project root) with
# that folder's build-apk-tools.sh, into a cache folder outside the repository:
#   ${COPA_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/copa/oracles}/apk-tools-2.14.10/src/apk
# tests/CMakeLists.txt passes the same path to the tests as COPA_APK_ORACLE; a test that
# needs it skips (exit 77) when it is absent. When ../shared/oracles does not exist (a CI
# clone without it) this prints why and succeeds: the oracle tests then skip.
#
# usage: scripts/build-oracles.sh   (env: COPA_ORACLE_SOURCES overrides ../shared/oracles,
#                                    COPA_ORACLE_CACHE the cache folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sources=${COPA_ORACLE_SOURCES:-$root/../shared/oracles}
cache=${COPA_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/copa/oracles}

if [ ! -x "$sources/build-apk-tools.sh" ]; then
    echo "build-oracles: $sources/build-apk-tools.sh absent: the apk-tools oracle tests will skip"
    exit 0
fi
mkdir -p "$cache"
apk=$("$sources/build-apk-tools.sh" "$cache/apk-tools-2.14.10" | tail -n 1)
echo "build-oracles: apk-tools oracle at $apk"
