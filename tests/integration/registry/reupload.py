#!/usr/bin/env python3
"""Upload the same blobs into one repository over and over, as other
clients pushing images that share those layers do, until STOP_FILE exists.
Each finished upload makes distribution rewrite the repository's link to
the blob, which is what a concurrent manifest PUT trips over. Loopback only.

usage: reupload.py REGISTRY REPOSITORY STOP_FILE BLOB_FILE... (file name = hex digest)
"""
import http.client
import os
import sys
import threading

registry, repository, stop = sys.argv[1], sys.argv[2], sys.argv[3]
blobs = [(open(path, "rb").read(), "sha256:" + os.path.basename(path)) for path in sys.argv[4:]]
host, port = registry.rsplit(":", 1)


def upload(connection, data, digest):
    connection.request("POST", f"/v2/{repository}/blobs/uploads/")
    response = connection.getresponse()
    response.read()
    location = response.getheader("Location")
    if response.status != 202 or not location:
        raise SystemExit(f"reupload.py: POST answered {response.status}")
    if location.startswith("http"):
        location = "/" + location.split("/", 3)[3]
    sep = "&" if "?" in location else "?"
    connection.request("PUT", f"{location}{sep}digest={digest}", body=data,
                       headers={"Content-Type": "application/octet-stream"})
    response = connection.getresponse()
    response.read()
    if response.status != 201:
        raise SystemExit(f"reupload.py: PUT answered {response.status}")


def hammer(offset):
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    i = offset
    while not os.path.exists(stop):
        data, digest = blobs[i % len(blobs)]
        upload(connection, data, digest)
        i += 1


threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
