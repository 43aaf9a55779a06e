"""A read-only file: 'r' and 'c' open it, 'r+' and create over it fail with PermissionError naming it.

The check runs in a child process as an unprivileged user when the tests run as root (root
ignores file permissions), and as the current user otherwise. That user may not reach this
checkout or this interpreter (both may sit under /root), so the child gets a copy of the package
in a world-readable folder and the first interpreter on the machine it can run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534

CHILD = """
import sys, npymmap
path = sys.argv[1]
print(npymmap.open(path).tolist())
with npymmap.open(path, mode="c") as copy:
    copy[0] = 9.0
    print(copy.tolist())
for attempt in ("r+", "create"):
    try:
        if attempt == "r+":
            npymmap.open(path, mode="r+")
        else:
            npymmap.create(path, npymmap.float64, (3,), overwrite=True)
    except PermissionError as error:
        print(attempt, "PermissionError", error.filename)
    else:
        print(attempt, "opened")
"""


@pytest.fixture
def read_only_file() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="npymmap-perm-"))
    try:
        shutil.copytree(ROOT / "npymmap", folder / "npymmap", ignore=shutil.ignore_patterns("__pycache__"))
        path = folder / "frozen.npy"
        np.save(path, np.array([1.0, 2.0, 3.0]))
        os.chmod(path, 0o444)
        for place in [folder, *folder.rglob("*")]:
            if place != path:
                os.chmod(place, 0o555 if place.is_dir() else 0o444)  # nobody may add files either
        yield path
    finally:
        for place in [folder, *folder.rglob("*")]:
            if place.is_dir():
                os.chmod(place, 0o755)
        shutil.rmtree(folder)


def run_as_unprivileged(arguments: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    if os.geteuid() != 0:
        return subprocess.run(
            [sys.executable, *arguments], capture_output=True, text=True, timeout=60, env=environment, check=False
        )
    for interpreter in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        try:
            return subprocess.run(
                [interpreter, *arguments],
                capture_output=True,
                text=True,
                timeout=60,
                env=environment,
                cwd="/",
                user=NOBODY,
                group=NOBODY,
                check=False,
            )
        except PermissionError:
            continue  # not reachable by that user; try the next
    raise AssertionError("no Python interpreter on this machine can run as an unprivileged user")


def test_read_only_file_opens_for_reading_and_refuses_writing(read_only_file: Path) -> None:
    before = read_only_file.read_bytes()
    result = run_as_unprivileged(["-c", CHILD, str(read_only_file)], read_only_file.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[1.0, 2.0, 3.0]",
        "[9.0, 2.0, 3.0]",
        f"r+ PermissionError {read_only_file}",
        f"create PermissionError {read_only_file}",
    ]
    assert read_only_file.read_bytes() == before
