#!/usr/bin/env python3
"""A pass-through proxy in front of the plain registry that pages tag lists.

Debian's docker-registry (distribution 2.8) ignores `?n=` on
/v2/<name>/tags/list and always answers with every tag, so a client's
Link-following would go untested against it. This proxy forwards every
request to the real registry unchanged, except tag lists, which it cuts as
the distribution spec says (lexical order, `n` and `last`, a
`Link: <...>; rel="next"` header). Repository "evil/link" answers with a
next link to another host, which a client must refuse. Loopback only.

It also appends "METHOD PATH" per request to LOG (when given), so tests can
count what a client sent.

usage: paging_proxy.py UPSTREAM_HOST:PORT INFO_FILE [LOG]   (writes its port to INFO_FILE)
"""
import http.client
import http.server
import json
import socketserver
import sys
import urllib.parse

import threading

upstream, info = sys.argv[1], sys.argv[2]
log = sys.argv[3] if len(sys.argv) > 3 else None
log_lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def forward(self):
        body = self.read_body()
        conn = http.client.HTTPConnection(upstream, timeout=30)
        # Host stays the client's, so the registry's Location URLs point back here.
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("transfer-encoding", "content-length")}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body, headers, encode_chunked=False)
        resp = conn.getresponse()
        data = resp.read()
        return resp, data

    def reply(self, status, headers, data):
        self.send_response(status)
        length = str(len(data))
        for k, v in headers:
            if k.lower() == "content-length" and self.command == "HEAD":
                length = v  # a HEAD answer has no body but tells the size
            elif k.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        if log:
            with log_lock, open(log, "a") as f:
                f.write(f"{self.command} {self.path}\n")
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/v2/evil/link/tags/list":
            data = json.dumps({"name": "evil/link", "tags": ["a"]}).encode()
            self.reply(200, [("Content-Type", "application/json"),
                             ("Link", '<http://127.0.0.2:1/v2/evil/link/tags/list?last=a>; rel="next"')],
                       data)
            return
        if self.command == "GET" and url.path.endswith("/tags/list"):
            query = urllib.parse.parse_qs(url.query)
            self.path = url.path
            resp, data = self.forward()
            if resp.status != 200:
                self.reply(resp.status, resp.getheaders(), data)
                return
            doc = json.loads(data)
            tags = sorted(doc.get("tags") or [])
            last = query.get("last", [None])[0]
            if last is not None:
                tags = [t for t in tags if t > last]
            headers = [("Content-Type", "application/json")]
            if "n" in query:
                n = int(query["n"][0])
                if len(tags) > n:
                    tags = tags[:n]
                    nxt = f"{url.path}?n={n}&last={urllib.parse.quote(tags[-1])}"
                    headers.append(("Link", f'<{nxt}>; rel="next"'))
            self.reply(200, headers, json.dumps({"name": doc["name"], "tags": tags}).encode())
            return
        resp, data = self.forward()
        self.reply(resp.status, resp.getheaders(), data)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(info + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(info + ".tmp", info)
server.serve_forever()
