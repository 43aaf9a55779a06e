"""Writes through npymmap, checked with NumPy: modes "r+" and "c", views, and values NumPy stores or refuses."""

from __future__ import annotations

import os
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
    Key,
    apply_chain,
    assert_same,
    assign_like_numpy,
    element_and_dtype,
    file_bytes,
    make_array,
    numpy_load,
    python_values,
    sample_indices,
    write_with_numpy,
)

import npymmap

# ---------------------------------------------------------------------------------------------
# Mode "r+": writes land in the file, where NumPy sees them.


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=ELEMENT_IDS)
def test_writes_in_r_plus_mode_are_seen_by_numpy_load(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, order: ByteOrder, fortran: bool
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, (3, 4), fortran)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    header_before = npymmap.read_header(path)
    v = python_values(dtype, 12, offset=3)
    ref = arr.copy(order="K")
    writes: list[tuple[Any, Any]] = [
        ((1, 2), v[0]),
        ((-1, -1), v[1]),
        ((0, slice(None)), v[2]),  # a scalar into a row
        ((slice(None), 1), [v[3], v[4], v[5]]),  # a list into a column
        ((slice(1, None), slice(2, None)), [[v[6], v[7]], [v[8], v[9]]]),  # nested lists into a block
        ((slice(None, None, -2), slice(None, None, -3)), [[v[10], v[11]], [v[0], v[1]]]),
    ]
    with npymmap.open(path, element, mode="r+") as a:
        assert a.mode == "r+"
        for key, value in writes:
            a[key] = value
            assign_like_numpy(ref, key, value)
        assert_same(a.tolist(), ref.tolist())
        a.flush()
        assert_same(numpy_load(path).tolist(), ref.tolist())  # flushed, the map still open
    loaded = numpy_load(path)
    assert loaded.dtype == dtype
    assert_same(loaded.tolist(), ref.tolist())
    assert loaded.tobytes() == ref.tobytes()
    assert npymmap.read_header(path) == header_before


# ---------------------------------------------------------------------------------------------
# Mode "c": copy-on-write, the file is never touched.


@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), ELEMENTS, ids=ELEMENT_IDS)
def test_copy_on_write_mode_shows_writes_but_leaves_the_file_untouched(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, order: ByteOrder
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, (2, 5), False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    an_old_time = 1_000_000_000 * 10**9
    os.utime(path, ns=(an_old_time, an_old_time))
    original = file_bytes(path)
    v = python_values(dtype, 8, offset=4)
    numpy_copy: Any = np.load(path, mmap_mode="c")  # NumPy's own copy-on-write map is the oracle
    writes: list[tuple[Any, Any]] = [
        ((0, 0), v[0]),
        ((1, slice(1, 4)), [v[1], v[2], v[3]]),
        ((slice(None), -1), v[4]),
    ]
    with npymmap.open(path, element, mode="c") as a:
        assert a.mode == "c"
        for key, value in writes:
            a[key] = value
            assign_like_numpy(numpy_copy, key, value)
        assert_same(a.tolist(), numpy_copy.tolist())
        assert a.tobytes() == numpy_copy.tobytes()
        with npymmap.open(path) as other:  # another map of the file still sees the original
            assert_same(other.tolist(), arr.tolist())
        a.flush()
    del numpy_copy
    assert file_bytes(path) == original
    assert os.stat(path).st_mtime_ns == an_old_time


# ---------------------------------------------------------------------------------------------
# Views: slices, steps, negative steps, ..., .T, views of views.

VIEW_ELEMENTS: list[tuple[npymmap.Element[Any], str, str]] = [
    (npymmap.float64, "float64", "<"),  # native: the memoryview fast path
    (npymmap.int32, "int32", ">"),  # the other byte order: the struct path
    (npymmap.complex64, "complex64", "<"),
    (npymmap.float16, "float16", ">"),
    (npymmap.uint8, "uint8", "<"),
    (npymmap.bool_, "bool", "<"),
]
VIEW_ELEMENT_IDS = ["f8", "be_i4", "c8", "be_f2", "u1", "b1"]

VIEW_CHAINS: list[tuple[str, tuple[int, ...], list[Key]]] = [
    ("rows_1_to_3", (4, 6), [(slice(1, 3),)]),
    ("reversed_rows_of_column_2", (4, 6), [(slice(None, None, -1), 2)]),
    ("ellipsis_then_0", (4, 6), [(Ellipsis, 0)]),
    ("row_1_then_ellipsis", (4, 6), [(1, Ellipsis)]),
    ("step_2_and_reversed_columns", (4, 6), [(slice(None, None, 2), slice(None, None, -1))]),
    ("transpose", (4, 6), ["T"]),
    ("transpose_then_stepped", (4, 6), ["T", (slice(1, None), slice(None, None, -2))]),
    ("reverse_then_step", (4, 6), [(slice(None, None, -1),), (slice(None, None, 2),)]),
    ("negative_bounds", (4, 6), [(slice(3, 0, -1), slice(-2, None))]),
    ("empty_slice", (4, 6), [(slice(2, 2),)]),
    ("empty_reversed_slice", (4, 6), [(slice(0, 3, -1), slice(None))]),
    ("whole_ellipsis", (4, 6), [(Ellipsis,)]),
    ("three_deep", (4, 6), [(slice(None, None, -1), slice(1, None)), "T", (slice(None, None, -2), 1)]),
    ("column_then_reversed", (4, 6), [(Ellipsis, 3), (slice(None, None, -1),)]),
    ("single_row_block", (4, 6), [(slice(2, 3), slice(None))]),
    ("single_column_block", (4, 6), [(slice(None), slice(4, 5))]),
    ("stepped_then_transposed", (4, 6), [(slice(None, None, 2), slice(None, None, -1)), "T"]),
    ("plane_of_3d", (3, 4, 5), [(slice(None), 1, slice(None))]),
    ("ellipsis_inside_3d", (3, 4, 5), [(1, Ellipsis, 2)]),
    ("transpose_3d_then_slice", (3, 4, 5), ["T", (slice(None, None, -2), Ellipsis, slice(1, 3))]),
    ("steps_on_every_axis", (3, 4, 5), [(slice(None, None, 2), slice(None, None, -3), slice(1, None, 2))]),
    ("transpose_slice_transpose", (3, 4, 5), ["T", (slice(1, None),), "T"]),
]
VIEW_CHAIN_IDS = [name for name, _, _ in VIEW_CHAINS]


@pytest.mark.parametrize(("_name", "shape", "chain"), VIEW_CHAINS, ids=VIEW_CHAIN_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "numpy_name", "order"), VIEW_ELEMENTS, ids=VIEW_ELEMENT_IDS)
def test_view_reads_equal_numpys_same_view(
    npy_dir: Path,
    element: npymmap.Element[Any],
    numpy_name: str,
    order: ByteOrder,
    fortran: bool,
    _name: str,
    shape: tuple[int, ...],
    chain: list[Key],
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, shape, fortran, offset=1)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    expected = apply_chain(arr, chain)
    with npymmap.open(path) as a:
        view = apply_chain(a, chain)
        assert isinstance(view, npymmap.NpyArray)
        assert view.shape == expected.shape
        assert (view.ndim, view.size, view.nbytes) == (expected.ndim, expected.size, expected.nbytes)
        assert view.descr == expected.dtype.str
        assert_same(view.tolist(), expected.tolist())
        assert view.tobytes() == expected.tobytes()
        for index in sample_indices(expected.shape):
            assert_same(view[index], expected[index].item(), str(index))
        if expected.ndim == 1:
            assert_same(list(view), expected.tolist())
        assert_same(a.tolist(), arr.tolist())  # making views changes nothing


@pytest.mark.parametrize(("_name", "shape", "chain"), VIEW_CHAINS, ids=VIEW_CHAIN_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
def test_view_is_fortran_order_exactly_when_numpys_view_is_only_f_contiguous(
    npy_dir: Path, fortran: bool, _name: str, shape: tuple[int, ...], chain: list[Key]
) -> None:
    arr = make_array(np.dtype("<f8"), shape, fortran)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    expected = apply_chain(arr, chain)
    only_fortran = expected.ndim > 1 and expected.flags.f_contiguous and not expected.flags.c_contiguous
    with npymmap.open(path) as a:
        assert apply_chain(a, chain).fortran_order is only_fortran


@pytest.mark.parametrize(("_name", "shape", "chain"), VIEW_CHAINS, ids=VIEW_CHAIN_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "numpy_name", "order"), VIEW_ELEMENTS, ids=VIEW_ELEMENT_IDS)
def test_writes_through_views_land_where_numpy_puts_them(
    npy_dir: Path,
    element: npymmap.Element[Any],
    numpy_name: str,
    order: ByteOrder,
    fortran: bool,
    _name: str,
    shape: tuple[int, ...],
    chain: list[Key],
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    arr = make_array(dtype, shape, fortran, offset=1)
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, None)
    ref = arr.copy(order="K")
    ref_view = apply_chain(ref, chain)
    fill = np.array(python_values(dtype, ref_view.size, offset=5), dtype=dtype).reshape(ref_view.shape)
    scalar, corner = python_values(dtype, 2, offset=9)
    with npymmap.open(path, mode="r+") as a:
        view = apply_chain(a, chain)
        view[...] = fill.tolist()
        assign_like_numpy(ref_view, Ellipsis, fill)
        if ref_view.ndim and ref_view.size:
            view[::2, ...] = scalar
            assign_like_numpy(ref_view, (slice(None, None, 2), Ellipsis), scalar)
            last = (-1,) * ref_view.ndim
            view[last] = corner
            assign_like_numpy(ref_view, last, corner)
        assert_same(view.tolist(), ref_view.tolist())
        assert_same(a.tolist(), ref.tolist())
    assert_same(numpy_load(path).tolist(), ref.tolist())


SOURCE_CASES: list[tuple[str, str, list[Key], list[Key]]] = [
    # (id, source descr, target view chain, source view chain)
    ("same_element_contiguous", "<f8", [(slice(1, 3),)], [(slice(0, 2),)]),
    ("same_element_into_strided", "<f8", [(slice(None, None, -1), slice(None, None, 2))], [(slice(None), slice(0, 3))]),
    ("same_element_from_strided", "<f8", [(slice(0, 2),)], [(slice(None, None, -2), Ellipsis)]),
    ("other_byte_order", ">f8", [(Ellipsis, slice(1, 4))], [(slice(None), slice(None, None, -2))]),
    ("from_transposed", ">f8", [(slice(0, 3), slice(0, 4))], ["T", (slice(None, None, -2), slice(0, 4))]),
    ("other_kind", "<i2", [(slice(None), slice(None))], [(slice(None), slice(None))]),
]


@pytest.mark.parametrize(
    ("_name", "source_descr", "target_chain", "source_chain"), SOURCE_CASES, ids=[c[0] for c in SOURCE_CASES]
)
def test_assigning_an_npymmap_array_to_a_view_copies_like_numpy(
    npy_dir: Path, _name: str, source_descr: str, target_chain: list[Key], source_chain: list[Key]
) -> None:
    target_path, source_path = str(npy_dir / "target.npy"), str(npy_dir / "source.npy")
    target_arr = make_array(np.dtype("<f8"), (4, 6), False)
    source_arr = (-np.arange(24) * 1.25).astype(source_descr).reshape(4, 6)
    np.save(target_path, target_arr)
    np.save(source_path, source_arr)
    ref = target_arr.copy()
    assign_like_numpy(apply_chain(ref, target_chain), Ellipsis, apply_chain(source_arr, source_chain))
    with npymmap.open(target_path, mode="r+") as target, npymmap.open(source_path) as source:
        target_view = apply_chain(target, target_chain)
        target_view[...] = apply_chain(source, source_chain)
        assert_same(target.tolist(), ref.tolist())
        assert_same(source.tolist(), source_arr.tolist())
    assert_same(numpy_load(target_path).tolist(), ref.tolist())


def test_assigning_an_overlapping_view_of_the_same_array_copies_like_numpy(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    arr = np.arange(10, dtype="<i8")
    np.save(path, arr)
    ref = arr.copy()
    ref[1:] = ref[:-1].copy()
    with npymmap.open(path, mode="r+") as a:
        a[1:] = a[:-1]
    assert numpy_load(path).tolist() == ref.tolist()


# ---------------------------------------------------------------------------------------------
# Values NumPy would store differently, or refuse.

FLOAT_ELEMENTS = [(e, n) for e, n in ELEMENTS if n.startswith(("float", "complex"))]


@pytest.mark.parametrize("text", ["x", "1.5", ""])
@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), FLOAT_ELEMENTS, ids=[n for _, n in FLOAT_ELEMENTS])
def test_assigning_a_str_to_a_float_array_raises_type_error(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, order: ByteOrder, text: str
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(4, dtype=dtype))
    with npymmap.open(path, element, mode="r+") as a:
        with pytest.raises(TypeError):
            a[1] = text
        with pytest.raises(TypeError):
            a[1:3] = text
        with pytest.raises(TypeError):
            a[2:4] = [0.5, text]  # a[2] may be stored before the str is met
    assert numpy_load(path)[:2].tolist() == np.zeros(2, dtype=dtype).tolist()


INT_ELEMENTS = [(e, n) for e, n in ELEMENTS if n.startswith(("int", "uint"))]


@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize(("element", "numpy_name"), INT_ELEMENTS, ids=[n for _, n in INT_ELEMENTS])
def test_out_of_range_int_raises_overflow_error_like_numpy(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, order: ByteOrder
) -> None:
    element, dtype = element_and_dtype(element, numpy_name, order)
    info = np.iinfo(dtype)
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(4, dtype=dtype))
    with npymmap.open(path, element, mode="r+") as a:
        for bad in (int(info.max) + 1, int(info.min) - 1, 2**70, -(2**70)):
            with pytest.raises(OverflowError):
                np.zeros(4, dtype=dtype)[1] = bad  # the oracle refuses it too
            with pytest.raises(OverflowError):
                a[1] = bad
            with pytest.raises(OverflowError):
                a[1:3] = bad
            with pytest.raises(OverflowError):
                a[::2] = [0, bad]
        a[3] = int(info.max)  # the extremes themselves are fine
        a[1] = int(info.min)
    assert numpy_load(path).tolist() == [0, int(info.min), 0, int(info.max)]


# The smallest double that rounds to infinity in each format: NumPy rounds it (and anything larger) to inf.
ROUNDS_TO_INFINITY = {"float16": 65520.0, "float32": 3.4028235677973366e38, "complex64": 3.4028235677973366e38}


@pytest.mark.parametrize("order", ORDERS, ids=ORDER_IDS)
@pytest.mark.parametrize("numpy_name", ["float16", "float32", "complex64"])
def test_a_float_too_large_for_the_element_stores_infinity_as_numpy_does(
    npy_dir: Path, numpy_name: str, order: ByteOrder
) -> None:
    dtype = np.dtype(numpy_name).newbyteorder(order)
    edge = ROUNDS_TO_INFINITY[numpy_name]
    values: list[Any] = [1e300, -1e300, edge, -edge]
    if dtype.kind == "c":
        values = [complex(1e300, 1.0), complex(-2.0, -1e300), complex(edge, -edge), 1e300]
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(8, dtype=dtype))
    ref = np.zeros(8, dtype=dtype)
    for i, value in enumerate(values):
        assign_like_numpy(ref, i, value)
    assign_like_numpy(ref, slice(4, 6), values[0])
    assign_like_numpy(ref, slice(6, 8), values[2:])
    assert not np.isfinite(ref).any()  # the oracle: all infinities
    with npymmap.open(path, mode="r+") as a:
        for i, value in enumerate(values):
            a[i] = value
        a[4:6] = values[0]
        a[6:8] = values[2:]
        assert_same(a.tolist(), ref.tolist())
    assert_same(numpy_load(path).tolist(), ref.tolist())


@pytest.mark.parametrize("descr", ["<f4", ">f4", "<f2", ">f2", "<c8", ">c8"])
def test_rounding_to_a_narrower_float_matches_numpy(npy_dir: Path, descr: str) -> None:
    dtype = np.dtype(descr)
    edge = 65504.0 if dtype.itemsize == 2 else 3.4028234663852886e38
    values: list[Any] = [0.1, 1 / 3, 2049.0, 16777217.0, 1.401298464324817e-45, 7e-46, 6e-8, -2.5e-39, 65519.0, edge]
    if dtype.kind == "c":
        values = [complex(v, -v / 3) for v in values]
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(len(values), dtype=dtype))
    ref = np.zeros(len(values), dtype=dtype)
    assign_like_numpy(ref, slice(None), values)
    with npymmap.open(path, mode="r+") as a:
        a[...] = values
        assert a.tobytes() == ref.tobytes()
        a[...] = [0] * len(values)
        for i, value in enumerate(values):
            a[i] = value
        assert a.tobytes() == ref.tobytes()
