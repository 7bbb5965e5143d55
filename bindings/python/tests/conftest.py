"""Shared fixtures: the repository's test fixtures and a small OCI image."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("COPA_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3])
)
REPORTS = SOURCE_DIR / "tests" / "fixtures" / "report"


@pytest.fixture
def reports() -> pathlib.Path:
    return REPORTS


def _run(*args, cwd=None):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


@pytest.fixture
def oci_image(tmp_path):
    """An OCI layout made with umoci: tag v1 (amd64) with two layers, an
    /etc/os-release and a file; returns (layout dir, manifest digest)."""
    if shutil.which("umoci") is None:
        pytest.skip("umoci not installed")
    layout = tmp_path / "src"
    _run("umoci", "init", "--layout", str(layout))
    _run("umoci", "new", "--image", "%s:v1" % layout)
    bundle = tmp_path / "bundle"
    _run("umoci", "unpack", "--rootless", "--image", "%s:v1" % layout, str(bundle))
    rootfs = bundle / "rootfs"
    (rootfs / "etc").mkdir(parents=True, exist_ok=True)
    (rootfs / "etc" / "os-release").write_text('ID=copatest\nVERSION_ID="1.2"\nPRETTY_NAME="Copa Test 1.2"\n')
    _run("umoci", "repack", "--refresh-bundle", "--image", "%s:v1" % layout, str(bundle))
    (rootfs / "hello").write_bytes(os.urandom(4096))
    _run("umoci", "repack", "--refresh-bundle", "--image", "%s:v1" % layout, str(bundle))
    _run(
        "umoci", "config", "--image", "%s:v1" % layout, "--os", "linux",
        "--architecture", "amd64", "--config.entrypoint", "/hello",
        "--config.label", "org.example.name=copa",
    )
    index = json.loads((layout / "index.json").read_text())
    (desc,) = [
        m for m in index["manifests"]
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "v1"
    ]
    return layout, desc["digest"]
