"""A full disk is an ``OSError`` (ENOSPC) from the call that needs the space, never a crash at a
later store, and the folder is left as it was: on a real small file system (a 2 MiB tmpfs this
test mounts, as root) and under ``RLIMIT_FSIZE`` (EFBIG), each in a child process so that a crash
would show as its exit status."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

import npymmap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs mounted for the test (needs root, as CI has); unmounted afterwards."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (root is needed): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def run_child(code: str, folder: Path, limit: int | None = None) -> str:
    """Run ``code`` in a fresh interpreter with ``folder`` as the working folder (and a file size
    limit of ``limit`` bytes); its output, after checking it exited normally."""
    prelude = "import os, sys, resource, signal, numpy as np, npymmap\n"
    if limit is not None:
        prelude += f"signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\nresource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=folder, capture_output=True, text=True, timeout=120, env=environment
    )
    assert child.returncode == 0, f"exit status {child.returncode}: {child.stderr[-2000:]}"
    return child.stdout


CREATE = """
try:
    npymmap.create("big.npy", npymmap.float64, (1_000_000,))
except OSError as error:
    print("create", error.errno, error.filename)
"""
ADD = """
writer = npymmap.create_npz("a.npz")
writer.add("small", npymmap.uint8, (100,))[:] = bytes(range(100))
try:
    writer.add("big", npymmap.float64, (1_000_000,))
except OSError as error:
    print("add", error.errno)
writer.add("small2", npymmap.int16, (50,))[:] = list(range(50))  # the writer goes on
writer.close()
with np.load("a.npz") as archive:
    print("archive", archive.files, archive["small"].sum(), archive["small2"].sum())
"""
ADD_IN_WITH = """
try:
    with npymmap.create_npz("b.npz") as writer:
        writer.add("big", npymmap.float64, (1_000_000,))
except OSError as error:
    print("with", error.errno)
"""
APPEND = """
np.save("log.npy", np.arange(10.0))
before = open("log.npy", "rb").read()
with npymmap.append_to("log.npy") as grower:
    try:
        grower.append(np.ones(1_000_000))
    except OSError as error:
        print("append", error.errno)
    grower.append([10.0, 11.0])
print("same-before", open("log.npy", "rb").read()[:len(before)][128:] == before[128:])
print("values", np.load("log.npy").tolist()[-3:])
"""


def test_a_full_disk_is_enospc_from_create_add_and_append(small_disk: Path) -> None:
    assert run_child(CREATE, small_disk).split() == ["create", "28", "big.npy"]
    assert os.listdir(small_disk) == []
    assert run_child(ADD, small_disk).splitlines() == ["add 28", "archive ['small', 'small2'] 4950 1225"]
    assert os.listdir(small_disk) == ["a.npz"]
    assert run_child(ADD_IN_WITH, small_disk).split() == ["with", "28"]
    assert os.listdir(small_disk) == ["a.npz"]
    os.unlink(small_disk / "a.npz")
    assert run_child(APPEND, small_disk).splitlines() == ["append 28", "same-before True", "values [9.0, 10.0, 11.0]"]
    assert os.listdir(small_disk) == ["log.npy"]


def test_a_file_size_limit_is_efbig_from_create_add_and_append(tmp_path: Path) -> None:
    limit = 1 << 20
    assert run_child(CREATE, tmp_path, limit).split() == ["create", "27", "big.npy"]
    assert os.listdir(tmp_path) == []
    assert run_child(ADD, tmp_path, limit).splitlines() == ["add 27", "archive ['small', 'small2'] 4950 1225"]
    assert os.listdir(tmp_path) == ["a.npz"]
    (tmp_path / "a.npz").unlink()
    assert run_child(APPEND, tmp_path, limit).splitlines() == ["append 27", "same-before True", "values [9.0, 10.0, 11.0]"]


def test_sparse_skips_the_reservation(tmp_path: Path) -> None:
    path = tmp_path / "sparse.npy"
    with npymmap.create(path, npymmap.float64, (1 << 24,), sparse=True) as made:
        made[-1] = 1.0
    assert os.stat(path).st_blocks * 512 < 1 << 20  # 128 MiB of items, a page or so on disk
    reserved = tmp_path / "reserved.npy"
    with npymmap.create(reserved, npymmap.float64, (1 << 24,)):
        pass
    assert os.stat(reserved).st_blocks * 512 >= 1 << 27
    assert np.load(path)[-1] == 1.0 and np.load(reserved).sum() == 0.0


def test_where_the_file_system_cannot_reserve_it_says_so_and_goes_sparse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def refuse(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(os, "posix_fallocate", refuse)
    path = tmp_path / "fallback.npy"
    with pytest.warns(RuntimeWarning, match="the file system cannot allocate .*the file is sparse"):
        made = npymmap.create(path, npymmap.int32, (1000,))
    with made:
        made[999] = 7
    assert np.load(path)[999] == 7
    monkeypatch.delattr(os, "posix_fallocate")
    with pytest.warns(RuntimeWarning, match="this platform has no posix_fallocate"):
        npymmap.create(tmp_path / "no-fallocate.npy", npymmap.int32, (1000,)).close()


MAKE_ROOM = """
text = b"{'descr': '<f8', 'fortran_order': False, 'shape': (150000,), }\\n"  # no spare byte
with open("tight.npy", "wb") as file:
    file.write(b"\\x93NUMPY\\x01\\x00" + len(text).to_bytes(2, "little") + text + bytes(1_200_000))
before = open("tight.npy", "rb").read()
try:
    npymmap.append_to("tight.npy", make_room=True)  # a second copy of 1.2 MB does not fit in 2 MiB
except OSError as error:
    print("make_room", error.errno)
print("same", open("tight.npy", "rb").read() == before, sorted(os.listdir(".")))
"""


def test_a_full_disk_while_making_room_leaves_the_file_as_it_was(small_disk: Path) -> None:
    assert run_child(MAKE_ROOM, small_disk).splitlines() == ["make_room 28", "same True ['tight.npy']"]
