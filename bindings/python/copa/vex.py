"""OpenVEX documents of fixed vulnerabilities, and package URLs."""

from __future__ import annotations

import os
from ctypes import byref, c_void_p
from typing import Optional, Union

from ._native import VexOptions, enc, lib, take_string
from .errors import check
from .version import pkg_format

__all__ = ["Vex", "purl_package", "purl_image"]


class Vex:
    """An OpenVEX v0.2.0 document being built: "vulnerability V is fixed in
    product P by subcomponent S" claims. Use as a context manager or call
    :meth:`close`; the native document is also freed when collected.

    Example::

        with copa.Vex(author="me") as vex:
            vex.add_fixed("CVE-2024-0727", image_purl, package_purl)
            vex.write("out.vex.json")
    """

    def __init__(
        self,
        id: Optional[str] = None,
        author: Optional[str] = None,
        timestamp: Optional[str] = None,
        tooling: Optional[str] = None,
    ) -> None:
        """Start an empty document. None takes libcopa's default for each
        field (content-derived id, "copa", now or SOURCE_DATE_EPOCH,
        "libcopa VERSION").

        Raises:
            InvalidInput: an id that is not an IRI, an empty author, a
                timestamp that is not RFC 3339.
        """
        self._handle = None
        L = lib()
        opts = VexOptions()
        check(L.copa_vex_options_init(byref(opts), 1))
        opts.id = enc(id)
        opts.author = enc(author)
        opts.timestamp = enc(timestamp)
        opts.tooling = enc(tooling)
        handle = c_void_p()
        check(L.copa_vex_create(byref(handle), byref(opts)))
        self._handle = handle

    def _h(self) -> c_void_p:
        if self._handle is None:
            raise ValueError("the VEX document is closed")
        return self._handle

    def add_fixed(
        self, vulnerability: str, product_purl: str, subcomponent_purl: Optional[str] = None
    ) -> None:
        """Claim vulnerability fixed in product_purl by subcomponent_purl
        (None claims the product as a whole). Repeating a claim is harmless.

        Raises:
            InvalidInput: an empty or malformed ID, an invalid purl.
        """
        check(
            lib().copa_vex_add_fixed(
                self._h(), enc(vulnerability), enc(product_purl), enc(subcomponent_purl)
            )
        )

    def __len__(self) -> int:
        """Number of statements (distinct vulnerabilities)."""
        return lib().copa_vex_statement_count(self._h())

    def to_json(self) -> str:
        """The document as JSON; the same document gives the same bytes.

        Raises:
            InvalidInput: the document has no claim yet.
        """
        L = lib()
        out = c_void_p()
        check(L.copa_vex_to_json(byref(out), self._h()))
        return take_string(out, L.copa_vex_string_free)

    def write(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write the document to a file atomically.

        Raises:
            InvalidInput: no claim yet. Error: the file cannot be written.
        """
        check(lib().copa_vex_write_file(self._h(), enc(path)))

    def close(self) -> None:
        """Free the native document; further use raises ValueError."""
        if self._handle is not None:
            lib().copa_vex_free(self._handle)
            self._handle = None

    def __enter__(self) -> "Vex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def purl_package(
    format: str,
    distro_id: str,
    distro_version: Optional[str],
    name: str,
    version: str,
    arch: Optional[str] = None,
) -> str:
    """The package URL of an OS package, e.g.
    "pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian-12".

    Raises:
        InvalidInput: unknown format, missing name, version or distro ID.
    """
    L = lib()
    out = c_void_p()
    check(
        L.copa_vex_purl_package(
            byref(out),
            pkg_format(format),
            enc(distro_id),
            enc(distro_version),
            enc(name),
            enc(version),
            enc(arch),
        )
    )
    return take_string(out, L.copa_vex_string_free)


def purl_image(
    registry: Optional[str], repository: str, digest: str, tag: Optional[str] = None
) -> str:
    """The package URL of an image, e.g.
    "pkg:oci/nginx@sha256:...?repository_url=docker.io%2Flibrary%2Fnginx&tag=1.25".

    Raises:
        InvalidInput: missing repository or malformed digest.
    """
    L = lib()
    out = c_void_p()
    check(L.copa_vex_purl_image(byref(out), enc(registry), enc(repository), enc(digest), enc(tag)))
    return take_string(out, L.copa_vex_string_free)
