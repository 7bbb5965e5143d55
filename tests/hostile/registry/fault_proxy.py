#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of a real registry, for copa's
hostile tests: it forwards every request to the upstream registry and,
depending on the mode, spoils some answers.

usage: fault_proxy.py PORT_FILE UPSTREAM_HOST:PORT MODE [LOG]

Modes (a "blob GET" is GET .../blobs/sha256:...):
  pass                 forward everything unchanged
  drop_once            the first blob GET answers half its body, then closes
  drop_always          every blob GET answers half its body, then closes
  short_always         every blob GET claims 100 bytes more than it sends
  corrupt_always       every blob GET has one byte flipped
  redirect_loop        every blob GET redirects to itself
  status_503_twice     the first two requests of each method+path answer 503
  status_429_once      the first request of each method+path answers 429 with Retry-After: 1
  upload_drop_always   every upload PUT is read, then the connection closes unanswered
  upload_500_once      the first upload PUT answers 500
  stall_manifest       every manifest GET/HEAD is read and never answered
  stall_blob           every blob GET sends its headers and half its body, then
                       nothing more (the connection stays open)
  stall_upload         every upload PUT is read and never answered
Writes the port it listens on (127.0.0.1) to PORT_FILE; LOG gets one line
per request with what was done to it.
"""
import http.client
import http.server
import re
import sys
import threading
import time

BLOB_GET = re.compile(r"^/v2/.+/blobs/sha256:[0-9a-f]{64}$")
MANIFEST = re.compile(r"^/v2/.+/manifests/[^/]+$")
STALL_SECONDS = 3600  # "forever" for a client; the proxy's threads are daemons
UPLOAD = re.compile(r"^/v2/.+/blobs/uploads/")

upstream = None
mode = None
log_file = None
counts = {}
lock = threading.Lock()


def seen(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


def log(line):
    if log_file is not None:
        with lock:
            log_file.write(line + "\n")
            log_file.flush()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def answer(self, status, headers, data, send_length=None, send_bytes=None):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(k, v)
        if self.command == "HEAD":  # no body: the upstream's length is the answer
            send_length = dict((k.lower(), v) for k, v in headers).get("content-length", "0")
        self.send_header("Content-Length", str(len(data) if send_length is None else send_length))
        if send_bytes is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data if send_bytes is None else data[:send_bytes])
        if send_bytes is not None:
            self.close_connection = True

    def status_only(self, status, extra=()):
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def forward(self):
        path = self.path
        data = self.body() if self.command in ("PUT", "POST", "PATCH") else b""
        key = self.command + " " + path.split("?")[0]
        n = seen(key)
        blob_get = self.command == "GET" and BLOB_GET.match(path.split("?")[0]) is not None
        upload_put = self.command == "PUT" and UPLOAD.match(path) is not None
        if mode == "status_503_twice" and n <= 2:
            log("503 " + key)
            return self.status_only(503)
        if mode == "status_429_once" and n == 1:
            log("429 " + key)
            return self.status_only(429, [("Retry-After", "1")])
        if mode == "redirect_loop" and blob_get:
            log("307 " + key)
            return self.status_only(307, [("Location", path)])
        if mode == "upload_drop_always" and upload_put:
            log("drop " + key)
            self.close_connection = True
            return
        if mode == "upload_500_once" and upload_put and seen("upload") == 1:
            log("500 " + key)
            return self.status_only(500)
        manifest_read = self.command in ("GET", "HEAD") and MANIFEST.match(path.split("?")[0])
        if (mode == "stall_manifest" and manifest_read) or (mode == "stall_upload" and upload_put):
            log("stall " + key)
            time.sleep(STALL_SECONDS)
            self.close_connection = True
            return
        conn = http.client.HTTPConnection(upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "content-length", "transfer-encoding", "connection")}
        headers["Host"] = upstream
        conn.request(self.command, path, body=data if data or self.command in ("PUT", "POST", "PATCH") else None,
                     headers=headers)
        resp = conn.getresponse()
        out = resp.read()
        rheaders = [(k, v.replace("http://" + upstream, "http://" + self.headers.get("Host", upstream)))
                    for k, v in resp.getheaders()]
        conn.close()
        if blob_get and resp.status == 200:
            if mode == "drop_always" or (mode == "drop_once" and seen("drop") == 1):
                log("half " + key)
                return self.answer(resp.status, rheaders, out, send_bytes=len(out) // 2)
            if mode == "short_always":
                log("short " + key)
                return self.answer(resp.status, rheaders, out, send_length=len(out) + 100,
                                   send_bytes=len(out))
            if mode == "stall_blob":
                log("stall " + key)
                self.send_response(resp.status)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out[:len(out) // 2])
                self.wfile.flush()
                time.sleep(STALL_SECONDS)
                self.close_connection = True
                return
            if mode == "corrupt_always" and out:
                log("corrupt " + key)
                out = bytes([out[0] ^ 0xFF]) + out[1:]
        log("pass %d %s" % (resp.status, key))
        self.answer(resp.status, rheaders, out)

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward


def main():
    global upstream, mode, log_file
    port_file, upstream, mode = sys.argv[1:4]
    if len(sys.argv) > 4:
        log_file = open(sys.argv[4], "a")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
