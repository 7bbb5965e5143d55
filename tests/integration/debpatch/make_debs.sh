#!/bin/sh
# Build the test packages (v1 installed, v2 in the repository) into $1/v1
# and $1/repo/pool. Every package is built with dpkg-deb; the daemon-owned
# package's data.tar is rewritten with python3 tarfile so its files carry
# the owner *name* daemon with numeric ids that differ from the image's.
set -eu
OUT=$1
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/v1" "$OUT/repo/pool" "$OUT/src"
cd "$OUT/src"

control() { # DIR NAME VERSION ARCH [extra lines...]
    c_dir=$1 c_name=$2 c_ver=$3 c_arch=$4
    shift 4
    mkdir -p "$c_dir/DEBIAN"
    {
        printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: Copa Tests <t@example.org>\n' "$c_name" "$c_ver" "$c_arch"
        for l in "$@"; do printf '%s\n' "$l"; done
        printf 'Description: test package %s\n a package built by the debpatch integration test\n' "$c_name"
    } > "$c_dir/DEBIAN/control"
}

script() { # DIR NAME
    printf '#!/bin/sh\nexit 0\n' > "$1/DEBIAN/$2"
    chmod 0755 "$1/DEBIAN/$2"
}

build() { # DIR DEST
    dpkg-deb --root-owner-group -Zxz --build "$1" "$2" >/dev/null
}

# cfgpkg: conffiles (one the admin modifies), a file dropped in v2, a /lib
# path (merged-/usr), a postinst; v2 adds a dependency and a Breaks.
for v in 1 2; do
    d=cfgpkg-$v
    mkdir -p $d/DEBIAN $d/etc/cfgpkg $d/usr/bin $d/usr/share/cfgpkg $d/lib/cfgpkg $d/usr/share/doc/cfgpkg
    echo "main v$v" > $d/etc/cfgpkg/main.conf
    echo "other v$v" > $d/etc/cfgpkg/other.conf
    echo "same in both" > $d/etc/cfgpkg/same.conf
    printf '/etc/cfgpkg/main.conf\n/etc/cfgpkg/other.conf\n/etc/cfgpkg/same.conf\n' > $d/DEBIAN/conffiles.tmp
    printf '#!/bin/sh\necho cfgtool %s\n' $v > $d/usr/bin/cfgtool
    chmod 0755 $d/usr/bin/cfgtool
    echo "plugin v$v" > $d/lib/cfgpkg/plugin.so
    echo "copyright" > $d/usr/share/doc/cfgpkg/copyright
    if [ $v = 1 ]; then
        echo old > $d/usr/share/cfgpkg/old.txt
        mkdir -p $d/usr/share/cfgpkg/olddir && echo x > $d/usr/share/cfgpkg/olddir/gone.txt
        control $d cfgpkg 1.0-1 amd64 'Depends: libma (>= 1.0)'
    else
        echo new > $d/usr/share/cfgpkg/new.txt
        control $d cfgpkg 2.0-1 amd64 'Depends: libma (>= 2.0), newdep' 'Breaks: breaker (<< 2.0)'
    fi
    mv $d/DEBIAN/conffiles.tmp $d/DEBIAN/conffiles
    script $d postinst
    build $d "$OUT/$([ $v = 1 ] && echo v1 || echo repo/pool)/cfgpkg_$v.deb"
done

# newdep: only in v2's world, a new package.
d=newdep-1
mkdir -p $d/usr/lib/newdep
echo data > $d/usr/lib/newdep/data
control $d newdep 1.0-1 all
script $d postinst
build $d "$OUT/repo/pool/newdep_1.deb"

# breaker: v1 is broken by cfgpkg 2.0; v2 fixes it.
for v in 1 2; do
    d=breaker-$v
    mkdir -p $d/usr/share/breaker
    echo "breaker $v" > $d/usr/share/breaker/file
    control $d breaker $v.0-1 all
    build $d "$OUT/$([ $v = 1 ] && echo v1 || echo repo/pool)/breaker_$v.deb"
done

# libma: Multi-Arch: same pair (amd64 + i386) with a shared file, and an
# md5sums member (dpkg copies it instead of generating one).
for v in 1 2; do
    for a in amd64 i386; do
        d=libma-$v-$a
        t=$([ $a = amd64 ] && echo x86_64-linux-gnu || echo i386-linux-gnu)
        mkdir -p $d/usr/lib/$t $d/usr/share/doc/libma
        echo "libma $v $a" > $d/usr/lib/$t/libma.so.1
        echo "changelog $v" > $d/usr/share/doc/libma/changelog
        control $d libma $v.0-1 $a 'Multi-Arch: same'
        (cd $d && find usr -type f | sort | xargs md5sum > DEBIAN/md5sums)
        printf 'activate-noawait ldconfig\n' > $d/DEBIAN/triggers
        build $d "$OUT/$([ $v = 1 ] && echo v1 || echo repo/pool)/libma_${v}_$a.deb"
    done
done

# daemonpkg: owned by daemon (name daemon, numbers 4242), a setuid file,
# a symlink, a hardlink, a path the image diverts and a stat override.
for v in 1 2; do
    d=daemonpkg-$v
    mkdir -p $d/usr/lib/daemonpkg $d/usr/share/daemonpkg $d/var/lib/daemonpkg
    printf '#!/bin/sh\necho helper %s\n' $v > $d/usr/lib/daemonpkg/helper
    chmod 4755 $d/usr/lib/daemonpkg/helper
    echo "state $v" > $d/var/lib/daemonpkg/state
    echo "readme $v" > $d/usr/share/daemonpkg/readme
    echo "data $v" > $d/usr/share/daemonpkg/data
    ln $d/usr/share/daemonpkg/data $d/usr/share/daemonpkg/data.hard
    ln -s data $d/usr/share/daemonpkg/data.link
    control $d daemonpkg $v.0-1 amd64
    dpkg-deb -Znone --build $d $d.deb >/dev/null
    python3 "$HERE/retar.py" $d.deb daemon 4242 \
        ./var/lib/daemonpkg/ ./var/lib/daemonpkg/state ./usr/share/daemonpkg/data \
        ./usr/share/daemonpkg/data.hard
    cp $d.deb "$OUT/$([ $v = 1 ] && echo v1 || echo repo/pool)/daemonpkg_$v.deb"
done

cd "$OUT/repo"
apt-ftparchive packages pool > Packages 2>/dev/null
