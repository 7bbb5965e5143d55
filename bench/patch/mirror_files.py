#!/usr/bin/env python3
"""What copa fetched from the Debian mirror, recovered from its cache.

copa keeps Packages indexes uncompressed, named by the Release's SHA-256 of
the plain file, while the mirror only publishes the compressed ones; so a
cached index is mapped back to the file copa downloaded (the .xz of the same
path, else the cached hash itself when it names a published file).

  mirror_files.py bytes CACHE MIRROR SECURITY_MIRROR
      bytes copa downloaded for the indexes and .debs now in CACHE
  mirror_files.py curl-args CACHE MIRROR SECURITY_MIRROR PLAN_JSON
      a curl config fetching the same InRelease files, indexes and .debs
"""
import json
import os
import re
import subprocess
import sys


def releases(mirror, security):
    """(InRelease URL, {path: (sha256, size)}) for the three Debian 12 suites."""
    out = []
    for base, suite in ((mirror, "bookworm"), (mirror, "bookworm-updates"),
                        (security, "bookworm-security")):
        url = "%s/dists/%s/InRelease" % (base, suite)
        text = subprocess.run(["curl", "-sf", url], capture_output=True, text=True).stdout
        files = {}
        sect = text.split("SHA256:", 1)[1] if "SHA256:" in text else ""
        for line in sect.splitlines()[1:]:
            m = re.match(r"^ ([0-9a-f]{64}) +(\d+) (\S+)$", line)
            if not m:
                break
            files[m.group(3)] = (m.group(1), int(m.group(2)))
        out.append((base, suite, url, files))
    return out


def fetched_indexes(cache, rels):
    """(URL, size) of each published index behind a cached one."""
    d = os.path.join(cache, "apt", "by-hash", "sha256")
    cached = set(os.listdir(d)) if os.path.isdir(d) else set()
    result, seen = [], set()
    for base, suite, _, files in rels:
        for path, (h, _size) in files.items():
            if h not in cached:
                continue
            published = path if not path.endswith("Packages") else path + ".xz"
            if published not in files:
                published = path
            ph, psize = files[published]
            url = "%s/dists/%s/%s/by-hash/SHA256/%s" % (base, suite, os.path.dirname(published), ph)
            if url not in seen:  # the plain copy and the .xz it came from: one download
                seen.add(url)
                result.append((url, psize))
    return result


def deb_bytes(cache):
    d = os.path.join(cache, "deb", "sha256")
    if not os.path.isdir(d):
        return 0
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))


def main():
    mode, cache, mirror, security = sys.argv[1:5]
    rels = releases(mirror, security)
    indexes = fetched_indexes(cache, rels)
    if mode == "bytes":
        print(sum(size for _, size in indexes) + deb_bytes(cache))
        return
    urls = [url for _, _, url, _ in rels] + [url for url, _ in indexes]
    urls += [p["url"] for p in json.load(open(sys.argv[5]))["packages"]]
    for i, u in enumerate(urls):
        print('url = "%s"\noutput = "f%d"' % (u, i))


main()
