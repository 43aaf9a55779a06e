"""Runs where it is carried: without ctypes, and on Python 3.9 syntax and standard library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

WITHOUT_CTYPES = r"""
import sys

class NoCtypes:
    def find_spec(self, name, path=None, target=None):
        if name == "ctypes" or name.startswith("ctypes.") or name == "_ctypes":
            raise ImportError("this interpreter was built without ctypes")
        return None

sys.meta_path.insert(0, NoCtypes())
import npymmap

folder, = sys.argv[1:]
with npymmap.create(folder + "/n.npy", npymmap.int32.newbyteorder(">"), (2, 2)) as a:
    a[...] = [[1, 2], [3, 4]]
    assert a.tolist() == [[1, 2], [3, 4]]
with npymmap.open(folder + "/n.npy", mode="r+") as a:
    a[1, 1] = 40
    assert a[1, 1] == 40 and a.T.tolist() == [[1, 3], [2, 40]]
with npymmap.open(folder + "/f.npy") as f:
    assert f.data.tolist() == [0.5, 1.5]
    try:
        npymmap.open(folder + "/f.npy", mode="c").as_ctypes()
    except npymmap.UnsupportedDtypeError as error:
        assert "ctypes" in str(error), error
    else:
        raise AssertionError("as_ctypes worked without ctypes")
with npymmap.open(folder + "/r.npy") as r:
    assert r.tolist() == [(1, 2.0)]
    try:
        r[0]
    except npymmap.UnsupportedDtypeError as error:
        assert "ctypes" in str(error), error
    else:
        raise AssertionError("a record item worked without ctypes")
assert "ctypes" not in sys.modules
print("without ctypes OK")
"""


def test_without_ctypes_numbers_work_and_ctypes_features_say_what_is_missing(tmp_path: Path) -> None:
    np.save(tmp_path / "f.npy", np.array([0.5, 1.5]))
    np.save(tmp_path / "r.npy", np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")]))
    result = subprocess.run(
        [sys.executable, "-S", "-c", WITHOUT_CTYPES, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "without ctypes OK"


def test_the_package_needs_nothing_newer_than_python_3_9() -> None:
    """vermin reads every module for syntax and standard-library use by version."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from vermin.main import main; sys.argv[0] = 'vermin'; sys.exit(main())",
            "-t=3.9-",
            "--no-tips",
            "--violations",
            "--eval-annotations",  # annotations are strings, but mypy users evaluate them
            str(ROOT / "npymmap"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Minimum required versions: 3.9" in result.stdout or "Minimum required versions: 3.8" in result.stdout
