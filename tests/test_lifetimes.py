"""Lifetimes: close() with live views, memoryviews and ctypes arrays; what a closed array does;
``with`` blocks; view bookkeeping that stays bounded; no item assignment on read-only maps.

After ``close()`` the array, every view of it and every memoryview npymmap handed out must raise
``ValueError`` (npymmap's own errors say "closed"), never touch unmapped memory and never leak
``BufferError``. Objects that hold an export of their own - a ``ctypes`` array from
``as_ctypes()``, or a memoryview the caller sliced from ``.data`` - keep the map alive: CPython
gives no way to revoke them, so they stay valid memory and the file is unmapped when they go.
The unmapping is checked in ``/proc/self/maps`` on Linux.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pytest

import npymmap

ON_LINUX = sys.platform.startswith("linux")
# PyPy cannot tell whether memory handed out is still in use, so its garbage collector unmaps
# what close() left; and a map NumPy took a buffer of stays until the process ends.
ON_PYPY = sys.implementation.name == "pypy"
MODES = ["r", "r+", "c"]
WRITABLE_MODES = ["r+", "c", "create"]


def reference() -> npt.NDArray[np.float64]:
    return np.arange(12, dtype=np.float64).reshape(3, 4) + 0.5


def write_file(path: Path, arr: npt.NDArray[Any] | None = None, fortran: bool = False) -> Path:
    data = reference() if arr is None else arr
    np.save(path, np.asfortranarray(data) if fortran else data)
    return path


def open_any(path: Path, mode: str) -> npymmap.NpyArray[Any]:
    if mode == "r":
        return npymmap.open(path)
    return open_writable(path, mode)


def open_writable(path: Path, mode: str) -> npymmap.WritableNpyArray[Any]:
    """``r+`` or ``c`` on an existing file; ``create`` makes the file and fills it with the reference."""
    if mode == "r+":
        return npymmap.open(path, mode="r+")
    if mode == "c":
        return npymmap.open(path, mode="c")
    assert mode == "create"
    made = npymmap.create(path, npymmap.float64, (3, 4))
    made[...] = reference().tolist()
    return made


def mapped(path: Path) -> bool:
    """Whether the file at ``path`` appears in this process's memory maps (Linux only).

    Matched by device and inode: a file made by ``create`` was mapped under its temporary name,
    which /proc shows as deleted once the file has its real name.
    """
    status = os.stat(path)
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}"
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and fields[3] == device and int(fields[4]) == status.st_ino:
                return True
    return False


def is_closed(array: npymmap.NpyArray[Any]) -> bool:
    return array.closed


def assert_closed_error(operation: Callable[[], object], what: str) -> None:
    """npymmap's own closed-array error: a ValueError saying "closed"."""
    with pytest.raises(ValueError, match="closed") as info:
        operation()
    assert not isinstance(info.value, BufferError), what


def assert_value_error(operation: Callable[[], object]) -> None:
    """A released memoryview: CPython's ValueError (its message is CPython's)."""
    with pytest.raises(ValueError):
        operation()


# ---------------------------------------------------------------------------------------------
# close() with live views and memoryviews


@pytest.mark.parametrize("mode", MODES)
def test_close_with_live_views_and_data_unmaps_at_once(tmp_path: Path, mode: str) -> None:
    path = write_file(tmp_path / "a.npy")
    a = open_any(path, mode)
    rows = a[1:3]  # C-contiguous view (memoryview path)
    columns = a[:, 1:3]  # strided view
    row = a[1, ...]
    transposed = a.T
    data = a.data
    row_data = rows.data
    assert data[2, 3] == 11.5 and row_data[0, 0] == 4.5
    if ON_LINUX:
        assert mapped(path)

    a.close()  # no BufferError

    assert a.closed and rows.closed and columns.closed and row.closed and transposed.closed
    for view in (a, rows, columns, row, transposed):
        assert_closed_error(lambda: view[0, 0], "item")
        assert_closed_error(view.tolist, "tolist")
        assert_closed_error(view.tobytes, "tobytes")
        assert_closed_error(lambda: view.data, "data")
    assert_closed_error(lambda: row[0], "1-d item")
    assert_closed_error(lambda: list(row), "iteration")
    assert_value_error(lambda: data[0, 0])
    assert_value_error(lambda: row_data[0, 0])
    assert_value_error(data.tolist)
    # npymmap held every export of the map, so close() unmapped the file at once.
    if ON_PYPY:
        gc.collect()
    if ON_LINUX:
        assert not mapped(path)


@pytest.mark.parametrize("mode", MODES)
def test_close_strided_and_byteswapped_arrays(tmp_path: Path, mode: str) -> None:
    """Fortran order and a non-native byte order go through the struct reader, not a memoryview."""
    path = write_file(tmp_path / "f.npy", reference().astype(">f8"), fortran=True)
    a = open_any(path, mode)
    view = a[:, 1:3]
    assert a[2, 3] == 11.5 and view[0, 1] == 2.5
    a.close()
    assert_closed_error(lambda: a[2, 3], "item")
    assert_closed_error(lambda: view[0, 1], "view item")
    assert_closed_error(view.tolist, "view tolist")
    assert_closed_error(lambda: a[::2, ...], "new view")
    if ON_LINUX:
        assert not mapped(path)


@pytest.mark.parametrize("mode", WRITABLE_MODES)
def test_close_with_live_ctypes_and_user_slices(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "w.npy"
    if mode != "create":
        write_file(path)
    a = open_writable(path, mode)
    view = a[1:3]
    data = a.data
    view_data = view.data
    user_slice = data[1:]  # the caller's own memoryview, sliced from one npymmap handed out
    user_bytes = view_data.cast("B")[8:16]  # view_data[0, 1] as raw bytes
    array = a.as_ctypes()
    view_array = view.as_ctypes()
    assert array[2][3] == 11.5 and view_array[0][0] == 4.5

    a.close()  # no BufferError although the caller still holds exports of the map

    assert a.closed and view.closed
    assert_closed_error(lambda: a[0, 0], "item")
    assert_closed_error(lambda: view[0, 0], "view item")
    assert_closed_error(a.tolist, "tolist")
    assert_closed_error(view.tolist, "view tolist")
    assert_closed_error(a.as_ctypes, "as_ctypes")

    def assign() -> None:
        a[0, 0] = 1.0

    def assign_view() -> None:
        view[0, ...] = [1.0, 2.0, 3.0, 4.0]

    assert_closed_error(assign, "assignment")
    assert_closed_error(assign_view, "view assignment")
    assert_value_error(lambda: data[0, 0])
    assert_value_error(lambda: view_data[0, 0])

    # The ctypes arrays and the caller's slices hold their own exports: the map lives until they
    # go, so they stay valid memory (reads give the file's values, writes land in the map).
    assert array[2][3] == 11.5 and view_array[1][3] == 11.5
    assert user_slice.tolist() == reference()[1:].tolist()
    assert np.frombuffer(user_bytes, dtype=np.float64)[0] == 5.5
    array[0][0] = array[0][0]
    if ON_LINUX:
        assert mapped(path)

    del array
    gc.collect()
    if ON_LINUX:
        assert mapped(path)  # view_array and the slices still hold it
    del view_array, user_slice, user_bytes
    gc.collect()
    if ON_LINUX and not ON_PYPY:  # (np.frombuffer above took a buffer: PyPy keeps the map)
        assert not mapped(path)  # the last export went: the file is unmapped
    if mode == "c":
        assert np.load(path).tolist() == reference().tolist()


# ---------------------------------------------------------------------------------------------
# close() twice, with blocks, closed


@pytest.mark.parametrize("mode", MODES)
def test_close_twice_and_from_a_view(tmp_path: Path, mode: str) -> None:
    a = open_any(write_file(tmp_path / "a.npy"), mode)
    view = a[0:2]
    view.close()  # closing a view closes the map it shares
    assert a.closed and view.closed
    a.close()
    view.close()
    a.close()
    assert a.closed


@pytest.mark.parametrize("mode", MODES)
def test_with_block_closes(tmp_path: Path, mode: str) -> None:
    path = write_file(tmp_path / "a.npy")
    with open_any(path, mode) as a:
        view = a[1, ...]
        assert not is_closed(a) and not is_closed(view)
        assert view.tolist() == [4.5, 5.5, 6.5, 7.5]
    assert is_closed(a) and is_closed(view)
    assert_closed_error(view.tolist, "view tolist")
    if ON_LINUX:
        assert not mapped(path)


@pytest.mark.parametrize("mode", MODES)
def test_with_block_closes_when_it_raises(tmp_path: Path, mode: str) -> None:
    path = write_file(tmp_path / "a.npy")
    seen: list[npymmap.NpyArray[Any]] = []
    with pytest.raises(RuntimeError, match="boom"):
        with open_any(path, mode) as a:
            seen.append(a)
            seen.append(a[0:1])
            raise RuntimeError("boom")
    assert all(array.closed for array in seen)
    assert_closed_error(lambda: seen[1][0, 0], "view item")
    if ON_LINUX:
        assert not mapped(path)


def test_create_with_block_closes_and_keeps_writes(tmp_path: Path) -> None:
    path = tmp_path / "c.npy"
    with npymmap.create(path, npymmap.int32, (4,)) as a:
        a[...] = [1, 2, 3, 4]
    assert a.closed
    assert np.load(path).tolist() == [1, 2, 3, 4]


# ---------------------------------------------------------------------------------------------
# Everything after close


@pytest.mark.parametrize("mode", MODES)
def test_views_made_after_close_raise(tmp_path: Path, mode: str) -> None:
    a = open_any(write_file(tmp_path / "a.npy"), mode)
    view = a[0:3]
    a.close()
    keys: list[Any] = [
        slice(None, None, 2),
        (0, ...),
        (..., 1),
        (slice(None), slice(1, 3)),
        slice(1, 3),  # a row slice: the fast path over the array's memoryview
        slice(None),
    ]
    wrong: list[str] = []
    for name, target in (("a", a), ("view", view)):
        for key in keys:
            try:
                target[key]
            except ValueError as error:
                if "closed" not in str(error) or isinstance(error, BufferError):
                    wrong.append(f"{name}[{key!r}]: {type(error).__name__}: {error}")
            else:
                wrong.append(f"{name}[{key!r}]: no error")
        assert_closed_error(lambda: target.T, "T")
        assert_closed_error(target.rows, "rows")
    assert not wrong, "not a closed-array error:\n" + "\n".join(wrong)


@pytest.mark.parametrize("mode", MODES)
def test_flush_after_close_raises(tmp_path: Path, mode: str) -> None:
    a = open_any(write_file(tmp_path / "a.npy"), mode)
    view = a[1:2]
    a.flush()
    a.close()
    assert_closed_error(a.flush, "flush")
    assert_closed_error(view.flush, "view flush")


def test_flush_after_close_raises_for_create(tmp_path: Path) -> None:
    a = npymmap.create(tmp_path / "c.npy", npymmap.float64, (3,))
    a.flush()
    a.close()
    assert_closed_error(a.flush, "flush")


# ---------------------------------------------------------------------------------------------
# View bookkeeping stays bounded


@pytest.mark.parametrize("mode", MODES)
def test_many_views_do_not_grow_the_region(tmp_path: Path, mode: str) -> None:
    n = 100
    path = write_file(tmp_path / "big.npy", np.arange(n * 4, dtype=np.float64).reshape(n, 4))
    a = open_any(path, mode)
    keep: list[object] = [None] * 16  # a few live views and memoryviews at any time
    largest = 0
    for i in range(100_000):
        j = i % n
        kind = i % 4
        made: object
        if kind == 0:
            made = a[j : j + 1]
        elif kind == 1:
            made = a[j, ...]
        elif kind == 2:
            made = a[j : j + 1].data
        else:
            made = a[j, ...].data
        keep[i % 16] = made
        if i % 997 == 0:
            if ON_PYPY:
                gc.collect()  # no reference counting: dead views are found by the collector
            largest = max(largest, len(a._region._views))
    if ON_PYPY:
        gc.collect()
    largest = max(largest, len(a._region._views))
    # 150,000 views were tracked: the list stays bounded. (On PyPy the dead ones leave it only at
    # the prune after a collection, so it may hold up to two powers of two's worth between them.)
    assert largest < (4096 if ON_PYPY else 1000), f"{largest} tracked views"
    del keep
    a.close()


# ---------------------------------------------------------------------------------------------
# Read-only maps


def test_read_only_map_has_no_item_assignment(tmp_path: Path) -> None:
    path = write_file(tmp_path / "a.npy")
    before = path.read_bytes()
    with npymmap.open(path) as a:
        loose = cast(Any, a)
        row = cast(Any, a[1:2])
        with pytest.raises(TypeError):
            loose[0, 0] = 1.0
        with pytest.raises(TypeError):
            loose[0, ...] = [1.0, 2.0, 3.0, 4.0]
        with pytest.raises(TypeError):
            loose[0:1] = 0.0
        with pytest.raises(TypeError):
            row[0, 0] = 1.0
        with pytest.raises(TypeError):
            a.data[0, 0] = 1.0  # a read-only memoryview
        assert not hasattr(a, "as_ctypes")
        assert a[0, 0] == 0.5
    assert path.read_bytes() == before
