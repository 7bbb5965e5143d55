"""Patching an image (copa_patch) and planning without patching (copa_plan).

Needs a libcopa with include/copa/patch.h; with an older library these
functions raise :class:`copa.Unsupported`.
"""

from __future__ import annotations

import json as _json
from ctypes import byref, c_void_p
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

from . import _native
from ._native import PatchOptions, ProgressCallback, dec, enc, ensure_init, lib, string_array
from .errors import COPA_ECANCELLED, Error, Unsupported, check, error_for

__all__ = ["plan", "patch", "PatchResult", "PatchUpdate", "Skipped", "Unfixable", "Progress"]

_KINDS = {0: "stage-begin", 1: "stage-end", 2: "bytes", 3: "note"}
_FORMATS = {"auto": 0, "trivy": 1, "grype": 2, "native": 3}


@dataclass(frozen=True)
class Progress:
    """One progress event of :func:`patch`."""

    kind: str
    """"stage-begin", "stage-end", "bytes" or "note"."""
    stage: str
    """"open", "read", "detect", "sources", "resolve", "download", "build", "write", "vex"."""
    item: str
    """The file or package bytes belong to; "" otherwise."""
    done: float
    total: float
    """Bytes in all (0 when unknown)."""
    elapsed: float
    """Seconds since the patch started."""
    message: str
    platform: str = ""
    """A multi-platform patch's platform the event belongs to; "" otherwise."""


@dataclass(frozen=True)
class PatchUpdate:
    """A package the patch upgrades or installs."""

    name: str
    arch: str
    from_version: str
    """"" for a package new to the image."""
    to_version: str
    reason: str
    size: float
    is_new: bool


@dataclass(frozen=True)
class Skipped:
    """A fix that was not made, or a package kept back."""

    name: str
    installed: str
    required: str
    best: str
    cause: str
    message: str
    failed: bool
    """True when the report asked for this fix (a failure)."""


@dataclass(frozen=True)
class Unfixable:
    """A reported vulnerability without a fix."""

    name: str
    installed: str
    vulnerability_id: str
    status: str


@dataclass(frozen=True)
class PlatformOutcome:
    """One platform of a multi-platform patch."""

    platform: str
    status: str
    """"patched", "up-to-date", "kept" or "error"."""
    update_count: int
    digest: str
    message: str


@dataclass(frozen=True)
class PatchResult:
    """What :func:`patch` did."""

    up_to_date: bool
    """True when there was nothing to fix (nothing was written)."""
    repatched: bool
    digest: str
    """Digest of the patched manifest; "" when nothing was written."""
    destination: str
    plan_text: str
    plan_json: str
    updates: Tuple[PatchUpdate, ...]
    skipped: Tuple[Skipped, ...]
    unfixable: Tuple[Unfixable, ...]
    skipped_scripts: Tuple[str, ...]
    layer_size: float
    elapsed: float
    layer_compression: str = ""
    """How the new layer is compressed ("gzip:6", "zstd:3"); "" when none was written."""
    platforms: Tuple[PlatformOutcome, ...] = ()
    """A multi-platform patch's outcome per platform; () when one image was patched."""

    @property
    def plan(self) -> Optional[Dict[str, Any]]:
        """The plan as parsed JSON, or None when no plan was made."""
        return _json.loads(self.plan_json) if self.plan_json else None


def _result(handle: c_void_p) -> PatchResult:
    L = lib()
    updates = []
    for i in range(L.copa_patch_result_update_count(handle)):
        u = L.copa_patch_result_update(handle, i).contents
        updates.append(
            PatchUpdate(
                dec(u.name), dec(u.arch), dec(u.from_), dec(u.to), dec(u.reason), u.size,
                bool(u.is_new),
            )
        )
    skipped = []
    for i in range(L.copa_patch_result_skipped_count(handle)):
        s = L.copa_patch_result_skipped(handle, i).contents
        skipped.append(
            Skipped(
                dec(s.name), dec(s.installed), dec(s.required), dec(s.best), dec(s.cause),
                dec(s.message), bool(s.failed),
            )
        )
    unfixable = []
    for i in range(L.copa_patch_result_unfixable_count(handle)):
        u = L.copa_patch_result_unfixable(handle, i).contents
        unfixable.append(
            Unfixable(dec(u.name), dec(u.installed), dec(u.vulnerability_id), dec(u.status))
        )
    scripts = tuple(
        dec(L.copa_patch_result_skipped_script(handle, i))
        for i in range(L.copa_patch_result_skipped_script_count(handle))
    )
    platforms = []
    if _native.has_function("copa_patch_result_platform_count"):
        for i in range(L.copa_patch_result_platform_count(handle)):
            p = L.copa_patch_result_platform(handle, i).contents
            platforms.append(
                PlatformOutcome(dec(p.platform), dec(p.status), p.update_count, dec(p.digest),
                                dec(p.message))
            )
    return PatchResult(
        up_to_date=bool(L.copa_patch_result_up_to_date(handle)),
        repatched=bool(L.copa_patch_result_repatched(handle)),
        digest=dec(L.copa_patch_result_digest(handle)),
        destination=dec(L.copa_patch_result_destination(handle)),
        plan_text=dec(L.copa_patch_result_plan(handle, 0)),
        plan_json=dec(L.copa_patch_result_plan(handle, 1)),
        updates=tuple(updates),
        skipped=tuple(skipped),
        unfixable=tuple(unfixable),
        skipped_scripts=scripts,
        layer_size=L.copa_patch_result_layer_size(handle),
        elapsed=L.copa_patch_result_elapsed(handle),
        layer_compression=(
            dec(L.copa_patch_result_layer_compression(handle))
            if _native.has_function("copa_patch_result_layer_compression") else ""
        ),
        platforms=tuple(platforms),
    )


def _options(
    image: str,
    report: Optional[str],
    *,
    report_format: str = "auto",
    scanner: Optional[str] = None,
    tag: Optional[str] = None,
    tag_suffix: Optional[str] = None,
    push: bool = False,
    oci_dir: Optional[str] = None,
    archive: Optional[str] = None,
    platform: Optional[str] = None,
    ignore_errors: bool = False,
    mirrors: Sequence[str] = (),
    credentials: Optional[str] = None,
    insecure_registries: Sequence[str] = (),
    ca_file: Optional[str] = None,
    cert_dir: Optional[str] = None,
    timeout: Optional[float] = None,
    cache_dir: Optional[str] = None,
    vex_path: Optional[str] = None,
    vex_author: Optional[str] = None,
    insecure_allow_unsigned: bool = False,
    layer_compression: Optional[str] = None,
    sbom_path: Optional[str] = None,
    run_scripts: bool = False,
) -> PatchOptions:
    if not _native.has_patch():
        raise Unsupported("this libcopa has no copa_patch(); libcopa %s" % dec(lib().copa_version()))
    if report_format not in _FORMATS:
        raise error_for(-4, "unknown report format '%s'" % report_format)
    opts = PatchOptions()
    # An older library reads older, shorter structs: use the newest version it
    # knows, unless an option it lacks was asked for.
    version = _native.PATCH_OPTIONS_VERSION
    while lib().copa_patch_options_init(byref(opts), version) != 0 and version > 1:
        version -= 1
    check(lib().copa_patch_options_init(byref(opts), version))
    for needed, option, value in ((2, "layer_compression", layer_compression),
                                  (3, "sbom_path", sbom_path),
                                  (4, "run_scripts", run_scripts or None)):
        if value is not None and version < needed:
            raise Unsupported("this libcopa has no %s option; libcopa %s"
                              % (option, dec(lib().copa_version())))
    opts.image = enc(image)
    opts.report = enc(report)
    opts.report_format = _FORMATS[report_format]
    opts.scanner = enc(scanner)
    opts.tag = enc(tag)
    opts.tag_suffix = enc(tag_suffix)
    opts.push = int(push)
    opts.oci_dir = enc(oci_dir)
    opts.archive = enc(archive)
    opts.platform = enc(platform)
    opts.ignore_errors = int(ignore_errors)
    arr, count = string_array(mirrors, terminate=False)
    if arr is not None:
        opts.mirrors = arr
        opts.mirror_count = count
    opts.credentials = enc(credentials)
    arr, _ = string_array(insecure_registries, terminate=True)
    if arr is not None:
        opts.insecure_registries = arr
    opts.ca_file = enc(ca_file)
    opts.cert_dir = enc(cert_dir)
    opts.timeout_ms = 0 if timeout is None else max(1, int(timeout * 1000))
    opts.cache_dir = enc(cache_dir)
    opts.vex_path = enc(vex_path)
    opts.vex_author = enc(vex_author)
    opts.insecure_allow_unsigned = int(insecure_allow_unsigned)
    if layer_compression is not None:
        opts.layer_compression = enc(layer_compression)
    if sbom_path is not None:
        opts.sbom_path = enc(sbom_path)
    if run_scripts:
        opts.run_scripts = 1
    return opts


def plan(image: str, report: Optional[str] = None, *, text: bool = False, **options: Any
         ) -> Union[Dict[str, Any], str]:
    """The plan of a patch without making it: packages, installed -> target
    versions, reasons, sizes. Nothing is downloaded or written.

    Args:
        image: the image (registry reference, oci:DIR[:TAG], ...).
        report: a scanner report file; None plans every pending update.
        text: return the plain-text table instead of the parsed JSON.
        **options: as for :func:`patch` (destinations are ignored).

    Raises:
        Unsatisfiable: a reported fix cannot be made; the exception's
            ``plan`` attribute holds the plan anyway.
        NotFound, InvalidInput, AuthError, NetworkError, VerifyError,
        Unsupported, Timeout.
    """
    ensure_init()
    L = lib()
    opts = _options(image, report, **options)
    out = c_void_p()
    rc = L.copa_plan(byref(out), byref(opts), 0 if text else 1)
    message = dec(L.copa_error_last()) if rc < 0 else ""  # read before anything else
    body = None
    if out.value:
        body = _native.take_string(out, L.copa_plan_free)
    if rc < 0:
        err = error_for(rc, message)
        err.plan = (body if text else _json.loads(body)) if body else None
        raise err
    return body if text else _json.loads(body or "null")


ProgressFn = Callable[[Progress], Optional[bool]]


def patch(
    image: str,
    report: Optional[str] = None,
    tag: Optional[str] = None,
    push: bool = False,
    oci_dir: Optional[str] = None,
    progress: Optional[ProgressFn] = None,
    **options: Any,
) -> PatchResult:
    """Patch the OS packages of an image: the result is the base image plus
    one layer with the upgraded packages.

    Args:
        image: the image (registry reference, oci:DIR[:TAG],
            oci-archive:FILE, docker-archive:FILE).
        report: a scanner report; None updates every pending update.
        tag: the patched tag; None: source tag + "-patched".
        push: push to the source's registry under the patched tag.
        oci_dir: write into this OCI layout directory.
        progress: called with each :class:`Progress` event. Returning False
            cancels (``Cancelled`` is raised); raising an exception cancels
            and that exception propagates out of patch().
        **options: archive, platform, report_format ("auto", "trivy",
            "grype", "native"), scanner, tag_suffix, ignore_errors, mirrors
            (["FROM=TO"]), credentials, insecure_registries, ca_file,
            cert_dir, timeout (seconds), cache_dir, vex_path, vex_author,
            insecure_allow_unsigned, layer_compression ("gzip" (the default,
            level 6), "gzip:N" with N 1-9, "zstd" (level 3), "zstd:N" with N
            1-19; zstd needs an OCI image and a zstd-aware runtime),
            sbom_path (a CycloneDX 1.6 SBOM of the patched image, the
            document :func:`copa.packages` gives for it), run_scripts (run the
            maintainer scripts in a sandbox and keep what they change).

    Returns:
        A :class:`PatchResult` (also when the image was already up to date).

    Raises:
        Error subclasses; after a plan was made the exception's ``result``
        attribute holds the partial :class:`PatchResult` (skipped fixes),
        otherwise None.
    """
    ensure_init()
    L = lib()
    opts = _options(image, report, tag=tag, push=push, oci_dir=oci_dir, **options)
    raised = []
    # Events carry the platform since the library that has per-platform results.
    has_platform = _native.has_function("copa_patch_result_platform_count")

    def trampoline(event_ptr, _payload) -> int:
        # Never let an exception escape into C: ctypes would print and
        # ignore it. Remember it and cancel instead.
        try:
            e = event_ptr.contents
            event = Progress(
                _KINDS.get(e.kind, str(e.kind)), dec(e.stage), dec(e.item), e.done, e.total,
                e.elapsed, dec(e.message), dec(e.platform) if has_platform else "",
            )
            return COPA_ECANCELLED if progress(event) is False else 0
        except BaseException as exc:  # noqa: B902 - re-raised after the call
            raised.append(exc)
            return COPA_ECANCELLED

    callback = ProgressCallback(trampoline) if progress is not None else None
    if callback is not None:
        opts.progress = callback
    handle = c_void_p()
    rc = L.copa_patch(byref(handle), byref(opts))
    message = dec(L.copa_error_last()) if rc < 0 else ""  # read before anything else
    result = None
    if handle.value:
        try:
            result = _result(handle)
        finally:
            L.copa_patch_result_free(handle)
    if raised:
        raise raised[0]
    if rc < 0:
        err: Error = error_for(rc, message or "copa_patch failed with code %d" % rc)
        err.result = result
        raise err
    return result
