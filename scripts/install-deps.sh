#!/usr/bin/env bash
# Install every Debian 12 package that building and testing libcopa needs.
# Idempotent and quick when everything is present: it only calls apt-get
# when a package is missing. Needs root (or sudo) for the install itself.
set -euo pipefail

packages=(
    # Build
    build-essential cmake pkg-config git
    # Libraries libcopa links
    libcurl4-openssl-dev libssl-dev libcjson-dev libarchive-dev zlib1g-dev libzstd-dev libisal-dev libyaml-dev libsqlite3-dev libexpat1-dev
    # Unit tests, formatting, memory checks, fuzzing
    libcmocka-dev clang clang-format clang-tidy valgrind libclang-rt-14-dev
    # Reference tools the differential tests compare against
    dpkg dpkg-dev binutils rpm gnupg apt-utils mmdebstrap isal zstd
    createrepo-c dnf libsolv-tools sqlite3
    # Foreign-architecture test images (built through binfmt, never used by copa)
    qemu-user-static binfmt-support arch-test
    # Real components the integration tests start on loopback
    docker-registry apache2-utils skopeo umoci openssl curl jq
    # Scripting used by tests and benchmarks
    python3 python3-jsonschema python3-yaml python3-pytest python3-setuptools python3-venv golang-go doxygen xz-utils time lz4 dctrl-tools python3-apt bc
)

missing=()
for package in "${packages[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
