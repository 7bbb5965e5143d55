#!/usr/bin/env python3
"""Compare a rewritten index with its source.

usage: check_index.py SOURCE.json NEW.json TOOL_OUTPUT PATCHED DROPPED [MEDIA_TYPE]
PATCHED and DROPPED: comma-separated positions in the source index ("" for
none). The new index must hold the source's entries in order, minus DROPPED;
PATCHED entries with a new digest/size (what the tool printed) and every
other field (platform, annotations) as before; the rest byte-identical as
JSON values; the index's own fields as before. Prints what differs."""
import json
import sys

src = json.load(open(sys.argv[1]))
new = json.load(open(sys.argv[2]))
printed = open(sys.argv[3]).read().split("\n")
positions = lambda s: [int(x) for x in s.split(",") if x != ""]
patched, dropped = positions(sys.argv[4]), positions(sys.argv[5])
media_type = sys.argv[6] if len(sys.argv) > 6 else None
problems = []

new_digests = {}
for line in printed:
    parts = line.split()
    if parts[:1] == ["entry"]:
        new_digests[int(parts[1])] = parts[3]
printed_dropped = [l.split()[1] for l in printed if l.startswith("dropped ")]
if sorted(new_digests) != sorted(patched):
    problems.append("rebuilt entries %s, expected %s" % (sorted(new_digests), patched))
want_dropped = [src["manifests"][i]["digest"] for i in dropped]
if printed_dropped != want_dropped:
    problems.append("dropped %s, expected %s" % (printed_dropped, want_dropped))

kept = [i for i in range(len(src["manifests"])) if i not in dropped]
if len(new["manifests"]) != len(kept):
    problems.append("%d entries, expected %d" % (len(new["manifests"]), len(kept)))
for got, i in zip(new["manifests"], kept):
    want = dict(src["manifests"][i])
    if i in patched:
        if got["digest"] == want["digest"]:
            problems.append("entry %d: digest unchanged" % i)
        if got.get("digest") != new_digests.get(i):
            problems.append("entry %d: digest %s, the tool wrote %s" % (i, got["digest"], new_digests.get(i)))
        want["digest"], want["size"] = got["digest"], got["size"]
        if media_type:
            want["mediaType"] = media_type
    if got != want:
        problems.append("entry %d: %s, expected %s" % (i, got, want))
rest = lambda d: {k: v for k, v in d.items() if k != "manifests"}
if rest(src) != rest(new):
    problems.append("index fields %s, expected %s" % (rest(new), rest(src)))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
