#!/usr/bin/env python3
"""Static HTTP server for the apt client tests, on 127.0.0.1 and a free port.

Serves ROOT; answers If-Modified-Since with 304 (http.server does that) and
sends ETag/Last-Modified; appends one line per request to LOG:
"METHOD PATH STATUS IMS=<If-Modified-Since or -> INM=<If-None-Match or ->".
Writes the port to PORTFILE once listening.

usage: server.py ROOT PORTFILE LOG
"""
import functools
import hashlib
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        etag = None
        if os.path.isfile(path):
            st = os.stat(path)
            etag = '"%s"' % hashlib.sha256(
                ("%d-%d" % (st.st_mtime_ns, st.st_size)).encode()).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
        self._etag = etag
        return super().send_head()

    def end_headers(self):
        etag = getattr(self, "_etag", None)
        if etag is not None:
            self.send_header("ETag", etag)
            self._etag = None
        super().end_headers()

    def log_request(self, code="-", size="-"):
        with open(self.server.log_path, "a") as f:
            f.write("%s %s %s IMS=%s INM=%s\n" % (
                self.command, self.path, getattr(code, "value", code),
                self.headers.get("If-Modified-Since", "-").replace(" ", "_"),
                self.headers.get("If-None-Match", "-")))

    def log_message(self, *args):
        pass


def main():
    root, portfile, log = sys.argv[1:4]
    handler = functools.partial(Handler, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.log_path = log
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
