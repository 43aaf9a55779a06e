"""numpy.asarray(a) through __array_interface__: zero-copy, right dtype and layout, safe after close."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap

DESCRS = ["|b1", "|i1", "<i2", ">i4", "<i8", "|u1", ">u2", "<u4", ">u8", "<f2", ">f4", "<f8", ">c8", "<c16"]


def sample(descr: str, shape: tuple[int, ...], fortran: bool) -> np.ndarray[Any, Any]:
    values = (np.arange(int(np.prod(shape))) * 37 % 11 - 5).reshape(shape)
    array = values.astype(descr) if descr != "|b1" else values > 0
    return np.asfortranarray(array) if fortran and array.ndim > 1 else array  # asfortranarray makes 0-d 1-d


@pytest.mark.parametrize("fortran", [False, True], ids=["C", "F"])
@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 4), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("descr", DESCRS)
def test_asarray_shares_the_files_dtype_shape_and_layout(
    tmp_path: Path, descr: str, shape: tuple[int, ...], fortran: bool
) -> None:
    expected = sample(descr, shape, fortran)
    path = tmp_path / "a.npy"
    np.save(path, expected)
    with npymmap.open(path) as mapped:
        shared = np.asarray(mapped)
        assert shared.dtype == np.dtype(descr)
        assert shared.shape == shape
        assert shared.flags.f_contiguous == expected.flags.f_contiguous
        assert shared.flags.c_contiguous == expected.flags.c_contiguous
        assert not shared.flags.writeable
        assert np.array_equal(shared, expected)
        del shared


@pytest.mark.parametrize("fortran", [False, True], ids=["C", "F"])
def test_asarray_of_views_matches_numpys_views(tmp_path: Path, fortran: bool) -> None:
    expected = sample("<f8", (4, 5, 6), fortran)
    path = tmp_path / "a.npy"
    np.save(path, expected)
    with npymmap.open(path) as mapped:
        for view, reference in [
            (mapped[::-1, 1:, ::-2], expected[::-1, 1:, ::-2]),
            (mapped[2, ...], expected[2, ...]),
            (mapped[..., 3], expected[..., 3]),
            (mapped.T, expected.T),
            (mapped[1:3].T[::2], expected[1:3].T[::2]),
        ]:
            shared = np.asarray(view)
            assert shared.strides == reference.strides
            assert np.array_equal(shared, reference)
            del shared


def test_writes_through_numpy_show_in_the_map_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.zeros((3, 4), dtype=">i4"))
    with npymmap.open(path, mode="r+") as mapped:
        shared = np.asarray(mapped[1:, ::2])
        assert shared.flags.writeable
        shared[:] = [[1, 2], [3, 4]]
        assert mapped.tolist() == [[0, 0, 0, 0], [1, 0, 2, 0], [3, 0, 4, 0]]
        del shared
    assert np.load(path).tolist() == [[0, 0, 0, 0], [1, 0, 2, 0], [3, 0, 4, 0]]


def test_copy_on_write_numpy_writes_leave_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.arange(5.0))
    before = path.read_bytes()
    with npymmap.open(path, mode="c") as mapped:
        shared = np.asarray(mapped)
        shared[0] = 42.0
        assert mapped[0] == 42.0
        del shared
    assert path.read_bytes() == before


def test_a_numpy_array_outlives_close_and_then_the_map_goes(tmp_path: Path) -> None:
    path = tmp_path / "handoff.npy"
    np.save(path, np.arange(1000.0))
    mapped = npymmap.open(path)
    shared = np.asarray(mapped[10:20])
    mapped.close()
    with pytest.raises(ValueError, match="closed"):
        np.asarray(mapped)
    assert shared.tolist() == [float(i) for i in range(10, 20)]  # still mapped: no crash
    if sys.platform.startswith("linux"):
        assert str(path) in Path("/proc/self/maps").read_text()
    del shared
    gc.collect()
    # (PyPy keeps a map NumPy once took a buffer of until the process ends: its C-API layer
    # holds the buffer; so this last step is CPython's.)
    if sys.platform.startswith("linux") and sys.implementation.name == "cpython":
        assert str(path) not in Path("/proc/self/maps").read_text()
