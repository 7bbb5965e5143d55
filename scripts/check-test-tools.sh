#!/usr/bin/env bash
# Check that every external command the tests run comes from a package
# scripts/install-deps.sh installs (or the test skips without it).
#
# Why: on a fresh Debian 12 machine ./scripts/test.sh failed because a unit
# test called igzip (package isal), which install-deps.sh did not install;
# the developers' machines happened to have it (issue 20). scripts/test.sh
# runs this right after installing the dependencies, before the build, so a
# test that needs a new tool fails here, in a second, with the fix named.
# The logic and the list of what is scanned are in check_test_tools.py.
#
# usage: scripts/check-test-tools.sh [--list] [PROJECT_ROOT]   (default: this repo)
set -euo pipefail
exec python3 "$(dirname "$0")/check_test_tools.py" "$@"
