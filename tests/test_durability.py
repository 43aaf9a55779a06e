"""Durability and sharing across real processes.

Flushed writes survive a SIGKILL; ``create`` makes a whole file or none; ``overwrite=True`` swaps
files atomically; ``'c'`` and ``'r'`` never touch the file; two ``'r+'`` processes see each
other's writes; concurrent readers agree with NumPy; OS errors name the path.

Children run ``python -c CODE ARGS...`` and import npymmap normally. Every wait is bounded: a
watchdog kills a child that outlives ``DEADLINE`` seconds, and the children that wait to be
killed sleep at most that long.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import numpy.typing as npt
import pytest

import npymmap

DEADLINE = 60.0


@contextmanager
def child(code: str, *args: object, stdin: bool = False) -> Iterator[subprocess.Popen[str]]:
    """A running ``python -c code args``, killed on leaving (and by a watchdog after DEADLINE)."""
    process = subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(DEADLINE, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=DEADLINE)


def out(process: subprocess.Popen[str]) -> IO[str]:
    assert process.stdout is not None
    return process.stdout


def send(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


def expect_line(process: subprocess.Popen[str], expected: str) -> None:
    line = out(process).readline()
    if line != expected + "\n":
        process.kill()
        _, errors = process.communicate(timeout=DEADLINE)
        pytest.fail(f"child said {line!r}, expected {expected!r}; stderr:\n{errors}")


def run(code: str, *args: object) -> str:
    """Run a child to completion; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=DEADLINE
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def kill_after_flushed(code: str, *args: object) -> None:
    """Run a child until it prints "flushed", then SIGKILL it: nothing after the flush runs."""
    with child(code, *args) as process:
        expect_line(process, "flushed")
        process.kill()
        process.wait(timeout=DEADLINE)
        assert process.returncode == -signal.SIGKILL


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# ---------------------------------------------------------------------------------------------
# Flushed writes survive SIGKILL

RPLUS_WRITER = """
import sys, time
import npymmap
a = npymmap.open(sys.argv[1], npymmap.float64, mode="r+")
for i in range(a.shape[0]):
    a[i, 0] = i * 1.5 + 0.25
a[:, 1] = [-float(i) for i in range(a.shape[0])]
a[3, ...] = [7.0, 8.0, 9.0]
a.flush()
print("flushed", flush=True)
time.sleep(60)  # waits to be killed: no close(), no exit handlers
"""


def test_rplus_flushed_writes_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "r.npy"
    np.save(path, np.zeros((100, 3)))
    kill_after_flushed(RPLUS_WRITER, path)
    expected = np.zeros((100, 3))
    expected[:, 0] = np.arange(100) * 1.5 + 0.25
    expected[:, 1] = -np.arange(100.0)
    expected[3] = [7.0, 8.0, 9.0]
    assert np.load(path).tolist() == expected.tolist()
    assert run("import sys, npymmap; print(npymmap.open(sys.argv[1]).tolist())", path) == f"{expected.tolist()}\n"


CREATE_WRITER = """
import sys, time
import npymmap
a = npymmap.create(sys.argv[1], npymmap.int32, (200, 30), fortran_order=sys.argv[2] == "F")
for i in range(200):
    a[i, ...] = [i * 1000 + j for j in range(30)]
a.flush()
print("flushed", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("order", ["C", "F"])
def test_create_flushed_writes_survive_sigkill(tmp_path: Path, order: str) -> None:
    path = tmp_path / "made.npy"
    kill_after_flushed(CREATE_WRITER, path, order)
    assert listing(tmp_path) == ["made.npy"]  # no temporary file left behind
    with open(path, "rb") as file:
        version = np.lib.format.read_magic(file)
        assert version == (1, 0)
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
        data_offset = file.tell()
    assert (shape, fortran, dtype) == ((200, 30), order == "F", np.dtype("<i4"))
    assert data_offset % 64 == 0
    assert os.path.getsize(path) == data_offset + 200 * 30 * 4
    expected = np.arange(200)[:, None] * 1000 + np.arange(30)[None, :]
    loaded = np.load(path)
    assert loaded.dtype == np.int32
    assert loaded.tolist() == expected.tolist()


# ---------------------------------------------------------------------------------------------
# create() makes a whole file or none

HUGE_HEADER_SHAPE = (0,) + (10**4000,) * 63  # no data, but a header over 64 KiB


@pytest.mark.parametrize(
    ("element", "shape", "version", "error"),
    [
        (npymmap.float64, (-1,), None, ValueError),
        (npymmap.float64, (3, -2), None, ValueError),
        (npymmap.float64, (2.0,), None, ValueError),
        (npymmap.float64, ("3",), None, ValueError),
        (npymmap.float64, (True, 2), None, ValueError),
        (npymmap.float64, [3, 4], None, ValueError),
        (npymmap.float64, (1,) * 65, None, ValueError),
        ("float64", (3,), None, Exception),
        (None, (3,), None, Exception),
        (npymmap.float64, HUGE_HEADER_SHAPE, (1, 0), ValueError),
        (npymmap.float64, (3,), (4, 0), ValueError),
        (npymmap.float64, (3,), (0, 1), ValueError),
    ],
    ids=[
        "negative",
        "negative-inner",
        "float",
        "str",
        "bool",
        "list",
        "too-many-axes",
        "element-name",
        "element-none",
        "version-too-small",
        "version-unknown",
        "version-zero",
    ],
)
def test_create_refusal_leaves_folder_unchanged(
    tmp_path: Path, element: Any, shape: Any, version: Any, error: type[Exception]
) -> None:
    (tmp_path / "other.bin").write_bytes(b"x")
    before = listing(tmp_path)
    with pytest.raises(error):
        npymmap.create(tmp_path / "new.npy", element, shape, version=version)
    assert listing(tmp_path) == before


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.arange(5.0))
    content = path.read_bytes()
    status = os.stat(path)
    before = listing(tmp_path)
    with pytest.raises(FileExistsError) as info:
        npymmap.create(path, npymmap.float64, (10,))
    assert info.value.filename == str(path)
    assert listing(tmp_path) == before
    assert path.read_bytes() == content
    assert os.stat(path).st_ino == status.st_ino
    assert os.stat(path).st_mtime_ns == status.st_mtime_ns


def test_create_refusal_does_not_close_a_foreign_descriptor(tmp_path: Path) -> None:
    """After create() fails, nothing it made may later close a descriptor that is no longer its.

    The refused create() closed its descriptor; the next file opened reuses that number. Dropping
    the exception (and with it create()'s frame) must not close the new file.
    """
    path = tmp_path / "a.npy"
    np.save(path, np.arange(5.0))
    caught: list[BaseException] = []
    try:
        npymmap.create(path, npymmap.float64, (10,))
    except FileExistsError as error:
        caught.append(error)  # held, as a logger or pytest.raises would
    assert caught
    with open(tmp_path / "other.txt", "w+") as other:
        caught.clear()
        gc.collect()
        other.write("still open")
        other.flush()  # EBADF if something closed this descriptor
        os.fstat(other.fileno())
    assert (tmp_path / "other.txt").read_text() == "still open"


def test_create_into_missing_folder(tmp_path: Path) -> None:
    before = listing(tmp_path)
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError) as info:
        npymmap.create(missing / "a.npy", npymmap.float64, (3,))
    assert str(missing) in str(info.value)
    assert listing(tmp_path) == before


NO_SPACE = """
import resource, signal, sys
import npymmap
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # files may not grow past 4 KiB
try:
    npymmap.create(sys.argv[1], npymmap.float64, (1_000_000,))
except OSError as error:
    print(type(error).__name__, error.errno)
else:
    print("created")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource.RLIMIT_FSIZE")
def test_create_without_space_leaves_folder_unchanged(tmp_path: Path) -> None:
    """The file cannot be extended to its size (EFBIG under RLIMIT_FSIZE, as ENOSPC would)."""
    (tmp_path / "other.bin").write_bytes(b"x")
    before = listing(tmp_path)
    said = run(NO_SPACE, tmp_path / "big.npy").split()
    assert said[0] != "created"
    assert int(said[1]) in (errno.EFBIG, errno.ENOSPC)
    assert listing(tmp_path) == before


# ---------------------------------------------------------------------------------------------
# create(overwrite=True) replaces atomically


def test_overwrite_keeps_old_readers_on_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.arange(6, dtype=np.float64))
    old_inode = os.stat(path).st_ino
    old = npymmap.open(path, npymmap.float64)
    old_copy = npymmap.open(path, npymmap.float64, mode="c")
    old_writer = npymmap.open(path, npymmap.float64, mode="r+")
    old_view = old[2:5]
    assert old.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]

    with npymmap.create(path, npymmap.int16, (2, 3), overwrite=True) as new:
        new[...] = [[10, 20, 30], [40, 50, 60]]
        new.flush()
        assert listing(tmp_path) == ["a.npy"]
        assert os.stat(path).st_ino != old_inode
        # The old maps hold the old inode: they still read the old values.
        assert old.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        assert old_view.tolist() == [2.0, 3.0, 4.0]
        assert old_copy.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        old_writer[0] = -1.0  # goes to the old inode, not the new file
        old_writer.flush()
        assert old[0] == -1.0
        with npymmap.open(path) as fresh:
            assert fresh.descr == "<i2" and fresh.tolist() == [[10, 20, 30], [40, 50, 60]]
    for array in (old, old_copy, old_writer):
        array.close()
    assert np.load(path).tolist() == [[10, 20, 30], [40, 50, 60]]
    assert listing(tmp_path) == ["a.npy"]


WATCHER = """
import os, sys, time
import npymmap
path, stop = sys.argv[1], sys.argv[2]
opens = 0
deadline = time.monotonic() + 30
print("ready", flush=True)
while not os.path.exists(stop) and time.monotonic() < deadline:
    with npymmap.open(path, npymmap.int64) as a:  # never missing, never truncated
        generation = a.shape[0]
        values = set(a.tolist())
        assert values <= {0, generation}, (generation, values)  # zero-filled, then filled
    opens += 1
print(opens, flush=True)
"""


def test_overwrite_never_shows_a_missing_or_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "a.npy"
    stop = tmp_path / "stop"
    np.save(path, np.ones(1, dtype=np.int64))
    with child(WATCHER, path, stop) as watcher:
        expect_line(watcher, "ready")
        for generation in range(2, 200):
            with npymmap.create(path, npymmap.int64, (generation,), overwrite=True) as made:
                made[...] = generation
        stop.touch()
        stdout, stderr = watcher.communicate(timeout=DEADLINE)
        assert watcher.returncode == 0, stderr
        assert int(stdout) > 0
    assert listing(folder) == ["a.npy"]
    assert np.load(path).tolist() == [199] * 199


# ---------------------------------------------------------------------------------------------
# 'c' and 'r' never modify the file

OLD_TIME_NS = 1_000_000_000 * 10**9  # 2001: any write would move the mtime to now


@pytest.mark.parametrize("mode", ["r", "c"])
def test_copy_and_read_modes_never_modify_the_file(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.arange(20, dtype=np.float64).reshape(4, 5))
    os.utime(path, ns=(OLD_TIME_NS, OLD_TIME_NS))
    content = path.read_bytes()

    def unchanged() -> None:
        assert path.read_bytes() == content
        assert os.stat(path).st_mtime_ns == OLD_TIME_NS
        assert np.load(path).tolist() == np.arange(20.0).reshape(4, 5).tolist()

    if mode == "c":
        a: npymmap.NpyArray[Any] = npymmap.open(path, mode="c")
        copy = cast(npymmap.WritableNpyArray[Any], a)
        copy[0, 0] = 100.0
        copy[1, ...] = [1.0, 2.0, 3.0, 4.0, 5.0]
        copy[:, 4] = -1.0
        array = copy.as_ctypes()
        array[3][0] = 42.0
        copy.data[3, 1] = 43.0
        copy.flush()
        assert a[0, 0] == 100.0 and a[1, 2] == 3.0 and a[2, 4] == -1.0 and a[3, 0] == 42.0 and a[3, 1] == 43.0
        del array
    else:
        a = npymmap.open(path)
        a.flush()
    assert a.tolist()[2][:4] == [10.0, 11.0, 12.0, 13.0]
    assert sum(a[i, j] for i in range(4) for j in range(4)) > 0
    with npymmap.open(path) as other:
        assert other.tolist() == np.arange(20.0).reshape(4, 5).tolist()
    unchanged()
    a.close()
    unchanged()
    # A fresh process agrees.
    assert run("import sys, npymmap; print(npymmap.open(sys.argv[1])[0, 0])", path) == "0.0\n"


# ---------------------------------------------------------------------------------------------
# Processes sharing one file

PARTNER = """
import sys
import npymmap
b = npymmap.open(sys.argv[1], npymmap.float64, mode="r+")
print("ready", flush=True)
for line in sys.stdin:
    if line == "bye\\n":
        break
    k = int(line)
    print(repr(b[k]), flush=True)  # read through the map made before A wrote
    b[100 + k] = -k - 0.5
    b.flush()
    print("done", flush=True)
b.close()
"""


def test_two_rplus_processes_see_each_others_flushed_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.npy"
    np.save(path, np.zeros(200))
    with npymmap.open(path, npymmap.float64, mode="r+") as a:
        with child(PARTNER, path, stdin=True) as partner:
            expect_line(partner, "ready")  # both maps exist before any write
            for k in range(20):
                a[k] = k + 0.25
                a.flush()
                send(partner, str(k))
                expect_line(partner, repr(k + 0.25))
                expect_line(partner, "done")
                assert a[100 + k] == -k - 0.5  # B's write, seen through A's own map
            send(partner, "bye")
            partner.communicate(timeout=DEADLINE)
            assert partner.returncode == 0
    loaded = np.load(path)
    assert loaded[:20].tolist() == [k + 0.25 for k in range(20)]
    assert loaded[100:120].tolist() == [-k - 0.5 for k in range(20)]


READER = """
import sys
import npymmap
a = npymmap.open(sys.argv[1], npymmap.float64)
row = int(sys.argv[2])
total = 0.0
for i in range(1000):
    total += a[i, (i * 7) % 1000]
print(repr(total))
print(repr(sum(a[row, ...].tolist())))
print(repr(a[:, row].tolist()[::97]))
"""


def test_eight_concurrent_readers(tmp_path: Path) -> None:
    path = tmp_path / "big.npy"
    reference: npt.NDArray[np.float64] = np.random.default_rng(20240607).standard_normal((1000, 1000))
    np.save(path, reference)
    total = 0.0
    for i in range(1000):
        total += float(reference[i, (i * 7) % 1000])
    rows = [k * 111 + 5 for k in range(8)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(path), str(row)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for row in rows
    ]
    try:
        for process, row in zip(processes, rows):
            stdout, stderr = process.communicate(timeout=DEADLINE)
            assert process.returncode == 0, stderr
            expected = [
                repr(total),
                repr(sum(reference[row].tolist())),
                repr(reference[:, row].tolist()[::97]),
            ]
            assert stdout.splitlines() == expected
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=DEADLINE)


# ---------------------------------------------------------------------------------------------
# OS errors name the path


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
def test_open_a_directory(tmp_path: Path, mode: str) -> None:
    folder = tmp_path / "folder.npy"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as info:
        npymmap.open(folder, mode=cast(Any, mode))
    assert str(folder) in str(info.value)


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
def test_open_a_missing_file(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "missing.npy"
    with pytest.raises(FileNotFoundError) as info:
        npymmap.open(path, mode=cast(Any, mode))
    assert info.value.filename == str(path)
    assert str(path) in str(info.value)
    assert listing(tmp_path) == []
