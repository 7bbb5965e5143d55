#!/usr/bin/env bash
# The README's first command: install the dependencies, build libcopa and
# the copa CLI into ./build, and run a short demonstration.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

echo
echo "== copa is built: ./build/cli/copa"
./build/cli/copa --version
./scripts/demo.sh ./build/cli/copa
