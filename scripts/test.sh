#!/usr/bin/env bash
# The README's second command and what CI runs: every check of the project.
#
#   1. dependencies present (installs missing Debian packages), the test
#      oracles built (scripts/build-oracles.sh), and every external command
#      the tests run comes from one of them
#   2. formatting (clang-format, config in .clang-format)
#   3. a Release build with -Werror (what users build, warnings checked),
#      then an optimized debug-info build with -Werror and every ctest test
#      (unit, api, cli, integration, e2e, hostile, examples, bindings)
#   4. a second build with AddressSanitizer + UndefinedBehaviorSanitizer,
#      and the unit tests under it
#   5. valgrind (leaks and memory errors) on the unit test programs
#   6. each libFuzzer target for a bounded time (COPA_FUZZ_SECONDS, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
step() { printf '\n===== %s\n' "$*"; }

step "dependencies"
./scripts/install-deps.sh

step "test oracles (apk-tools, when ../shared/oracles exists)"
./scripts/build-oracles.sh

step "test tools come from install-deps.sh"
./scripts/check-test-tools.sh

step "format check"
./scripts/check-format.sh

step "build (Release, -Werror)"
# Users build Release without -Werror (COPA_WERROR is off by default), so
# warnings that only -O3 shows (-Wformat-truncation) must be caught here.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCOPA_WERROR=ON >/dev/null
cmake --build build-release -j"$jobs"

step "build (RelWithDebInfo, -Werror)"
# Optimized (with debug info): some warnings (-Wmaybe-uninitialized,
# -Wformat-truncation) only appear at -O2. The sanitizer build is -O0.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOPA_WERROR=ON >/dev/null
cmake --build build -j"$jobs"

step "tests"
(cd build && ctest --output-on-failure -j"$jobs")

step "sanitizers (ASan + UBSan): unit and hostile tests"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCOPA_SANITIZE=ON -DCOPA_BUILD_EXAMPLES=OFF \
    -DCOPA_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs" -L 'unit|hostile' -LE api)

step "valgrind: unit tests"
./scripts/valgrind-unit.sh build

step "fuzzing"
./scripts/fuzz.sh "${COPA_FUZZ_SECONDS:-30}"

step "all checks passed"
