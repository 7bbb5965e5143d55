#!/usr/bin/env bash
# Install the build into a temporary prefix, then build the vercmp example
# outside the tree twice: with pkg-config and with CMake's find_package().
# Both programs must run against the installed library.
#
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'echo "install test failed at line $LINENO: $BASH_COMMAND" >&2' ERR
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name libcopa.pc)")/..
test -x "$prefix/bin/copa"
test -f "$prefix/include/copa.h"

# pkg-config route.
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc -o "$work/vercmp_pc" "$source/examples/version_compare.c" \
    $(pkg-config --cflags --libs libcopa)
out=$(LD_LIBRARY_PATH=$libdir "$work/vercmp_pc" deb 1.0~rc1 1.0)
[ "$out" = "1.0~rc1 < 1.0" ] || { echo "pkg-config build printed '$out'" >&2; exit 1; }
# It must really use the installed library, not one from the build tree.
# (Output captured first: with pipefail, `ldd | grep -q` fails at random when
# grep exits early and ldd gets SIGPIPE.)
linked=$(LD_LIBRARY_PATH=$libdir ldd "$work/vercmp_pc")
grep -q "$libdir/libcopa.so.0" <<<"$linked"

# find_package route.
mkdir -p "$work/consumer"
cat >"$work/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(copa 0 REQUIRED)
add_executable(vercmp_cmake $source/examples/version_compare.c)
target_link_libraries(vercmp_cmake PRIVATE copa::copa)
CMAKE
cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer/build" >/dev/null
out=$(LD_LIBRARY_PATH=$libdir "$work/consumer/build/vercmp_cmake" rpm 1:1.0 2.0)
[ "$out" = "1:1.0 > 2.0" ] || { echo "find_package build printed '$out'" >&2; exit 1; }

# The installed CLI runs.
version=$(LD_LIBRARY_PATH=$libdir "$prefix/bin/copa" --version)
grep -q "^copa " <<<"$version"
echo "install: pkg-config and find_package consumers build and run"
