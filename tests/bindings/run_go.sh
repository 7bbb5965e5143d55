#!/usr/bin/env bash
# The Go binding's checks: install libcopa into a temporary prefix (the
# package links it through pkg-config), then `go vet` and `go test` offline,
# the tests under with_patch_fixture.sh so the patch tests run.
#
# usage: run_go.sh BUILD_DIR SOURCE_DIR WORK
set -euo pipefail
build=$1 src=$2 work=$3
command -v go >/dev/null || { echo "SKIP: go (golang-go) not installed"; exit 77; }
rm -rf "$work/prefix" "$work/fixture"
mkdir -p "$work"
work=$(cd "$work" && pwd)
cmake --install "$build" --prefix "$work/prefix" >/dev/null
pc=$(dirname "$(find "$work/prefix" -name libcopa.pc)")
export PKG_CONFIG_PATH=$pc LD_LIBRARY_PATH=$pc/..
export GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=on GOSUMDB=off
export GOCACHE=$work/gocache GOPATH=$work/gopath GOTMPDIR=
export COPA_SOURCE_DIR=$src
cd "$src/bindings/go"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "not gofmt-clean: $unformatted" >&2; exit 1; }
go vet ./...
"$src/tests/bindings/with_patch_fixture.sh" "$work/fixture" go test -count=1 ./...
