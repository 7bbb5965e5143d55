#!/bin/sh
# lib/sandbox/ confines a command to its tree: no network, no write outside
# the tree (../.., /proc/1/root, /proc/1/cwd, the double-chroot escape),
# killed with its whole PID namespace at its timeout, fresh /proc, minimal
# /dev, /tmp tmpfs, policy-rc.d exiting 101, a clean environment, scaffolding
# removed afterwards; plus the foreign-architecture check.
set -eu
TOOL=$1
PROBE=$2

WORK=$(mktemp -d)
MARKER="copa-sandbox-hang-$$"
cleanup() {
    pkill -KILL -f "$MARKER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

TREE=$WORK/a/b/tree
mkdir -p "$TREE/bin" "$TREE/usr/sbin" "$TREE/etc"
cp "$PROBE" "$TREE/bin/probe"
# A shell and the libraries it needs, at the same paths as on the host.
cp -L /bin/dash "$TREE/bin/sh"
for lib in $(ldd /bin/dash | grep -o '/[^ ]*'); do
    mkdir -p "$TREE$(dirname "$lib")"
    cp -L "$lib" "$TREE$lib"
done

if ! "$TOOL" run "$TREE" 10 -- /bin/probe ids >"$WORK/out" 2>"$WORK/err"; then
    rc=$?
    cat "$WORK/err"
    if [ "$rc" = 77 ]; then echo "SKIP: user namespaces unavailable"; exit 77; fi
    fail "the sandbox did not start"
fi
grep -q '^status: exit status 0$' "$WORK/out" || fail "ids: $(cat "$WORK/out")"
grep -q '^uid 0 gid 0 pid 2$' "$WORK/out" || fail "not uid 0 / not in a new PID namespace: $(cat "$WORK/out")"

# Scaffolding made for the run is gone afterwards.
for p in proc dev tmp usr/sbin/policy-rc.d; do
    [ ! -e "$TREE/$p" ] || fail "$p was left in the tree"
done

# Network: only a loopback, down; nothing connects.
"$TOOL" run "$TREE" 10 -- /bin/probe net >"$WORK/out"
cat "$WORK/out"
[ "$(grep -c '^iface ' "$WORK/out")" = 1 ] || fail "interfaces other than lo are visible"
grep -q '^iface lo down$' "$WORK/out" || fail "lo is not down"
if grep -q '^connect .* ok$' "$WORK/out"; then fail "a connection succeeded"; fi

# Writes outside the tree: every trick lands inside the tree or fails.
"$TOOL" run "$TREE" 10 -- /bin/probe escape >"$WORK/out"
cat "$WORK/out"
for dir in "$WORK/a/b" "$WORK/a" "$WORK" /; do
    if ls "$dir" | grep -q '^ESCAPE_'; then fail "a file was written outside the tree, in $dir"; fi
done
[ -e "$TREE/ESCAPE_dotdot" ] || fail "the probe did not run its writes"
rm -f "$TREE"/ESCAPE_*; rmdir "$TREE/chroot-trick" 2>/dev/null || true

# The namespace's init reports the status: its descriptors are out of reach.
"$TOOL" run "$TREE" 10 -- /bin/probe forge >"$WORK/out"
cat "$WORK/out"
grep -q '^forged 0$' "$WORK/out" || fail "the command could write to init's status pipe"
grep -q '^status: exit status 7$' "$WORK/out" || fail "a forged status was believed"

# Timeout: the command and a detached, SIGTERM-ignoring child are killed.
start=$(date +%s)
"$TOOL" run "$TREE" 2 -- /bin/probe hang "$MARKER" >"$WORK/out"
end=$(date +%s)
cat "$WORK/out"
grep -q '^status: timed out after 2 s$' "$WORK/out" || fail "no timeout reported"
grep -q '^forked ' "$WORK/out" || fail "the output before the kill was not kept"
[ $((end - start)) -le 6 ] || fail "the run took $((end - start)) s for a 2 s timeout"
sleep 0.5
if pgrep -f "$MARKER" >/dev/null; then fail "a process of the sandbox survived its timeout"; fi

# /proc, /dev, /tmp, policy-rc.d and the environment, through the shell.
# Exit status and the last 10 lines of output; a write inside the tree stays.
"$TOOL" run "$TREE" 10 -- /bin/sh -c '
    echo kept >/etc/written
    i=0; while [ $i -lt 30 ]; do echo "line $i"; i=$((i+1)); done
    exit 3' >"$WORK/out"
cat "$WORK/out"
grep -q '^status: exit status 3$' "$WORK/out" || fail "exit status not reported"
grep -q '^line 29$' "$WORK/out" || fail "the last line of output is missing"
if grep -q '^line 19$' "$WORK/out"; then fail "more than the last 10 lines were kept"; fi
"$TOOL" run "$TREE" 10 DPKG_MAINTSCRIPT_NAME=postinst -- /bin/sh -c '
    [ -r /proc/1/cmdline ] && echo proc-ok
    echo hello >/tmp/t && read l </tmp/t && echo "tmp-$l"
    [ -c /dev/null ] && [ -c /dev/urandom ] && [ -c /dev/zero ] && echo dev-ok
    /usr/sbin/policy-rc.d; echo "policy-$?"
    echo "env $DEBIAN_FRONTEND $DPKG_MAINTSCRIPT_NAME $PATH $(hostname 2>/dev/null)"
    (echo > /usr/sbin/policy-rc.d) 2>/dev/null || echo policy-readonly' >"$WORK/out"
cat "$WORK/out"
for want in proc-ok tmp-hello dev-ok policy-101 policy-readonly \
    "env noninteractive postinst /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; do
    grep -q "^$want" "$WORK/out" || fail "missing: $want"
done
[ "$(cat "$TREE/etc/written")" = kept ] || fail "a write inside the tree was lost"
[ ! -e "$TREE/tmp" ] || fail "/tmp content reached the tree"

# A missing program is a setup error naming it.
if "$TOOL" run "$TREE" 10 -- /bin/nothing 2>"$WORK/err"; then fail "a missing program ran"; fi
grep -q 'cannot run /bin/nothing' "$WORK/err" || fail "unclear error: $(cat "$WORK/err")"

# Architecture: the tree's shell is native; an aarch64 ELF header needs the
# qemu handler (when registered), an unknown machine names what is missing.
[ "$("$TOOL" arch "$TREE" bin/sh)" = native ] || fail "the host's own shell is not native"
python3 - "$TREE" <<'PY'
import struct, sys
def elf(path, machine):
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    with open(path, "wb") as f:
        f.write(ident + struct.pack("<HHI", 2, machine, 1) + bytes(48))
elf(sys.argv[1] + "/bin/arm64", 0xB7)
elf(sys.argv[1] + "/bin/odd", 0x3333)
PY
out=$("$TOOL" arch "$TREE" bin/arm64 || true)
if grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null &&
    grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
    [ "$out" = qemu-aarch64 ] || fail "arm64 handler not found: $out"
else
    echo "$out" | grep -q 'aarch64' || fail "arm64 without handler: $out"
fi
out=$("$TOOL" arch "$TREE" bin/odd || true)
echo "$out" | grep -q '^error: no binfmt_misc handler is registered' || fail "unknown machine: $out"
out=$("$TOOL" arch "$TREE" bin/absent || true)
echo "$out" | grep -q 'has no /bin/absent' || fail "absent probe: $out"
# An unprivileged caller: only its own ids are mapped, to 0.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$WORK"
    mkdir -p "$WORK/nb/bin"
    cp "$PROBE" "$WORK/nb/bin/probe"
    chown -R 65534:65534 "$WORK/nb"
    out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TOOL" run "$WORK/nb" 10 -- /bin/probe ids)
    echo "$out" | grep -q '^uid 0 gid 0 pid 2$' || fail "unprivileged run: $out"
    [ ! -e "$WORK/nb/proc" ] || fail "unprivileged run left /proc"
fi
echo "PASS"
