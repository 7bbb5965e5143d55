# Shared by the hostile/ca-store tests (sourced by POSIX sh scripts that set
# TOOL, HERE and NAME): a scratch directory $W removed at exit, fail(), the
# test packages (make_effect_debs.sh), the image root $R with v1 of the test
# ca-certificates installed by dpkg, Debian's update-ca-certificates on a
# tree (real_update), and copa's debpatch tool against a loopback repository
# of v2 (serve_repo, run_tool).
W=$(mktemp -d "/tmp/copa-hostile-ca-$NAME-XXXXXX")
SERVER_PID=
cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    [ -n "${COPA_KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
sh "$HERE/make_effect_debs.sh" "$W"
R=$W/root
L=$R/usr/local/share/ca-certificates

# install_v1: an image root with dpkg's database and v1 installed by dpkg.
install_v1() {
    mkdir -p $R/etc $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $L
    touch $R/var/lib/dpkg/status
    dpkg --root=$R --force-not-root --force-script-chrootless -i $W/v1/ca-certificates_1.deb \
        >/dev/null 2>&1 || fail "dpkg could not install v1"
}

# real_update ROOT [BIND...]: Debian's script on ROOT, in a private mount
# namespace where the certificate directories (and each BIND path, relative
# to the root) are the tree's, as they would be inside the image.
real_update() {
    unshare -m --propagation private sh -ec '
        root=$1
        shift
        for p in "$@"; do mount --bind "$root/$p" "/$p"; done
        mount --bind "$root/usr/share/ca-certificates" /usr/share/ca-certificates
        mount --bind "$root/usr/local/share/ca-certificates" /usr/local/share/ca-certificates
        update-ca-certificates --certsconf "$root/etc/ca-certificates.conf" \
            --etccertsdir "$root/etc/ssl/certs" --hooksdir ""' sh "$@" >"$W/real.txt" 2>&1 ||
        { cat "$W/real.txt"; fail "update-ca-certificates on $1"; }
}

# serve_repo: the v2 repository on a loopback port ($PORT), answering.
serve_repo() {
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server --bind 127.0.0.1 "$PORT" --directory $W/repo >/dev/null 2>&1 &
    SERVER_PID=$!
    python3 - "$PORT" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/Packages" % sys.argv[1]); break
    except Exception: time.sleep(0.1)
PY
}

# run_tool SECONDS: copa's debpatch tool on $R (as $W/root.tar) -> $W/layer.tar;
# its exit status in $rc (124: it did not finish), its output printed.
run_tool() {
    rc=0
    timeout "$1" "$TOOL" $R $W/root.tar $W/repo/Packages "http://127.0.0.1:$PORT" $W/cache \
        $W/layer.tar 1700000000 >$W/out.txt 2>&1 || rc=$?
    cat $W/out.txt
}
