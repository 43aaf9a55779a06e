"""create_npz(path, mode="a"): members added to an existing archive in place, and add(name,
values) making a member from values in one call. NumPy is the oracle: every archive is read
back with numpy.load (and open_npz), values and dtypes compared with NumPy's own.

At every moment the archive must be one numpy.load reads, holding the old members or (after
close) old and new: checked after every write the writer makes, and after SIGKILLs of real
processes at random moments; abandoning, an exception, a full disk or a failed close leave the
file byte for byte as it was."""

from __future__ import annotations

import array
import errno
import mmap
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import numpy.typing as npt
import pytest
from test_full_disk import run_child, small_disk  # noqa: F401 - small_disk is a fixture used below

import npymmap

ROOT = Path(__file__).resolve().parent.parent
PAGE = mmap.PAGESIZE

OLD: dict[str, npt.NDArray[Any]] = {
    "ints": np.arange(7, dtype="<i8"),
    "grid": np.eye(3),
    "text": np.array(["ab", "c"]),
}


def savez(path: Path, members: dict[str, npt.NDArray[Any]], compressed: bool = False) -> None:
    (np.savez_compressed if compressed else np.savez)(path, **members)  # type: ignore[arg-type]


def write_npymmap(path: Path, members: dict[str, npt.NDArray[Any]]) -> None:
    with npymmap.create_npz(path) as writer:
        for name, values in members.items():
            writer.add(name, values)


WRITERS: dict[str, Callable[[Path, dict[str, npt.NDArray[Any]]], None]] = {
    "savez": savez,
    "savez_compressed": lambda path, members: savez(path, members, compressed=True),
    "npymmap": write_npymmap,
}


def assert_archive(path: Path, expected: dict[str, npt.NDArray[Any]]) -> None:
    """numpy.load reads exactly these members, dtypes and values; open_npz maps the stored ones
    to the same values; zipfile finds every CRC right."""
    with np.load(path) as loaded:
        assert loaded.files == list(expected)
        for name, values in expected.items():
            assert loaded[name].dtype == values.dtype, name
            assert loaded[name].tolist() == values.tolist(), name
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        stored = {info.filename[:-4] for info in archive.infolist() if info.compress_type == zipfile.ZIP_STORED}
    with npymmap.open_npz(path) as mapped:
        assert list(mapped) == list(expected)
        for name in stored:
            assert mapped[name].tolist() == expected[name].tolist(), name


def data_offsets(path: Path, names: list[str]) -> list[int]:
    """Where each named member's array data starts in the archive, as NumPy's header reader
    finds it."""
    offsets = []
    with zipfile.ZipFile(path) as archive, open(path, "rb") as file:
        for name in names:
            info = archive.getinfo(f"{name}.npy")
            file.seek(info.header_offset + 26)
            lengths = int.from_bytes(file.read(2), "little") + int.from_bytes(file.read(2), "little")
            file.seek(info.header_offset + 30 + lengths)
            version = np.lib.format.read_magic(file)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            read(file)
            offsets.append(file.tell())
    return offsets


# ---------------------------------------------------------------------------------------------
# Adding to the archives NumPy and npymmap write


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_members_added_to_an_archive_read_back_with_the_old_ones(tmp_path: Path, writer: str) -> None:
    path = tmp_path / "grown.npz"
    WRITERS[writer](path, OLD)
    original = path.read_bytes()
    with npymmap.create_npz(path, mode="a") as adding:
        adding.add("zeros", npymmap.float32, (5, 3))[1, ...] = [1.0, 2.0, 3.0]
        adding.add("listed", [[1, 2], [3, 4]])
    expected = dict(OLD, zeros=np.zeros((5, 3), np.float32), listed=np.array([[1, 2], [3, 4]]))
    expected["zeros"][1] = [1.0, 2.0, 3.0]
    assert_archive(path, expected)
    assert path.read_bytes()[: len(original)] == original  # the old bytes are never overwritten
    assert all(offset % 64 == 0 for offset in data_offsets(path, ["zeros", "listed"]))

    with npymmap.create_npz(path, mode="a") as again:  # an archive added to can be added to again
        again.add("more", np.arange(3, dtype=">u2"))
    assert_archive(path, dict(expected, more=np.arange(3, dtype=">u2")))


def test_a_missing_file_in_mode_a_is_made_as_mode_w_makes_it(tmp_path: Path) -> None:
    for mode, name in (("w", "written.npz"), ("a", "appended.npz")):
        with npymmap.create_npz(tmp_path / name, mode=mode) as writer:  # type: ignore[arg-type]
            writer.add("x", npymmap.int16, (4,))[:] = [1, 2, 3, 4]
            writer.add("y", ["a", "bc"])
    assert (tmp_path / "appended.npz").read_bytes() == (tmp_path / "written.npz").read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["appended.npz", "written.npz"]


def test_an_archive_comment_and_an_archive_of_no_members_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "comment.npz"
    savez(path, OLD)
    with zipfile.ZipFile(path, "a") as archive:
        archive.comment = b"made by a test"
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add("new", [1.5])
    assert_archive(path, dict(OLD, new=np.array([1.5])))
    assert zipfile.ZipFile(path).comment == b"made by a test"
    empty = tmp_path / "empty.npz"
    np.savez(empty)
    with npymmap.create_npz(empty, mode="a") as writer:
        writer.add("only", [True])
    assert_archive(empty, {"only": np.array([True])})


def test_closing_with_nothing_added_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "same.npz"
    savez(path, OLD)
    original = path.read_bytes()
    with npymmap.create_npz(path, mode="a"):
        pass
    assert path.read_bytes() == original


# ---------------------------------------------------------------------------------------------
# Refusals: nothing written


def test_a_name_the_archive_has_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "names.npz"
    savez(path, {"x": np.arange(2), "y.npy": np.arange(3)})  # members x.npy and y.npy.npy: numpy.load's x, y.npy
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("notes", b"not an array")  # numpy.load's notes
    original = path.read_bytes()
    with npymmap.create_npz(path, mode="a") as writer:
        for taken in ("x", "x.npy", "y", "y.npy", "notes"):
            with pytest.raises(ValueError, match=f"already has a member {re.escape(repr(taken))}"):
                writer.add(taken, npymmap.int8, (1,))
            with pytest.raises(ValueError, match="already has a member"):
                writer.add(taken, [1, 2])
            assert path.read_bytes() == original
        writer.add("z", [1])
        with pytest.raises(ValueError, match="already has a member 'z'"):
            writer.add("z", npymmap.int8, (1,))
        with pytest.raises(ValueError, match="already has a member 'z.npy'"):
            writer.add("z.npy", [2])
    with np.load(path) as loaded:
        assert loaded.files == ["x", "y.npy", "notes", "z"]


def test_names_beyond_ascii_are_read_by_numpy_as_given_and_clash_as_such(tmp_path: Path) -> None:
    path = tmp_path / "names.npz"
    with npymmap.create_npz(path) as writer:
        writer.add("café", [1])
    savez(tmp_path / "numpy.npz", {"naïve": np.arange(2)})
    for archive, taken in ((path, "café"), (tmp_path / "numpy.npz", "naïve")):
        with npymmap.create_npz(archive, mode="a") as writer:
            with pytest.raises(ValueError, match="already has a member"):
                writer.add(taken, [2])
            writer.add("größe", [3])
        with np.load(archive) as loaded:
            assert loaded.files == [taken, "größe"]
        with npymmap.open_npz(archive) as mapped:
            assert mapped["größe"].tolist() == [3]


def test_files_that_cannot_be_added_to_are_refused_unchanged(tmp_path: Path) -> None:
    good = tmp_path / "good.npz"
    savez(good, OLD)
    raw = good.read_bytes()
    end = raw.rindex(b"PK\x05\x06")
    cases = {
        "not a zip": (b"\x93NUMPY" + bytes(200), "not a zip archive"),
        "empty": (b"", "not a zip archive"),
        "bytes before": (b"#!/bin/sh\n" + raw, "does not end where the end records start"),
        "a gap": (raw[:end] + bytes(16) + raw[end:], "does not end where the end records start"),
        "two disks": (raw[:end] + raw[end : end + 4] + b"\x01\x00" + raw[end + 6 :], "several disks"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(content)
        with pytest.raises(npymmap.NpyFormatError, match=f"^{re.escape(str(path))}: .*{message}"):
            npymmap.create_npz(path, mode="a")
        assert path.read_bytes() == content, name
    with pytest.raises(ValueError, match="mode must be 'w' or 'a'"):
        npymmap.create_npz(good, mode="r+")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overwrite=True"):
        npymmap.create_npz(good, mode="a", overwrite=True)
    with pytest.raises(IsADirectoryError):
        npymmap.create_npz(tmp_path, mode="a")
    assert good.read_bytes() == raw
    with npymmap.create_npz(good, mode="a") as writer:  # no refusal left a lock behind
        writer.add("new", [1])


def test_a_second_writer_is_refused_while_the_first_adds(tmp_path: Path) -> None:
    path = tmp_path / "locked.npz"
    savez(path, OLD)
    first = npymmap.create_npz(path, mode="a")
    first.add("first", [1])
    with pytest.raises(BlockingIOError, match=f"another writer .*{re.escape(str(path))}"):
        npymmap.create_npz(path, mode="a")
    other = subprocess.run(
        [sys.executable, "-c", "import sys, npymmap\ntry:\n    npymmap.create_npz(sys.argv[1], mode='a')\nexcept BlockingIOError as e:\n    print(e.errno)", str(path)],
        capture_output=True, text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
    )  # fmt: skip
    assert other.stdout.split() == [str(errno.EWOULDBLOCK)]
    first.close()
    with npymmap.create_npz(path, mode="a") as second:
        second.add("second", [2])
    assert_archive(path, dict(OLD, first=np.array([1]), second=np.array([2])))


# ---------------------------------------------------------------------------------------------
# All or nothing


def test_abandon_an_exception_or_a_bad_value_leave_the_file_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "kept.npz"
    savez(path, OLD)
    original = path.read_bytes()
    writer = npymmap.create_npz(path, mode="a")
    member = writer.add("a", npymmap.float64, (10_000,))
    member[:] = 1.0
    writer.add("b", [1, 2, 3])
    writer.abandon()
    assert path.read_bytes() == original
    with pytest.raises(npymmap.ClosedError):
        member[0] = 2.0
    with pytest.raises(npymmap.ClosedError):
        writer.add("c", [1])
    with pytest.raises(RuntimeError, match="stop"):
        with npymmap.create_npz(path, mode="a") as writer:
            writer.add("a", [1.0])
            raise RuntimeError("stop")
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["kept.npz"]


@pytest.mark.parametrize(
    ("values", "element", "error"),
    [
        (["a", 1], None, TypeError),
        ([None], None, TypeError),
        (object(), None, TypeError),
        (np.array([1, None], dtype=object), None, TypeError),
        (memoryview(b"ab").cast("c"), None, TypeError),
        ([[1, 2], [3]], None, ValueError),
        ([1, 2**70], None, OverflowError),
        ([1, "x"], npymmap.int64, (TypeError, ValueError)),
        ([[1, 2], [3]], npymmap.int64, ValueError),
        (["far too long"], npymmap.str_(3), ValueError),
    ],
    ids=["mixed", "none", "object", "numpy-object", "char-buffer", "ragged", "overflow", "bad-item", "ragged-given", "too-long"],
)
def test_values_that_cannot_be_stored_leave_the_archive_as_it_was(
    tmp_path: Path, values: Any, element: npymmap.Element[Any] | None, error: Any
) -> None:
    path = tmp_path / "refused.npz"
    savez(path, OLD)
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add("before", [1.5])
        size = path.stat().st_size
        with pytest.raises(error) as raised:
            writer.add("bad", values, element=element)
        if element is None and error is TypeError:
            assert "element=" in str(raised.value)
        assert path.stat().st_size == size  # the failed member's bytes are gone
        writer.add("bad", [2.5])  # and so is its name
    assert_archive(path, dict(OLD, before=np.array([1.5]), bad=np.array([2.5])))


def test_after_every_write_the_file_is_the_old_archive_or_the_whole_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read after each write, truncation and reservation the writer makes; writes
    that extend the file (the tails and the commit) never cross a page boundary, so that a kill
    cannot cut one (the kernel stops a write between pages for SIGKILL)."""
    path = tmp_path / "watched.npz"
    old = {f"member{k}": np.arange(k) for k in range(30)}  # a central directory of most of a page
    savez(path, old)
    inode = path.stat().st_ino
    seen: list[bytes] = []
    crossing: list[tuple[int, int]] = []
    real_write, real_ftruncate, real_allocate = os.write, os.ftruncate, os.posix_fallocate

    def ours(fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == inode
        except OSError:
            return False

    def write(fd: int, data: Any) -> int:
        if not ours(fd):
            return real_write(fd, data)
        size, at = os.fstat(fd).st_size, os.lseek(fd, 0, os.SEEK_CUR)
        written = real_write(fd, data)
        if at + written > size and at // PAGE != (at + written - 1) // PAGE:
            crossing.append((at, written))
        seen.append(path.read_bytes())
        return written

    def watched(real: Callable[[int, int], None] | Callable[[int, int, int], None]) -> Callable[..., None]:
        def call(fd: int, *arguments: int) -> None:
            real(fd, *arguments)
            if ours(fd):
                seen.append(path.read_bytes())

        return call

    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "ftruncate", watched(real_ftruncate))
    monkeypatch.setattr(os, "posix_fallocate", watched(real_allocate))
    new = {"zeros": np.zeros(3000), "values": np.array([[1, 2], [3, 4]]), "text": np.array(["x", "yz"])}
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add("zeros", npymmap.float64, (3000,))
        with pytest.raises(OverflowError):
            writer.add("bad", [2**70])
        for name in ("values", "text"):
            writer.add(name, new[name].tolist())
        for k in range(20):  # tails and directories at many positions
            new[f"filler{k}"] = np.arange(k * 97, dtype=np.int16)
            writer.add(f"filler{k}", new[f"filler{k}"])
    writer = npymmap.create_npz(path, mode="a")
    writer.add("dropped", npymmap.int8, (5,))
    writer.abandon()
    monkeypatch.undo()

    assert crossing == []
    assert len(seen) > 50
    outcomes = [check_snapshot(tmp_path / "snapshot.npz", content, old, dict(old, **new)) for content in seen]
    committed = outcomes.index("new")  # the old archive until the commit, the new one after
    assert committed > 0 and outcomes == ["old"] * committed + ["new"] * (len(outcomes) - committed)


def check_snapshot(
    path: Path, content: bytes, old: dict[str, npt.NDArray[Any]], new: dict[str, npt.NDArray[Any]]
) -> str:
    """``'old'`` or ``'new'``: which archive the bytes ``content`` are to numpy.load (each
    member's values checked); fails on anything else."""
    path.write_bytes(content)
    with np.load(path) as loaded:
        files = loaded.files
        assert files in (list(old), list(new)), files
        expected = old if files == list(old) else new
        for name in files:
            assert loaded[name].tolist() == expected[name].tolist(), name
    return "old" if files == list(old) else "new"


# ---------------------------------------------------------------------------------------------
# Crashes, full disks, readers

KILLED_CHILD = """
import array, sys, npymmap
path = sys.argv[1]
big = array.array("d", range(1 << 19))  # 4 MiB
print("ready", flush=True)
sys.stdin.readline()
with npymmap.create_npz(path, mode="a") as writer:
    writer.add("big", npymmap.float64, (len(big),))[:] = big
    writer.add("small", [[1, 2, 3], [4, 5, 6]])
print("done", flush=True)
"""


def run_killed(path: Path, delay: float | None) -> float:
    """Run KILLED_CHILD on ``path`` and SIGKILL it ``delay`` seconds after it starts adding
    (``None``: let it finish); the seconds from the start of the adding to its end."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        try:
            assert process.stdout.readline() == "ready\n"
            start = time.perf_counter()
            process.stdin.write("go\n")
            process.stdin.flush()
            if delay is None:
                assert process.stdout.readline() == "done\n"
            else:
                time.sleep(delay)
                process.kill()
            process.wait(timeout=60)
            return time.perf_counter() - start
        finally:
            if process.poll() is None:
                process.kill()


def test_a_writer_killed_at_any_moment_leaves_the_old_archive_or_the_new(tmp_path: Path) -> None:
    path = tmp_path / "killed.npz"
    savez(path, OLD)
    original = path.read_bytes()
    new = dict(OLD, big=np.arange(1 << 19, dtype=np.float64), small=np.array([[1, 2, 3], [4, 5, 6]]))
    duration = run_killed(path, None)
    assert check_snapshot(tmp_path / "copy.npz", path.read_bytes(), OLD, new) == "new"
    trials = 20
    chance = random.Random(18)
    outcomes = []
    for trial in range(trials):
        path.write_bytes(original)
        run_killed(path, duration * 1.2 * (trial + chance.random()) / trials)
        content = path.read_bytes()
        assert content[: len(original)] == original
        outcomes.append(check_snapshot(tmp_path / "copy.npz", content, OLD, new))
    assert "old" in outcomes, outcomes
    with npymmap.create_npz(path, mode="a") as writer:  # after a crash, adding goes on (after any junk)
        writer.add("later", [7])
    assert_archive(path, dict(new if outcomes[-1] == "new" else OLD, later=np.array([7])))


ADD_WITHOUT_ROOM = """
np.savez("a.npz", ints=np.arange(1000))
before = open("a.npz", "rb").read()
writer = npymmap.create_npz("a.npz", mode="a")
for name, call in (("element", lambda: writer.add("big", npymmap.float64, (1_000_000,))),
                   ("values", lambda: writer.add("big", [0.5] * 1_000_000))):
    try:
        call()
    except OSError as error:
        print(name, error.errno, open("a.npz", "rb").read() == before)
writer.add("small", [1, 2, 3])  # the writer goes on
writer.close()
with np.load("a.npz") as archive:
    print("archive", archive.files, archive["small"].tolist())
"""
CLOSE_WITHOUT_ROOM = """
np.savez("a.npz", ints=np.arange(1000))
before = open("a.npz", "rb").read()
writer = npymmap.create_npz("a.npz", mode="a")
writer.add("small", [1.0, 2.0])
size = os.path.getsize("a.npz")
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8, size + 8))  # no room for the directory
try:
    writer.close()
except OSError as error:
    print("close", error.errno, open("a.npz", "rb").read() == before)
"""


def test_a_full_disk_leaves_the_archive_byte_identical(small_disk: Path) -> None:  # noqa: F811
    assert run_child(ADD_WITHOUT_ROOM, small_disk).splitlines() == [
        "element 28 True",
        "values 28 True",
        "archive ['ints', 'small'] [1, 2, 3]",
    ]
    assert os.listdir(small_disk) == ["a.npz"]


def test_a_file_size_limit_leaves_the_archive_byte_identical(tmp_path: Path) -> None:
    assert run_child(ADD_WITHOUT_ROOM, tmp_path, 1 << 20).splitlines() == [
        "element 27 True",
        "values 27 True",
        "archive ['ints', 'small'] [1, 2, 3]",
    ]
    (tmp_path / "a.npz").unlink()
    assert run_child(CLOSE_WITHOUT_ROOM, tmp_path, 1 << 30).split() == ["close", "27", "True"]


def test_readers_keep_reading_the_old_members_throughout(tmp_path: Path) -> None:
    path = tmp_path / "read.npz"
    savez(path, OLD)
    with npymmap.open_npz(path) as before:
        writer = npymmap.create_npz(path, mode="a")
        writer.add("new", npymmap.float64, (100_000,))[:] = 1.0
        with npymmap.open_npz(path) as during, np.load(path) as loaded:
            assert list(during) == list(OLD) == loaded.files
            writer.abandon()  # truncates the file under both
            for name, values in OLD.items():
                assert during[name].tolist() == before[name].tolist() == values.tolist()
        with npymmap.create_npz(path, mode="a") as writer:
            writer.add("new", [1.0])
        for name, values in OLD.items():
            assert before[name].tolist() == values.tolist()
    assert_archive(path, dict(OLD, new=np.array([1.0])))


# ---------------------------------------------------------------------------------------------
# add(name, values): the element and shape numpy.asarray gives


@pytest.mark.parametrize(
    "values",
    [
        [True, False, True],
        [[1, -2], [3, 4]],
        [True, 2],
        [1, 2.5, -3],
        [1, 2.5, 3j],
        ["a", "bcd", ""],
        ["", ""],
        [b"xy", b"", b"z"],
        [],
        [[], []],
        2.5,
        True,
        "text",
        ((1, 2), (3, 4)),
        [np.float64(1.5), 2],
        [[[1.0]], [[2.0]]],
    ],
    ids=repr,
)
def test_lists_get_the_element_numpy_infers(tmp_path: Path, values: Any) -> None:
    path = tmp_path / "lists.npz"
    savez(path, OLD)
    with npymmap.create_npz(path, mode="a") as writer:
        member = writer.add("values", values)
        assert member.descr == np.asarray(values).dtype.str
    assert_archive(path, dict(OLD, values=np.asarray(values)))


NUMPY_ARRAYS: dict[str, npt.NDArray[Any]] = {
    "float32": np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3),
    "big-endian": np.arange(5, dtype=">i4"),
    "big-endian-float": np.arange(4, dtype=">f8") / 3,
    "records": np.array([(1, 2.5, b"ab"), (-3, 0.25, b"c")], dtype=[("id", "<i8"), ("v", "<f4"), ("tag", "S3")]),
    "big-endian-records": np.array([(1, 2.5)], dtype=[("a", ">i2"), ("b", ">f8")]),
    "fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "strided": np.arange(20)[::3],
    "zero-d": np.array(7, dtype=np.int16),
    "text": np.array(["ab", "cde"]),
    "bytes": np.array([b"ab", b"c"]),
    "bool": np.array([True, False]),
    "complex64": np.array([1 + 2j, -0.5j], dtype=np.complex64),
    "float16": np.array([0.5, 1.5], dtype=np.float16),
    "uint64": np.array([2**64 - 1], dtype=np.uint64),
    "empty": np.zeros((0, 3), dtype=np.int8),
}


@pytest.mark.parametrize("name", list(NUMPY_ARRAYS))
def test_numpy_arrays_keep_their_dtype_and_values(tmp_path: Path, name: str) -> None:
    path = tmp_path / "arrays.npz"
    savez(path, OLD)
    values = NUMPY_ARRAYS[name]
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add(f"new-{name}", values)
    assert_archive(path, dict(OLD, **{f"new-{name}": values}))


BUFFERS: dict[str, Any] = {
    "array-d": array.array("d", [0.5, -1.5]),
    "array-h": array.array("h", [1, -2, 3]),
    "array-B": array.array("B", [0, 255]),
    "array-q": array.array("q", [-(2**63)]),
    "array-l": array.array("l", [4, 5]),
    "bytearray": bytearray(b"\x01\x02"),
    "memoryview-2d": memoryview(array.array("i", range(6))).cast("B").cast("i", (2, 3)),
}


@pytest.mark.parametrize("name", list(BUFFERS))
def test_buffers_get_the_element_of_their_format(tmp_path: Path, name: str) -> None:
    path = tmp_path / "buffers.npz"
    savez(path, OLD)
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add(name, BUFFERS[name])
    assert_archive(path, dict(OLD, **{name: np.asarray(BUFFERS[name])}))


def test_bytes_are_a_buffer_of_uint8(tmp_path: Path) -> None:
    path = tmp_path / "bytes.npz"
    with npymmap.create_npz(path) as writer:
        writer.add("raw", b"\x00\x07\xff")
    assert_archive(path, {"raw": np.frombuffer(b"\x00\x07\xff", np.uint8)})


def test_npymmap_arrays_and_views_keep_their_element(tmp_path: Path) -> None:
    sources = {
        "floats": np.arange(12.0).reshape(3, 4),
        "big": np.arange(6, dtype=">i8"),
        "records": NUMPY_ARRAYS["records"],
        "fortran": np.asfortranarray(np.arange(6, dtype=np.int16).reshape(2, 3)),
    }
    for name, values in sources.items():
        np.save(tmp_path / f"{name}.npy", values)
    path = tmp_path / "copies.npz"
    expected: dict[str, npt.NDArray[Any]] = {}
    with npymmap.create_npz(path) as writer:
        for name, values in sources.items():
            with npymmap.open(tmp_path / f"{name}.npy") as source:
                writer.add(name, source)
                expected[name] = values
        with npymmap.open(tmp_path / "floats.npy", npymmap.float64) as floats:
            copy = writer.add("view", floats[::2, 1:])
            assert copy.element is npymmap.float64 and copy.shape == (2, 3)
            expected["view"] = sources["floats"][::2, 1:]
    assert_archive(path, expected)


def test_a_given_element_converts_the_values(tmp_path: Path) -> None:
    record = npymmap.lookup([("a", "<i4"), ("b", "<f8")])
    path = tmp_path / "converted.npz"
    savez(path, OLD)
    with npymmap.create_npz(path, mode="a") as writer:
        writer.add("f32", [1, 2, 3], element=npymmap.float32)
        writer.add("big", np.arange(3.0), element=npymmap.float64.newbyteorder(">"))
        writer.add("wide", array.array("h", [1, -2]), element=npymmap.int64)
        writer.add("words", [["a"], ["bc"]], element=npymmap.str_(5))
        writer.add("records", [(1, 2.5), (3, 4.5)], element=record)
        writer.add("one-record", (5, 6.5), element=record)
        writer.add("filled", 3, element=npymmap.uint8)
    assert_archive(
        path,
        dict(
            OLD,
            f32=np.array([1, 2, 3], np.float32),
            big=np.arange(3.0).astype(">f8"),
            wide=np.array([1, -2], np.int64),
            words=np.array([["a"], ["bc"]], "<U5"),
            records=np.array([(1, 2.5), (3, 4.5)], [("a", "<i4"), ("b", "<f8")]),
            **{"one-record": np.array((5, 6.5), [("a", "<i4"), ("b", "<f8")]), "filled": np.array(3, np.uint8)},
        ),
    )


def test_the_two_forms_of_add_are_told_apart_and_misuse_is_a_type_error(tmp_path: Path) -> None:
    with npymmap.create_npz(tmp_path / "forms.npz") as writer:
        with pytest.raises(TypeError, match="takes a shape"):
            writer.add("x", npymmap.float64)  # values that are an element: the shape was forgotten
        with pytest.raises(TypeError, match="takes a shape and no element="):
            writer.add("x", npymmap.float64, (2,), element=npymmap.int8)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="no fortran_order or sparse"):
            writer.add("x", [1.0], fortran_order=True)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="element must be an npymmap element"):
            writer.add("x", [1.0], element="float64")  # type: ignore[call-overload]
        assert writer.add("x", [1.0]).tolist() == [1.0]
