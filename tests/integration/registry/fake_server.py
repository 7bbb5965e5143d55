#!/usr/bin/env python3
"""A small loopback HTTP server for the cases the real registry cannot show:
flaky answers (503/429 with Retry-After), redirects to another host,
blobs and manifests whose bytes do not match their digest, and a bearer
token flow. It listens on 127.0.0.1:PORT and 127.0.0.2:PORT (the same port)
and writes PORT to the file named by its first argument.

Every counter is per key and every flaky path succeeds after a bounded
number of failures, so no client loop can run forever against it."""
import base64
import email.utils
import hashlib
import http.server
import json
import socket
import sys
import threading
import time

COUNTS = {}
LOCK = threading.Lock()
SEEN_AUTH = {}
REVOKED = set()
PORT = 0
USER, PASSWORD = "alice", "s3cret-token-pass"
BLOB = b"hello from a redirected blob\n"
BLOB_DIGEST = "sha256:" + hashlib.sha256(BLOB).hexdigest()
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": BLOB_DIGEST, "size": len(BLOB)},
                       "layers": []}).encode()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()


def bump(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body=b"", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        parts = self.path.split("?")[0].strip("/").split("/")
        host = self.headers.get("Host", "")
        auth = self.headers.get("Authorization")
        if parts[0] == "flaky":
            # /flaky/KEY/N/CODE/RETRYAFTER: N failures with CODE, then 200
            key, n, code, retry = parts[1], int(parts[2]), int(parts[3]), parts[4]
            count = bump(key)
            if count <= n:
                headers = {}
                if retry == "date":
                    headers["Retry-After"] = email.utils.formatdate(time.time() + 1, usegmt=True)
                elif retry != "none":
                    headers["Retry-After"] = retry
                return self.reply(code, "busy", headers)
            return self.reply(200, "ok " + key)
        if parts[0] == "count":
            return self.reply(200, str(COUNTS.get(parts[1], 0)))
        if parts[0] == "redirect-other":
            return self.reply(307, "", {"Location": "http://127.0.0.2:%d/echo-auth" % PORT})
        if parts[0] == "redirect-same":
            return self.reply(307, "", {"Location": "http://127.0.0.1:%d/echo-auth" % PORT})
        if parts[0] == "echo-auth":
            return self.reply(200, auth or "none")
        if parts[0] == "revoke":  # the registry stops accepting a token, as when it expires
            REVOKED.add(parts[1])
            return self.reply(200, "revoked")
        if parts[0] == "seen-auth":
            return self.reply(200, SEEN_AUTH.get(parts[1], "none"))
        if parts[0] == "blobdata":
            SEEN_AUTH["blobdata"] = auth or "none"
            return self.reply(200, BLOB)
        if parts[0] == "token":
            bump("token")
            expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
            if auth != expected:
                return self.reply(401, '{"details":"bad credentials"}')
            return self.reply(200, json.dumps({"token": "tok-%d" % COUNTS["token"],
                                               "expires_in": 300}))
        if parts[0] == "v2":
            return self.registry(parts[1:], auth)
        return self.reply(404, "no such path")

    def registry(self, parts, auth):
        if not parts:
            return self.reply(200, "{}")
        name = parts[0]
        if name == "private":
            token = (auth or "")[len("Bearer "):]
            if not (auth or "").startswith("Bearer tok-") or token in REVOKED:
                challenge = ('Bearer realm="http://127.0.0.1:%d/token",service="fake, registry",'
                             'scope="repository:private:pull"' % PORT)
                return self.reply(401, '{"errors":[{"code":"UNAUTHORIZED"}]}',
                                  {"WWW-Authenticate": challenge})
            if parts[1] == "blobs":
                return self.reply(307, "", {"Location": "http://127.0.0.2:%d/blobdata" % PORT})
            return self.reply(200, MANIFEST, {"Content-Type": "application/vnd.oci.image.manifest.v1+json",
                                              "Docker-Content-Digest": MANIFEST_DIGEST})
        if name == "bad":
            if parts[1] == "blobs":
                return self.reply(200, b"these are not the bytes you asked for")
            if parts[2] == "lying":  # right bytes, wrong Docker-Content-Digest
                return self.reply(200, MANIFEST, {"Docker-Content-Digest": BLOB_DIGEST,
                                                  "Content-Type": "application/vnd.oci.image.manifest.v1+json"})
            return self.reply(200, MANIFEST + b" ",
                              {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
        return self.reply(404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]}')


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    global PORT
    # The same free port on both addresses; a few tries in case 127.0.0.2's is taken.
    for _ in range(20):
        first = Server(("127.0.0.1", 0), Handler)
        PORT = first.server_address[1]
        try:
            second = Server(("127.0.0.2", PORT), Handler)
            break
        except OSError:
            first.server_close()
    else:
        sys.exit("no port free on both 127.0.0.1 and 127.0.0.2")
    threading.Thread(target=second.serve_forever, daemon=True).start()
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d %s %s\n" % (PORT, BLOB_DIGEST, MANIFEST_DIGEST))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    first.serve_forever()


if __name__ == "__main__":
    main()
