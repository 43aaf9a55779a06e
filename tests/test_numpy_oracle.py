"""What NumPy writes, npymmap reads: headers, values, Python types, bytes and geometry.

NumPy is the oracle throughout (see ``conftest.py``): every file is written by NumPy, and every
expected header field, value and byte string comes from NumPy.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import (
    ByteOrder,
    ELEMENT_IDS,
    ELEMENTS,
    LAYOUT_IDS,
    LAYOUTS,
    ORDER_IDS,
    ORDERS,
    SHAPE_IDS,
    SHAPES,
    VERSION_IDS,
    VERSIONS,
    assert_same,
    element_and_dtype,
    make_array,
    numpy_header,
    sample_indices,
    write_with_numpy,
)

import npymmap


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=ELEMENT_IDS)
def test_numpy_written_file_reads_back_identically(
    npy_dir: Path,
    element: npymmap.Element[Any],
    numpy_name: str,
    order: ByteOrder,
    fortran: bool,
    shape: tuple[int, ...],
    version: tuple[int, int],
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, shape, fortran)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, version)
    np_version, np_shape, np_fortran, np_descr, np_offset = numpy_header(path)
    assert (np_version, np_shape, np_fortran) == (version, shape, fortran)  # the fixture wrote what we meant

    header = npymmap.read_header(path)
    assert header.version == np_version
    assert header.shape == np_shape
    assert header.fortran_order is np_fortran
    assert header.descr == np_descr
    assert header.data_offset == np_offset

    with npymmap.open(path) as a:
        assert a.shape == arr.shape
        assert a.ndim == arr.ndim
        assert a.size == arr.size
        assert a.nbytes == arr.nbytes
        assert a.descr == np_descr == element.descr
        assert a.element is element
        assert a.fortran_order is fortran
        assert a.mode == "r"
        assert_same(a.tolist(), arr.tolist())
        assert a.tobytes() == arr.tobytes()
        for index in sample_indices(shape):
            assert_same(a[index], arr[index].item(), str(index))
        if not shape:
            with pytest.raises(TypeError):
                len(arr)
            with pytest.raises(TypeError):
                len(a)
        if len(shape) == 1:
            assert len(a) == shape[0]
            assert_same(list(a), arr.tolist())
            for i in (0, -1, shape[0] // 2) if shape[0] else ():
                assert_same(a[i], arr[i].item(), str(i))
        if len(shape) >= 2:
            assert len(a) == shape[0]
            assert_same([row.tolist() for row in a.rows()], [row.tolist() for row in arr])
            with pytest.raises(TypeError):
                iter(a)
        if arr.size == 0 and arr.ndim:
            with pytest.raises(IndexError):
                arr[(0,) * arr.ndim]
            with pytest.raises(IndexError):
                a[(0,) * arr.ndim]


@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=ELEMENT_IDS)
def test_open_with_element_accepts_either_byte_order_and_keeps_the_files(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, order: ByteOrder
) -> None:
    file_element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, (2, 3), False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    for asked in (element, element.newbyteorder("<"), element.newbyteorder(">")):
        with npymmap.open(path, asked) as a:
            assert a.descr == arr.dtype.str
            assert a.element is file_element
            assert_same(a.tolist(), arr.tolist())
            assert a.tobytes() == arr.tobytes()


@pytest.mark.parametrize(
    ("shape", "fortran", "index"),
    [
        ((4,), False, 4),
        ((4,), True, -5),
        ((3, 4), False, (3, 0)),
        ((3, 4), True, (0, -5)),
        ((2, 3, 4), True, (0, 3, 0)),
        ((2, 3, 4), False, (-3, 0, 0)),
    ],
)
def test_out_of_bounds_full_index_raises_index_error_like_numpy(
    npy_dir: Path, shape: tuple[int, ...], fortran: bool, index: int | tuple[int, ...]
) -> None:
    arr = make_array(np.dtype("float64"), shape, fortran)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    with pytest.raises(IndexError):
        arr[index]
    with npymmap.open(path) as a:
        with pytest.raises(IndexError):
            a[index]


@pytest.mark.parametrize("descr", ["<f8", ">f8", "<f2", ">c8", ">i2", "<c16"])
def test_fortran_items_and_windows_index_in_place_and_name_the_axis_out_of_bounds(npy_dir: Path, descr: str) -> None:
    arr = np.asfortranarray(np.arange(60.0).reshape(3, 4, 5).astype(descr))
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, True, None)
    with npymmap.open(path, mode="r+") as a:
        window = a[:, :, 1:3]  # still contiguous in Fortran order
        assert window.fortran_order and arr[:, :, 1:3].flags.f_contiguous
        for index in ((0, 0, 0), (2, 3, 4), (-1, -4, -5), (1, 2, 3)):
            assert a[index] == arr[index]
        for index in ((0, 0, 0), (2, 3, 1), (-1, 1, -2)):
            assert window[index] == arr[:, :, 1:3][index]
        for index, axis, size in (((1, 4, 0), 1, 4), ((-4, 0, 0), 0, 3), ((0, 0, 5), 2, 5)):
            with pytest.raises(IndexError, match=f"axis {axis} with size {size}"):
                a[index]
            with pytest.raises(IndexError, match=f"axis {axis} with size {size}"):
                a[index] = 1.0
        a[2, 3, 4] = 7
        window[-1, 0, 1] = -2
    written = np.load(path)
    assert written[2, 3, 4] == 7 and written[-1, 0, 2] == -2
    assert np.count_nonzero(written != arr) == 2
    with pytest.raises(ValueError, match="closed"):
        a[0, 0, 0]
    with pytest.raises(ValueError, match="closed"):
        window[0, 0, 0]


@pytest.mark.parametrize("shape", [(3, 4, 5), (1, 4, 5)])  # (rows of the second are Fortran-only)
@pytest.mark.parametrize("descr", ["<f8", ">i4", "<c16"])
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
def test_row_views_match_numpys_for_every_index_and_layout(
    npy_dir: Path, descr: str, fortran: bool, shape: tuple[int, ...]
) -> None:
    arr = np.arange(math.prod(shape)).reshape(shape).astype(descr)
    arr = np.asfortranarray(arr) if fortran else arr
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    with npymmap.open(path) as a:
        for parent, numpy_parent in ((a, arr), (a[::2], arr[::2]), (a.T, arr.T)):
            n = numpy_parent.shape[0]
            for i in {0, 1, -1, -n, n - 1} & set(range(-n, n)):
                row, numpy_row = parent[i, ...], numpy_parent[i]
                assert row.shape == numpy_row.shape and row.tolist() == numpy_row.tolist()
                assert row.fortran_order == (numpy_row.flags.f_contiguous and not numpy_row.flags.c_contiguous)
            for i in (n, -n - 1):
                with pytest.raises(IndexError):
                    numpy_parent[i]
                with pytest.raises(IndexError, match="out of bounds for axis 0"):
                    parent[i, ...]


@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=ELEMENT_IDS)
def test_element_descr_and_lookup_agree_with_numpy(element: npymmap.Element[Any], numpy_name: str, order: ByteOrder) -> None:
    ordered, dtype = element_and_dtype(element, numpy_name, order)
    assert ordered.descr == dtype.str
    assert ordered.itemsize == dtype.itemsize
    assert ordered.kind == dtype.kind
    assert npymmap.lookup(dtype.str) is ordered
    assert element.descr == np.dtype(numpy_name).str  # the module-level elements are native


@pytest.mark.parametrize(
    ("file_descr", "asked"),
    [
        ("<i4", npymmap.float64),
        ("<i4", npymmap.uint32),
        ("<i4", npymmap.int64),
        ("<f4", npymmap.float64),
        ("<i8", npymmap.float64),
        ("<c8", npymmap.float64),
        (">f8", npymmap.complex64),
        ("|b1", npymmap.uint8),
        ("|u1", npymmap.int8),
        # strings and times: width, kind and unit must match too
        ("<U6", npymmap.str_(5)),
        (">U4", npymmap.str_(5)),
        ("|S6", npymmap.bytes_(5)),
        ("|S5", npymmap.str_(5)),
        ("|S4", npymmap.void(4)),
        ("|V4", npymmap.bytes_(4)),
        ("<U1", npymmap.bytes_(4)),
        ("<M8[us]", npymmap.datetime64("ns")),
        (">M8[us]", npymmap.datetime64("ns")),
        ("<M8[ns]", npymmap.timedelta64("ns")),
        ("<m8[ns]", npymmap.datetime64("ns")),
        ("<M8[ns]", npymmap.datetime64()),
        ("<M8", npymmap.datetime64("ns")),
        ("<M8[10s]", npymmap.datetime64("s")),
        ("<M8[ns]", npymmap.int64),
        ("<i8", npymmap.datetime64("ns")),
        ("|u1", npymmap.bytes_(1)),
        ("|S1", npymmap.uint8),
    ],
)
def test_opening_with_the_wrong_element_raises_dtype_mismatch(
    npy_dir: Path, file_descr: str, asked: npymmap.Element[Any]
) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(3, dtype=file_descr))
    for mode in ("r", "r+", "c"):
        with pytest.raises(npymmap.DtypeMismatchError) as raised:
            npymmap.open(path, asked, mode=mode)
        assert isinstance(raised.value, ValueError)
        assert isinstance(raised.value, npymmap.NpyError)


def test_big_endian_float64_file_opens_with_native_float64_and_keeps_its_byte_order(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    arr = np.array([1.5, -0.0, float("inf"), 1e-310, float("nan")], dtype=">f8")
    np.save(path, arr)
    with npymmap.open(path, npymmap.float64) as a:
        assert a.descr == ">f8"
        assert a.element is npymmap.float64.newbyteorder(">")
        assert_same(a.tolist(), arr.tolist())
        assert a.tobytes() == arr.tobytes()


@pytest.mark.parametrize("descr", ["<f8", "<f4", "<i8", "<u2", "|i1", "|u1", "<i4", "<u8", "|b1"])
@pytest.mark.parametrize("shape", [(70000,), (300, 500), (3, 4, 7000), (1, 90000)])
def test_large_arrays_tolist_matches_numpy(tmp_path: Path, descr: str, shape: tuple[int, ...]) -> None:
    """Past 64 KiB tolist() converts row by row through array.array; values and types must not change."""
    size = 1
    for n in shape:
        size *= n
    values = (np.arange(size) * 7919 % 1000).astype(descr).reshape(shape)
    path = tmp_path / "large.npy"
    np.save(path, values)
    with npymmap.open(path) as mapped:
        result = mapped.tolist()
        assert result == values.tolist()
        leaf = result
        while isinstance(leaf, list):
            leaf = leaf[-1]
        assert type(leaf) is type(values.flat[-1].item())
        assert mapped[1:].tolist() == values[1:].tolist()
