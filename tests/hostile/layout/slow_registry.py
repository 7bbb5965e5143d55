#!/usr/bin/env python3
"""A registry on loopback that serves one image, img:latest, whose layer
blob is slow on purpose.

usage: slow_registry.py PORT_FILE MODE SECONDS
  MODE trickle: the layer is sent 4 bytes per second (about 6 minutes in
                all), SECONDS unused; curl's low-speed limit never fires.
  MODE fail:    the layer request waits SECONDS s, then answers 404.
The chosen port is written to PORT_FILE once the server listens.
"""
import gzip
import hashlib
import http.server
import io
import json
import os
import sys
import tarfile
import time


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_image():
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        # Incompressible filler: the gzipped layer is ~1.5 kB.
        filler = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(80))
        body = b"ID=slowtest\nVERSION_ID=1\n" + filler.hex().encode()[:2400]
        info = tarfile.TarInfo("etc/os-release")
        info.size = len(body)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(body))
    layer_tar = raw.getvalue()
    layer = gzip.compress(layer_tar, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [digest(layer_tar)]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": digest(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": digest(layer), "size": len(layer)}],
    }).encode()
    return manifest, config, layer


MANIFEST, CONFIG, LAYER = make_image()
MODE = sys.argv[2]
SECONDS = float(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", ctype="application/octet-stream", head=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Content-Digest", digest(body))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def answer(self, head):
        path = self.path
        if path == "/v2/":
            return self.send(200, b"{}", "application/json", head)
        if path in ("/v2/img/manifests/latest", "/v2/img/manifests/" + digest(MANIFEST)):
            return self.send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json", head)
        if path == "/v2/img/blobs/" + digest(CONFIG):
            return self.send(200, CONFIG, "application/octet-stream", head)
        if path == "/v2/img/blobs/" + digest(LAYER):
            if MODE == "fail":
                time.sleep(SECONDS)
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN"}]}',
                                 "application/json", head)
            self.send_response(200)
            self.send_header("Content-Length", str(len(LAYER)))
            self.end_headers()
            if head:
                return None
            for i in range(0, len(LAYER), 4):
                self.wfile.write(LAYER[i:i + 4])
                self.wfile.flush()
                time.sleep(1)
            return None
        return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}', "application/json", head)

    def do_GET(self):
        try:
            self.answer(False)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_HEAD(self):
        self.answer(True)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
