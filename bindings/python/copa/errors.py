"""Exceptions raised for libcopa's negative return codes."""

from __future__ import annotations

from typing import Dict, NoReturn, Optional, Type

__all__ = [
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


class Error(Exception):
    """A libcopa call failed.

    Attributes:
        code: the negative return code (one of copa_error_code).
        name: its symbolic name, for example ``"COPA_EINVALID"``.
        message: libcopa's message, naming the thing and the problem.
    """

    code: int = -1
    name: str = "COPA_ERROR"

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
            self.name = _NAMES.get(code, "COPA_UNKNOWN")

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return "%s(%r, code=%d)" % (type(self).__name__, self.message, self.code)


class NotFound(Error):
    """The thing asked for does not exist (image, tag, file, package)."""

    code, name = -2, "COPA_ENOTFOUND"


class AuthError(Error):
    """Authentication or authorization failed."""

    code, name = -3, "COPA_EAUTH"


class InvalidInput(Error, ValueError):
    """Malformed input: a bad argument, version string, report or file."""

    code, name = -4, "COPA_EINVALID"


class Unsupported(Error):
    """Valid input that this version of libcopa cannot handle."""

    code, name = -5, "COPA_EUNSUPPORTED"


class VerifyError(Error):
    """A digest, checksum or signature did not verify."""

    code, name = -6, "COPA_EVERIFY"


class NetworkError(Error):
    """A network operation failed after its retries."""

    code, name = -7, "COPA_ENETWORK"


class Unsatisfiable(Error):
    """The requested package versions cannot be reached."""

    code, name = -8, "COPA_EUNSATISFIABLE"


class Cancelled(Error):
    """A progress callback asked to stop."""

    code, name = -9, "COPA_ECANCELLED"


class OutOfMemory(Error, MemoryError):
    """Memory allocation failed inside libcopa."""

    code, name = -10, "COPA_ENOMEM"


class ExternalError(Error):
    """An external program (for example a scanner plugin) failed."""

    code, name = -11, "COPA_EEXTERNAL"


class Timeout(Error):
    """An operation ran out of its time limit."""

    code, name = -12, "COPA_ETIMEOUT"


class LayerError(Error):
    """The new layer could not be written (the message names the entry and its package)."""

    code, name = -13, "COPA_ELAYER"


COPA_ECANCELLED = -9

_CLASSES: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (
        NotFound,
        AuthError,
        InvalidInput,
        Unsupported,
        VerifyError,
        NetworkError,
        Unsatisfiable,
        Cancelled,
        OutOfMemory,
        ExternalError,
        Timeout,
        LayerError,
    )
}
_NAMES: Dict[int, str] = {cls.code: cls.name for cls in _CLASSES.values()}
_NAMES[-1] = "COPA_ERROR"


def error_for(code: int, message: str) -> Error:
    """The exception for a return code (plain Error for COPA_ERROR or unknown codes)."""
    cls = _CLASSES.get(code)
    if cls is None:
        return Error(message, code)
    return cls(message)


def raise_last(rc: int) -> NoReturn:
    """Raise for a negative rc with the calling thread's last message.

    Must be called right after the native call that returned rc, on the same
    thread, before any other libcopa call: the message is per thread and
    replaced by the next failure.
    """
    from ._native import dec, lib

    message = dec(lib().copa_error_last()) or ("libcopa call failed with code %d" % rc)
    raise error_for(rc, message)


def check(rc: int) -> int:
    """Return rc when it is not negative; raise its exception otherwise."""
    if rc < 0:
        raise_last(rc)
    return rc
