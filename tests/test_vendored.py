"""A copy of the package under another name works, with the top-level name unavailable; and
the README's vendoring recipe makes such a copy, on a fresh tree and when run again."""

from __future__ import annotations

import os
import shlex
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


def run_smoke(folder: Path, package: str) -> None:
    """SMOKE against ``<package>._vendor.npymmap`` in ``folder``, the top-level name blocked."""
    result = subprocess.run(
        [sys.executable, "-S", "-c", SMOKE.replace("hostpkg", package)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("vendored copy OK:")
    assert f"{package}._vendor.npymmap._records" in result.stdout
    assert f"{package}._vendor.npymmap._npz_writer" in result.stdout


def test_a_vendored_copy_works_without_the_top_level_name(tmp_path: Path) -> None:
    vendor = tmp_path / "hostpkg" / "_vendor"
    shutil.copytree(ROOT / "npymmap", vendor / "npymmap", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "hostpkg" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    run_smoke(tmp_path, "hostpkg")


def readme_vendoring_recipe() -> str:
    """The README's ```sh block that makes ``yourpkg/_vendor/npymmap``."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    recipes = []
    for index, line in enumerate(lines):
        if line.strip() == "```sh":
            end = lines.index("```", index + 1)
            block = "\n".join(lines[index + 1 : end]) + "\n"
            if "yourpkg/_vendor" in block:
                recipes.append(block)
    assert len(recipes) == 1, recipes
    return recipes[0]


def test_the_readme_recipe_vendors_on_a_fresh_tree_and_again(tmp_path: Path) -> None:
    """Run as a reader would, with ``bash`` (each command must succeed), from the project's root:
    ``python3`` is this interpreter and finds npymmap where the suite does (the worktree)."""
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "python3").write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} \"$@\"\n")
    (tools / "python3").chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    environment = dict(os.environ)
    environment["PATH"] = os.pathsep.join([str(tools), environment.get("PATH", "")])
    environment["PYTHONPATH"] = str(ROOT)
    recipe = readme_vendoring_recipe()
    copy = project / "yourpkg" / "_vendor" / "npymmap"
    for attempt in ("fresh tree", "run again"):
        result = subprocess.run(
            ["bash", "-e", "-c", recipe], cwd=project, env=environment, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{attempt}: {result.stderr}"
        assert result.stdout.strip().splitlines()[-1] == "yourpkg._vendor.npymmap", f"{attempt}: {result.stdout}"
        sources = sorted(path.name for path in copy.iterdir() if path.name != "__pycache__")
        assert sources == sorted(path.name for path in (ROOT / "npymmap").iterdir() if path.name != "__pycache__")
        assert not (copy / "npymmap").exists(), f"{attempt}: the copy nests a second one"
        tag = sys.implementation.cache_tag
        compiled = {path.name.split(".")[0] for path in (copy / "__pycache__").glob(f"*.{tag}.pyc")}
        assert compiled == {path.stem for path in copy.glob("*.py")}, f"{attempt}: not precompiled: {compiled}"
    run_smoke(project, "yourpkg")
