"""Writes through npymmap, checked with NumPy: modes "r+" and "c", views, and values NumPy stores or refuses.

The mode and view-write tests run over the numbers, text and times families of
``oracle_families.py`` (records have their own, with items, in ``test_numpy_oracle_records.py``);
the rest are corners of the number elements.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import (
    Key,
    apply_chain,
    assert_same,
    assign_like_numpy,
    file_bytes,
    numpy_load,
    sample_indices,
)
from oracle_families import (
    LAYOUT_IDS,
    LAYOUTS,
    NUMBERS,
    ORDER_IDS,
    ORDERS,
    SCALAR_FAMILIES,
    ByteOrder,
    Case,
    Family,
    case_params,
)

import npymmap


def write_plan(family: Family, dtype: np.dtype[Any]) -> list[tuple[Any, Any]]:
    """(key, value) writes on a (3, 4) array: items, a scalar into a row, a list into a column,
    nested lists into a block and into a stepped reversed view."""
    v = family.values(dtype, 14, 3)
    return [
        ((1, 2), v[0]),
        ((-1, -1), v[1]),
        ((0, slice(None)), v[2]),
        ((slice(None), 1), [v[3], v[4], v[5]]),
        ((slice(1, None), slice(2, None)), [[v[6], v[7]], [v[8], v[9]]]),
        ((slice(None, None, -2), slice(None, None, -3)), [[v[10], v[11]], [v[12], v[13]]]),
    ]


# ---------------------------------------------------------------------------------------------
# Mode "r+": writes land in the file, where NumPy sees them.


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("family", "case"), case_params(*SCALAR_FAMILIES))
def test_writes_in_r_plus_mode_are_seen_by_numpy_load(npy_dir: Path, family: Family, case: Case, fortran: bool) -> None:
    element, dtype = case.element, case.dtype
    arr = family.make_array(dtype, (3, 4), fortran)
    path = family.write_file(npy_dir, arr, fortran)
    header_before = npymmap.read_header(path)
    ref = arr.copy(order="K")
    ref_target = family.oracle(ref)
    with npymmap.open(path, element, mode="r+") as a:
        assert a.mode == "r+"
        assert a.element is element
        for key, value in write_plan(family, dtype):
            a[key] = value
            assign_like_numpy(ref_target, key, value)
        # Through a view object with steps, then through a view of that view.
        view, ref_view = a[::2, ::-3], ref_target[::2, ::-3]
        v = family.values(dtype, 4, 1)
        view[1, 0] = v[0]
        assign_like_numpy(ref_view, (1, 0), v[0])
        view[:, 1] = [v[1], v[2]]
        assign_like_numpy(ref_view, (slice(None), 1), [v[1], v[2]])
        view.T[1, ...] = v[3]
        assign_like_numpy(ref_view.T, (1, Ellipsis), v[3])
        assert_same(a.tolist(), family.expected(ref))
        assert a.tobytes() == ref.tobytes()
        a.flush()
        assert numpy_load(path).tobytes() == ref.tobytes()  # flushed, the map still open
        assert_same(family.expected(numpy_load(path)), family.expected(ref))
    loaded = numpy_load(path)
    assert loaded.dtype == dtype
    assert loaded.tobytes() == ref.tobytes()
    assert_same(family.expected(loaded), family.expected(ref))
    assert npymmap.read_header(path) == header_before


@pytest.mark.parametrize(("family", "case"), case_params(*SCALAR_FAMILIES))
def test_writes_to_a_3d_array_through_stepped_views_match_numpy(npy_dir: Path, family: Family, case: Case) -> None:
    dtype = case.dtype
    for fortran in LAYOUTS:
        arr = family.make_array(dtype, (2, 3, 2), fortran)
        path = family.write_file(npy_dir, arr, fortran)
        ref = arr.copy(order="K")
        ref_target = family.oracle(ref)
        v = family.values(dtype, 8, 5)
        with npymmap.open(path, mode="r+") as a:
            writes: list[tuple[Any, Any]] = [
                ((1, ..., 0), [v[0], v[1], v[2]]),
                ((slice(None), slice(None, None, 2), -1), [[v[3], v[4]], [v[5], v[6]]]),
                ((-1, -2, 1), v[7]),
                ((slice(None, None, -1), 0, slice(None)), v[2]),
            ]
            for key, value in writes:
                a[key] = value
                assign_like_numpy(ref_target, key, value)
            assert_same(a.tolist(), family.expected(ref))
        assert numpy_load(path).tobytes() == ref.tobytes()


# ---------------------------------------------------------------------------------------------
# Mode "c": copy-on-write, the file is never touched.


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("family", "case"), case_params(*SCALAR_FAMILIES))
def test_copy_on_write_mode_shows_writes_but_leaves_the_file_untouched(
    npy_dir: Path, family: Family, case: Case, fortran: bool
) -> None:
    element, dtype = case.element, case.dtype
    arr = family.make_array(dtype, (3, 4), fortran)
    path = family.write_file(npy_dir, arr, fortran)
    an_old_time = 1_000_000_000 * 10**9
    os.utime(path, ns=(an_old_time, an_old_time))
    original = file_bytes(path)
    numpy_copy: Any = np.load(path, mmap_mode="c")  # NumPy's own copy-on-write map is the oracle
    with npymmap.open(path, element, mode="c") as a:
        assert a.mode == "c"
        for key, value in write_plan(family, dtype):
            a[key] = value
            assign_like_numpy(family.oracle(numpy_copy), key, value)
        assert_same(a.tolist(), family.expected(numpy_copy))
        assert a.tobytes() == numpy_copy.tobytes()
        with npymmap.open(path) as other:  # another map of the file still sees the original
            assert_same(other.tolist(), family.expected(arr))
        a.flush()
        assert file_bytes(path) == original
    del numpy_copy
    assert file_bytes(path) == original
    assert numpy_load(path).tobytes() == arr.tobytes()
    assert os.stat(path).st_mtime_ns == an_old_time


# ---------------------------------------------------------------------------------------------
# Views: slices, steps, negative steps, ..., .T, views of views.

# float64-le: (on little-endian machines) native, the memoryview fast path; int32-be: the other
# byte order, the struct path.
VIEW_CASES = [case for case in NUMBERS.cases if case.id in ("float64-le", "int32-be", "complex64-le", "float16-be", "uint8-le", "bool-le")]
VIEW_CASE_IDS = [case.id for case in VIEW_CASES]

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
@pytest.mark.parametrize("case", VIEW_CASES, ids=VIEW_CASE_IDS)
def test_view_reads_equal_numpys_same_view(
    npy_dir: Path, case: Case, fortran: bool, _name: str, shape: tuple[int, ...], chain: list[Key]
) -> None:
    arr = NUMBERS.make_array(case.dtype, shape, fortran, offset=1)
    path = NUMBERS.write_file(npy_dir, arr, fortran)
    expected = apply_chain(arr, chain)
    with npymmap.open(path) as a:
        view = apply_chain(a, chain)
        assert isinstance(view, npymmap.NpyArray)
        assert view.element is case.element
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
    arr = NUMBERS.make_array(np.dtype("<f8"), shape, fortran)
    path = NUMBERS.write_file(npy_dir, arr, fortran)
    expected = apply_chain(arr, chain)
    only_fortran = expected.ndim > 1 and expected.flags.f_contiguous and not expected.flags.c_contiguous
    with npymmap.open(path) as a:
        assert apply_chain(a, chain).fortran_order is only_fortran


@pytest.mark.parametrize(("_name", "shape", "chain"), VIEW_CHAINS, ids=VIEW_CHAIN_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("case", VIEW_CASES, ids=VIEW_CASE_IDS)
def test_writes_through_views_land_where_numpy_puts_them(
    npy_dir: Path, case: Case, fortran: bool, _name: str, shape: tuple[int, ...], chain: list[Key]
) -> None:
    arr = NUMBERS.make_array(case.dtype, shape, fortran, offset=1)
    path = NUMBERS.write_file(npy_dir, arr, fortran)
    ref = arr.copy(order="K")
    ref_view = apply_chain(ref, chain)
    with npymmap.open(path, mode="r+") as a:
        view = apply_chain(a, chain)
        NUMBERS.same_writes(view, ref_view)
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
    target_arr = NUMBERS.make_array(np.dtype("<f8"), (4, 6), False)
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

FLOAT_CASES = [case for case in NUMBERS.cases if case.dtype.kind in "fc"]


@pytest.mark.parametrize("text", ["x", "1.5", ""])
@pytest.mark.parametrize("case", FLOAT_CASES, ids=[case.id for case in FLOAT_CASES])
def test_assigning_a_str_to_a_float_array_raises_type_error(npy_dir: Path, case: Case, text: str) -> None:
    element, dtype = case.element, case.dtype
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


INT_CASES = [case for case in NUMBERS.cases if case.dtype.kind in "iu"]


@pytest.mark.parametrize("case", INT_CASES, ids=[case.id for case in INT_CASES])
def test_out_of_range_int_raises_overflow_error_like_numpy(npy_dir: Path, case: Case) -> None:
    element, dtype = case.element, case.dtype
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
