#!/usr/bin/env python3
"""Fail when anything public in include/ lacks a doc comment.

Reads the XML Doxygen wrote with EXTRACT_ALL=YES (so undocumented things are
listed too) and checks that every header file, function, typedef, enum, enum
value, macro and struct field has a brief or detailed description.
Doxygen's own WARN_IF_UNDOCUMENTED misses enum values and everything in a
header without @file, hence this walk over its XML.

usage: check_docs.py XML_DIR INCLUDE_DIR
"""
import os
import sys
import xml.etree.ElementTree as ET

KINDS = {"function", "typedef", "enum", "define", "variable"}


def described(elem):
    for tag in ("briefdescription", "detaileddescription"):
        node = elem.find(tag)
        if node is not None and "".join(node.itertext()).strip():
            return True
    return False


def header_path(loc, include_dir):
    """The header's path below include/ (Doxygen strips STRIP_FROM_PATH)."""
    path = loc.get("file")
    if os.path.isabs(path):
        path = os.path.relpath(path, include_dir)
    return path


def where(elem, include_dir):
    loc = elem.find("location")
    if loc is None:
        return "?"
    path = "include/" + header_path(loc, include_dir)
    return path if loc.get("line") is None else "%s:%s" % (path, loc.get("line"))


def include_guard(member):
    # Doxygen lists `#define COPA_X_H` with no value; it is not API.
    return (member.get("kind") == "define" and member.find("initializer") is None
            and member.findtext("name", "").endswith("_H"))


def check_compound(compound, include_dir, missing):
    kind = compound.get("kind")
    name = compound.findtext("compoundname")
    if kind == "file" and not described(compound):
        missing.append("%s: header %s has no @file doc comment"
                       % (where(compound, include_dir), name))
    if kind == "struct" and not described(compound):
        missing.append("%s: struct %s" % (where(compound, include_dir), name))
    for member in compound.iter("memberdef"):
        mkind = member.get("kind")
        if mkind not in KINDS or include_guard(member):
            continue
        mname = member.findtext("name")
        owner = "struct %s field " % name if kind == "struct" else "%s " % mkind
        if not described(member):
            missing.append("%s: %s%s" % (where(member, include_dir), owner, mname))
        for value in member.iter("enumvalue"):
            if not described(value):
                missing.append("%s: enum value %s" % (where(member, include_dir),
                                                      value.findtext("name")))


def main():
    xml_dir, include_dir = sys.argv[1], os.path.abspath(sys.argv[2])
    index = ET.parse(os.path.join(xml_dir, "index.xml")).getroot()
    missing, files = [], set()
    for ref in index.findall("compound"):
        if ref.get("kind") not in ("file", "struct"):
            continue
        compound = ET.parse(os.path.join(xml_dir, ref.get("refid") + ".xml")).find("compounddef")
        if ref.get("kind") == "file":
            loc = compound.find("location")
            files.add(header_path(loc, include_dir))
        check_compound(compound, include_dir, missing)
    for root, _, names in os.walk(include_dir):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), include_dir)
            if n.endswith(".h") and rel not in files:
                missing.append("include/%s: header not read by Doxygen" % rel)
    if missing:
        print("undocumented public API (%d):" % len(missing), file=sys.stderr)
        for line in sorted(set(missing)):
            print("  " + line, file=sys.stderr)
        return 1
    print("api docs: %d headers, every public item documented" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
