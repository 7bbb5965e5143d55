"""Python bindings of libcopa: patch OS-package vulnerabilities of container
images without a container daemon.

The native library is found through $COPA_LIBRARY, then the system library
path (libcopa.so.0). Every failure raises a :class:`copa.Error` subclass
carrying ``.code``, ``.name`` and ``.message``.
"""

from .apt import apt_sources
from .errors import (
    AuthError,
    Cancelled,
    Error,
    ExternalError,
    InvalidInput,
    LayerError,
    NetworkError,
    NotFound,
    OutOfMemory,
    Timeout,
    Unsatisfiable,
    Unsupported,
    VerifyError,
)
from .image import Reference, copy, inspect, parse_reference
from .packages import Inventory, Package, packages
from .patch import (PatchResult, PlatformOutcome, Progress, PatchUpdate, Skipped, Unfixable,
                    patch, plan)
from .report import OSInfo, Report, Unfixed, Update
from .version import version, version_compare, version_valid
from .vex import Vex, purl_image, purl_package

__all__ = [
    "version",
    "version_compare",
    "version_valid",
    "Report",
    "Update",
    "Unfixed",
    "OSInfo",
    "Reference",
    "parse_reference",
    "inspect",
    "copy",
    "packages",
    "Inventory",
    "Package",
    "apt_sources",
    "Vex",
    "purl_package",
    "purl_image",
    "plan",
    "patch",
    "PatchResult",
    "PlatformOutcome",
    "PatchUpdate",
    "Skipped",
    "Unfixable",
    "Progress",
    "Error",
    "NotFound",
    "AuthError",
    "InvalidInput",
    "Unsupported",
    "VerifyError",
    "NetworkError",
    "Unsatisfiable",
    "Cancelled",
    "OutOfMemory",
    "ExternalError",
    "Timeout",
    "LayerError",
]
