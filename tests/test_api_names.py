"""The public API's names and manners (issue 16): an archive is a Mapping as ``numpy.load``'s is,
the objects ``open_npz``, ``create_npz`` and ``append_to`` return have exported names, every use
after ``close()`` raises :class:`npymmap.ClosedError`, ``IndexError`` messages are NumPy's, and a
record item shows its fields.

NumPy is the oracle: archives from ``numpy.savez``, names and values from ``numpy.load``, error
messages from the same key on NumPy's map of the same file.
"""

from __future__ import annotations

import collections.abc
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from conftest import plain

import npymmap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def npz(tmp_path: Path) -> str:
    path = str(tmp_path / "a.npz")
    members: dict[str, Any] = {"x": np.arange(3.0), "grid": np.arange(6, dtype="<i4").reshape(2, 3), "b.npy": np.array([True])}
    np.savez(path, **members)
    return path


# ---------------------------------------------------------------------------------------------
# The archive as a Mapping.


def test_archive_is_a_mapping_with_numpy_loads_names(npz: str) -> None:
    with npymmap.open_npz(npz) as archive, np.load(npz) as loaded:
        assert isinstance(archive, collections.abc.Mapping) and isinstance(loaded, collections.abc.Mapping)
        assert list(archive) == list(archive.keys()) == list(loaded.keys()) == ["x", "grid", "b.npy"]
        assert archive.keys() == loaded.keys() and len(archive) == len(loaded)
        for name in ["x", "x.npy", "grid.npy", "b.npy", "b.npy.npy", "b", "missing", "x.npy.npy"]:
            assert (name in archive) == (name in loaded) == (name in archive.keys()), name
            got, want = archive.get(name), loaded.get(name)
            assert (got is None) == (want is None), name
            if got is not None:
                assert want is not None and got is archive[name] and got.tolist() == want.tolist(), name
        assert archive["x.npy"] is archive["x"]  # one array per member, however named
        assert archive.get("missing", "default") == "default"
        values = list(archive.values())
        assert [value.tolist() for value in values] == [value.tolist() for value in loaded.values()]
        assert [(name, value) for name, value in archive.items()] == list(zip(archive, values))
        assert [name for name, _ in loaded.items()] == list(archive)
        # The Mapping's equality: the same names mapping to the same arrays.
        assert archive != {}
        assert archive != {"x": archive["x"]}
        assert archive == dict(archive.items())


def test_a_compressed_member_is_named_but_refused_by_values(tmp_path: Path) -> None:
    path = str(tmp_path / "c.npz")
    np.savez_compressed(path, packed=np.arange(4))
    with npymmap.open_npz(path) as archive, np.load(path) as loaded:
        assert list(archive.keys()) == list(loaded.keys()) == ["packed"] and "packed" in archive
        with pytest.raises(npymmap.NpyError, match="compressed"):
            archive.get("packed")
        with pytest.raises(npymmap.NpyError, match="compressed"):
            list(archive.values())
        assert archive.read("packed").tolist() == loaded["packed"].tolist()


def test_after_close_names_remain_and_members_raise_closed_error(npz: str) -> None:
    archive = npymmap.open_npz(npz)
    x = archive["x"]
    archive.close()
    assert list(archive.keys()) == ["x", "grid", "b.npy"] and len(archive) == 3 and "x.npy" in archive
    for use in (
        lambda: archive["x"],
        lambda: archive["missing"],  # closed first, whatever the name
        lambda: archive.get("x"),
        lambda: archive.get("missing"),
        lambda: list(archive.values()),
        lambda: list(archive.items()),
        lambda: archive == {},
        lambda: archive.read("x"),
        lambda: archive.flush(),
        lambda: x.tolist(),
    ):
        with pytest.raises(npymmap.ClosedError):
            use()
    archive.close()  # twice is fine


def test_members_read_from_threads_are_one_array_each_and_close_races_cleanly(tmp_path: Path) -> None:
    path = str(tmp_path / "many.npz")
    members: dict[str, Any] = {f"m{i}": np.full(4, i) for i in range(40)}
    np.savez(path, **members)
    for _ in range(5):
        archive = npymmap.open_npz(path)
        seen: list[list[Any]] = []
        outcomes: list[str] = []

        def read_all() -> None:
            try:
                arrays = list(archive.values())
                seen.append(arrays)
                outcomes.append("read" if [a.tolist() for a in arrays] == [[i] * 4 for i in range(40)] else "wrong")
            except npymmap.ClosedError:
                outcomes.append("closed")

        threads = [threading.Thread(target=read_all) for _ in range(4)]
        for thread in threads:
            thread.start()
        archive.close()
        for thread in threads:
            thread.join()
        assert outcomes and set(outcomes) <= {"read", "closed"}, outcomes
        for arrays in seen[1:]:
            assert all(a is b for a, b in zip(arrays, seen[0]))


def test_an_unclosed_archive_shares_arrays_across_threads(npz: str) -> None:
    with npymmap.open_npz(npz) as archive:
        got: list[Any] = []
        threads = [threading.Thread(target=lambda: got.append(dict(archive.items()))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(got) == 4 and all(found == archive for found in got)


# ---------------------------------------------------------------------------------------------
# Exported names, loaded lazily.


def test_result_types_are_exported(npz: str, tmp_path: Path) -> None:
    for name in ("NpzFile", "NpzWriter", "Appender", "ClosedError"):
        assert name in npymmap.__all__
    with npymmap.open_npz(npz) as archive:
        assert type(archive) is npymmap.NpzFile
    with npymmap.create_npz(str(tmp_path / "w.npz")) as writer:
        assert type(writer) is npymmap.NpzWriter
    np.save(tmp_path / "g.npy", np.arange(3.0))
    with npymmap.append_to(str(tmp_path / "g.npy")) as appender:
        assert type(appender) is npymmap.Appender
    assert npymmap.NpzFile[npymmap.NpyArray[float]] is not None  # subscriptable at run time, for annotations


def test_result_types_load_their_modules_only_when_named() -> None:
    code = """
import sys, npymmap
def ours():
    return sorted(m for m in sys.modules if m.startswith("npymmap."))
print(ours(), "zipfile" in sys.modules)
npymmap.NpzFile
print("npymmap._npz" in ours(), "npymmap._grow" in ours(), "npymmap._npz_writer" in ours())
npymmap.Appender
print("npymmap._grow" in ours(), "npymmap._npz_writer" in ours())
"""
    result = subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['npymmap._base'] False", "True False False", "True False"]


# ---------------------------------------------------------------------------------------------
# Every use after close raises ClosedError.


def test_writer_and_appender_used_after_close_raise_closed_error(tmp_path: Path) -> None:
    writer = npymmap.create_npz(str(tmp_path / "w.npz"))
    member = writer.add("m", npymmap.float64, 3)
    writer.close()
    np.save(tmp_path / "g.npy", np.arange(3.0))
    appender = npymmap.append_to(str(tmp_path / "g.npy"))
    appender.close()
    uses: list[Callable[[], object]] = [
        lambda: writer.add("n", npymmap.float64, 3),
        lambda: member[0],
        lambda: appender.append([1.0]),
        lambda: appender.flush(),
    ]
    for use in uses:
        with pytest.raises(npymmap.ClosedError):
            use()
    writer.close()  # closing again is fine
    writer.abandon()
    appender.close()
    abandoned = npymmap.create_npz(str(tmp_path / "x.npz"))
    abandoned.abandon()
    with pytest.raises(npymmap.ClosedError):
        abandoned.add("m", npymmap.int8, 1)


# ---------------------------------------------------------------------------------------------
# IndexError: NumPy's words for NumPy's cases.

INDEX_CASES = [
    ((3,), (3,)),
    ((3,), (-4,)),
    ((3,), (0, 0)),
    ((3,), (slice(None), 1)),
    ((3,), (0, 1, Ellipsis)),
    ((2, 3), (2, 0)),
    ((2, 3), (0, 3)),
    ((2, 3), (0, -4)),
    ((2, 3), (0, 0, 0)),
    ((2, 3), (slice(None), 0, 0)),
    ((2, 3), (Ellipsis, 5)),
    ((2, 3), (5, Ellipsis)),
    ((2, 3), (slice(None), 3)),
    ((2, 3), (Ellipsis, Ellipsis)),
    ((2, 3, 4), (0, 0, 4)),
    ((2, 3, 4), (0, 0, 0, 0)),
    ((), (0,)),
    ((), (Ellipsis, 0)),
]


# (Fortran order and strided views need two axes to differ from C order.)
LAID_OUT = [(layout, shape, key) for layout in ("C", "F", "strided") for shape, key in INDEX_CASES if layout == "C" or len(shape) > 1]


@pytest.mark.parametrize("layout, shape, key", LAID_OUT, ids=[f"{layout}-{shape}-{key}" for layout, shape, key in LAID_OUT])
@pytest.mark.parametrize("descr", ["<f8", ">f8", "<U2", "<c16"])
def test_index_errors_are_worded_as_numpy_words_them(tmp_path: Path, layout: str, shape: tuple[int, ...], key: tuple[Any, ...], descr: str) -> None:
    path = tmp_path / "a.npy"
    reference = np.zeros(shape, dtype=descr)
    np.save(path, np.asfortranarray(reference) if layout == "F" else reference)
    mapped = np.load(path, mmap_mode="r+")
    ours = npymmap.open(str(path), mode="r+")
    if layout == "strided":
        mapped, ours = mapped[:, ::1], ours[:, ::1]
        mapped, ours = mapped[::-1], ours[::-1]
    index = key[0] if len(key) == 1 else key
    with pytest.raises(IndexError) as numpy_error:
        mapped[index]
    message = f"^{re.escape(str(numpy_error.value))}$"
    with pytest.raises(IndexError, match=message):
        ours[index]
    with pytest.raises(IndexError, match=message):
        ours[index] = 0 if descr != "<U2" else "a"
    ours.close()


def test_an_index_naming_no_single_item_says_so_in_numpys_words(tmp_path: Path) -> None:
    """NumPy gives a view for ``a[1]`` on a 2-d array; npymmap asks for ``a[1, ...]``."""
    np.save(tmp_path / "a.npy", np.zeros((2, 3)))
    with npymmap.open(str(tmp_path / "a.npy")) as a:
        with pytest.raises(IndexError, match=re.escape("array is 2-dimensional, but 1 were indexed; write a[1, ...] for a view")):
            a[1]


# ---------------------------------------------------------------------------------------------
# A record item shows its fields.


def test_record_items_show_their_fields_as_tolist_gives_them(tmp_path: Path) -> None:
    dtype = np.dtype(
        [("a", "<i4"), ("b", "<f8"), ("s", "<U3"), ("z", "<c8"), ("h", "<f2"), ("sub", "<f4", (2,)), ("n", [("p", "u1"), ("q", "S2")]), ("a b", "<i2")],
        align=True,
    )
    reference = np.zeros(2, dtype=dtype)
    reference[0] = (1, 2.5, "abc", 1 + 2j, 0.5, [1, 2], (3, b"xy"), 7)
    np.save(tmp_path / "r.npy", reference)
    for mode in ("r", "r+", "c"):
        with npymmap.open(str(tmp_path / "r.npy"), mode=mode) as a:
            for i in range(2):
                values = plain(reference[i].item())
                assert a[i : i + 1].tolist() == [values]
                fields = ", ".join(f"{name if name.isidentifier() else repr(name)}={value!r}" for name, value in zip(dtype.names or (), values))
                assert repr(a[i]) == str(a[i]) == f"Record({fields})"
            assert repr(a[0]) == "Record(a=1, b=2.5, s='abc', z=(1+2j), h=0.5, sub=[1.0, 2.0], n=(3, b'xy'), 'a b'=7)"
            assert repr(a[0].n) == "Record(p=3, q=b'xy')"
