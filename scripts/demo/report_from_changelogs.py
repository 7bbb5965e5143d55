#!/usr/bin/env python3
"""Make a Trivy-format report for the demo from the packages' own changelogs.

For every package that copa's plan upgrades, read the Debian changelog that
the NEW version installed in the patched root filesystem, take the entries
newer than the installed version, and collect the CVE IDs they name. The
result is what a scanner would have reported for those packages (with the
plan's target versions as the fixed versions), so the demo can show VEX
without asking the user to install a scanner.

usage: report_from_changelogs.py PLAN_JSON PATCHED_ROOTFS COPA OUT_JSON
"""
import gzip
import json
import os
import re
import subprocess
import sys

ENTRY = re.compile(r"^(\S+) \(([^)]+)\) ")
CVE = re.compile(r"CVE-\d{4}-\d{4,}")


def changelog_text(root, package):
    """The changelog of `package` inside `root`, following the doc dir's symlinks."""
    for name in ("changelog.Debian.gz", "changelog.gz"):
        path = os.path.join(root, "usr/share/doc", package, name)
        # /usr/share/doc/PKG is often a symlink to the doc dir of its source.
        while os.path.islink(os.path.dirname(path)):
            target = os.readlink(os.path.dirname(path))
            path = os.path.join(root, "usr/share/doc", target.lstrip("/").split("/")[-1], name)
        if os.path.exists(path):
            with gzip.open(path, "rt", errors="replace") as f:
                return f.read()
    return ""


def newer_than(copa, a, b):
    out = subprocess.run([copa, "vercmp", "--format", "deb", a, b],
                         capture_output=True, text=True)
    return out.returncode == 0 and out.stdout.strip() == ">"


def cves_since(text, installed, copa):
    found, keep = [], False
    for line in text.splitlines():
        head = ENTRY.match(line)
        if head:
            keep = newer_than(copa, head.group(2), installed)
        elif keep:
            found += CVE.findall(line)
    return sorted(set(found))


def main():
    plan_path, root, copa, out = sys.argv[1:5]
    plan = json.load(open(plan_path))
    vulns = []
    for step in plan["packages"]:
        if step["action"] != "upgrade":
            continue
        for cve in cves_since(changelog_text(root, step["name"]), step["installedVersion"], copa):
            vulns.append({"VulnerabilityID": cve, "PkgName": step["name"],
                          "InstalledVersion": step["installedVersion"],
                          "FixedVersion": step["targetVersion"], "Status": "fixed",
                          "Severity": "UNKNOWN"})
    version = open(os.path.join(root, "etc/debian_version")).read().strip()
    report = {"SchemaVersion": 2, "ArtifactName": "copa-demo", "ArtifactType": "container_image",
              "Metadata": {"OS": {"Family": "debian", "Name": version}},
              "Results": [{"Target": "copa-demo (debian %s)" % version, "Class": "os-pkgs",
                           "Type": "debian", "Vulnerabilities": vulns}]}
    json.dump(report, open(out, "w"), indent=1)
    print(len(vulns))


if __name__ == "__main__":
    main()
