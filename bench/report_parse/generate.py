#!/usr/bin/env python3
"""Write a Trivy JSON report (SchemaVersion 2) of about SIZE megabytes.

Entries look like what `trivy image -f json` prints for a Debian image:
every vulnerability carries its description, references, CVSS vectors,
vendor severities and dates, which make up most of a real report's bytes.
Deterministic: the same size gives the same file.

usage: generate.py OUT.json [SIZE_MB]
"""
import json
import random
import sys


def vulnerability(rng, pkg, installed, index):
    vid = f"CVE-20{rng.randint(15, 24)}-{rng.randint(1000, 99999)}"
    fixed = "" if index % 7 == 0 else f"{installed}+deb12u{rng.randint(1, 9)}"
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140)))
    return {
        "VulnerabilityID": vid,
        "PkgID": f"{pkg}@{installed}",
        "PkgName": pkg,
        "PkgIdentifier": {
            "PURL": f"pkg:deb/debian/{pkg}@{installed}?arch=amd64&distro=debian-12.5",
            "UID": f"{rng.getrandbits(64):016x}",
        },
        "InstalledVersion": installed,
        "FixedVersion": fixed,
        "Status": "fixed" if fixed else "affected",
        "Layer": {"Digest": f"sha256:{rng.getrandbits(256):064x}",
                  "DiffID": f"sha256:{rng.getrandbits(256):064x}"},
        "SeveritySource": "debian",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/{vid.lower()}",
        "DataSource": {"ID": "debian", "Name": "Debian Security Tracker",
                       "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"},
        "Title": f"{pkg}: {' '.join(rng.choice(WORDS) for _ in range(8))}",
        "Description": words,
        "Severity": rng.choice(["LOW", "MEDIUM", "HIGH", "CRITICAL"]),
        "CweIDs": [f"CWE-{rng.randint(20, 1000)}"],
        "VendorSeverity": {"debian": 1, "nvd": 3, "redhat": 2, "ubuntu": 2},
        "CVSS": {
            "nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 9.8,
                    "V2Vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "V2Score": 7.5},
            "redhat": {"V3Vector": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "V3Score": 7.8},
        },
        "References": [f"https://{rng.choice(HOSTS)}/{vid}/{i}" for i in range(rng.randint(4, 12))],
        "PublishedDate": "2023-10-10T18:15:10.123Z",
        "LastModifiedDate": "2024-02-02T04:15:08.456Z",
    }


WORDS = ("a flaw was found in the handling of crafted input which allows remote attacker to "
         "cause denial of service memory corruption buffer overflow out of bounds read write "
         "use after free integer heap stack when parsing certificate request header").split()
HOSTS = ["access.redhat.com/security/cve", "nvd.nist.gov/vuln/detail", "ubuntu.com/security",
         "security-tracker.debian.org/tracker", "lists.debian.org/debian-lts-announce"]


def main():
    out = sys.argv[1]
    target = int(float(sys.argv[2]) if len(sys.argv) > 2 else 50) * 1024 * 1024
    rng = random.Random(42)
    vulns, size, n = [], 0, 0
    while size < target:
        pkg = f"lib{rng.choice(WORDS)}{n % 3000}"
        installed = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}-{rng.randint(1, 9)}"
        v = vulnerability(rng, pkg, installed, n)
        # As written below: indent=2, each line 8 spaces deeper in the file.
        text = json.dumps(v, indent=2)
        size += len(text) + 8 * (text.count("\n") + 1) + 2
        vulns.append(v)
        n += 1
    report = {
        "SchemaVersion": 2,
        "CreatedAt": "2024-03-05T10:00:00.000000000Z",
        "ArtifactName": "bench/debian:12.5",
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "12.5"},
                     "ImageID": "sha256:" + "cd" * 32,
                     "ImageConfig": {"architecture": "amd64", "os": "linux"}},
        "Results": [{"Target": "bench/debian:12.5 (debian 12.5)", "Class": "os-pkgs",
                     "Type": "debian", "Vulnerabilities": vulns}],
    }
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"{out}: {n} vulnerabilities")


if __name__ == "__main__":
    main()
