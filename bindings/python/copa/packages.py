"""The inventory of an image: its OS and installed OS packages (packages.h)."""

from __future__ import annotations

from ctypes import byref, c_void_p
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from ._native import PackagesOptions, dec, enc, ensure_init, lib, take_string
from .errors import check
from .image import _registry_options

__all__ = ["Package", "Inventory", "packages"]

_FORMATS = {"table": 0, "json": 1, "cyclonedx": 2}


@dataclass(frozen=True)
class Package:
    """One installed OS package."""

    name: str
    version: str
    arch: str
    source_name: str
    source_version: str
    purl: str
    """The package URL copa's VEX documents use for it."""
    patched: bool
    """True when copa's patch layer installed this version."""


@dataclass(frozen=True)
class Inventory:
    """An image's OS and installed OS packages (sorted by name, then arch)."""

    digest: str
    os_id: str
    os_version: str
    os_pretty_name: str
    package_manager: str
    packages: Tuple[Package, ...]
    document: Optional[str]
    """The text asked for with ``format`` ("table", "json", "cyclonedx"), else None."""


def _package(p) -> Package:
    return Package(dec(p.name), dec(p.version), dec(p.arch), dec(p.source_name),
                   dec(p.source_version), dec(p.purl), bool(p.patched))


def packages(
    image: str,
    platform: Optional[str] = None,
    *,
    format: Optional[str] = None,
    credentials: Optional[str] = None,
    insecure_registries: Sequence[str] = (),
    ca_file: Optional[str] = None,
    cert_dir: Optional[str] = None,
    cache_dir: Optional[str] = None,
) -> Inventory:
    """Read an image's OS and installed OS packages from its own package
    database (every layer streamed once and verified; nothing is run).

    Args:
        image: a registry reference, oci:DIR[:TAG], oci-archive:FILE[:TAG]
            or docker-archive:FILE[:REF].
        platform: "os/arch[/variant]" of a multi-platform image.
        format: also render the inventory as "table", "json" or
            "cyclonedx" (a CycloneDX 1.6 SBOM) into ``Inventory.document``.
        Other arguments as for :func:`copa.inspect`.

    Raises:
        NotFound, InvalidInput, Unsupported (an OS copa has no engine for),
        VerifyError, AuthError, NetworkError.
    """
    if format is not None and format not in _FORMATS:
        raise ValueError("format must be one of %s" % ", ".join(sorted(_FORMATS)))
    ensure_init()
    L = lib()
    opts = PackagesOptions()
    check(L.copa_packages_options_init(byref(opts), 1))
    opts.platform = enc(platform)
    _registry_options(opts, credentials, insecure_registries, ca_file, cert_dir, cache_dir)
    inv = c_void_p()
    check(L.copa_packages_open(byref(inv), enc(image), byref(opts)))
    try:
        document = None
        if format is not None:
            out = c_void_p()
            check(L.copa_inventory_format(byref(out), inv, _FORMATS[format]))
            document = take_string(out, L.copa_inventory_text_free)
        count = L.copa_inventory_package_count(inv)
        return Inventory(
            digest=dec(L.copa_inventory_digest(inv)),
            os_id=dec(L.copa_inventory_os_id(inv)),
            os_version=dec(L.copa_inventory_os_version(inv)),
            os_pretty_name=dec(L.copa_inventory_os_pretty_name(inv)),
            package_manager=dec(L.copa_inventory_package_manager(inv)),
            packages=tuple(_package(L.copa_inventory_package(inv, i).contents)
                           for i in range(count)),
            document=document,
        )
    finally:
        L.copa_inventory_free(inv)
