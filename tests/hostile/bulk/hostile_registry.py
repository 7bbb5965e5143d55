#!/usr/bin/env python3
"""A registry that answers tag lists badly, one way per repository, on
127.0.0.1 and a free port (written to PORTFILE). Every request is appended
to LOG so the test can bound how many were sent.

usage: hostile_registry.py PORTFILE LOG
"""
import http.server
import json
import os
import socketserver
import sys

portfile, log = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, body, headers=(), status=200):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        path = self.path.split("?")[0]
        if path == "/v2/":
            return self.send("{}")
        repo = path[len("/v2/"):-len("/tags/list")] if path.endswith("/tags/list") else None
        tags = lambda t: json.dumps({"name": repo, "tags": t})
        if repo == "h/loop":  # next names the same page
            return self.send(tags(["1.0"]), [("Link", '<%s>; rel="next"' % self.path)])
        if repo == "h/empty-next":  # pages with nothing, linking on forever
            n = int(self.path.rsplit("=", 1)[-1]) if "last=" in self.path else 0
            return self.send(tags([]), [("Link", '</v2/h/empty-next/tags/list?last=%d>; rel="next"' % (n + 1))])
        if repo == "h/cycle":  # two pages naming each other as the next one
            other = "b" if "last=a" in self.path else "a"
            return self.send(tags(["1.0"]), [("Link", '</v2/h/cycle/tags/list?last=%s>; rel="next"' % other)])
        if repo == "h/prevfirst":  # RFC 8288 allows several links; rel="prev" comes first here
            first = '</v2/h/prevfirst/tags/list?n=1>; rel="prev"'
            if "last=1.0" in self.path:
                return self.send(tags(["2.0"]), [("Link", first)])
            return self.send(tags(["1.0"]), [("Link", first + ', </v2/h/prevfirst/tags/list?last=1.0>; rel="next"')])
        if repo == "h/many":  # a big repository: 100000 tags in one page
            return self.send(tags(["t%d" % i for i in range(100000)]))
        if repo == "h/bigpages":  # endless distinct pages of 15 MB, one new tag each
            n = int(self.path.rsplit("=", 1)[-1]) if "last=" in self.path else 0
            body = json.dumps({"name": repo, "tags": ["t%d" % n], "pad": " " * (15 << 20)})
            return self.send(body, [("Link", '</v2/h/bigpages/tags/list?last=%d>; rel="next"' % (n + 1))])
        if repo == "h/notags":  # distribution's answer once every tag is deleted
            return self.send(tags(None))
        if repo == "h/offhost":
            return self.send(tags(["1.0"]), [("Link", '<http://127.0.0.2:9/v2/h/offhost/tags/list?last=1.0>; rel="next"')])
        if repo == "h/notjson":
            return self.send("<html>not json</html>")
        if repo == "h/tagnum":
            return self.send('{"name": "h/tagnum", "tags": [1, 2]}')
        if repo == "h/huge":  # beyond the 16 MiB page cap
            return self.send(tags(["x" * 100] * 200000))
        if repo == "h/badtags":  # names that are no tags are left out
            return self.send(tags(["../../etc", "a b", "-x", "1.0", "1.1\n"]))
        self.send('{"errors":[{"code":"NAME_UNKNOWN"}]}', status=404)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
