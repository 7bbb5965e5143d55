#!/usr/bin/env bash
# scripts/check-test-tools.sh must fail on a test that calls a tool from a
# package install-deps.sh does not list, name the file:line and the package,
# and pass when the package is listed or the test skips without the tool.
# Runs the checker on scratch trees: a fake install-deps.sh and fake tests.
# The unlisted tool is jq (package jq): install-deps.sh installs it, so it is
# on every machine that runs this, and it is neither Essential nor required.
#
# usage: test_check_test_tools.sh CHECKER
#
# The fake tests are written in single quotes: nothing in them may expand here.
# shellcheck disable=SC2016
set -euo pipefail
checker=$1
command -v dpkg-query >/dev/null || { echo "SKIP: not a dpkg system"; exit 77; }
[ "$(dpkg-query -W -f='${Status}' jq 2>/dev/null)" = "install ok installed" ] ||
    { echo "SKIP: package jq not installed (run scripts/install-deps.sh)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# new_tree: an empty project whose install-deps.sh lists only python3.
new_tree() {
    rm -rf "$work/tree"
    mkdir -p "$work/tree/scripts" "$work/tree/tests/t"
    list_packages
}

# list_packages PACKAGES...: install-deps.sh lists python3 and PACKAGES.
list_packages() {
    {
        echo 'packages=('
        echo '    # scripting'
        echo "    python3 $*"
        echo ')'
    } >"$work/tree/scripts/install-deps.sh"
}

# expect_error WHAT PACKAGE FILE:LINE...: the checker fails, reports the
# calls to jq at each FILE:LINE and says to add PACKAGE.
expect_error() {
    local what=$1 package=$2 where
    shift 2
    if "$checker" "$work/tree" >"$work/out" 2>&1; then
        echo "FAIL: $what: $* not reported" >&2
        failures=$((failures + 1))
        return
    fi
    for where in "$@"; do
        reported "$what" "$where" "$package"
    done
}

reported() {
    local what=$1 where=$2 package=$3
    if ! grep -q -- "'jq' (called at .*$where" "$work/out"; then
        echo "FAIL: $what: no problem line names $where" >&2
        cat "$work/out" >&2
        failures=$((failures + 1))
    elif ! grep -q "add $package to scripts/install-deps.sh" "$work/out"; then
        echo "FAIL: $what: the message does not say to add $package" >&2
        cat "$work/out" >&2
        failures=$((failures + 1))
    fi
}

# expect_pass WHAT: the checker accepts the tree.
expect_pass() {
    if ! "$checker" "$work/tree" >"$work/out" 2>&1; then
        echo "FAIL: $1: the checker rejected it" >&2
        cat "$work/out" >&2
        failures=$((failures + 1))
    fi
}

# Each form of calling a tool, in its own file: all must be reported.
new_tree
printf '#!/bin/sh\nset -e\njq . in.json\n' >"$work/tree/tests/t/plain.sh"
printf 'x=1\nout=$(jq -r .a f)\n' >"$work/tree/tests/t/substitution.sh"
printf 'cat f |\n    jq .\n' >"$work/tree/tests/t/pipe.sh"
printf 'true && jq . f || exit 1\n' >"$work/tree/tests/t/andor.sh"
printf 'if ! jq . f; then exit 1; fi\n' >"$work/tree/tests/t/if.sh"
printf 'timeout 10 jq . f\n' >"$work/tree/tests/t/timeout.sh"
printf 'env LC_ALL=C jq . f\n' >"$work/tree/tests/t/env.sh"
printf 'find . -name "*.json" | xargs -r jq .\n' >"$work/tree/tests/t/xargs.sh"
printf 'sh -c "cd /tmp && jq . f"\n' >"$work/tree/tests/t/sh_c.sh"
printf 'for f in a b; do\n    FOO=1 jq . "$f" >/dev/null 2>&1\ndone\n' >"$work/tree/tests/t/loop.sh"
printf 'import subprocess\nsubprocess.run(["jq", "."], check=True)\n' >"$work/tree/tests/t/argv.py"
printf 'import os\nos.system("gzip -dc f | jq .")\n' >"$work/tree/tests/t/shell.py"
cat >"$work/tree/tests/t/test_direct.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
    return system("cat f.json | "
                  "jq .");
}
C
cat >"$work/tree/tests/t/helpers.h" <<'C'
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
static int run_shell(const char *fmt, ...)
{
    char command[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(command, sizeof(command), fmt, ap);
    va_end(ap);
    return system(command);
}
C
cat >"$work/tree/tests/t/test_wrapped.c" <<'C'
#include "helpers.h"
static const char *const tools[] = {"gzip -1", "jq"};
int main(void)
{
    char buffer[64];
    int i;
    snprintf(buffer, sizeof(buffer), "rm -rf %s", "x");
    for (i = 0; i < 2; i++)
        run_shell("%s -c '%s' > out", tools[i], buffer);
    return system(buffer);
}
C
cat >"$work/tree/tests/t/test_buffer.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "jq . %s", "f");
    return system(cmd);
}
C
printf 'add_test(NAME t COMMAND jq . f)\n' >"$work/tree/tests/t/CMakeLists.txt"
expect_error "an unlisted tool" jq tests/t/plain.sh:3 tests/t/substitution.sh:2 \
    tests/t/pipe.sh:2 tests/t/andor.sh:1 tests/t/if.sh:1 tests/t/timeout.sh:1 tests/t/env.sh:1 \
    tests/t/xargs.sh:1 tests/t/sh_c.sh:1 tests/t/loop.sh:2 tests/t/argv.py:2 tests/t/shell.py:2 \
    tests/t/test_direct.c:6 tests/t/test_wrapped.c:9 tests/t/test_buffer.c:6 \
    tests/t/CMakeLists.txt:1
# The same tree passes once install-deps.sh lists the package.
list_packages jq
expect_pass "a tool whose package is listed"

# Guarded uses pass: the test skips without the tool.
new_tree
cat >"$work/tree/tests/t/guarded.sh" <<'SH'
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
jq . in.json
SH
cat >"$work/tree/tests/t/guarded_loop.sh" <<'SH'
for tool in umoci copa-absent-tool-1 jq; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
jq . in.json
copa-absent-tool-1 --version
SH
cat >"$work/tree/tests/t/guarded.py" <<'PY'
import shutil
import subprocess
import pytest
if shutil.which("jq") is None:
    pytest.skip("jq not installed")
subprocess.run(["jq", "."], check=True)
PY
cat >"$work/tree/tests/t/test_guarded.c" <<'C'
#include <stdlib.h>
static int have_tool(const char *name);
int main(void)
{
    if (!have_tool("jq"))
        return 77; /* skip */
    return system("jq . f");
}
C
expect_pass "uses guarded by a skip"

# A check that fails instead of skipping is no guard.
new_tree
cat >"$work/tree/tests/t/required.sh" <<'SH'
command -v jq >/dev/null || { echo "jq is required" >&2; exit 1; }
jq . in.json
SH
expect_error "a hard requirement" jq tests/t/required.sh:2

# A tool found nowhere on PATH fails unless the test skips without it.
new_tree
printf 'copa-absent-tool-2 --flag\n' >"$work/tree/tests/t/absent.sh"
if "$checker" "$work/tree" >"$work/out" 2>&1 ||
    ! grep -q "'copa-absent-tool-2' (called at tests/t/absent.sh:1) is not installed here" "$work/out"; then
    echo "FAIL: an absent, unguarded tool was not reported" >&2
    cat "$work/out" >&2
    failures=$((failures + 1))
fi

# A local copy first on PATH (pyenv, /usr/local) does not hide the package
# behind it; a tool no package provides is reported as such.
new_tree
mkdir -p "$work/bin"
printf '#!/bin/sh\nexit 0\n' >"$work/bin/jq"
cp "$work/bin/jq" "$work/bin/copa-local-tool"
chmod +x "$work/bin/jq" "$work/bin/copa-local-tool"
printf 'jq . f\ncopa-local-tool\n' >"$work/tree/tests/t/local.sh"
PATH=$work/bin:$PATH expect_error "a local copy first on PATH" jq tests/t/local.sh:1
if ! grep -q "'copa-local-tool' (called at tests/t/local.sh:2) resolves to $work/bin/copa-local-tool, which no Debian package provides" "$work/out"; then
    echo "FAIL: a tool no package provides was not reported as such" >&2
    cat "$work/out" >&2
    failures=$((failures + 1))
fi

# A listed package that is not installed: run install-deps.sh first.
new_tree
list_packages copa-absent-package
if "$checker" "$work/tree" >"$work/out" 2>&1 ||
    ! grep -q "not installed here: copa-absent-package; run scripts/install-deps.sh first" "$work/out"; then
    echo "FAIL: a listed package that is not installed was not reported" >&2
    cat "$work/out" >&2
    failures=$((failures + 1))
fi

# Things that are not external commands stay quiet (all names absent from PATH).
new_tree
cat >"$work/tree/tests/t/quiet.sh" <<'SH'
#!/bin/bash
# copa-absent-in-comment runs here
helper() { echo "copa-absent-in-string | x"; }
helper
tool=copa-absent-in-variable
"$tool" --version || true
files=(copa-absent-in-array /x/*.sources)
for name in copa-absent-in-list other; do echo "$name"; done
case "$1" in
    copa-absent-pattern | other) echo one ;;
    *) echo two ;;
esac
cat >out <<'EOF2'
copa-absent-in-heredoc --now
EOF2
./copa-absent-project-script arg
"$(dirname "$0")/copa-absent-helper.sh" arg
[[ -n "$1" && -f copa-absent-test-operand ]] && echo yes
echo 'copa-absent-single; copa-absent-quoted' >/dev/null
SH
expect_pass "words that are not commands"

if [ "$failures" -ne 0 ]; then
    echo "check-test-tools test: $failures failure(s)" >&2
    exit 1
fi
echo "check-test-tools test: every form reported, guarded and listed uses accepted"
