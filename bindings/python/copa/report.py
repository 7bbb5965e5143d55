"""Scanner reports (Trivy, Grype, copa native, plugins), normalized."""

from __future__ import annotations

import os
from ctypes import byref, c_int, c_void_p
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Tuple, Union

from ._native import ReportOptions, dec, enc, lib, take_string
from .errors import check

__all__ = ["Report", "Update", "Unfixed", "OSInfo"]

PathLike = Union[str, bytes, "os.PathLike[str]"]


class OSInfo(NamedTuple):
    """The OS a report describes."""

    family: str
    """Normalized family ("debian", "alpine", "rhel", ...); "" when none."""
    version: str
    """The OS version as the report gives it ("12.5")."""
    pkg_format: str
    """"deb", "rpm", "apk", or "unknown" when the report has no OS."""


@dataclass(frozen=True)
class Update:
    """A package to update (OS package) or a vulnerable language package."""

    name: str
    installed_version: str
    fixed_version: str
    """OS packages: the version to reach. Language packages: the scanner's
    fixed versions joined by ", " (not compared)."""
    vulnerability_ids: Tuple[str, ...]
    type: str
    """"deb", "rpm", "apk" for OS packages; the ecosystem for language ones."""
    pkg_class: str
    """"os-pkgs" or "lang-pkgs"."""
    path: str = ""
    purl: str = ""
    handled: bool = True
    """True when OS patching handles the package."""


@dataclass(frozen=True)
class Unfixed:
    """A vulnerability without a fixed version."""

    name: str
    installed_version: str
    vulnerability_id: str
    status: str
    pkg_class: str


def _update(u) -> Update:
    ids = tuple(dec(u.vulnerability_ids[i]) for i in range(u.vulnerability_count))
    return Update(
        name=dec(u.name),
        installed_version=dec(u.installed_version),
        fixed_version=dec(u.fixed_version),
        vulnerability_ids=ids,
        type=dec(u.type),
        pkg_class=dec(u.pkg_class),
        path=dec(u.path),
        purl=dec(u.purl),
        handled=bool(u.handled),
    )


def _options(format: str, scanner: Optional[str], ignore_errors: bool, plugin_timeout_ms: int):
    L = lib()
    opts = ReportOptions()
    check(L.copa_report_options_init(byref(opts), 1))
    fmt = c_int(0)
    check(L.copa_report_format_from_name(byref(fmt), enc(format)))
    opts.format = fmt.value
    opts.scanner = enc(scanner)
    opts.ignore_errors = 1 if ignore_errors else 0
    opts.plugin_timeout_ms = plugin_timeout_ms
    return opts


@dataclass(frozen=True)
class Report:
    """A parsed, normalized report: which packages must reach which versions.

    Read one with :meth:`from_file` or :meth:`from_bytes`. Everything is
    copied out of the native report, so a Report is a plain immutable value.
    """

    format: str
    """The format the report was read as: "trivy", "grype", "native", "plugin"."""
    os: OSInfo
    arch: str
    variant: str
    artifact: str
    updates: Tuple[Update, ...]
    """OS package updates, sorted by name."""
    lang_packages: Tuple[Update, ...]
    """Language packages (not handled by OS patching)."""
    unfixed: Tuple[Unfixed, ...]
    warnings: Tuple[str, ...]
    _json: str = field(repr=False, default="")

    @classmethod
    def from_file(
        cls,
        path: PathLike,
        format: str = "auto",
        scanner: Optional[str] = None,
        ignore_errors: bool = False,
        plugin_timeout_ms: int = 0,
    ) -> "Report":
        """Read and normalize a report file.

        Args:
            path: the report (or the plugin's argument).
            format: "auto", "trivy", "grype" or "native".
            scanner: a plugin NAME: run ``copa-NAME PATH`` and read its output.
            ignore_errors: skip packages with invalid versions (listed in
                warnings) instead of failing.
            plugin_timeout_ms: time limit of a plugin; 0 means 60 s.

        Raises:
            NotFound: no such file or plugin.
            InvalidInput: malformed report (the message names the file).
            Unsupported: an OS copa cannot patch, an unknown report version.
            ExternalError, Timeout: a plugin failed or ran too long.
        """
        opts = _options(format, scanner, ignore_errors, plugin_timeout_ms)
        handle = c_void_p()
        check(lib().copa_report_parse_file(byref(handle), enc(path), byref(opts)))
        return cls._take(handle)

    @classmethod
    def from_bytes(
        cls,
        data: Union[bytes, str],
        name: Optional[str] = None,
        format: str = "auto",
        ignore_errors: bool = False,
    ) -> "Report":
        """Read and normalize a report held in memory; `name` is used in messages."""
        if isinstance(data, str):
            data = data.encode()
        opts = _options(format, None, ignore_errors, 0)
        handle = c_void_p()
        check(
            lib().copa_report_parse_buffer(
                byref(handle), data, len(data), enc(name), byref(opts)
            )
        )
        return cls._take(handle)

    @classmethod
    def _take(cls, handle: c_void_p) -> "Report":
        L = lib()
        try:
            meta = L.copa_report_metadata_get(handle).contents
            updates = tuple(
                _update(L.copa_report_update_get(handle, i).contents)
                for i in range(L.copa_report_update_count(handle))
            )
            langs = tuple(
                _update(L.copa_report_lang_get(handle, i).contents)
                for i in range(L.copa_report_lang_count(handle))
            )
            unfixed = []
            for i in range(L.copa_report_unfixed_count(handle)):
                u = L.copa_report_unfixed_get(handle, i).contents
                unfixed.append(
                    Unfixed(
                        dec(u.name),
                        dec(u.installed_version),
                        dec(u.vulnerability_id),
                        dec(u.status),
                        dec(u.pkg_class),
                    )
                )
            warnings = tuple(
                dec(L.copa_report_warning_get(handle, i))
                for i in range(L.copa_report_warning_count(handle))
            )
            out = c_void_p()
            check(L.copa_report_to_json(byref(out), handle))
            text = take_string(out, L.copa_report_json_free)
            return cls(
                format=dec(L.copa_report_format_name(meta.format)),
                os=OSInfo(
                    dec(meta.os_family),
                    dec(meta.os_version),
                    dec(L.copa_pkg_format_name(meta.pkg_format)),
                ),
                arch=dec(meta.arch),
                variant=dec(meta.variant),
                artifact=dec(meta.artifact),
                updates=updates,
                lang_packages=langs,
                unfixed=tuple(unfixed),
                warnings=warnings,
                _json=text,
            )
        finally:
            L.copa_report_free(handle)

    def to_json(self) -> str:
        """The normalized manifest as libcopa's stable JSON (native v1alpha2
        shape plus vulnerabilityIDs, unfixable, warnings and source format)."""
        return self._json
