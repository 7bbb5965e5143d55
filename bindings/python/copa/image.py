"""Image references, inspection and copying between transports."""

from __future__ import annotations

import json as _json
from ctypes import byref, c_void_p
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Union

from ._native import (
    CopyOptions,
    InspectOptions,
    dec,
    dec_opt,
    enc,
    ensure_init,
    lib,
    libc_free,
    string_array,
    take_string,
)
from .errors import check

__all__ = ["Reference", "parse_reference", "inspect", "copy"]


@dataclass(frozen=True)
class Reference:
    """A parsed, normalized image reference."""

    transport: str
    """"docker" (a registry), "oci", "oci-archive" or "docker-archive"."""
    registry: Optional[str]
    repository: Optional[str]
    tag: Optional[str]
    digest: Optional[str]
    path: Optional[str]
    """The directory or file of a local transport; None for a registry."""
    string: str
    """The full normalized reference, e.g. "docker.io/library/nginx:latest"."""

    def __str__(self) -> str:
        return self.string


def parse_reference(text: str) -> Reference:
    """Parse and normalize an image reference ("nginx" becomes
    "docker.io/library/nginx:latest"; oci:DIR[:TAG], oci-archive:FILE[:TAG],
    docker-archive:FILE[:REF] name local images).

    Raises:
        InvalidInput: a malformed reference (the message quotes it).
        Unsupported: a digest algorithm other than sha256.
    """
    L = lib()
    ref = c_void_p()
    check(L.copa_reference_parse(byref(ref), enc(text)))
    try:
        return Reference(
            transport=dec(L.copa_transport_name(L.copa_reference_transport(ref))),
            registry=dec_opt(L.copa_reference_registry(ref)),
            repository=dec_opt(L.copa_reference_repository(ref)),
            tag=dec_opt(L.copa_reference_tag(ref)),
            digest=dec_opt(L.copa_reference_digest(ref)),
            path=dec_opt(L.copa_reference_path(ref)),
            string=dec(L.copa_reference_string(ref)),
        )
    finally:
        L.copa_reference_free(ref)


def _registry_options(opts, credentials, insecure_registries, ca_file, cert_dir, cache_dir):
    opts.credentials = enc(credentials)
    arr, _ = string_array(insecure_registries, terminate=True)
    if arr is not None:
        opts.insecure_registries = arr
    opts.ca_file = enc(ca_file)
    opts.cert_dir = enc(cert_dir)
    opts.cache_dir = enc(cache_dir)


def inspect(
    image: str,
    platform: Optional[str] = None,
    *,
    text: bool = False,
    credentials: Optional[str] = None,
    insecure_registries: Sequence[str] = (),
    ca_file: Optional[str] = None,
    cert_dir: Optional[str] = None,
    cache_dir: Optional[str] = None,
) -> Union[Dict[str, Any], str]:
    """Describe an image: reference, manifest digest, platforms, layers,
    config summary and /etc/os-release. Every blob read is verified.

    Args:
        image: a registry reference, oci:DIR[:TAG], oci-archive:FILE[:TAG]
            or docker-archive:FILE[:REF].
        platform: "os/arch[/variant]" of a multi-platform image; None for
            the host's.
        text: return the text for people instead of the parsed JSON.
        credentials: "USER:PASS"; None looks in the usual auth files.
        insecure_registries: "HOST[:PORT]" registries spoken to over HTTP.
        ca_file: PEM file of extra CAs. cert_dir: directory of *.crt CAs.
        cache_dir: the blob cache (None: $COPA_CACHE_DIR, ~/.cache/copa).

    Returns:
        The JSON document as a dict, or the text when ``text`` is true.

    Raises:
        NotFound, InvalidInput, VerifyError, Unsupported, AuthError,
        NetworkError.
    """
    ensure_init()
    L = lib()
    opts = InspectOptions()
    check(L.copa_inspect_options_init(byref(opts), 2))
    opts.platform = enc(platform)
    opts.json = 0 if text else 1
    _registry_options(opts, credentials, insecure_registries, ca_file, cert_dir, cache_dir)
    out = c_void_p()
    check(L.copa_image_inspect(byref(out), enc(image), byref(opts)))
    result = take_string(out, libc_free)
    return result if text else _json.loads(result)


def copy(
    src: str,
    dst: str,
    platform: Optional[str] = None,
    *,
    credentials: Optional[str] = None,
    insecure_registries: Sequence[str] = (),
    ca_file: Optional[str] = None,
    cert_dir: Optional[str] = None,
    cache_dir: Optional[str] = None,
) -> None:
    """Copy an image between any two transports, verifying every blob.
    Unchanged documents keep their digests; nothing appears at the
    destination unless the whole copy succeeds.

    Args:
        src: the source image; dst: the destination (same forms as inspect).
        platform: copy only this platform of a multi-platform image.
        Other arguments as for :func:`inspect`.

    Raises:
        NotFound, InvalidInput, AuthError, VerifyError, NetworkError,
        Unsupported.
    """
    ensure_init()
    L = lib()
    opts = CopyOptions()
    check(L.copa_copy_options_init(byref(opts), 1))
    opts.platform = enc(platform)
    _registry_options(opts, credentials, insecure_registries, ca_file, cert_dir, cache_dir)
    check(L.copa_image_copy(enc(src), enc(dst), byref(opts)))
