"""A copy of the package under another name works, with the top-level name unavailable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SMOKE = r"""
import sys

class NoTopLevel:
    def find_spec(self, name, path=None, target=None):
        if name == "npymmap" or name.startswith("npymmap."):
            raise ImportError("the top-level npymmap must not be used")
        return None

sys.meta_path.insert(0, NoTopLevel())
import ctypes, os, tempfile
from hostpkg._vendor import npymmap

folder = tempfile.mkdtemp()
path = os.path.join(folder, "a.npy")
with npymmap.create(path, npymmap.float64.newbyteorder(">"), (2, 3), fortran_order=True) as a:
    a[...] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
with npymmap.open(path) as a:
    assert a.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], a.tolist()
    assert a.T[2, 1] == 6.0
assert npymmap.read_header(path).shape == (2, 3)

class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_double)]
records = os.path.join(folder, "r.npy")
with npymmap.create(records, npymmap.record(Point), (2,)) as r:
    r[1] = (7, 1.5)
with npymmap.open(records, npymmap.record(Point)) as r:
    assert type(r[1]) is Point and r[1].x == 7 and r.tolist() == [(0, 0.0), (7, 1.5)]

archive = os.path.join(folder, "z.npz")
with npymmap.create_npz(archive) as writer:
    writer.add("s", npymmap.str_(3), (2,))[:] = ["ab", "c"]
with npymmap.open_npz(archive) as z:
    assert z["s"].tolist() == ["ab", "c"]
with npymmap.append_to(path) as grower:
    grower.append([[7.0, 8.0]])
try:
    npymmap.open(os.path.join(folder, "missing.npy"))
except FileNotFoundError:
    pass
assert not [name for name in sys.modules if name == "npymmap" or name.startswith("npymmap.")]
print("vendored copy OK:", sorted(name for name in sys.modules if name.startswith("hostpkg._vendor.npymmap.")))
"""


def test_a_vendored_copy_works_without_the_top_level_name(tmp_path: Path) -> None:
    vendor = tmp_path / "hostpkg" / "_vendor"
    shutil.copytree(ROOT / "npymmap", vendor / "npymmap", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "hostpkg" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    result = subprocess.run(
        [sys.executable, "-S", "-c", SMOKE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("vendored copy OK:")
    assert "hostpkg._vendor.npymmap._records" in result.stdout
    assert "hostpkg._vendor.npymmap._npz_writer" in result.stdout
