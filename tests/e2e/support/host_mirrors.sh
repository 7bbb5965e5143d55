# Source this file: it sets DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR from the
# host's apt configuration (deb822 .sources files first, then one-line
# .list files), so no mirror host name is ever written into the repository.
# Both stay empty when the host has no usable configuration.

_copa_uris() {
    local file
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$file"
    done
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; break } }' "$file"
    done
}

DEBIAN_SECURITY_MIRROR=$(_copa_uris | grep -m1 -- 'security' || true)
DEBIAN_MIRROR=$(_copa_uris | grep -v -- 'security' | grep -m1 -E '/debian/?$' || true)
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR%/}
DEBIAN_MIRROR=${DEBIAN_MIRROR%/}
unset -f _copa_uris
