"""Many maps at once: the file descriptors maps hold, and a process's limit on them.

A map made by CPython 3.13+ on Unix keeps no descriptor (``mmap``'s ``trackfd=False``), so
thousands of ``r`` and ``c`` maps and archives open under the common soft limit of 1,024
descriptors; elsewhere each holds one (two for an archive in mode ``c``) and the open past the
limit is a clean ``OSError`` (EMFILE) naming the file. ``r+`` and ``create`` keep one of their own
for ``fsync`` everywhere. Each test runs in a child process, whose descriptors and limit are its
own.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap

resource = pytest.importorskip("resource")  # (Windows has none: no RLIMIT_NOFILE to reach there)

# Where npymmap's maps keep no descriptor: CPython's trackfd=False (3.13+, Unix).
MAPS_KEEP_DESCRIPTORS = sys.implementation.name != "cpython" or sys.version_info < (3, 13)
LIMIT = 1024  # the usual soft RLIMIT_NOFILE

FILES = {  # the .npy files the children map, by name: dtype, item count
    "f8.npy": ("<f8", 1000),
    "i4.npy": ("<i4", 700),
    "u1.npy": ("|u1", 200),
    "be8.npy": (">i8", 300),
}

CHILD = r"""
import json, os, resource, sys
import npymmap

folder, limit, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
files = json.loads(sys.argv[4])
archive = os.path.join(folder, "members.npz")
fd_folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"


def descriptors():
    # listdir needs a descriptor of its own, which there is none of at the limit: raised for it
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit + 16, hard))
    try:
        return len(os.listdir(fd_folder)) - 1
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def expected(name, index):
    dtype, items = files[name]
    return index % items % (256 if dtype == "|u1" else 1 << 31)


def open_one(number, modes):
    # The number-th map: a .npy file, or (every third) an archive, whose members are read below.
    mode = modes[number % len(modes)]
    if number % 3 == 2:
        return npymmap.open_npz(archive, mode=mode), None
    name = sorted(files)[number % len(files)]
    return npymmap.open(os.path.join(folder, name), mode=mode), name


def read_one(held, number):
    mapped, name = held
    if name is None:
        return mapped["f8"][number % 1000] == number % 1000 and mapped["i4"][number % 700] == number % 700
    return mapped[number % files[name][1]] == expected(name, number)


def open_many(count, modes):
    # Maps opened until count or the first OSError: (maps, error as a dict or None).
    maps = []
    try:
        while len(maps) < count:
            maps.append(open_one(len(maps), modes))
    except OSError as error:
        return maps, {"errno": error.errno, "filename": error.filename, "type": type(error).__name__}
    return maps, None


modes = sys.argv[5].split(",")
for number, held in enumerate(open_many(3 * len(modes), modes)[0]):  # what reading imports, imported
    assert read_one(held, number)
    held[0].close()
resource.setrlimit(resource.RLIMIT_NOFILE, (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
report = {"before": descriptors()}
maps, report["error"] = open_many(count, modes)
report["opened"] = len(maps)
report["while_open"] = descriptors()
report["all_read"] = all(read_one(held, number) for number, held in enumerate(maps))
for mapped, _ in maps:
    mapped.close()
report["after_close"] = descriptors()
again, report["error_again"] = open_many(len(maps), modes)
report["reopened"] = len(again)
report["all_read_again"] = all(read_one(held, number) for number, held in enumerate(again))
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("many")
    for name, (dtype, items) in FILES.items():
        np.save(made / name, (np.arange(items) % (256 if dtype == "|u1" else 1 << 31)).astype(dtype))
    np.savez(made / "members.npz", f8=np.arange(1000, dtype="<f8"), i4=np.arange(700, dtype="<i4"))
    return made


def run_child(folder: Path, count: int, modes: str) -> dict[str, Any]:
    """The child's report of opening ``count`` maps in ``modes`` (comma-separated, in turn) under
    a soft descriptor limit of :data:`LIMIT`, reading each, closing them all, then opening as
    many again."""
    result = run_python(CHILD, folder, str(LIMIT), str(count), json.dumps(FILES), modes)
    assert result.returncode == 0, result.stderr  # never a crash, whatever the limit
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def run_python(code: str, folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by this Python, in ``folder`` and given it as its first argument, in a child
    importing the npymmap this process imported."""
    environment = dict(os.environ)
    root = str(Path(npymmap.__file__).resolve().parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [root, environment.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code, str(folder), *arguments],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_a_clean_emfile(report: dict[str, Any], folder: Path) -> None:
    """The open that met the limit raised OSError EMFILE naming the file it was opening."""
    error = report["error"]
    assert error is not None, report
    assert error["type"] == "OSError" and error["errno"] == 24, report  # EMFILE: Too many open files
    assert error["filename"] in {str(folder / name) for name in [*FILES, "members.npz"]}, report


@pytest.mark.parametrize("modes", ["r", "c", "r,c"])
def test_3000_maps_and_archives_under_a_limit_of_1024_descriptors(folder: Path, modes: str) -> None:
    """All open at once and read right where maps keep no descriptor, the process holding no
    more than before; elsewhere the open at the limit is a clean EMFILE naming its file, and
    every map opened before it still reads right."""
    report = run_child(folder, 3000, modes)
    if MAPS_KEEP_DESCRIPTORS:
        # each map holds a descriptor, an archive in mode 'c' two
        assert_a_clean_emfile(report, folder)
        assert LIMIT // 3 < report["opened"] < LIMIT
        assert report["while_open"] > LIMIT - 10
    else:
        assert report["error"] is None and report["opened"] == 3000, report
        assert report["while_open"] == report["before"] < 10, report
    assert report["all_read"], report


@pytest.mark.parametrize("modes", ["r", "c", "r+"])
def test_closing_maps_gives_their_descriptors_back(folder: Path, modes: str) -> None:
    report = run_child(folder, 3000, modes)
    assert report["after_close"] == report["before"], report
    assert report["error_again"] is None, report  # as many open again
    assert report["reopened"] == report["opened"] and report["all_read_again"], report


def test_r_plus_maps_hold_one_descriptor_each_for_fsync(folder: Path) -> None:
    """``r+`` keeps the file's descriptor for ``flush`` to ``fsync`` on every Python (two per map
    where the map keeps its own): the limit stops them, cleanly, there too."""
    report = run_child(folder, 3000, "r+")
    assert_a_clean_emfile(report, folder)
    opened, limit = report["opened"], LIMIT - report["before"]
    if MAPS_KEEP_DESCRIPTORS:
        # .npy maps two each, archives (every third) one: 2 + 2 + 1 for every 3 maps
        assert abs(opened - limit * 3 // 5) <= 3, report
    else:
        # .npy maps one each, archives none: 1 + 1 + 0 for every 3 maps
        assert abs(opened - limit * 3 // 2) <= 3, report
    assert report["all_read"], report


DESCRIPTORS_PER_KIND = r"""
import json, os, sys
import npymmap

folder = sys.argv[1]
fd_folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
path, archive = os.path.join(folder, "f8.npy"), os.path.join(folder, "members.npz")


def descriptors():
    return len(os.listdir(fd_folder)) - 1


def writer_members(count):
    writer = npymmap.create_npz(os.path.join(folder, "written.npz"), overwrite=True)
    return [writer] + [writer.add(f"m{i}", npymmap.float64, 10) for i in range(count - 1)]


kinds = {
    "open r": lambda count: [npymmap.open(path) for _ in range(count)],
    "open c": lambda count: [npymmap.open(path, mode="c") for _ in range(count)],
    "open r+": lambda count: [npymmap.open(path, mode="r+") for _ in range(count)],
    "create": lambda count: [npymmap.create(os.path.join(folder, f"new{i}.npy"), npymmap.float64, 10, overwrite=True) for i in range(count)],
    "open_npz r": lambda count: [npymmap.open_npz(archive) for _ in range(count)],
    "open_npz c": lambda count: [npymmap.open_npz(archive, mode="c") for _ in range(count)],
    "open_npz r+": lambda count: [npymmap.open_npz(archive, mode="r+") for _ in range(count)],
    "NpzWriter.add": writer_members,  # the writer's own descriptor, then its members'
}
report = {}
for kind, make in kinds.items():
    before = descriptors()
    made = make(100)
    held = descriptors() - before
    for each in reversed(made):
        each.close()
    report[kind] = [held, descriptors() - before]
print(json.dumps(report))
"""


def test_each_kind_of_map_holds_the_descriptors_documented(folder: Path) -> None:
    """100 of each kind: how many descriptors they hold while open, and none once closed."""
    result = run_python(DESCRIPTORS_PER_KIND, folder)
    assert result.returncode == 0, result.stderr
    per_map = 1 if MAPS_KEEP_DESCRIPTORS else 0
    expected = {
        "open r": per_map * 100,
        "open c": per_map * 100,
        "open r+": (1 + per_map) * 100,  # the descriptor flush fsyncs, and the map's own
        "create": (1 + per_map) * 100,
        "open_npz r": per_map * 100,  # zipfile reads the archive from the map: no file of its own
        "open_npz c": 2 * per_map * 100,  # and, in mode 'c', from a read-only map beside the private one
        "open_npz r+": per_map * 100,
        "NpzWriter.add": 1 + per_map * 99,
    }
    assert json.loads(result.stdout) == {kind: [held, 0] for kind, held in expected.items()}


def test_check_file_still_finds_a_shrunk_file_where_maps_keep_no_descriptor(tmp_path: Path) -> None:
    """``r`` and ``c`` maps on CPython 3.13+ keep no descriptor, so ``check_file`` finds the file
    by its path (checking it is the file mapped): a truncated file is reported, a replaced one is
    not (the map still has the old file, whole), as where the map's descriptor is fstat-ed."""
    fd_folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    for mode in ("r", "c"):
        path = tmp_path / f"shrinks-{mode}.npy"
        np.save(path, np.arange(10_000, dtype="<f8"))
        gc.collect()  # (no finalizer closing a descriptor between the counts)
        before = len(os.listdir(fd_folder))
        mapped = npymmap.open(path, mode=mode)
        assert len(os.listdir(fd_folder)) - before == (1 if MAPS_KEEP_DESCRIPTORS else 0)
        os.truncate(path, 4096)
        with pytest.raises(npymmap.NpyFormatError, match="shrank to 4096 bytes"):
            mapped.check_file()
        mapped.close()
        np.save(path, np.arange(10_000, dtype="<f8"))
        mapped = npymmap.open(path, mode=mode)
        np.save(tmp_path / "small.npy", np.arange(3, dtype="<f8"))
        os.replace(tmp_path / "small.npy", path)
        mapped.check_file()
        assert mapped[9_999] == 9_999.0
        path.unlink()
        mapped.check_file()  # no file of that name: the one mapped is still whole
        mapped.close()
