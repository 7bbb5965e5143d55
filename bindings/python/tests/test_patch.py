"""copa.plan / copa.patch on the small image of tests/bindings/with_patch_fixture.sh.

Run through that script (the ctest test does) so that the image and its
loopback apt repository exist; otherwise the image-dependent tests skip.
"""

import json
import os
import shutil
import subprocess

import pytest

import copa

IMAGE = os.environ.get("COPA_TEST_IMAGE")
LAYOUT = os.environ.get("COPA_TEST_LAYOUT")
REPORT = os.environ.get("COPA_TEST_REPORT")
needs_image = pytest.mark.skipif(not IMAGE, reason="run through with_patch_fixture.sh")


def test_missing_image_is_not_found(tmp_path):
    with pytest.raises(copa.NotFound) as info:
        copa.plan("oci:%s:none" % (tmp_path / "nothing"))
    assert "nothing" in info.value.message
    with pytest.raises(copa.NotFound) as info:
        copa.patch("oci:%s:none" % (tmp_path / "nothing"))
    # Nothing was planned (libcopa may still hand back an empty result).
    assert info.value.result is None or (info.value.result.plan is None
                                         and info.value.result.digest == "")


def test_unknown_report_format():
    with pytest.raises(copa.InvalidInput):
        copa.plan("oci:/x:y", report_format="snyk")
    with pytest.raises(TypeError):
        copa.plan("oci:/x:y", no_such_option=1)


@needs_image
def test_plan_update_all():
    plan = copa.plan(IMAGE)
    text = json.dumps(plan)
    assert "hello-copa" in text and "1.1-1" in text
    assert "copa-data" not in [u.get("name") for u in plan.get("updates", [])]
    table = copa.plan(IMAGE, text=True)
    assert "hello-copa" in table and "1.0-1" in table and "1.1-1" in table
    assert open(os.path.join(LAYOUT, "index.json")).read().count("ref.name") == 1  # nothing written


@needs_image
def test_plan_with_report_names_the_cve():
    plan = copa.plan(IMAGE, REPORT)
    assert "CVE-2099-0001" in json.dumps(plan)


@needs_image
def test_unsatisfiable_report_carries_the_plan(tmp_path):
    report = json.load(open(REPORT))
    report["Results"][0]["Vulnerabilities"][0]["FixedVersion"] = "9.9-1"
    path = tmp_path / "toonew.json"
    path.write_text(json.dumps(report))
    with pytest.raises(copa.Unsatisfiable) as info:
        copa.plan(IMAGE, str(path))
    assert "hello-copa" in info.value.message and "1.1-1" in info.value.message
    assert info.value.plan is not None
    with pytest.raises(copa.Unsatisfiable) as info:
        copa.patch(IMAGE, str(path), oci_dir=str(tmp_path / "out"))
    assert info.value.result is not None
    assert any(s.name == "hello-copa" and s.failed for s in info.value.result.skipped)


@needs_image
def test_progress_cancel_by_returning_false(tmp_path):
    seen = []

    def progress(event):
        seen.append(event)
        return False if event.kind == "stage-end" and event.stage == "detect" else None

    with pytest.raises(copa.Cancelled) as info:
        copa.patch(IMAGE, tag="never", progress=progress)
    assert info.value.code == -9
    assert [e.stage for e in seen if e.kind == "stage-end"] == ["open", "read", "detect"]
    assert all(isinstance(e, copa.Progress) for e in seen)
    assert "never" not in open(os.path.join(LAYOUT, "index.json")).read()


@needs_image
def test_progress_exception_cancels_and_propagates():
    class Stop(Exception):
        pass

    def progress(event):
        if event.stage == "sources":
            raise Stop("enough")

    with pytest.raises(Stop):
        copa.patch(IMAGE, tag="never2", progress=progress)
    assert "never2" not in open(os.path.join(LAYOUT, "index.json")).read()


@needs_image
def test_real_patch(tmp_path):
    events = []
    vex_path = tmp_path / "vex.json"
    result = copa.patch(IMAGE, REPORT, tag="patched", oci_dir=LAYOUT, progress=events.append,
                        vex_path=str(vex_path), vex_author="python tests")
    assert isinstance(result, copa.PatchResult)
    assert not result.up_to_date and not result.repatched
    assert result.digest.startswith("sha256:")
    assert "patched" in result.destination
    assert [(u.name, u.from_version, u.to_version) for u in result.updates] == [
        ("hello-copa", "1.0-1", "1.1-1")]
    assert "CVE-2099-0001" in result.updates[0].reason
    assert [(u.name, u.vulnerability_id) for u in result.unfixable] == [
        ("copa-data", "CVE-2099-0002")]
    assert result.layer_size > 0 and result.elapsed > 0
    assert result.plan is not None and "hello-copa" in result.plan_text
    stages = [e.stage for e in events if e.kind == "stage-end"]
    assert stages[:5] == ["open", "read", "detect", "sources", "resolve"]
    assert "write" in stages
    # The patched manifest is in the layout under the tag, with that digest.
    index = json.load(open(os.path.join(LAYOUT, "index.json")))
    tagged = [m for m in index["manifests"]
              if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "patched"]
    assert [m["digest"] for m in tagged] == [result.digest]
    # The VEX document claims the fix for that digest.
    vex = json.loads(vex_path.read_text())
    assert [s["vulnerability"]["name"] for s in vex["statements"]] == ["CVE-2099-0001"]
    assert result.digest.split(":")[1] in vex["statements"][0]["products"][0]["@id"]
    assert vex["author"] == "python tests"
    # umoci unpacks it and the package database says 1.1-1.
    if shutil.which("umoci"):
        out = tmp_path / "unpacked"
        subprocess.run(["umoci", "unpack", "--rootless", "--image", "%s:patched" % LAYOUT,
                        str(out)], check=True, stdout=subprocess.DEVNULL)
        status = (out / "rootfs" / "var" / "lib" / "dpkg" / "status").read_text()
        stanza = status.split("Package: hello-copa\n")[1].split("\n\n")[0]
        assert "Version: 1.1-1" in stanza
        readme = out / "rootfs" / "usr" / "share" / "doc" / "hello-copa" / "README"
        assert readme.read_text().strip() == "hello-copa 1.1-1"
    # Patching the result again: nothing to do.
    again = copa.patch("oci:%s:patched" % LAYOUT, oci_dir=str(tmp_path / "again"))
    assert again.up_to_date and again.repatched and again.digest == ""


def test_bad_layer_compression_is_invalid_input(tmp_path):
    with pytest.raises(copa.InvalidInput) as info:
        copa.patch("oci:%s:none" % (tmp_path / "nothing"), layer_compression="zstd:20")
    assert "'zstd:20'" in info.value.message
    assert not (tmp_path / "nothing").exists()


@needs_image
def test_zstd_layer(tmp_path):
    out = tmp_path / "zstd"
    result = copa.patch(IMAGE, tag="z", oci_dir=str(out), layer_compression="zstd:3")
    assert result.layer_compression == "zstd:3"
    index = json.load(open(out / "index.json"))
    digest = index["manifests"][0]["digest"].split(":")[1]
    manifest = json.load(open(out / "blobs" / "sha256" / digest))
    assert manifest["layers"][-1]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+zstd"
    assert copa.patch(IMAGE, tag="g", oci_dir=str(out)).layer_compression == "gzip:6"


@needs_image
def test_multi_platform_patch_lists_each_platform(tmp_path):
    """An index of the fixture image as linux/amd64 and as linux/arm64 (whose
    repository has no arm64 index: that platform fails, and --ignore-errors
    keeps it) and a windows entry: every linux platform is reported with its
    outcome, windows is kept."""
    script = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "integration",
                          "patch", "make_index.py")
    subprocess.run(["/usr/bin/python3", script, str(tmp_path / "multi"), LAYOUT, LAYOUT],
                   check=True)
    events = []
    result = copa.patch("oci:%s:index" % (tmp_path / "multi"), oci_dir=str(tmp_path / "out"),
                        tag="patched", ignore_errors=True, progress=events.append)
    assert {e.platform for e in events if e.stage == "resolve"} == {"linux/amd64"}
    assert {e.platform for e in events if e.stage == "read"} >= {"linux/amd64", "linux/arm64"}
    outcomes = {p.platform: p for p in result.platforms}
    assert set(outcomes) == {"linux/amd64", "linux/arm64", "windows/amd64"}
    assert outcomes["linux/amd64"].status == "patched"
    assert outcomes["linux/amd64"].update_count == 1
    assert outcomes["linux/amd64"].digest.startswith("sha256:")
    assert outcomes["linux/arm64"].status == "error"
    assert "binary-arm64" in outcomes["linux/arm64"].message
    assert outcomes["windows/amd64"].status == "kept"
    assert result.digest.startswith("sha256:")
    assert [entry["platform"] for entry in result.plan] == ["linux/amd64"]
