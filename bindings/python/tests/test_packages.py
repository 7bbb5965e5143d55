"""copa.packages: the inventory of the small patchable image, before and
after a real patch (tests/bindings/with_patch_fixture.sh)."""

import json
import os

import pytest

import copa

IMAGE = os.environ.get("COPA_TEST_IMAGE")
LAYOUT = os.environ.get("COPA_TEST_LAYOUT")
REPORT = os.environ.get("COPA_TEST_REPORT")
needs_image = pytest.mark.skipif(not IMAGE, reason="run through with_patch_fixture.sh")


def test_missing_image_is_not_found(tmp_path):
    with pytest.raises(copa.NotFound):
        copa.packages("oci:%s:none" % (tmp_path / "nothing"))


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        copa.packages("oci:/nowhere:x", format="xml")


def test_image_without_os_release_is_unsupported(oci_image):
    layout, _ = oci_image
    with pytest.raises(copa.Unsupported) as info:
        copa.packages("oci:%s:v1" % layout)
    assert "os-release" in info.value.message or "supports" in info.value.message


@needs_image
def test_inventory_before_and_after_a_patch(tmp_path):
    before = copa.packages(IMAGE)
    assert before.package_manager == "dpkg"
    names = {p.name: p for p in before.packages}
    assert names["hello-copa"].version == "1.0-1"
    assert not any(p.patched for p in before.packages)
    assert names["hello-copa"].purl.startswith("pkg:deb/")
    sbom = tmp_path / "sbom.json"
    copa.patch(IMAGE, REPORT, tag="inventory", oci_dir=str(tmp_path / "out"),
               sbom_path=str(sbom))
    after = copa.packages("oci:%s:inventory" % (tmp_path / "out"), format="cyclonedx")
    # The patch's own SBOM lists the same components as the image read back.
    assert json.loads(sbom.read_text())["components"] == json.loads(after.document)["components"]
    hello = [p for p in after.packages if p.name == "hello-copa"]
    assert [(p.version, p.patched) for p in hello] == [("1.1-1", True)]
    assert after.digest != before.digest
    bom = json.loads(after.document)
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"] == "1.6"
    purls = {c.get("purl") for c in bom["components"]}
    assert hello[0].purl in purls
