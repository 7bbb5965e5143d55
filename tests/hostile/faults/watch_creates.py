#!/usr/bin/env python3
"""Record what is created directly in DIR (inotify, through ctypes): one
line per entry, "dir NAME" or "file NAME", appended to OUT as it happens.
Writes OUT.ready once watching. Runs until killed.

usage: watch_creates.py DIR OUT
"""
import ctypes
import os
import struct
import sys

IN_CREATE = 0x00000100
IN_ISDIR = 0x40000000


def main():
    directory, out = sys.argv[1:3]
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init()
    if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_CREATE) < 0:
        sys.exit("inotify: %s" % os.strerror(ctypes.get_errno()))
    open(out + ".ready", "w").close()
    with open(out, "a", buffering=1) as log:
        while True:
            data = os.read(fd, 65536)
            pos = 0
            while pos < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, pos)
                name = data[pos + 16:pos + 16 + length].rstrip(b"\0").decode()
                log.write("%s %s\n" % ("dir" if mask & IN_ISDIR else "file", name))
                pos += 16 + length


if __name__ == "__main__":
    main()
