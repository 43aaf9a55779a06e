"""Fixed-width strings (``S``, ``U``, ``V``) and times (``M8``, ``m8``) against NumPy as the oracle.

Files are written by NumPy, and expected headers, values, Python types and bytes come from NumPy.
For datetime64/timedelta64, npymmap gives int counts of the file's unit where NumPy's ``tolist()``
may give ``datetime`` objects, so those are compared with NumPy's ``view('<i8')`` (same byte order).
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
    apply_same_writes,
    LAYOUT_IDS,
    LAYOUTS,
    VERSION_IDS,
    VERSIONS,
    assert_same,
    assign_like_numpy,
    file_bytes,
    numpy_header,
    numpy_load,
    sample_indices,
    view_values,
    write_with_numpy,
)

import npymmap

NAT = -(2**63)

# (id, element, NumPy dtype string): the element from npymmap's factories, the dtype from NumPy's
# own spelling, so neither is derived from the other.
CASES: list[tuple[str, npymmap.Element[Any], str]] = [
    ("S1", npymmap.bytes_(1), "|S1"),
    ("S5", npymmap.bytes_(5), "|S5"),
    ("V4", npymmap.void(4), "|V4"),
    ("V16", npymmap.void(16), "|V16"),
]
for _order, _tag in (("<", "le"), (">", "be")):
    CASES += [
        (f"U1-{_tag}", npymmap.str_(1).newbyteorder(_order), f"{_order}U1"),
        (f"U7-{_tag}", npymmap.str_(7).newbyteorder(_order), f"{_order}U7"),
        (f"M8[ns]-{_tag}", npymmap.datetime64("ns").newbyteorder(_order), f"{_order}M8[ns]"),
        (f"M8[D]-{_tag}", npymmap.datetime64("D").newbyteorder(_order), f"{_order}M8[D]"),
        (f"M8[10s]-{_tag}", npymmap.datetime64("10s").newbyteorder(_order), f"{_order}M8[10s]"),
        (f"M8-{_tag}", npymmap.datetime64().newbyteorder(_order), f"{_order}M8"),
        (f"M8[as]-{_tag}", npymmap.datetime64("as").newbyteorder(_order), f"{_order}M8[as]"),
        (f"m8[us]-{_tag}", npymmap.timedelta64("us").newbyteorder(_order), f"{_order}m8[us]"),
        (f"m8[Y]-{_tag}", npymmap.timedelta64("Y").newbyteorder(_order), f"{_order}m8[Y]"),
        (f"m8[250ms]-{_tag}", npymmap.timedelta64("250ms").newbyteorder(_order), f"{_order}m8[250ms]"),
        (f"m8-{_tag}", npymmap.timedelta64().newbyteorder(_order), f"{_order}m8"),
    ]
CASE_IDS = [case_id for case_id, _, _ in CASES]
CASE_PARAMS = [(element, descr) for _, element, descr in CASES]

SHAPES: list[tuple[int, ...]] = [(), (0,), (5,), (3, 4), (2, 3, 2)]
SHAPE_IDS = ["0d", "empty1d", "1d", "2d", "3d"]


def is_time(dtype: np.dtype[Any]) -> bool:
    return dtype.kind in "Mm"


def int_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """int64 in the byte order of a time dtype."""
    return np.dtype(dtype.str[0] + "i8")


def unit_of(dtype: np.dtype[Any]) -> str:
    """npymmap's unit string, from NumPy's ``datetime_data``: ``'ns'``, ``'10s'``, ``''`` (generic)."""
    unit, count = np.datetime_data(dtype)
    if unit == "generic":
        return ""
    return unit if count == 1 else f"{count}{unit}"


def pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values covering a dtype's corners: empty and full-width strings, inner and trailing
    NULs, non-ASCII and astral characters; NaT and the int64 extremes for times."""
    if dtype.kind == "S":
        n = dtype.itemsize
        raw_bytes = [b"", b"x", b"abcdefghijklmnop"[:n], b"a\x00b", b"\xff\xfe\x80", b"ab\x00", b"\x00" * (n - 1) + b"z", b"\x00"]
        return [value[:n] for value in raw_bytes]
    if dtype.kind == "U":
        n = dtype.itemsize // 4
        raw_str = [
            "",
            "x",
            ("aé😀日\U0010ffff\uffffZ" * n)[:n],
            "a\0b",
            "é",
            "😀",
            "\0" * (n - 1) + "z",
            "ab\0",
            "\0",
            "\ud7ff\ue000",
        ]
        return [value[:n] for value in raw_str]
    if dtype.kind == "V":
        n = dtype.itemsize
        return [
            b"\x00" * n,
            bytes(range(n)),
            b"\xff" * n,
            b"a" + b"\x00" * (n - 1),
            b"\x00" * (n - 1) + b"b",
            bytes((i * 37 + 11) % 256 for i in range(n)),
        ]
    assert is_time(dtype), dtype
    if not unit_of(dtype):
        return [NAT]  # a generic datetime64/timedelta64 holds only NaT
    return [NAT, NAT + 1, 2**63 - 1, 0, -1, 1, 1_700_000_000, -86_400]


def values(dtype: np.dtype[Any], count: int, offset: int = 0) -> list[Any]:
    items = pool(dtype)
    return [items[(i + offset) % len(items)] for i in range(count)]


def make_array(dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool, offset: int = 0) -> npt.NDArray[Any]:
    items = values(dtype, math.prod(shape), offset)
    if is_time(dtype):
        arr = np.array(items, dtype=int_dtype(dtype)).view(dtype).reshape(shape)
    else:
        arr = np.array(items, dtype=dtype).reshape(shape)
    assert arr.dtype == dtype
    return arr.copy(order="F") if fortran else arr


def oracle(arr: Any) -> Any:
    """What npymmap's values are compared with: the array itself, or its int64 view for times."""
    return arr.view(int_dtype(arr.dtype)) if is_time(arr.dtype) else arr


def write_file(npy_dir: Path, arr: npt.NDArray[Any], fortran: bool = False, version: tuple[int, int] | None = None) -> str:
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, version)
    return path


# ---------------------------------------------------------------------------------------------
# 1. NumPy writes, npymmap reads.


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_numpy_written_file_reads_back_identically(
    npy_dir: Path,
    element: npymmap.Element[Any],
    descr: str,
    fortran: bool,
    shape: tuple[int, ...],
    version: tuple[int, int],
) -> None:
    dtype = np.dtype(descr)
    arr = make_array(dtype, shape, fortran)
    expected = oracle(arr)
    path = write_file(npy_dir, arr, fortran, version)
    np_version, np_shape, np_fortran, np_descr, np_offset = numpy_header(path)
    assert (np_version, np_shape, np_fortran, np_descr) == (version, shape, fortran, dtype.str)

    header = npymmap.read_header(path)
    assert header.version == np_version
    assert header.shape == np_shape
    assert header.fortran_order is np_fortran
    assert header.descr == np_descr
    assert header.data_offset == np_offset

    for mode in ("r", "r+", "c") if version == (1, 0) else ("r",):  # the modes read alike
        with npymmap.open(path, mode=mode) as a:
            assert a.mode == mode
            assert a.shape == arr.shape
            assert a.size == arr.size
            assert a.nbytes == arr.nbytes
            assert a.descr == np_descr
            assert a.element is element
            assert a.fortran_order is fortran
            assert_same(a.tolist(), expected.tolist())
            assert a.tobytes() == arr.tobytes()
            for index in sample_indices(shape):
                assert_same(a[index], expected[index].item(), str(index))
            if len(shape) == 1:
                assert_same(list(a), expected.tolist())
            if len(shape) >= 2:
                assert_same([row.tolist() for row in a.rows()], [row.tolist() for row in expected])
                assert_same(a.T.tolist(), expected.T.tolist())
                assert a.T.tobytes() == arr.T.tobytes()
            as_numpy = np.asarray(a)
            assert as_numpy.dtype == dtype
            assert as_numpy.dtype.str == dtype.str
            assert as_numpy.shape == shape
            assert as_numpy.tobytes() == arr.tobytes()
            assert_same(oracle(as_numpy).tolist(), expected.tolist())
            del as_numpy
            if mode != "r":
                continue
            if is_time(dtype) and element.is_native:
                contiguous = a.T if fortran and len(shape) > 1 else a
                view = contiguous.data
                assert view.format.lstrip("@=") in ("q", "l" if struct.calcsize("l") == 8 else "q")
                assert view.itemsize == 8
                assert view.tobytes() == (arr.T if fortran and len(shape) > 1 else arr).tobytes()
                if arr.size:
                    assert_same(view_values(view), (expected.T if fortran and len(shape) > 1 else expected).tolist())
                del view
            else:
                with pytest.raises(TypeError):
                    a.data


@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_element_descr_unit_and_lookup_agree_with_numpy(element: npymmap.Element[Any], descr: str) -> None:
    dtype = np.dtype(descr)
    assert element.descr == dtype.str == descr
    assert element.itemsize == dtype.itemsize
    assert element.kind == dtype.kind
    assert npymmap.lookup(dtype.str) is element
    assert pickle.loads(pickle.dumps(element)) is element
    if dtype.kind in "SV":
        assert element.byteorder == "|"
        assert element.newbyteorder("<") is element.newbyteorder(">") is element
    else:
        assert element.byteorder == dtype.str[0]
        other: Literal["<", ">"] = ">" if dtype.str[0] == "<" else "<"
        assert element.newbyteorder(other).descr == dtype.newbyteorder(other).str
        assert element.newbyteorder(other).newbyteorder(dtype.str[0]) is element
    if is_time(dtype):
        assert element.unit == unit_of(dtype)


def test_factories_build_numpys_descrs() -> None:
    assert npymmap.bytes_(5).descr == np.dtype("S5").str
    assert npymmap.str_(7).descr == np.dtype("U7").str
    assert npymmap.str_(7).newbyteorder(">").descr == np.dtype("U7").newbyteorder(">").str
    assert npymmap.void(16).descr == np.dtype("V16").str
    assert npymmap.datetime64("ns").descr == np.dtype("M8[ns]").str
    assert npymmap.datetime64().descr == np.dtype("M8").str
    assert npymmap.timedelta64("10s").newbyteorder(">").descr == np.dtype(">m8[10s]").str
    assert npymmap.datetime64("ns").unit == "ns"
    assert npymmap.timedelta64("10s").unit == "10s"
    assert npymmap.datetime64().unit == ""
    assert npymmap.lookup("S5") is npymmap.bytes_(5)
    assert npymmap.lookup("U7") is npymmap.str_(7)
    assert npymmap.lookup("M8[ns]") is npymmap.datetime64("ns")
    assert npymmap.lookup("=m8[us]") is npymmap.timedelta64("us")
    assert npymmap.bytes_(3) is npymmap.bytes_(3)
    assert npymmap.bytes_(3) is not npymmap.void(3)
    assert npymmap.datetime64("s") is not npymmap.timedelta64("s")
    for factory, code in ((npymmap.bytes_, "S"), (npymmap.str_, "U"), (npymmap.void, "V")):
        assert factory(0).descr == np.dtype(f"{code}0").str and factory(0).itemsize == 0
        for bad in (-1, 1.0, True):
            with pytest.raises(ValueError):
                factory(bad)  # type: ignore[arg-type]
    with pytest.raises(npymmap.UnsupportedDtypeError):
        npymmap.datetime64("xs")
    with pytest.raises(npymmap.UnsupportedDtypeError):
        npymmap.timedelta64("10")


# ---------------------------------------------------------------------------------------------
# 2. Writes in mode "r+" land in the file; mode "c" leaves it alone.


def write_plan(dtype: np.dtype[Any]) -> list[tuple[Any, Any]]:
    """(key, value) writes on a (3, 4) array: items, a scalar into a row, lists into a column, a
    block and a stepped reversed view."""
    v = values(dtype, 14, offset=3)
    return [
        ((1, 2), v[0]),
        ((-1, -1), v[1]),
        ((0, slice(None)), v[2]),
        ((slice(None), 1), [v[3], v[4], v[5]]),
        ((slice(1, None), slice(2, None)), [[v[6], v[7]], [v[8], v[9]]]),
        ((slice(None, None, -2), slice(None, None, -3)), [[v[10], v[11]], [v[12], v[13]]]),
    ]


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_writes_in_r_plus_mode_are_seen_by_numpy_load(
    npy_dir: Path, element: npymmap.Element[Any], descr: str, fortran: bool
) -> None:
    dtype = np.dtype(descr)
    arr = make_array(dtype, (3, 4), fortran)
    path = write_file(npy_dir, arr, fortran)
    header_before = npymmap.read_header(path)
    ref = arr.copy(order="K")
    ref_target = oracle(ref)
    with npymmap.open(path, element, mode="r+") as a:
        assert a.element is element
        for key, value in write_plan(dtype):
            a[key] = value
            assign_like_numpy(ref_target, key, value)
        # Through a view object with steps, then through a view of that view.
        view, ref_view = a[::2, ::-3], ref_target[::2, ::-3]
        v = values(dtype, 4, offset=1)
        view[1, 0] = v[0]
        ref_view[1, 0] = v[0]
        view[:, 1] = [v[1], v[2]]
        ref_view[:, 1] = [v[1], v[2]]
        view.T[1, ...] = v[3]
        ref_view.T[1, ...] = v[3]
        assert_same(a.tolist(), ref_target.tolist())
        assert a.tobytes() == ref.tobytes()
        a.flush()
        assert numpy_load(path).tobytes() == ref.tobytes()  # flushed, the map still open
    loaded = numpy_load(path)
    assert loaded.dtype == dtype
    assert loaded.tobytes() == ref.tobytes()
    assert_same(oracle(loaded).tolist(), ref_target.tolist())
    assert npymmap.read_header(path) == header_before


@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_writes_to_a_3d_array_through_stepped_views_match_numpy(npy_dir: Path, element: npymmap.Element[Any], descr: str) -> None:
    dtype = np.dtype(descr)
    for fortran in LAYOUTS:
        arr = make_array(dtype, (2, 3, 2), fortran)
        path = str(npy_dir / f"data{int(fortran)}.npy")
        write_with_numpy(path, arr, fortran, None)
        ref = arr.copy(order="K")
        ref_target = oracle(ref)
        v = values(dtype, 8, offset=5)
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
            assert_same(a.tolist(), ref_target.tolist())
        assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_copy_on_write_mode_shows_writes_but_leaves_the_file_untouched(
    npy_dir: Path, element: npymmap.Element[Any], descr: str, fortran: bool
) -> None:
    dtype = np.dtype(descr)
    arr = make_array(dtype, (3, 4), fortran)
    path = write_file(npy_dir, arr, fortran)
    original = file_bytes(path)
    ref = arr.copy(order="K")
    ref_target = oracle(ref)
    with npymmap.open(path, element, mode="c") as a:
        assert a.mode == "c"
        for key, value in write_plan(dtype):
            a[key] = value
            assign_like_numpy(ref_target, key, value)
        assert_same(a.tolist(), ref_target.tolist())
        assert a.tobytes() == ref.tobytes()
        a.flush()
        assert file_bytes(path) == original
    assert file_bytes(path) == original
    assert numpy_load(path).tobytes() == arr.tobytes()


def test_scalar_bytes_fills_every_item_of_an_s_array(npy_dir: Path) -> None:
    arr = make_array(np.dtype("S5"), (2, 3), False)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, npymmap.bytes_(5), mode="r+") as a:
        a[:] = b"x"
        ref[:] = b"x"
        assert a.tolist() == ref.tolist() == [[b"x"] * 3] * 2
        a[1, :] = bytearray(b"ab\x00c")
        ref[1, :] = b"ab\x00c"
        a[0, ::2] = memoryview(b"12345")
        ref[0, ::2] = b"12345"
        assert_same(a.tolist(), ref.tolist())
    assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_a_list_of_str_sets_items_and_a_str_fills_a_u_array(npy_dir: Path, order: str) -> None:
    dtype = np.dtype(f"{order}U3")
    arr = make_array(dtype, (2,), False)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, npymmap.str_(3), mode="r+") as a:
        a[:] = ["a", "bc"]
        ref[:] = ["a", "bc"]
        assert_same(a.tolist(), ["a", "bc"])
        assert a.tobytes() == ref.tobytes()
        a[:] = "😀é"
        ref[:] = "😀é"
        assert_same(a.tolist(), ["😀é", "😀é"])
    assert numpy_load(path).tobytes() == ref.tobytes()


def test_void_scalar_fill_and_list(npy_dir: Path) -> None:
    arr = make_array(np.dtype("V4"), (4,), False)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, npymmap.void(4), mode="r+") as a:
        a[:] = b"\x00\x01\x00\x00"
        ref[:] = b"\x00\x01\x00\x00"
        a[1::2] = [b"abcd", b"\xff\x00\x00\x00"]
        ref[1::2] = [b"abcd", b"\xff\x00\x00\x00"]
        assert_same(a.tolist(), ref.tolist())
    assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize("descr", ["|S5", "<U4", ">U4", "|V4"])
def test_assigning_a_numpy_array_of_the_same_dtype_fills_a_view_like_numpy(npy_dir: Path, descr: str) -> None:
    """A NumPy S/U/V array is a buffer: assigning it to a view copies its items, as NumPy does."""
    dtype = np.dtype(descr)
    arr = make_array(dtype, (2, 3), False)
    path = write_file(npy_dir, arr)
    source = make_array(dtype, (3,), False, offset=2)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        a[1, :] = source
        ref[1, :] = source
        assert_same(a.tolist(), ref.tolist())
    assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_asarray_of_stepped_views_matches_numpys_views(npy_dir: Path, element: npymmap.Element[Any], descr: str) -> None:
    dtype = np.dtype(descr)
    arr = make_array(dtype, (3, 4), True)
    path = write_file(npy_dir, arr, True)
    with npymmap.open(path, element) as a:
        keys: list[Any] = [(slice(None, None, -1), slice(1, None, 2)), (1, slice(None)), (slice(None), -1)]
        for key in keys:
            got = np.asarray(a[key])
            want = arr[key]
            assert got.dtype == want.dtype
            assert got.shape == want.shape
            assert got.tobytes() == want.tobytes()
            assert_same(a[key].tolist(), oracle(want).tolist())
            del got


# ---------------------------------------------------------------------------------------------
# 3. create() against open_memmap(..., "w+").


def same_writes(target: Any, dtype: np.dtype[Any], shape: tuple[int, ...], numpy_side: bool) -> None:
    """``target`` is npymmap's array, or NumPy's memmap (its int64 view for times)."""
    scalar, corner = values(dtype, 2, offset=5)
    apply_same_writes(target, oracle(make_array(dtype, shape, False, offset=2)), scalar, corner, numpy_side)


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("element", "descr"), CASE_PARAMS, ids=CASE_IDS)
def test_create_matches_open_memmap_byte_for_byte(
    npy_dir: Path,
    element: npymmap.Element[Any],
    descr: str,
    fortran: bool,
    shape: tuple[int, ...],
    version: tuple[int, int],
) -> None:
    dtype = np.dtype(descr)
    ours, theirs = str(npy_dir / "ours.npy"), str(npy_dir / "theirs.npy")
    a = npymmap.create(ours, element, shape, fortran_order=fortran, version=version)
    mapped: Any = np.lib.format.open_memmap(
        theirs, mode="w+", dtype=dtype, shape=shape, fortran_order=fortran, version=version
    )
    assert a.mode == "w+"
    assert (a.shape, a.descr, a.fortran_order, a.element) == (shape, dtype.str, fortran, element)
    assert_same(a.tolist(), oracle(np.zeros(shape, dtype)).tolist())  # zero-filled
    assert file_bytes(ours) == file_bytes(theirs)  # before any write: header and zeros
    same_writes(a, dtype, shape, numpy_side=False)
    same_writes(oracle(mapped), dtype, shape, numpy_side=True)
    a.flush()
    mapped.flush()
    expected = oracle(np.array(mapped)).tolist()
    assert_same(a.tolist(), expected)
    a.close()
    del mapped
    assert file_bytes(ours) == file_bytes(theirs)
    loaded = numpy_load(ours)
    assert loaded.dtype == dtype
    assert loaded.shape == shape
    assert_same(oracle(loaded).tolist(), expected)


# ---------------------------------------------------------------------------------------------
# 4. Values npymmap refuses, and files holding what no str can.


def assert_refused(a: Any, key: Any, value: Any, error: type[Exception], path: str) -> None:
    """``a[key] = value`` raises ``error`` and changes neither the array nor the file.

    (A list holds the bad value among the view's current values, so that storing the good ones
    before the error, which npymmap allows, changes nothing either.)"""
    before, file_before = a.tobytes(), file_bytes(path)
    with pytest.raises(error):
        a[key] = value
    assert a.tobytes() == before, f"{value!r} into {key!r} changed the array"
    a.flush()
    assert file_bytes(path) == file_before, f"{value!r} into {key!r} changed the file"


def with_bad(a: Any, key: Any, at: int, value: Any) -> list[Any]:
    """The current items of the 1-d view ``a[key]`` with item ``at`` replaced by ``value``."""
    items: list[Any] = a[key].tolist()
    items[at] = value
    return items


def test_too_long_bytes_raise_value_error_where_numpy_truncates(npy_dir: Path) -> None:
    arr = make_array(np.dtype("S5"), (4,), False)
    path = write_file(npy_dir, arr)
    truncating = arr.copy()
    truncating[1] = b"abcdef"
    assert truncating[1] == b"abcde"  # NumPy cuts silently; npymmap refuses
    with npymmap.open(path, npymmap.bytes_(5), mode="r+") as a:
        for key in (1, -1, (2,)):
            assert_refused(a, key, b"abcdef", ValueError, path)
            assert_refused(a, key, bytearray(b"\x00" * 6), ValueError, path)
        assert_refused(a, slice(None), b"abcdef", ValueError, path)
        assert_refused(a, slice(None), with_bad(a, slice(None), 3, b"toolong"), ValueError, path)
        assert_refused(a, slice(1, 3), with_bad(a, slice(1, 3), 0, b"toolong"), ValueError, path)
        assert_refused(a, slice(None, None, -2), with_bad(a, slice(None, None, -2), 1, b"toolong"), ValueError, path)
        a[1] = b"abcde"  # exactly the width fits
        assert a[1] == b"abcde"
    assert numpy_load(path)[1] == b"abcde"


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_too_long_str_raises_value_error(npy_dir: Path, order: str) -> None:
    arr = make_array(np.dtype(f"{order}U5"), (4,), False)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, npymmap.str_(5), mode="r+") as a:
        for key in (0, -2):
            assert_refused(a, key, "abcdef", ValueError, path)
            assert_refused(a, key, "😀" * 6, ValueError, path)
        assert_refused(a, slice(None), "abcdef", ValueError, path)
        assert_refused(a, slice(None), with_bad(a, slice(None), 2, "abcdefg"), ValueError, path)
        assert_refused(a, slice(None, None, 3), with_bad(a, slice(None, None, 3), 1, "abcdefg"), ValueError, path)
        a[2] = "😀" * 5  # five characters: twenty bytes, exactly the width
        ref[2] = "😀" * 5
        assert a[2] == "😀" * 5
        assert a.tobytes() == ref.tobytes()
    assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_lone_surrogates_are_stored_and_read_as_numpy_does(npy_dir: Path, order: str) -> None:
    """NumPy stores a lone surrogate as its code point and reads it back into a ``str``."""
    arr = make_array(np.dtype(f"{order}U3"), (3,), False)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        for value in ("\ud800", "a\udfff", "\udbff\udbff"):
            a[1] = value
            ref[1] = value
            a[::2] = [value, value[::-1]]
            ref[::2] = [value, value[::-1]]
            assert a.tobytes() == ref.tobytes()
            assert a.tolist() == ref.tolist() and a[1] == ref[1] == value
    loaded = numpy_load(path)
    with npymmap.open(path) as reread:
        assert reread.tolist() == loaded.tolist()


def test_void_of_the_wrong_length_raises_value_error(npy_dir: Path) -> None:
    arr = make_array(np.dtype("V4"), (3,), False)
    path = write_file(npy_dir, arr)
    with npymmap.open(path, npymmap.void(4), mode="r+") as a:
        for value in (b"", b"abc", b"abcde", bytearray(8)):
            assert_refused(a, 1, value, ValueError, path)
            assert_refused(a, slice(None), value, ValueError, path)
        assert_refused(a, slice(None), with_bad(a, slice(None), 1, b"ab"), ValueError, path)
        assert_refused(a, slice(None, None, 2), with_bad(a, slice(None, None, 2), 1, b"abcde"), ValueError, path)


@pytest.mark.parametrize(
    ("descr", "bad_values"),
    [
        ("|S5", ["abc", "", 1, 1.5, None, ["a"]]),
        ("<U5", [b"abc", b"", bytearray(b"a"), 1, None]),
        (">U5", [b"abc", 7, None]),
        ("|V4", ["abcd", 1, None, 1.5]),
        ("<M8[ns]", ["2020-01-01", 1.5, b"x", None, complex(1, 0)]),
        (">M8[ns]", ["2020-01-01", 1.5, b"x", None]),
        ("<m8[s]", ["1", 2.0, None]),
        (">m8[s]", ["1", 2.0, None]),
    ],
)
def test_values_of_the_wrong_type_raise_type_error(npy_dir: Path, descr: str, bad_values: list[Any]) -> None:
    arr = make_array(np.dtype(descr), (3,), False)
    path = write_file(npy_dir, arr)
    with npymmap.open(path, mode="r+") as a:
        for value in bad_values:
            assert_refused(a, 1, value, TypeError, path)
            if not isinstance(value, list):
                assert_refused(a, slice(None), value, TypeError, path)
                assert_refused(a, slice(None), with_bad(a, slice(None), 1, value), TypeError, path)
                assert_refused(a, slice(None, None, 2), with_bad(a, slice(None, None, 2), 1, value), TypeError, path)


@pytest.mark.parametrize("descr", ["<M8[ns]", ">M8[ns]", "<m8[us]", ">m8[us]"])
def test_times_out_of_int64_range_raise_overflow_error(npy_dir: Path, descr: str) -> None:
    arr = make_array(np.dtype(descr), (3,), False)
    path = write_file(npy_dir, arr)
    with npymmap.open(path, mode="r+") as a:
        for value in (2**63, NAT - 1, 2**64, -(2**64)):
            for key in (0, 1, 2):
                assert_refused(a, key, value, OverflowError, path)
            assert_refused(a, slice(None), with_bad(a, slice(None), 1, value), OverflowError, path)
        a[0] = NAT
        a[1] = 2**63 - 1
        assert a.tolist()[:2] == [NAT, 2**63 - 1]
    loaded = numpy_load(path)
    assert np.isnat(loaded[0])
    assert oracle(loaded)[1] == 2**63 - 1


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
@pytest.mark.parametrize("code_point", [0x110000, 0xFFFFFFFF], ids=["0x110000", "0xffffffff"])
def test_invalid_code_point_in_a_u_file_is_a_format_error_naming_the_file_on_read_of_that_item(
    npy_dir: Path, order: str, code_point: int
) -> None:
    dtype = np.dtype(f"{order}U3")
    arr = np.array(["ab", "cde", "f"], dtype=dtype)
    path = write_file(npy_dir, arr)
    offset = numpy_header(path)[4]
    with open(path, "r+b") as file:  # item 1, character 1
        file.seek(offset + dtype.itemsize + 4)
        file.write(struct.pack(f"{order}I", code_point))
    raw = file_bytes(path)[offset:]
    for mode in ("r", "r+", "c"):
        with npymmap.open(path, mode=mode) as a:
            assert a[0] == "ab"
            assert a[2] == "f"
            assert a.tobytes() == raw
            for read in (lambda: a[1], a.tolist, lambda: list(a)):
                with pytest.raises(npymmap.NpyFormatError, match="not a Unicode character") as raised:
                    read()
                assert raised.value.path == path and str(raised.value).startswith(f"{path}: ")


def test_invalid_code_point_in_a_records_u_field_is_a_format_error_naming_the_file(npy_dir: Path) -> None:
    dtype = np.dtype([("id", "<i4"), ("name", "<U2")])
    arr = np.array([(1, "ab"), (2, "cd")], dtype=dtype)
    path = write_file(npy_dir, arr)
    offset = numpy_header(path)[4]
    with open(path, "r+b") as file:  # record 1, field "name", character 0
        file.seek(offset + dtype.itemsize + 4)
        file.write(struct.pack("<I", 0x110000))
    with npymmap.open(path) as a:
        assert a[0:1].tolist() == [(1, "ab")]
        with pytest.raises(npymmap.NpyFormatError, match="not a Unicode character") as raised:
            a.tolist()
        assert raised.value.path == path


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_view_skipping_an_invalid_code_point_reads_its_own_items(npy_dir: Path, order: str) -> None:
    """Only a read of the bad item fails: a view that leaves it out reads like any other."""
    dtype = np.dtype(f"{order}U3")
    arr = np.array(["ab", "cde", "f"], dtype=dtype)
    path = write_file(npy_dir, arr)
    offset = numpy_header(path)[4]
    with open(path, "r+b") as file:
        file.seek(offset + dtype.itemsize)
        file.write(struct.pack(f"{order}I", 0x110000))
    with npymmap.open(path) as a:
        assert list(a[::2]) == ["ab", "f"]
        assert a[::2].tolist() == ["ab", "f"]
        assert a[::-2].tolist() == ["f", "ab"]


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_invalid_code_point_can_be_overwritten(npy_dir: Path, order: str) -> None:
    dtype = np.dtype(f"{order}U2")
    arr = np.array(["ab", "cd"], dtype=dtype)
    path = write_file(npy_dir, arr)
    offset = numpy_header(path)[4]
    with open(path, "r+b") as file:
        file.seek(offset)
        file.write(struct.pack(f"{order}I", 0x110000))
    with npymmap.open(path, mode="r+") as a:
        with pytest.raises(ValueError):
            a[0]
        a[0] = "xy"
        assert a.tolist() == ["xy", "cd"]
    assert numpy_load(path).tolist() == ["xy", "cd"]


# ---------------------------------------------------------------------------------------------
# 5. open() with an element: either byte order of the same element, nothing else.


@pytest.mark.parametrize(
    ("file_descr", "asked"),
    [
        ("<U5", npymmap.str_(5)),
        (">U5", npymmap.str_(5)),
        ("<U5", npymmap.str_(5).newbyteorder(">")),
        ("|S5", npymmap.bytes_(5)),
        ("|V5", npymmap.void(5)),
        ("<M8[us]", npymmap.datetime64("us")),
        (">M8[us]", npymmap.datetime64("us")),
        ("<m8[10s]", npymmap.timedelta64("10s").newbyteorder(">")),
        ("<M8", npymmap.datetime64()),
    ],
)
def test_open_with_the_same_element_in_either_byte_order_works(
    npy_dir: Path, file_descr: str, asked: npymmap.Element[Any]
) -> None:
    dtype = np.dtype(file_descr)
    arr = make_array(dtype, (2, 3), False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    for mode in ("r", "r+", "c"):
        with npymmap.open(path, asked, mode=mode) as a:
            assert a.descr == dtype.str
            assert a.element is npymmap.lookup(dtype.str)
            assert a.element is (asked if dtype.kind in "SV" else asked.newbyteorder(dtype.str[0]))
            assert_same(a.tolist(), oracle(arr).tolist())
            assert a.tobytes() == arr.tobytes()


# ---------------------------------------------------------------------------------------------
# 6. Descrs npymmap does not know.


@pytest.mark.parametrize(
    "descr", ["<M8[xs]", "<m8[10]", "<M8[]", "<M8[0s]", "<m8[ns", "<M4[ns]", "<U-1", "<Sx", "|S\u00b2", "|V" + "9" * 11]
)
def test_unknown_descrs_are_refused(npy_dir: Path, descr: str) -> None:
    with pytest.raises(npymmap.UnsupportedDtypeError):
        npymmap.lookup(descr)
    path = str(npy_dir / "data.npy")
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, {"descr": descr, "fortran_order": False, "shape": (2,)})
        file.write(b"\x00" * 64)
    for mode in ("r", "r+", "c"):
        with pytest.raises(npymmap.UnsupportedDtypeError):
            npymmap.open(path, mode=mode)
