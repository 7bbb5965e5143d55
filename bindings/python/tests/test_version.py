import re

import pytest

import copa

from conftest import SOURCE_DIR


def test_version_matches_header():
    header = (SOURCE_DIR / "include" / "copa" / "common.h").read_text()
    want = re.search(r'#define COPA_VERSION "([^"]+)"', header).group(1)
    assert copa.version() == want


@pytest.mark.parametrize(
    "fmt,a,b,want",
    [
        ("deb", "1.0~rc1", "1.0", -1),
        ("deb", "1:1.0", "2.0", 1),
        ("deb", "1.0-1", "1.0-1", 0),
        ("DEB", "2.38.1-5+b1", "2.38.1-5+deb12u1", -1),
        ("rpm", "1.0", "1.0.1", -1),
        ("rpm", "1:1.0", "2.0", 1),
        ("apk", "1.2.3-r1", "1.2.3-r0", 1),
        ("apk", "1.0_rc1", "1.0", -1),
    ],
)
def test_version_compare(fmt, a, b, want):
    assert copa.version_compare(fmt, a, b) == want
    assert copa.version_compare(fmt, b, a) == -want


def test_version_compare_invalid_version_raises_invalid_input():
    with pytest.raises(copa.InvalidInput) as info:
        copa.version_compare("deb", "not a version", "1.0")
    err = info.value
    assert err.code == -4 and err.name == "COPA_EINVALID"
    assert "'not a version'" in err.message and "embedded spaces" in err.message
    assert str(err) == err.message
    assert isinstance(err, copa.Error) and isinstance(err, ValueError)


def test_version_compare_unknown_format():
    with pytest.raises(copa.InvalidInput) as info:
        copa.version_compare("pacman", "1", "2")
    assert "pacman" in info.value.message


def test_version_valid():
    assert copa.version_valid("deb", "1:2.38.1-5+deb12u1")
    assert not copa.version_valid("deb", "a b")
    assert not copa.version_valid("deb", "")
    assert copa.version_valid("rpm", "1.0-1.el9")
    with pytest.raises(copa.InvalidInput):
        copa.version_valid("nope", "1.0")
