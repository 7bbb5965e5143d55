"""An image root filesystem's APT repositories, verified."""

from __future__ import annotations

import json as _json
import os
from ctypes import byref, c_void_p
from typing import Any, Dict, Optional, Sequence, Union

from ._native import AptOptions, enc, ensure_init, lib, string_array, take_string
from .errors import check

__all__ = ["apt_sources"]


def apt_sources(
    rootfs: Union[str, "os.PathLike[str]"],
    arch: str,
    *,
    mirrors: Sequence[str] = (),
    cache_dir: Optional[str] = None,
    now: int = 0,
    insecure_allow_unsigned: bool = False,
    insecure_ignore_valid_until: bool = False,
) -> Dict[str, Any]:
    """Load and verify the apt sources of an unpacked root filesystem.

    Every Release is verified against the image's own keys and every
    Packages index against its Release.

    Args:
        rootfs: the root filesystem directory.
        arch: the image's dpkg architecture ("amd64").
        mirrors: "FROM=TO" rewrites of source URIs.
        cache_dir: index cache (None: $COPA_CACHE_DIR, $XDG_CACHE_HOME/copa or ~/.cache/copa).
        now: the time (seconds since the epoch) keys, Valid-Until and Date are checked at; 0: now.

    Returns:
        libcopa's JSON description: {"arch", "cache_dir", "package_count",
        "sources": [...]}.

    Raises:
        VerifyError, NotFound, InvalidInput, NetworkError, Timeout.
    """
    ensure_init()
    L = lib()
    opts = AptOptions()
    check(L.copa_apt_options_init(byref(opts), 1))
    opts.arch = enc(arch)
    opts.now = now
    arr, count = string_array(mirrors, terminate=False)
    if arr is not None:
        opts.mirrors = arr
        opts.mirror_count = count
    opts.cache_dir = enc(cache_dir)
    opts.insecure_allow_unsigned = int(insecure_allow_unsigned)
    opts.insecure_ignore_valid_until = int(insecure_ignore_valid_until)
    apt = c_void_p()
    check(L.copa_apt_open_dir(byref(apt), enc(rootfs), byref(opts)))
    try:
        out = c_void_p()
        check(L.copa_apt_to_json(byref(out), apt))
        return _json.loads(take_string(out, L.copa_apt_json_free))
    finally:
        L.copa_apt_free(apt)
