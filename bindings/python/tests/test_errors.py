import subprocess
import sys
import threading

import pytest

import copa
from copa.errors import error_for

CLASSES = {
    -2: copa.NotFound,
    -3: copa.AuthError,
    -4: copa.InvalidInput,
    -5: copa.Unsupported,
    -6: copa.VerifyError,
    -7: copa.NetworkError,
    -8: copa.Unsatisfiable,
    -9: copa.Cancelled,
    -10: copa.OutOfMemory,
    -11: copa.ExternalError,
    -12: copa.Timeout,
    -13: copa.LayerError,
}


@pytest.mark.parametrize("code,cls", sorted(CLASSES.items()))
def test_each_code_has_its_class_and_the_library_name(code, cls):
    err = error_for(code, "msg")
    assert type(err) is cls and isinstance(err, copa.Error)
    assert err.code == code and err.message == "msg"
    # The symbolic name agrees with the library's own copa_error_name().
    from copa._native import lib

    assert err.name == lib().copa_error_name(code).decode()


def test_generic_and_unknown_codes_are_plain_error():
    assert type(error_for(-1, "x")) is copa.Error
    unknown = error_for(-99, "y")
    assert type(unknown) is copa.Error and unknown.code == -99
    assert unknown.name == "COPA_UNKNOWN"


def test_messages_are_per_thread():
    """Two threads failing at once each get their own message."""
    results = {}

    def fail(tag):
        for _ in range(200):
            try:
                copa.version_compare("deb", "bad %s" % tag, "1")
            except copa.InvalidInput as e:
                if ("bad %s" % tag) not in e.message:
                    results[tag] = e.message
                    return
        results[tag] = None

    threads = [threading.Thread(target=fail, args=(t,)) for t in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"one": None, "two": None}


def test_missing_library_is_a_clear_import_error(tmp_path):
    code = "import copa; copa.version()"
    env = {"COPA_LIBRARY": str(tmp_path / "nope.so"), "PYTHONPATH": ":".join(sys.path)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "ImportError: libcopa not found (set COPA_LIBRARY" in proc.stderr
    assert "nope.so" in proc.stderr
