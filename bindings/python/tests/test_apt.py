import pytest

import copa


def test_no_sources(tmp_path):
    (tmp_path / "etc" / "apt").mkdir(parents=True)
    doc = copa.apt_sources(tmp_path, "amd64", cache_dir=str(tmp_path / "cache"))
    assert doc["arch"] == "amd64" and doc["sources"] == [] and doc["package_count"] == 0


def test_malformed_sources_names_file_and_line(tmp_path):
    apt = tmp_path / "etc" / "apt"
    apt.mkdir(parents=True)
    (apt / "sources.list").write_text("# comment\ndeb\n")
    with pytest.raises(copa.InvalidInput) as info:
        copa.apt_sources(tmp_path, "amd64", cache_dir=str(tmp_path / "cache"))
    assert "sources.list" in info.value.message and "2" in info.value.message
