#!/bin/sh
# Test material for test_effects.sh, in $1: a small CA set made with
# `openssl req -x509` (four roots share the subject "CN=Collide", so their
# hash links collide), fake ca-certificates 1 and 2 shipping them under
# /usr/share/ca-certificates/test/ (2 drops E, adds F, reissues A and
# depends on the new package newdep-ca), pinger 1 and 2 (/usr/bin/pinger)
# and capped 1 and 2 (2 carries a capability of its own).
set -eu
OUT=$1
mkdir -p "$OUT/certs" "$OUT/v1" "$OUT/repo/pool" "$OUT/src"
cd "$OUT/certs"
cert() { # FILE SUBJECT
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout /dev/null -subj "$2" -days 3650 -out "$1" 2>/dev/null
}
cert A1.crt "/CN=Test Root A"
cert A2.crt "/CN=Test Root A"
cert B.crt "/CN=Test Root B/O=Deselected"
cert C.crt "/CN=Collide"
cert D.crt "/CN=Collide"
cert E.crt "/CN=Collide"
cert F.crt "/CN=Collide"
cert local.crt "/CN=Local One"
cert deep.crt "/CN=Local Two"
cert extra.crt "/CN=Admin Extra"
# update-ca-certificates adds the newline a file lacks.
printf '%s' "$(cat A1.crt)" >A1-nonl.crt

cd "$OUT/src"
control() { # DIR NAME VERSION ARCH [extra lines...]
    mkdir -p "$1/DEBIAN"
    {
        printf 'Package: %s\nVersion: %s\nArchitecture: %s\n' "$2" "$3" "$4"
        printf 'Maintainer: Copa Tests <t@example.org>\n'
        shift 4
        for l in "$@"; do printf '%s\n' "$l"; done
        printf 'Description: effects test package\n built by the debpatch effects test\n'
    } >"$1/DEBIAN/control"
}
build() { dpkg-deb --root-owner-group -Zgzip --build "$1" "$2" >/dev/null; }

for v in 1 2; do
    d=ca-$v
    t=$d/usr/share/ca-certificates/test
    mkdir -p $t $d/etc/ssl/certs
    if [ $v = 1 ]; then
        control $d ca-certificates 1 all
        cp ../certs/A1-nonl.crt $t/A.crt
        cp ../certs/E.crt $t/E.crt
    else
        control $d ca-certificates 2 all "Depends: newdep-ca"
        cp ../certs/A2.crt $t/A.crt
        cp ../certs/F.crt $t/F.crt
        printf '#!/bin/sh\nexit 0\n' >$d/DEBIAN/postinst
        chmod 0755 $d/DEBIAN/postinst
    fi
    cp ../certs/B.crt $t/B.crt
    cp ../certs/C.crt "$t/Collide (C), one.crt"
    cp ../certs/D.crt $t/D.crt
    [ $v = 1 ] && dest=../v1 || dest=../repo/pool
    build $d $dest/ca-certificates_$v.deb

    d=pinger-$v
    mkdir -p $d/usr/bin
    control $d pinger $v amd64
    printf '#!/bin/sh\necho pinger %s\n' $v >$d/usr/bin/pinger
    chmod 0755 $d/usr/bin/pinger
    build $d $dest/pinger_$v.deb
done
# capped 2 ships /usr/bin/capped with its own capability (cap_net_admin=ep)
# as a pax xattr record in data.tar, which wins over the image's.
for v in 1 2; do
    d=capped-$v
    mkdir -p $d/usr/bin
    control $d capped $v amd64
    printf '#!/bin/sh\necho capped %s\n' $v >$d/usr/bin/capped
    [ $v = 1 ] && dest=../v1 || dest=../repo/pool
    dpkg-deb --root-owner-group -Znone --build $d $dest/capped_$v.deb >/dev/null
done
python3 - ../repo/pool/capped_2.deb <<'PY'
import io, struct, sys, tarfile
deb = sys.argv[1]
data = open(deb, 'rb').read()
pos, parts = 8, []
while pos < len(data):
    hdr = data[pos:pos + 60]
    size = int(hdr[48:58])
    parts.append((hdr[:16].decode().strip().rstrip('/'), data[pos + 60:pos + 60 + size]))
    pos += 60 + size + (size & 1)
out = []
for name, body in parts:
    if name == 'data.tar':
        src, buf = tarfile.open(fileobj=io.BytesIO(body)), io.BytesIO()
        dst = tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT)
        for m in src.getmembers():
            if m.name == './usr/bin/capped':
                cap = struct.pack('<IIIII', 0x02000001, 1 << 12, 0, 0, 0)
                m.pax_headers['SCHILY.xattr.security.capability'] = cap.decode('latin-1')
            dst.addfile(m, src.extractfile(m) if m.isreg() else None)
        dst.close()
        body = buf.getvalue()
    out.append((name, body))
with open(deb, 'wb') as f:
    f.write(b'!<arch>\n')
    for name, body in out:
        f.write(('%-16s%-12d%-6d%-6d%-8s%-10d`\n' % (name, 0, 0, 0, '100644', len(body))).encode())
        f.write(body + (b'\n' if len(body) & 1 else b''))
PY
d=newdep-ca
mkdir -p $d/usr/share/doc/newdep-ca
control $d newdep-ca 1.0 all
echo "new dependency" >$d/usr/share/doc/newdep-ca/README
build $d ../repo/pool/newdep-ca_1.0.deb
cd "$OUT/repo"
apt-ftparchive packages pool >Packages 2>/dev/null
