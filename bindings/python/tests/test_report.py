import json

import pytest

import copa


def test_trivy_debian(reports):
    r = copa.Report.from_file(reports / "trivy-debian.json")
    assert r.format == "trivy"
    assert r.os == copa.OSInfo("debian", "12.5", "deb")
    assert (r.os.family, r.arch, r.variant, r.artifact) == ("debian", "amd64", "", "debian:12.5")
    assert [(u.name, u.installed_version, u.fixed_version) for u in r.updates] == [
        ("bsdutils", "1:2.38.1-5+b1", "1:2.38.1-5+deb12u1"),
        ("libexample", "1.0-1", "1:1.2-1"),
        ("libpam0g", "1.5.2-6+deb12u1", "1.5.2-6+deb12u2"),
        ("libssl3", "3.0.11-1~deb12u2", "3.0.13-1~deb12u1"),
    ]
    ssl = r.updates[3]
    assert ssl.vulnerability_ids == ("CVE-2023-6129", "CVE-2024-0727")
    assert ssl.type == "deb" and ssl.pkg_class == "os-pkgs" and ssl.handled
    assert ssl.purl.startswith("pkg:deb/debian/libssl3@")
    assert [(p.name, p.fixed_version, p.path) for p in r.lang_packages] == [
        ("golang.org/x/net", "0.23.0", "usr/local/bin/app"),
        ("stdlib", "1.21.8, 1.22.1", "usr/local/bin/app"),
    ]
    assert all(not p.handled and p.pkg_class == "lang-pkgs" for p in r.lang_packages)
    assert [(u.name, u.vulnerability_id, u.status) for u in r.unfixed] == [
        ("apt", "CVE-2011-3374", "affected"),
        ("gcc-12-base", "CVE-2023-4039", "will_not_fix"),
        ("libssl3", "CVE-2023-5678", "affected"),
        ("google.golang.org/protobuf", "CVE-2024-24786", "affected"),
    ]
    assert len(r.warnings) == 1 and "libblkid1" in r.warnings[0]


def test_to_json_is_the_native_manifest(reports):
    r = copa.Report.from_file(reports / "trivy-debian.json")
    doc = json.loads(r.to_json())
    assert doc["apiVersion"].endswith("v1alpha2")
    assert [u["name"] for u in doc["osupdates"]] == [u.name for u in r.updates]
    assert len(doc["langupdates"]) == len(r.lang_packages)
    assert doc["warnings"] == list(r.warnings)


def test_grype_and_explicit_format(reports):
    r = copa.Report.from_file(str(reports / "grype-debian.json"), format="grype")
    assert r.format == "grype" and r.arch == "arm64"
    assert [u.name for u in r.updates] == ["bsdutils", "libpam0g", "libssl3"]
    with pytest.raises(copa.InvalidInput):
        copa.Report.from_file(reports / "grype-debian.json", format="trivy")


def test_from_bytes(reports):
    data = (reports / "trivy-debian.json").read_bytes()
    r = copa.Report.from_bytes(data, name="in-memory.json")
    assert [u.name for u in r.updates][0] == "bsdutils"
    with pytest.raises(copa.InvalidInput) as info:
        copa.Report.from_bytes(b"{", name="in-memory.json")
    assert info.value.message.startswith("in-memory.json")


def test_missing_file_is_not_found(tmp_path):
    path = tmp_path / "missing.json"
    with pytest.raises(copa.NotFound) as info:
        copa.Report.from_file(path)
    assert str(path) in info.value.message and info.value.code == -2


def test_malformed_json_names_file_and_offset(reports):
    with pytest.raises(copa.InvalidInput) as info:
        copa.Report.from_file(reports / "malformed.json")
    assert "malformed.json: malformed JSON at byte 92" in info.value.message


def test_unsupported_os(reports):
    with pytest.raises(copa.Unsupported) as info:
        copa.Report.from_file(reports / "trivy-windows.json")
    assert "'windows'" in info.value.message


def test_ignore_errors(reports):
    with pytest.raises(copa.InvalidInput) as info:
        copa.Report.from_file(reports / "trivy-invalid-version.json")
    assert "libbroken" in info.value.message
    r = copa.Report.from_file(reports / "trivy-invalid-version.json", ignore_errors=True)
    assert any("skipped package 'libbroken'" in w for w in r.warnings)


def test_unknown_format_name(reports):
    with pytest.raises(copa.InvalidInput) as info:
        copa.Report.from_file(reports / "trivy-debian.json", format="snyk")
    assert "snyk" in info.value.message


def test_missing_plugin(reports, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(copa.NotFound) as info:
        copa.Report.from_file(reports / "trivy-debian.json", scanner="nosuchscanner")
    assert "copa-nosuchscanner" in info.value.message


def test_plugin_timeout(reports, monkeypatch, tmp_path):
    plugin = tmp_path / "copa-slow"
    plugin.write_text("#!/bin/sh\nsleep 5\n")
    plugin.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:/usr/bin:/bin" % tmp_path)
    with pytest.raises(copa.Timeout):
        copa.Report.from_file(reports / "trivy-debian.json", scanner="slow",
                              plugin_timeout_ms=300)
