import json

import pytest

import copa

IMAGE_DIGEST = "sha256:" + "0123456789abcdef" * 4


def _purls():
    image = copa.purl_image("docker.io", "library/nginx", IMAGE_DIGEST, "1.25-patched")
    pkg = copa.purl_package("deb", "debian", "12.5", "libssl3", "3.0.13-1~deb12u1", "amd64")
    return image, pkg


def test_purls():
    image, pkg = _purls()
    assert image == ("pkg:oci/nginx@" + IMAGE_DIGEST +
                     "?repository_url=docker.io%2Flibrary%2Fnginx&tag=1.25-patched")
    assert pkg == "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12"
    assert copa.purl_package("apk", "alpine", "3.19.1", "musl", "1.2.4-r3") == \
        "pkg:apk/alpine/musl@1.2.4-r3?distro=alpine-3.19"
    with pytest.raises(copa.InvalidInput):
        copa.purl_image("docker.io", "library/nginx", "sha256:short")
    with pytest.raises(copa.InvalidInput):
        copa.purl_package("deb", "debian", None, "", "1.0")


def test_document(tmp_path):
    image, pkg = _purls()
    with copa.Vex(author="Test <t@example.com>", timestamp="2024-05-01T12:00:00Z") as vex:
        assert len(vex) == 0
        vex.add_fixed("CVE-2024-0727", image, pkg)
        vex.add_fixed("CVE-2023-6129", image, pkg)
        vex.add_fixed("CVE-2024-0727", image, pkg)  # same claim: no effect
        assert len(vex) == 2
        doc = json.loads(vex.to_json())
        assert vex.to_json() == vex.to_json()
        path = tmp_path / "out.vex.json"
        vex.write(path)
        assert json.loads(path.read_text()) == doc
    assert doc["@context"] == "https://openvex.dev/ns/v0.2.0"
    assert doc["author"] == "Test <t@example.com>"
    assert doc["timestamp"] == "2024-05-01T12:00:00Z"
    assert doc["@id"].startswith("https://openvex.dev/docs/public/vex-")
    assert [s["vulnerability"]["name"] for s in doc["statements"]] == [
        "CVE-2023-6129", "CVE-2024-0727"]
    st = doc["statements"][0]
    assert st["status"] == "fixed"
    assert st["products"][0]["@id"] == image
    assert st["products"][0]["subcomponents"][0]["@id"] == pkg
    with pytest.raises(ValueError):
        len(vex)  # closed


def test_errors():
    with pytest.raises(copa.InvalidInput) as info:
        copa.Vex(id="not an iri")
    assert "not an iri" in info.value.message
    with pytest.raises(copa.InvalidInput):
        copa.Vex(timestamp="yesterday")
    vex = copa.Vex()
    with pytest.raises(copa.InvalidInput):
        vex.to_json()  # no statement yet
    image, _ = _purls()
    with pytest.raises(copa.InvalidInput):
        vex.add_fixed("CVE 1", image)
    with pytest.raises(copa.InvalidInput):
        vex.add_fixed("CVE-2024-1", "not-a-purl")
    vex.add_fixed("CVE-2024-1", image)
    with pytest.raises(copa.Error) as info:
        vex.write("/nonexistent-dir/x.json")
    assert "/nonexistent-dir/x.json" in info.value.message
    vex.close()
    vex.close()
