"""What NumPy writes, npymmap reads: headers, values, Python types, items, bytes and geometry.

NumPy is the oracle throughout (see ``conftest.py``): every file is written by NumPy, and every
expected header field, value and byte string comes from NumPy. The first tests run over every
element family of ``oracle_families.py`` (numbers, text, times, records); the rest are corners of
the number elements.
"""

from __future__ import annotations

import math
import pickle
import struct
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pytest
from conftest import (
    Key,
    apply_chain,
    assert_bytes,
    assert_same,
    file_bytes,
    header_descr,
    numpy_header,
    numpy_load,
    view_values,
)
from oracle_families import (
    ELEMENTS,
    FAMILIES,
    LAYOUT_IDS,
    LAYOUTS,
    MEMORYVIEW_FORMATS,
    NUMBERS,
    SCALAR_FAMILIES,
    VERSION_IDS,
    VERSIONS,
    Case,
    Family,
    case_params,
    gives_typed_memoryview,
    shape_params,
    unit_of,
)

import npymmap

# ---------------------------------------------------------------------------------------------
# Every element family.


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("family", "case", "shape"), shape_params(*FAMILIES))
def test_numpy_written_file_reads_back_identically(
    npy_dir: Path, family: Family, case: Case, shape: tuple[int, ...], fortran: bool, version: tuple[int, int]
) -> None:
    dtype = case.dtype
    arr = family.make_array(dtype, shape, fortran)
    expected = family.expected(arr)
    path = family.write_file(npy_dir, arr, fortran, version)
    np_version, np_shape, np_fortran, np_descr, np_offset = numpy_header(path)
    assert (np_version, np_shape, np_fortran, np_descr) == (version, shape, fortran, header_descr(dtype))  # the fixture wrote what we meant

    header = npymmap.read_header(path)
    assert header.version == np_version
    assert header.shape == np_shape
    assert header.fortran_order is np_fortran
    assert header.descr == np_descr
    assert header.data_offset == np_offset

    for mode in ("r", "r+", "c") if version == (1, 0) else ("r",):  # the modes read alike
        with npymmap.open(path, mode=mode) as a:
            assert a.mode == mode
            assert (a.shape, a.ndim, a.size, a.nbytes) == (arr.shape, arr.ndim, arr.size, arr.nbytes)
            assert a.descr == np_descr == case.element.descr
            assert a.element is case.element
            assert a.element.itemsize == dtype.itemsize
            assert a.fortran_order is fortran
            assert_same(a.tolist(), expected)
            assert_bytes(a.tobytes(), arr.tobytes(), dtype)
            in_file_order = a.T if fortran and len(shape) > 1 else a
            assert in_file_order.tobytes() == file_bytes(path)[np_offset:]  # exactly, record padding too
            family.assert_items(a, arr, expected)
            assert_length_rows_and_views_like_numpys(a, arr)
            as_numpy = np.asarray(a)
            assert as_numpy.dtype == dtype
            assert as_numpy.dtype.str == dtype.str
            assert as_numpy.shape == shape
            assert_bytes(as_numpy.tobytes(), arr.tobytes(), dtype)
            assert_same(family.expected(as_numpy), expected)
            del as_numpy
            if mode == "r":
                assert_data_is_a_typed_memoryview_exactly_where_numpys_items_fit_one(a, arr)


def view_chains(shape: tuple[int, ...]) -> list[list[Key]]:
    """Views read from every array of ``shape``: stepped backwards; transposed, stepped both ways
    and a column (where there is a second one)."""
    if len(shape) == 1:
        return [[(slice(None, None, -2),)]]
    if len(shape) < 2:
        return []
    chains: list[list[Key]] = [["T"], [(slice(None, None, -1), slice(None, None, 2))]]
    if shape[1] > 1:
        chains.append([(slice(None), 1)])
    return chains


def assert_length_rows_and_views_like_numpys(a: Any, arr: npt.NDArray[Any]) -> None:
    """``len()``, ``rows()``, iteration, out-of-bounds items and :func:`view_chains` views of
    npymmap's ``a`` behave as NumPy's ``arr`` (``a``'s items are checked by the family)."""
    if not arr.ndim:
        with pytest.raises(TypeError):
            len(arr)
        with pytest.raises(TypeError):
            len(a)
    else:
        assert len(a) == len(arr)
    if arr.ndim >= 2:
        assert_same([row.tolist() for row in a.rows()], [Family.expected(row) for row in arr])
        with pytest.raises(TypeError):
            iter(a)
    if arr.size == 0 and arr.ndim:
        with pytest.raises(IndexError):
            arr[(0,) * arr.ndim]
        with pytest.raises(IndexError):
            a[(0,) * arr.ndim]
    for chain in view_chains(arr.shape):
        view, numpy_view = apply_chain(a, chain), apply_chain(arr, chain)
        assert_same(view.tolist(), Family.expected(numpy_view), str(chain))
        assert_bytes(view.tobytes(), numpy_view.tobytes(), arr.dtype, str(chain))


def assert_data_is_a_typed_memoryview_exactly_where_numpys_items_fit_one(a: Any, arr: npt.NDArray[Any]) -> None:
    """``.data`` of a read-only ``a`` (in file order: transposed if Fortran) is a memoryview of
    NumPy's items and values where :func:`gives_typed_memoryview`, and raises TypeError elsewhere."""
    if not gives_typed_memoryview(arr.dtype):
        with pytest.raises(TypeError):
            a.data
        return
    contiguous, numpy_contiguous = (a.T, arr.T) if a.fortran_order and arr.ndim > 1 else (a, arr)
    view = contiguous.data
    assert view.readonly
    assert view.itemsize == struct.calcsize(view.format) == arr.dtype.itemsize
    assert view.format.lstrip("@=") in MEMORYVIEW_FORMATS[arr.dtype.kind]
    assert view.tobytes() == numpy_contiguous.tobytes()
    if arr.size:
        assert_same(view_values(view), Family.expected(numpy_contiguous))
    del view


@pytest.mark.parametrize(("family", "case"), case_params(*SCALAR_FAMILIES))
def test_element_descr_byte_order_unit_and_lookup_agree_with_numpy(family: Family, case: Case) -> None:
    element, dtype = case.element, case.dtype
    assert element.descr == dtype.str
    assert element.itemsize == dtype.itemsize
    assert element.kind == dtype.kind
    assert npymmap.lookup(dtype.str) is element
    assert pickle.loads(pickle.dumps(element)) is element
    if dtype.str[0] == "|":
        assert element.byteorder == "|"
        assert element.newbyteorder("<") is element.newbyteorder(">") is element
    else:
        assert element.byteorder == dtype.str[0]
        other: Literal["<", ">"] = ">" if dtype.str[0] == "<" else "<"
        assert element.newbyteorder(other).descr == dtype.newbyteorder(other).str
        assert element.newbyteorder(other).newbyteorder(dtype.str[0]) is element
    if dtype.kind in "Mm":
        assert element.unit == unit_of(dtype)


@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=[name for _, name in ELEMENTS])
def test_module_level_number_elements_are_native(element: npymmap.Element[Any], numpy_name: str) -> None:
    assert element.descr == np.dtype(numpy_name).str


@pytest.mark.parametrize(("family", "case"), case_params(*SCALAR_FAMILIES))
def test_open_with_the_element_in_either_byte_order_keeps_the_files(npy_dir: Path, family: Family, case: Case) -> None:
    arr = family.make_array(case.dtype, (2, 3), False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    for asked in (case.element, case.element.newbyteorder("<"), case.element.newbyteorder(">")):
        for mode in ("r", "r+", "c"):
            with npymmap.open(path, asked, mode=mode) as a:
                assert a.descr == case.dtype.str
                assert a.element is case.element
                assert a.element is npymmap.lookup(case.dtype.str)
                assert_same(a.tolist(), family.expected(arr))
                assert a.tobytes() == arr.tobytes()


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("family", "case"), case_params(*FAMILIES))
def test_asarray_of_views_gives_numpys_dtype_and_bytes(npy_dir: Path, family: Family, case: Case, fortran: bool) -> None:
    """``numpy.asarray`` through ``__array_interface__`` gives the file's dtype (for records every
    named field, titles kept, padding as padding) and NumPy's bytes, for views with steps too."""
    dtype = case.dtype
    arr = family.make_array(dtype, (3, 4), fortran)
    path = family.write_file(npy_dir, arr, fortran)
    loaded = numpy_load(path)
    keys: list[Any] = [
        Ellipsis,
        (slice(None, None, -1), slice(1, None)),
        (slice(None, None, -1), slice(1, None, 2)),
        (1, slice(None)),
        (slice(None), -1),
    ]
    with npymmap.open(path, case.element) as a:
        for key in keys:
            got = np.asarray(a[key])
            want = loaded[key]
            assert got.shape == want.shape
            assert got.dtype == want.dtype, f"{got.dtype} vs {want.dtype}"
            assert got.dtype.itemsize == want.dtype.itemsize
            assert got.dtype.names == want.dtype.names
            assert got.dtype.descr == want.dtype.descr  # record padding stays padding, at NumPy's offsets
            assert_bytes(got.tobytes(), want.tobytes(), dtype)
            assert_same(family.expected(got), family.expected(want))
            assert_same(a[key].tolist(), family.expected(want))
            del got


# ---------------------------------------------------------------------------------------------
# Number elements: indexing, rows and what opens with which element.


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
    arr = NUMBERS.make_array(np.dtype("float64"), shape, fortran)
    path = NUMBERS.write_file(npy_dir, arr, fortran)
    with pytest.raises(IndexError):
        arr[index]
    with npymmap.open(path) as a:
        with pytest.raises(IndexError):
            a[index]


@pytest.mark.parametrize("descr", ["<f8", ">f8", "<f2", ">c8", ">i2", "<c16"])
def test_fortran_items_and_windows_index_in_place_and_name_the_axis_out_of_bounds(npy_dir: Path, descr: str) -> None:
    arr = np.asfortranarray(np.arange(60.0).reshape(3, 4, 5).astype(descr))
    path = NUMBERS.write_file(npy_dir, arr, True)
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
    path = NUMBERS.write_file(npy_dir, arr, fortran)
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
