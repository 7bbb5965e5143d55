#!/usr/bin/env bash
# The Python binding's tests: pytest against the built library (with the
# patch fixture of with_patch_fixture.sh), then an offline install of the
# package into a venv (Debian's python3-venv + system setuptools) that must
# import and work from outside the source tree.
#
# usage: run_python.sh LIBCOPA_SO SOURCE_DIR WORK
set -euo pipefail
lib=$1 src=$2 work=$3
py=/usr/bin/python3
$py -c 'import pytest, setuptools' 2>/dev/null || { echo "SKIP: python3-pytest or python3-setuptools missing"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
export COPA_LIBRARY=$lib COPA_SOURCE_DIR=$src
"$src/tests/bindings/with_patch_fixture.sh" "$work/fixture" \
    $py -m pytest -q -p no:cacheprovider "$src/bindings/python/tests"

# pip builds in the tree it is given: give it a copy.
cp -r "$src/bindings/python" "$work/pkg"
rm -rf "$work/pkg/tests"
$py -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index --no-build-isolation --no-deps "$work/pkg"
cd "$work"
out=$("$work/venv/bin/python" -c 'import copa, os; print(copa.version_compare("deb", "1.0~rc1", "1.0"), os.path.dirname(copa.__file__))')
case $out in
"-1 $work/venv/"*) echo "installed package works: $out" ;;
*) echo "installed package: unexpected '$out'" >&2; exit 1 ;;
esac
