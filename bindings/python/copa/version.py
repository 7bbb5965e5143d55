"""Library version and package-version ordering (deb, rpm, apk)."""

from __future__ import annotations

from ctypes import byref, c_int

from ._native import dec, enc, lib
from .errors import check

__all__ = ["version", "version_compare", "version_valid", "pkg_format"]


def version() -> str:
    """The version of the libcopa that is loaded, "MAJOR.MINOR.PATCH"."""
    return dec(lib().copa_version())


def pkg_format(name: str) -> int:
    """The copa_pkg_format number of "deb", "rpm" or "apk" (case-insensitive).

    Raises:
        InvalidInput: for an unknown name.
    """
    out = c_int(0)
    check(lib().copa_pkg_format_from_name(byref(out), enc(name)))
    return out.value


def version_compare(format: str, a: str, b: str) -> int:
    """Compare two versions with the ordering of a package format.

    Args:
        format: "deb" (dpkg), "rpm" (rpmvercmp) or "apk" (apk-tools).
        a: first version.
        b: second version.

    Returns:
        -1, 0 or 1 when a is lower than, equal to or higher than b.

    Raises:
        InvalidInput: unknown format, or a string that is not a valid version
            of that format (the message names it and the problem).
    """
    fmt = pkg_format(format)
    out = c_int(0)
    check(lib().copa_version_compare(byref(out), fmt, enc(a), enc(b)))
    return out.value


def version_valid(format: str, v: str) -> bool:
    """Whether v is a valid version string of the package format.

    Raises:
        InvalidInput: for an unknown format name only.
    """
    fmt = pkg_format(format)
    return lib().copa_version_valid(fmt, enc(v)) == 0
