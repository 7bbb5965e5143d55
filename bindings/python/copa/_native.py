"""Loading libcopa and declaring its C functions and structs for ctypes.

Everything here mirrors include/copa/*.h field by field; a struct that
gains a field in C gains it here in the same place. Options structs are
always filled by the library's own ``*_options_init()`` so their
``version`` field is the one this library expects.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_long,
    c_size_t,
    c_uint,
    c_ulong,
    c_void_p,
)
from typing import Iterable, Optional, Sequence

#: The major version (SONAME number) these bindings are written for.
ABI_MAJOR = 0

_c_char_pp = POINTER(c_char_p)


# ---- structs (include/copa/*.h) ------------------------------------------


class ReportOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("scanner", c_char_p),
        ("ignore_errors", c_int),
        ("plugin_timeout_ms", c_uint),
    ]


class ReportMetadata(Structure):
    _fields_ = [
        ("format", c_int),
        ("os_family", c_char_p),
        ("os_version", c_char_p),
        ("pkg_format", c_int),
        ("arch", c_char_p),
        ("variant", c_char_p),
        ("artifact", c_char_p),
    ]


class ReportUpdate(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("installed_version", c_char_p),
        ("fixed_version", c_char_p),
        ("vulnerability_ids", _c_char_pp),
        ("vulnerability_count", c_size_t),
        ("type", c_char_p),
        ("pkg_class", c_char_p),
        ("path", c_char_p),
        ("purl", c_char_p),
        ("handled", c_int),
    ]


class ReportUnfixed(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("installed_version", c_char_p),
        ("vulnerability_id", c_char_p),
        ("status", c_char_p),
        ("pkg_class", c_char_p),
    ]


class InspectOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("platform", c_char_p),
        ("json", c_int),
        ("credentials", c_char_p),
        ("insecure_registries", _c_char_pp),
        ("ca_file", c_char_p),
        ("cert_dir", c_char_p),
        ("cache_dir", c_char_p),
    ]


class PackagesOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("platform", c_char_p),
        ("credentials", c_char_p),
        ("insecure_registries", _c_char_pp),
        ("ca_file", c_char_p),
        ("cert_dir", c_char_p),
        ("cache_dir", c_char_p),
    ]


class PackageStruct(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("version", c_char_p),
        ("arch", c_char_p),
        ("source_name", c_char_p),
        ("source_version", c_char_p),
        ("purl", c_char_p),
        ("patched", c_int),
    ]


class CopyOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("platform", c_char_p),
        ("credentials", c_char_p),
        ("insecure_registries", _c_char_pp),
        ("ca_file", c_char_p),
        ("cert_dir", c_char_p),
        ("cache_dir", c_char_p),
    ]


class VexOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("author", c_char_p),
        ("timestamp", c_char_p),
        ("tooling", c_char_p),
    ]


class AptOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("arch", c_char_p),
        ("now", c_long),
        ("mirrors", _c_char_pp),
        ("mirror_count", c_size_t),
        ("cache_dir", c_char_p),
        ("insecure_allow_unsigned", c_int),
        ("insecure_ignore_valid_until", c_int),
        ("max_parallel", c_uint),
        ("max_retries", c_uint),
        ("connect_timeout_ms", c_long),
    ]


class Progress(Structure):
    _fields_ = [
        ("kind", c_int),
        ("stage", c_char_p),
        ("item", c_char_p),
        ("done", c_double),
        ("total", c_double),
        ("elapsed", c_double),
        ("message", c_char_p),
        ("platform", c_char_p),  # newer libraries: read only what they made
    ]


ProgressCallback = CFUNCTYPE(c_int, POINTER(Progress), c_void_p)


class PatchOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("image", c_char_p),
        ("report", c_char_p),
        ("report_format", c_int),
        ("scanner", c_char_p),
        ("tag", c_char_p),
        ("tag_suffix", c_char_p),
        ("push", c_int),
        ("oci_dir", c_char_p),
        ("archive", c_char_p),
        ("platform", c_char_p),
        ("ignore_errors", c_int),
        ("dry_run", c_int),
        ("mirrors", _c_char_pp),
        ("mirror_count", c_size_t),
        ("credentials", c_char_p),
        ("insecure_registries", _c_char_pp),
        ("ca_file", c_char_p),
        ("cert_dir", c_char_p),
        ("timeout_ms", c_ulong),
        ("cache_dir", c_char_p),
        ("progress", ProgressCallback),
        ("progress_payload", c_void_p),
        ("vex_path", c_char_p),
        ("vex_author", c_char_p),
        ("insecure_allow_unsigned", c_int),
        # version 2
        ("layer_compression", c_char_p),
        # version 3
        ("sbom_path", c_char_p),
        # version 4
        ("run_scripts", c_int),
    ]


PATCH_OPTIONS_VERSION = 4


class PatchUpdate(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("arch", c_char_p),
        ("from_", c_char_p),
        ("to", c_char_p),
        ("reason", c_char_p),
        ("size", c_double),
        ("is_new", c_int),
    ]


class PatchSkipped(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("installed", c_char_p),
        ("required", c_char_p),
        ("best", c_char_p),
        ("cause", c_char_p),
        ("message", c_char_p),
        ("failed", c_int),
    ]


class PatchUnfixable(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("installed", c_char_p),
        ("vulnerability_id", c_char_p),
        ("status", c_char_p),
    ]


class PatchPlatform(Structure):
    _fields_ = [
        ("platform", c_char_p),
        ("status", c_char_p),
        ("update_count", c_size_t),
        ("digest", c_char_p),
        ("message", c_char_p),
    ]


# ---- function prototypes: name -> (restype, argtypes) ---------------------

_PROTOTYPES = {
    "copa_error_last": (c_char_p, []),
    "copa_error_last_code": (c_int, []),
    "copa_error_clear": (None, []),
    "copa_error_name": (c_char_p, [c_int]),
    "copa_init": (c_int, []),
    "copa_shutdown": (c_int, []),
    "copa_version": (c_char_p, []),
    # pkgversion.h
    "copa_version_compare": (c_int, [POINTER(c_int), c_int, c_char_p, c_char_p]),
    "copa_version_valid": (c_int, [c_int, c_char_p]),
    "copa_pkg_format_from_name": (c_int, [POINTER(c_int), c_char_p]),
    "copa_pkg_format_name": (c_char_p, [c_int]),
    # report.h
    "copa_report_options_init": (c_int, [POINTER(ReportOptions), c_uint]),
    "copa_report_parse_file": (c_int, [POINTER(c_void_p), c_char_p, POINTER(ReportOptions)]),
    "copa_report_parse_buffer": (
        c_int,
        [POINTER(c_void_p), c_char_p, c_size_t, c_char_p, POINTER(ReportOptions)],
    ),
    "copa_report_free": (None, [c_void_p]),
    "copa_report_metadata_get": (POINTER(ReportMetadata), [c_void_p]),
    "copa_report_update_count": (c_size_t, [c_void_p]),
    "copa_report_update_get": (POINTER(ReportUpdate), [c_void_p, c_size_t]),
    "copa_report_lang_count": (c_size_t, [c_void_p]),
    "copa_report_lang_get": (POINTER(ReportUpdate), [c_void_p, c_size_t]),
    "copa_report_unfixed_count": (c_size_t, [c_void_p]),
    "copa_report_unfixed_get": (POINTER(ReportUnfixed), [c_void_p, c_size_t]),
    "copa_report_warning_count": (c_size_t, [c_void_p]),
    "copa_report_warning_get": (c_char_p, [c_void_p, c_size_t]),
    "copa_report_to_json": (c_int, [POINTER(c_void_p), c_void_p]),
    "copa_report_json_free": (None, [c_void_p]),
    "copa_report_format_name": (c_char_p, [c_int]),
    "copa_report_format_from_name": (c_int, [POINTER(c_int), c_char_p]),
    # image.h
    "copa_reference_parse": (c_int, [POINTER(c_void_p), c_char_p]),
    "copa_reference_free": (None, [c_void_p]),
    "copa_reference_transport": (c_int, [c_void_p]),
    "copa_reference_registry": (c_char_p, [c_void_p]),
    "copa_reference_repository": (c_char_p, [c_void_p]),
    "copa_reference_tag": (c_char_p, [c_void_p]),
    "copa_reference_digest": (c_char_p, [c_void_p]),
    "copa_reference_path": (c_char_p, [c_void_p]),
    "copa_reference_string": (c_char_p, [c_void_p]),
    "copa_transport_name": (c_char_p, [c_int]),
    "copa_inspect_options_init": (c_int, [POINTER(InspectOptions), c_uint]),
    "copa_image_inspect": (c_int, [POINTER(c_void_p), c_char_p, POINTER(InspectOptions)]),
    # packages.h
    "copa_packages_options_init": (c_int, [POINTER(PackagesOptions), c_uint]),
    "copa_packages_open": (c_int, [POINTER(c_void_p), c_char_p, POINTER(PackagesOptions)]),
    "copa_inventory_free": (None, [c_void_p]),
    "copa_inventory_os_id": (c_char_p, [c_void_p]),
    "copa_inventory_os_version": (c_char_p, [c_void_p]),
    "copa_inventory_os_pretty_name": (c_char_p, [c_void_p]),
    "copa_inventory_package_manager": (c_char_p, [c_void_p]),
    "copa_inventory_digest": (c_char_p, [c_void_p]),
    "copa_inventory_package_count": (c_size_t, [c_void_p]),
    "copa_inventory_package": (POINTER(PackageStruct), [c_void_p, c_size_t]),
    "copa_inventory_format": (c_int, [POINTER(c_void_p), c_void_p, c_int]),
    "copa_inventory_text_free": (None, [c_void_p]),
    "copa_copy_options_init": (c_int, [POINTER(CopyOptions), c_uint]),
    "copa_image_copy": (c_int, [c_char_p, c_char_p, POINTER(CopyOptions)]),
    # apt.h
    "copa_apt_options_init": (c_int, [POINTER(AptOptions), c_uint]),
    "copa_apt_open_dir": (c_int, [POINTER(c_void_p), c_char_p, POINTER(AptOptions)]),
    "copa_apt_free": (None, [c_void_p]),
    "copa_apt_to_json": (c_int, [POINTER(c_void_p), c_void_p]),
    "copa_apt_json_free": (None, [c_void_p]),
    # vex.h
    "copa_vex_options_init": (c_int, [POINTER(VexOptions), c_uint]),
    "copa_vex_create": (c_int, [POINTER(c_void_p), POINTER(VexOptions)]),
    "copa_vex_free": (None, [c_void_p]),
    "copa_vex_add_fixed": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p]),
    "copa_vex_statement_count": (c_size_t, [c_void_p]),
    "copa_vex_to_json": (c_int, [POINTER(c_void_p), c_void_p]),
    "copa_vex_write_file": (c_int, [c_void_p, c_char_p]),
    "copa_vex_purl_package": (
        c_int,
        [POINTER(c_void_p), c_int, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p],
    ),
    "copa_vex_purl_image": (
        c_int,
        [POINTER(c_void_p), c_char_p, c_char_p, c_char_p, c_char_p],
    ),
    "copa_vex_string_free": (None, [c_void_p]),
}

# patch.h: optional, bound when the library exports it.
_PATCH_PROTOTYPES = {
    "copa_patch_options_init": (c_int, [POINTER(PatchOptions), c_uint]),
    "copa_patch": (c_int, [POINTER(c_void_p), POINTER(PatchOptions)]),
    "copa_plan": (c_int, [POINTER(c_void_p), POINTER(PatchOptions), c_int]),
    "copa_plan_free": (None, [c_void_p]),
    "copa_progress_to_json": (c_int, [POINTER(c_void_p), POINTER(Progress)]),
    "copa_progress_json_free": (None, [c_void_p]),
    "copa_patch_result_free": (None, [c_void_p]),
    "copa_patch_result_up_to_date": (c_int, [c_void_p]),
    "copa_patch_result_repatched": (c_int, [c_void_p]),
    "copa_patch_result_digest": (c_char_p, [c_void_p]),
    "copa_patch_result_destination": (c_char_p, [c_void_p]),
    "copa_patch_result_plan": (c_char_p, [c_void_p, c_int]),
    "copa_patch_result_update_count": (c_size_t, [c_void_p]),
    "copa_patch_result_update": (POINTER(PatchUpdate), [c_void_p, c_size_t]),
    "copa_patch_result_skipped_count": (c_size_t, [c_void_p]),
    "copa_patch_result_skipped": (POINTER(PatchSkipped), [c_void_p, c_size_t]),
    "copa_patch_result_unfixable_count": (c_size_t, [c_void_p]),
    "copa_patch_result_unfixable": (POINTER(PatchUnfixable), [c_void_p, c_size_t]),
    "copa_patch_result_skipped_script_count": (c_size_t, [c_void_p]),
    "copa_patch_result_skipped_script": (c_char_p, [c_void_p, c_size_t]),
    "copa_patch_result_layer_size": (c_double, [c_void_p]),
    "copa_patch_result_elapsed": (c_double, [c_void_p]),
}

# Newer than copa_patch itself: absent from older libraries, declared when there.
_OPTIONAL_PROTOTYPES = {
    "copa_patch_result_layer_compression": (c_char_p, [c_void_p]),
    "copa_patch_result_platform_count": (c_size_t, [c_void_p]),
    "copa_patch_result_platform": (POINTER(PatchPlatform), [c_void_p, c_size_t]),
}


# ---- loading ---------------------------------------------------------------

_lock = threading.RLock()  # ensure_init() calls lib() while holding it
_lib: Optional[ctypes.CDLL] = None
_has_patch = False
_init_done = False


def _candidates() -> Iterable[str]:
    """Where to look for the library, in order."""
    env = os.environ.get("COPA_LIBRARY")
    if env:
        yield env
        return  # an explicit choice must not silently fall back
    found = ctypes.util.find_library("copa")
    if found:
        yield found
    yield "libcopa.so.%d" % ABI_MAJOR


def _declare(lib: ctypes.CDLL, protos: dict) -> None:
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def lib() -> ctypes.CDLL:
    """The loaded libcopa, declared; loaded on first use."""
    global _lib, _has_patch
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        errors = []
        loaded = None
        for candidate in _candidates():
            try:
                loaded = ctypes.CDLL(candidate)
                break
            except OSError as exc:
                errors.append("%s: %s" % (candidate, exc))
        if loaded is None:
            raise ImportError(
                "libcopa not found (set COPA_LIBRARY to the path of libcopa.so.%d): %s"
                % (ABI_MAJOR, "; ".join(errors))
            )
        _declare(loaded, _PROTOTYPES)
        running = loaded.copa_version().decode()
        if int(running.split(".")[0]) != ABI_MAJOR:
            raise ImportError(
                "libcopa %s has ABI %s; these bindings need %d"
                % (running, running.split(".")[0], ABI_MAJOR)
            )
        try:
            _declare(loaded, _PATCH_PROTOTYPES)
            _has_patch = True
        except AttributeError:
            _has_patch = False
        for name, proto in _OPTIONAL_PROTOTYPES.items():
            try:
                _declare(loaded, {name: proto})
            except AttributeError:
                pass
        _lib = loaded
        return loaded


def has_function(name: str) -> bool:
    """Whether the loaded library exports `name` (for functions newer than copa_patch)."""
    return hasattr(lib(), name)


def has_patch() -> bool:
    """Whether the loaded library has copa_patch() / copa_plan()."""
    lib()
    return _has_patch


def ensure_init() -> None:
    """copa_init() once per process, for functions that touch the network."""
    global _init_done
    if _init_done:
        return
    with _lock:
        if _init_done:
            return
        rc = lib().copa_init()
        if rc < 0:
            from .errors import raise_last

            raise_last(rc)
        _init_done = True


# ---- small conversions -----------------------------------------------------


def enc(value: Optional[object]) -> Optional[bytes]:
    """A str / path / bytes argument as bytes for C; None stays NULL."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    return os.fsencode(value)  # str and os.PathLike


def dec(value: Optional[bytes]) -> str:
    """A C string as str; NULL becomes ""."""
    if value is None:
        return ""
    return value.decode("utf-8", "surrogateescape")


def dec_opt(value: Optional[bytes]) -> Optional[str]:
    """A C string as str; NULL stays None."""
    if value is None:
        return None
    return value.decode("utf-8", "surrogateescape")


def string_array(items: Optional[Sequence[object]], terminate: bool = True):
    """A `const char *const *` array (NULL-terminated when asked) and its
    length, or (None, 0) for no items. Assigning the array to a struct field
    keeps it (and its strings) alive as long as the struct."""
    values = [enc(i) for i in (items or ())]
    if not values:
        return None, 0
    size = len(values) + (1 if terminate else 0)
    arr = (c_char_p * size)(*values)
    return arr, len(values)


def take_string(ptr: c_void_p, free) -> str:
    """Copy a library-allocated C string and free it with `free`."""
    try:
        return dec(ctypes.string_at(ptr.value))
    finally:
        free(ptr)


_libc = ctypes.CDLL(None)
_libc.free.argtypes = [c_void_p]
_libc.free.restype = None


def libc_free(ptr) -> None:
    """free() for strings documented as "freed with free()"."""
    _libc.free(ptr)
