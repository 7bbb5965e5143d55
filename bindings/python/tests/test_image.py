import hashlib
import json
import shutil
import subprocess

import pytest

import copa


def test_parse_reference_registry():
    ref = copa.parse_reference("nginx")
    assert ref == copa.Reference("docker", "docker.io", "library/nginx", "latest", None, None,
                                 "docker.io/library/nginx:latest")
    assert str(ref) == "docker.io/library/nginx:latest"
    digest = "sha256:" + "ab" * 32
    ref = copa.parse_reference("localhost:5000/ns/repo@" + digest)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (
        "localhost:5000", "ns/repo", None, digest)


def test_parse_reference_local():
    ref = copa.parse_reference("oci:/tmp/layout:v1")
    assert (ref.transport, ref.path, ref.tag, ref.registry) == ("oci", "/tmp/layout", "v1", None)
    ref = copa.parse_reference("docker-archive:/tmp/a.tar")
    assert ref.transport == "docker-archive" and ref.path == "/tmp/a.tar"


def test_parse_reference_errors():
    with pytest.raises(copa.InvalidInput) as info:
        copa.parse_reference("UPPER/Case")
    assert "UPPER/Case" in info.value.message
    with pytest.raises(copa.Unsupported):
        copa.parse_reference("repo@sha512:" + "ab" * 64)


def test_inspect_oci_layout(oci_image, tmp_path):
    layout, digest = oci_image
    doc = copa.inspect("oci:%s:v1" % layout, cache_dir=str(tmp_path / "cache"))
    assert doc["manifest"]["digest"] == digest
    manifest = json.loads((layout / "blobs" / "sha256" / digest[7:]).read_bytes())
    assert [l["digest"] for l in doc["layers"]] == [l["digest"] for l in manifest["layers"]]
    assert len(doc["layers"]) == 2
    assert doc["config"]["entrypoint"] == ["/hello"]
    assert "copatest" in json.dumps(doc)  # the image's os-release was read
    text = copa.inspect("oci:%s:v1" % layout, text=True)
    assert digest in text
    if shutil.which("skopeo"):
        raw = subprocess.run(["skopeo", "inspect", "--raw", "oci:%s:v1" % layout],
                             check=True, capture_output=True).stdout
        assert "sha256:" + hashlib.sha256(raw).hexdigest() == digest


def test_inspect_errors(oci_image, tmp_path):
    layout, _ = oci_image
    with pytest.raises(copa.NotFound) as info:
        copa.inspect("oci:%s:nosuchtag" % layout)
    assert "nosuchtag" in info.value.message and "v1" in info.value.message
    with pytest.raises(copa.NotFound):
        copa.inspect("oci:%s:v1" % (tmp_path / "nothing"))
    with pytest.raises(copa.NotFound):
        copa.inspect("oci:%s:v1" % layout, platform="linux/s390x")
    with pytest.raises(copa.InvalidInput):
        copa.inspect("Not A Reference")


def test_inspect_detects_tampering(oci_image):
    layout, digest = oci_image
    manifest = json.loads((layout / "blobs" / "sha256" / digest[7:]).read_bytes())
    blob = layout / "blobs" / "sha256" / manifest["layers"][-1]["digest"][7:]
    data = bytearray(blob.read_bytes())
    data[-1] ^= 0xFF
    blob.chmod(0o644)
    blob.write_bytes(bytes(data))
    with pytest.raises(copa.VerifyError):
        copa.inspect("oci:%s:v1" % layout)


def test_copy_between_transports(oci_image, tmp_path):
    layout, digest = oci_image
    archive = tmp_path / "img.tar"
    copa.copy("oci:%s:v1" % layout, "oci-archive:%s:v1" % archive)
    assert copa.inspect("oci-archive:%s:v1" % archive)["manifest"]["digest"] == digest
    copa.copy("oci-archive:%s:v1" % archive, "oci:%s:copied" % (tmp_path / "dst"))
    assert copa.inspect("oci:%s:copied" % (tmp_path / "dst"))["manifest"]["digest"] == digest
    docker = tmp_path / "docker.tar"
    copa.copy("oci:%s:v1" % layout, "docker-archive:%s:example.com/copa/test:1" % docker)
    doc = copa.inspect("docker-archive:%s" % docker)
    assert [l["digest"] for l in doc["layers"]] == [
        l["digest"] for l in copa.inspect("oci:%s:v1" % layout)["layers"]]
    if shutil.which("skopeo"):
        subprocess.run(["skopeo", "inspect", "docker-archive:%s" % docker], check=True,
                       capture_output=True)


def test_copy_failure_leaves_nothing(oci_image, tmp_path):
    layout, _ = oci_image
    dst = tmp_path / "out.tar"
    with pytest.raises(copa.NotFound):
        copa.copy("oci:%s:missing" % layout, "oci-archive:%s" % dst)
    assert not dst.exists()
