#!/usr/bin/env python3
"""The apt test server (tests/integration/apt/server.py) with faults for .deb
downloads, chosen by the first path component:

  /truncate/REST  serves REST, but a .deb is cut short: the full Content-Length
                  is announced, half the bytes are sent, the connection closes
  /loop/REST      a .deb redirects to itself, for ever
  anything else   served as the plain server does

usage: fault_server.py ROOT PORTFILE LOG
"""
import functools
import http.server
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "integration", "apt"))
import server  # noqa: E402


class FaultHandler(server.Handler):
    def do_GET(self):
        parts = self.path.split("/", 2)
        fault = parts[1] if len(parts) == 3 else ""
        if fault not in ("truncate", "loop"):
            return super().do_GET()
        rest = "/" + parts[2]
        if not rest.endswith(".deb"):
            self.path = rest
            return super().do_GET()
        if fault == "loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        with open(self.translate_path(rest), "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.debian.binary-package")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True
        return None


def main():
    root, portfile, log = sys.argv[1:4]
    handler = functools.partial(FaultHandler, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.log_path = log
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
