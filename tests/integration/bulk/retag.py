#!/usr/bin/env python3
"""Give an image already in a registry more tags: GET its manifest once and
PUT the same bytes under each new tag (what `skopeo copy` would do, without
copying blobs again). Loopback only.

usage: retag.py BASE_URL REPOSITORY SOURCE_TAG TAG... [--user U:P] [--ca FILE]
"""
import base64
import ssl
import sys
import urllib.request

args = sys.argv[1:]
user = ca = None
if "--user" in args:
    i = args.index("--user"); user = args[i + 1]; del args[i:i + 2]
if "--ca" in args:
    i = args.index("--ca"); ca = args[i + 1]; del args[i:i + 2]
base, repo, source, tags = args[0], args[1], args[2], args[3:]
context = ssl.create_default_context(cafile=ca) if ca else None
accept = ", ".join(["application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json"])


def registry_request(method, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if user:
        request.add_header("Authorization", "Basic " + base64.b64encode(user.encode()).decode())
    return urllib.request.urlopen(request, context=context, timeout=30)


with registry_request("GET", f"{base}/v2/{repo}/manifests/{source}", headers={"Accept": accept}) as r:
    body, media = r.read(), r.headers["Content-Type"]
for tag in tags:
    registry_request("PUT", f"{base}/v2/{repo}/manifests/{tag}", body, {"Content-Type": media}).close()
