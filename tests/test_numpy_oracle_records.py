"""Structured (record) dtypes: their own corners, against NumPy as the oracle.

What every element family shares (reading back with items, descrs and ``numpy.asarray``, create)
runs over the records family of ``oracle_families.py`` in ``test_numpy_oracle.py`` and
``test_numpy_oracle_create.py``. This module holds what only records do: writes through items
and Structures, refused record values, ``record(MyStruct)``, refused descrs and corners found by
probing. Files are written by NumPy and expected headers, values, Python types and bytes come from
NumPy. Two documented differences are bridged by ``RECORDS``, never by npymmap itself:

* NumPy's ``tolist()`` gives sub-array fields as ``ndarray``; npymmap gives nested lists, so NumPy's
  output goes through ``RECORDS.expected`` (``ndarray`` -> ``.tolist()``, recursively inside tuples).
* datetime64/timedelta64 fields are int counts in npymmap, so NumPy's values come from a view of the
  array with every time field replaced by int64 of the same byte order (``RECORDS.oracle``).

Items (``a[i]``) are ctypes Structures; their attributes are read back through ``item_fields``,
which only undoes what ctypes itself does (arrays -> lists, ``c_char`` arrays cut at the first NUL,
``U`` fields as arrays of code points, complex as two floats).
"""

from __future__ import annotations

import ctypes
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import (
    assert_bytes,
    assert_same,
    assert_write_refused,
    at,
    field_dtype,
    file_bytes,
    named_fields,
    numpy_header,
    numpy_load,
    plain,
    sample_indices,
)
from oracle_families import (
    LAYOUT_IDS,
    LAYOUTS,
    RECORDS,
    Case,
    assert_create_matches_open_memmap,
    assert_refused_items,
    check_item,
    item_fields,
    items_refused,
    record_value,
    swapped_signed,
)

import npymmap
from npymmap._base import PYPY

NATIVE = "<" if sys.byteorder == "little" else ">"
CASE_IDS = [case.id for case in RECORDS.cases]


def descr(described: Any) -> Any:
    """``.descr`` of an npymmap array or element: NumPy's list for a record (npymmap's annotations
    say ``str``, which mypy would hold every comparison with a list to)."""
    return described.descr


def record_bytes(dtype: np.dtype[Any], value: Any) -> bytes:
    """NumPy's bytes of one record holding ``value``."""
    one = np.zeros((), dtype)
    RECORDS.oracle(one)[()] = value
    return one.tobytes()


def first_scalar_field(dtype: np.dtype[Any]) -> tuple[str, Any]:
    """A named top-level field with a plain scalar type, and a new value for it."""
    for name in named_fields(dtype):
        field = field_dtype(dtype, name)
        if field.subdtype is None and field.names is None and field.kind in "biufMm":
            new = {"b": True, "i": -3, "u": 7, "f": 2.5, "M": 123_456, "m": -654}[field.kind]
            return name, new
    raise AssertionError(f"no scalar field in {dtype}")


# ---------------------------------------------------------------------------------------------
# 1. Writes: "r+" lands in the file, "c" leaves it alone, items are live views or copies.

WRITE_SHAPES: list[tuple[tuple[int, ...], bool]] = [((), False), ((4,), False), ((2, 3), False), ((2, 3), True)]
WRITE_SHAPE_IDS = ["0d", "1d", "2d-C", "2d-F"]


def write_plan(dtype: np.dtype[Any], shape: tuple[int, ...]) -> list[tuple[Any, Any, bool]]:
    """(key, value, as a Structure) writes: tuples into items, a Structure into an item, lists of
    tuples into plain, stepped and reversed views."""
    v = [record_value(dtype, 100 + 11 * k) for k in range(12)]
    if not shape:
        return [((), v[0], False), ((), v[1], True)]
    if len(shape) == 1:
        return [
            (1, v[0], False),
            (-1, v[1], True),
            (slice(None, None, 2), [v[2], v[3]], False),
            (slice(1, 3), [v[4], v[5]], False),
            (slice(None, None, -3), [v[6], v[7]], False),
        ]
    return [
        ((1, 2), v[0], False),
        ((-1, 0), v[1], True),
        ((0, slice(None)), [v[2], v[3], v[4]], False),
        ((slice(None), 1), [v[5], v[6]], False),
        ((slice(None, None, -1), slice(None, None, 2)), [[v[7], v[8]], [v[9], v[10]]], False),
        ((0, Ellipsis), [v[11], v[0], v[1]], False),
    ]


def apply_writes(a: Any, ref: Any, dtype: np.dtype[Any], shape: tuple[int, ...]) -> None:
    """The same writes to npymmap's array ``a`` and NumPy's ``ref``."""
    ref_target = RECORDS.oracle(ref)
    refused = items_refused(dtype)
    for key, value, as_structure in write_plan(dtype, shape):
        if as_structure and refused:  # no Structure class to build one: the record's bytes instead
            assert_refused_items(lambda: a[key])
            a[key] = record_bytes(dtype, value)
        elif as_structure:
            item_class = type(a[key])
            a[key] = item_class.from_buffer_copy(record_bytes(dtype, value))
        else:
            a[key] = value
        ref_target[key] = value
    if shape:  # an attribute of a live item, then an element of a sub-array field
        index = (-1,) * len(shape)
        name, new = first_scalar_field(dtype)
        ref_target[name][index] = new
        has_v = "v" in named_fields(dtype)
        if has_v:
            ref_target["v"][index + (1,)] = -77
        if refused:  # no live item: the same record through a tuple
            assert_refused_items(lambda: a[index])
            a[index] = plain(ref_target[index].item())
            return
        item = a[index]
        setattr(item, name, new)
        if has_v:
            item.v[1] = -77
        del item


@pytest.mark.parametrize(("shape", "fortran"), WRITE_SHAPES, ids=WRITE_SHAPE_IDS)
@pytest.mark.parametrize("case", RECORDS.cases, ids=CASE_IDS)
def test_writes_in_r_plus_mode_are_seen_by_numpy(npy_dir: Path, case: Case, shape: tuple[int, ...], fortran: bool) -> None:
    dtype = case.dtype
    arr = RECORDS.make_array(dtype, shape, fortran)
    path = RECORDS.write_file(npy_dir, arr, fortran)
    header_before = npymmap.read_header(path)
    ref = arr.copy(order="K")
    with npymmap.open(path, mode="r+") as a:
        apply_writes(a, ref, dtype, shape)
        assert_same(a.tolist(), RECORDS.expected(ref))
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a.flush()
        assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)
    loaded = numpy_load(path)
    assert loaded.dtype == dtype
    assert_bytes(loaded.tobytes(), ref.tobytes(), dtype)
    assert_same(RECORDS.expected(loaded), RECORDS.expected(ref))
    assert npymmap.read_header(path) == header_before


@pytest.mark.parametrize(("shape", "fortran"), WRITE_SHAPES, ids=WRITE_SHAPE_IDS)
@pytest.mark.parametrize("case", RECORDS.cases, ids=CASE_IDS)
def test_copy_on_write_shows_writes_but_leaves_the_file_untouched(
    npy_dir: Path, case: Case, shape: tuple[int, ...], fortran: bool
) -> None:
    dtype = case.dtype
    arr = RECORDS.make_array(dtype, shape, fortran)
    path = RECORDS.write_file(npy_dir, arr, fortran)
    original = file_bytes(path)
    ref = arr.copy(order="K")
    with npymmap.open(path, mode="c") as a:
        apply_writes(a, ref, dtype, shape)
        assert_same(a.tolist(), RECORDS.expected(ref))
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a.flush()
        assert file_bytes(path) == original
    assert file_bytes(path) == original


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_items_are_live_views_in_writable_modes_and_copies_in_read_mode(npy_dir: Path, order: str) -> None:
    dtype = np.dtype([("a", order + "i4"), ("b", order + "f8"), ("v", order + "u2", (2,))])
    arr = RECORDS.make_array(dtype, (3,), False)
    path = RECORDS.write_file(npy_dir, arr)
    original = file_bytes(path)
    if items_refused(dtype):  # PyPy: no items in any mode; the same writes through tuples
        check_refused_live_items(path, arr, dtype, original)
        return

    with npymmap.open(path) as a:  # "r": a copy; changing it changes nothing else
        item = a[1]
        assert isinstance(item, ctypes.Structure)
        item.a = 99
        item.v[0] = 5
        assert (item.a, item.v[0]) == (99, 5)
        assert a[1].a == int(arr[1]["a"])
        assert_bytes(a.tobytes(), arr.tobytes(), dtype)
        del item
    assert file_bytes(path) == original

    with npymmap.open(path, mode="c") as c:  # "c": live in the map, never in the file
        item = c[1]
        item.a = -5
        item.b = 0.25
        item.v[1] = 65535
        assert c[1].a == -5
        assert c.tolist()[1] == (-5, 0.25, [int(arr[1]["v"][0]), 65535])
        other = c[1]  # two items of one record share its memory
        other.a = 6
        assert item.a == 6
        del item, other
    assert file_bytes(path) == original

    ref = arr.copy()
    with npymmap.open(path, mode="r+") as w:
        item = w[-1]
        item.a = 123
        item.b = -1.5
        item.v[1] = 9
        ref[-1]["a"], ref[-1]["b"] = 123, -1.5
        ref["v"][-1, 1] = 9
        assert_bytes(w.tobytes(), ref.tobytes(), dtype)
        del item
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


def check_refused_live_items(path: str, arr: Any, dtype: np.dtype[Any], original: bytes) -> None:
    """``test_items_are_live_views...`` where items are refused: each mode refuses them, and the
    writes made through items there go in as tuples."""
    with npymmap.open(path) as a:
        assert_refused_items(lambda: a[1])
        assert_bytes(a.tobytes(), arr.tobytes(), dtype)
    assert file_bytes(path) == original

    with npymmap.open(path, mode="c") as c:
        assert_refused_items(lambda: c[1])
        c[1] = (-5, 0.25, [int(arr[1]["v"][0]), 65535])
        assert c.tolist()[1] == (-5, 0.25, [int(arr[1]["v"][0]), 65535])
    assert file_bytes(path) == original

    ref = arr.copy()
    with npymmap.open(path, mode="r+") as w:
        assert_refused_items(lambda: w[-1])
        w[-1] = (123, -1.5, [int(arr[-1]["v"][0]), 9])
        ref[-1]["a"], ref[-1]["b"] = 123, -1.5
        ref["v"][-1, 1] = 9
        assert_bytes(w.tobytes(), ref.tobytes(), dtype)
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


# ---------------------------------------------------------------------------------------------
# 2. Refused writes change nothing.


def test_bad_record_values_are_refused_all_or_nothing(npy_dir: Path) -> None:
    dtype = np.dtype([("i", "<i4"), ("s", "S3"), ("v", "<f8", (2,)), ("n", [("x", "<u2"), ("y", "?")])])
    arr = RECORDS.make_array(dtype, (4,), False)
    path = RECORDS.write_file(npy_dir, arr)
    good = (1, b"ab", [1.0, 2.0], (3, True))
    bad: list[tuple[Any, Any]] = [
        ((1, b"ab", [1.0, 2.0]), ValueError),  # too few values
        ((1, b"ab", [1.0, 2.0], (3, True), 5), ValueError),  # too many
        (("x", b"ab", [1.0, 2.0], (3, True)), TypeError),  # str into an int field
        ((1, "ab", [1.0, 2.0], (3, True)), TypeError),  # str into an S field
        ((1, b"abcd", [1.0, 2.0], (3, True)), ValueError),  # too long for S3
        ((1, b"ab", [1.0, 2.0, 3.0], (3, True)), ValueError),  # sub-array of the wrong shape
        ((1, b"ab", 1.0, (3, True)), ValueError),  # a scalar for a sub-array
        ((1, b"ab", [1.0, 2.0], 3), TypeError),  # a scalar for a nested record
        ((1, b"ab", [1.0, 2.0], (3,)), TypeError),  # a nested record one value short
        ((2**40, b"ab", [1.0, 2.0], (3, True)), (TypeError, OverflowError)),  # out of int32's range
        ((1, b"ab", [1.0, 2.0], (-1, True)), (TypeError, OverflowError)),  # negative into u2
        (5, TypeError),  # not a record
        (None, TypeError),
        (ctypes.c_int32(5), ValueError),  # a buffer of the wrong size
        (b"\x00" * 3, ValueError),
    ]
    with npymmap.open(path, mode="r+") as a:
        for value, error in bad:
            for key in (1, -1, (2,)):
                assert_write_refused(a, key, value, error, path)
            assert_write_refused(a, slice(None), [good, good, value, good], error, path)
            assert_write_refused(a, slice(None, None, -2), [good, value], error, path)
        assert_write_refused(a, slice(None), [good, good, good], ValueError, path)  # wrong count
        a[2] = good  # and a good value still goes in
    ref = arr.copy()
    ref[2] = good
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


# ---------------------------------------------------------------------------------------------
# 3. Unicode field names: format version 3.0.


def test_unicode_field_names_need_version_3_and_round_trip(npy_dir: Path) -> None:
    dtype = np.dtype([("naïve", "<i4"), ("温度", "<f8"), ("😀", "S2")])
    arr = RECORDS.make_array(dtype, (3,), False)
    path = str(npy_dir / "data.npy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.save(path, arr)
    assert npymmap.read_header(path).version == (3, 0)
    with npymmap.open(path, mode="r+") as a:
        assert descr(a) == dtype.descr
        assert_same(a.tolist(), RECORDS.expected(arr))
        if PYPY:  # PyPy's ctypes takes only ASCII field names: no Structure, so no items
            with pytest.raises(npymmap.UnsupportedDtypeError, match="non-ascii field name"):
                a[1]
            a[1] = (-9,) + a.tolist()[1][1:]
        else:
            assert getattr(a[1], "温度") == arr[1]["温度"]
            setattr(a[1], "naïve", -9)
    ref = arr.copy()
    ref[1]["naïve"] = -9
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)
    assert_create_matches_open_memmap(npy_dir, RECORDS, npymmap.lookup(dtype.descr), dtype, (2,), False, None)


# ---------------------------------------------------------------------------------------------
# 4. record(MyStruct): your own ctypes Structure as the element.


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


class Inner(ctypes.Structure):
    _fields_ = [("x", ctypes.c_uint8), ("y", ctypes.c_int32)]


class Mixed(ctypes.Structure):
    """Natural alignment: NumPy's ``align=True`` layout, gaps as padding."""

    _fields_ = [
        ("a", ctypes.c_uint8),
        ("n", Inner),
        ("v", ctypes.c_double * 3),
        ("m", (ctypes.c_int16 * 3) * 2),
        ("s", ctypes.c_char * 5),
        ("flag", ctypes.c_bool),
        ("c", ctypes.c_char),
        ("q", ctypes.c_int64),
        ("pts", Inner * 2),
        ("f", ctypes.c_float),
    ]


class Packed(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("a", ctypes.c_uint8), ("b", ctypes.c_int32), ("c", ctypes.c_double), ("d", ctypes.c_uint16)]


class Big(ctypes.BigEndianStructure):
    _fields_ = [("a", ctypes.c_int32), ("b", ctypes.c_double), ("u", ctypes.c_uint16 * 2), ("k", ctypes.c_int8)]


class Little(ctypes.LittleEndianStructure):
    _fields_ = [("a", ctypes.c_int16), ("b", ctypes.c_float), ("u", ctypes.c_uint64)]


def _n(code: str) -> str:
    return NATIVE + code


_INNER = np.dtype([("x", "u1"), ("y", _n("i4"))], align=True)

STRUCTURES: list[tuple[type[ctypes.Structure], np.dtype[Any]]] = [
    (Point, np.dtype([("x", _n("f8")), ("y", _n("f8"))])),
    (
        Mixed,
        np.dtype(
            [
                ("a", "u1"),
                ("n", _INNER),
                ("v", _n("f8"), (3,)),
                ("m", _n("i2"), (2, 3)),
                ("s", "S5"),
                ("flag", "?"),
                ("c", "S1"),
                ("q", _n("i8")),
                ("pts", _INNER, (2,)),
                ("f", _n("f4")),
            ],
            align=True,
        ),
    ),
    (Packed, np.dtype([("a", "u1"), ("b", _n("i4")), ("c", _n("f8")), ("d", _n("u2"))])),
    (Big, np.dtype([("a", ">i4"), ("b", ">f8"), ("u", ">u2", (2,)), ("k", "i1")], align=True)),
    (Little, np.dtype([("a", "<i2"), ("b", "<f4"), ("u", "<u8")], align=True)),
]
STRUCTURE_IDS = [structure.__name__ for structure, _ in STRUCTURES]


@pytest.mark.parametrize(("structure", "dtype"), STRUCTURES, ids=STRUCTURE_IDS)
def test_record_of_a_structure_has_numpys_descr(structure: type[ctypes.Structure], dtype: np.dtype[Any]) -> None:
    element = npymmap.record(structure)
    assert descr(element) == dtype.descr
    assert element.itemsize == dtype.itemsize == ctypes.sizeof(structure)
    assert npymmap.record(structure) == element
    assert descr(npymmap.lookup(dtype.descr)) == element.descr


@pytest.mark.parametrize(("structure", "dtype"), STRUCTURES, ids=STRUCTURE_IDS)
def test_open_with_record_gives_items_of_your_class(npy_dir: Path, structure: type[ctypes.Structure], dtype: np.dtype[Any]) -> None:
    arr = RECORDS.make_array(dtype, (2, 3), True)
    path = RECORDS.write_file(npy_dir, arr, True)
    expected = RECORDS.expected(arr)
    element = npymmap.record(structure)
    for mode in ("r", "c"):
        with npymmap.open(path, element, mode=mode) as a:
            assert descr(a) == dtype.descr
            assert_same(a.tolist(), expected)
            assert_bytes(a.tobytes(), arr.tobytes(), dtype)
            for index in sample_indices((2, 3)):
                item = a[index]
                assert type(item) is structure
                if PYPY and swapped_signed(dtype):  # PyPy's ctypes misreads your class's own signed fields:
                    raw = arr[index].tobytes()  # the item must still hold the record's bytes and read as your class does
                    assert_bytes(bytes(item), raw, dtype)
                    assert item_fields(item, dtype) == item_fields(structure.from_buffer_copy(raw), dtype)
                else:
                    check_item(item, dtype, at(expected, index), arr[index].tobytes(), f"{mode} {index}")
                del item
            assert all(type(item) is structure for item in a[1, ...])
    ref = arr.copy(order="K")
    value = record_value(dtype, 42)
    with npymmap.open(path, element, mode="r+") as w:
        w[0, 1] = structure.from_buffer_copy(record_bytes(dtype, value))
        ref[0, 1] = value
        w[1, 2] = record_value(dtype, 43)
        ref[1, 2] = record_value(dtype, 43)
        live = w[1, 0]
        assert type(live) is structure
        name, new = first_scalar_field(dtype)
        setattr(live, name, new)
        ref[name][1, 0] = new
        assert_bytes(w.tobytes(), ref.tobytes(), dtype)
        del live
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("structure", "dtype"), STRUCTURES, ids=STRUCTURE_IDS)
def test_create_with_record_matches_open_memmap(
    npy_dir: Path, structure: type[ctypes.Structure], dtype: np.dtype[Any], fortran: bool
) -> None:
    assert_create_matches_open_memmap(npy_dir, RECORDS, npymmap.record(structure), dtype, (2, 3), fortran, None)
    with npymmap.open(str(npy_dir / "ours.npy"), npymmap.record(structure)) as a:
        assert type(a[1, 1]) is structure


def test_point_items_and_writes(npy_dir: Path) -> None:
    path = str(npy_dir / "points.npy")
    with npymmap.create(path, npymmap.record(Point), (3,)) as a:
        a[0] = Point(1.5, -2.0)
        a[1] = (3.0, 4.0)  # type: ignore[call-overload]  # the item overload takes only Point: a typing gap
        a[2].y = 8.0
        first = a[0]
        assert type(first) is Point
        assert (first.x, first.y) == (1.5, -2.0)
        assert a.tolist() == [(1.5, -2.0), (3.0, 4.0), (0.0, 8.0)]
        del first
    loaded = numpy_load(path)
    assert loaded.dtype == np.dtype([("x", _n("f8")), ("y", _n("f8"))])
    assert loaded.tolist() == [(1.5, -2.0), (3.0, 4.0), (0.0, 8.0)]


MISMATCHES: list[tuple[str, type[ctypes.Structure], Any]] = [
    ("packed-file-aligned-struct", Mixed, np.dtype([(name, field_dtype(STRUCTURES[1][1], name)) for name in named_fields(STRUCTURES[1][1])])),
    ("aligned-file-packed-struct", Packed, np.dtype([("a", "u1"), ("b", _n("i4")), ("c", _n("f8")), ("d", _n("u2"))], align=True)),
    ("renamed", Point, np.dtype([("x", _n("f8")), ("z", _n("f8"))])),
    ("other-type", Point, np.dtype([("x", _n("f8")), ("y", _n("f4"))])),
    ("other-order", Point, np.dtype([("x", ">f8" if NATIVE == "<" else "<f8"), ("y", ">f8" if NATIVE == "<" else "<f8")])),
    ("extra-field", Point, np.dtype([("x", _n("f8")), ("y", _n("f8")), ("z", _n("f8"))])),
    ("swapped-fields", Point, np.dtype([("y", _n("f8")), ("x", _n("f8"))])),
    ("big-vs-native", Big, np.dtype([("a", _n("i4")), ("b", _n("f8")), ("u", _n("u2"), (2,)), ("k", "i1")], align=True)),
    ("plain-file", Point, np.dtype(_n("f8"))),
    ("void-file", Point, np.dtype("V16")),
]


@pytest.mark.parametrize(("structure", "file_dtype"), [(s, d) for _, s, d in MISMATCHES], ids=[m[0] for m in MISMATCHES])
def test_open_with_a_record_of_another_layout_raises_dtype_mismatch(
    npy_dir: Path, structure: type[ctypes.Structure], file_dtype: np.dtype[Any]
) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(3, file_dtype))
    for mode in ("r", "r+", "c"):
        with pytest.raises(npymmap.DtypeMismatchError):
            npymmap.open(path, npymmap.record(structure), mode=mode)


def test_record_files_refuse_plain_elements_and_other_records(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(3, [("x", "<f8"), ("y", "<f8")]))
    for element in (npymmap.float64, npymmap.void(16), npymmap.lookup([("x", "<f8"), ("y", "<f4")])):
        with pytest.raises(npymmap.DtypeMismatchError):
            npymmap.open(path, element)
    with npymmap.open(path, npymmap.lookup([("x", "<f8"), ("y", "<f8")])) as a:
        assert a.tolist() == [(0.0, 0.0)] * 3


def test_record_inherits_the_fields_of_a_base_structure(npy_dir: Path) -> None:
    """A Structure subclass lays out its base class's fields first; they are fields, not padding."""

    class Base(ctypes.Structure):
        _fields_ = [("a", ctypes.c_int32)]

    class Derived(Base):
        _fields_ = [("b", ctypes.c_double)]

    dtype = np.dtype([("a", _n("i4")), ("b", _n("f8"))], align=True)
    assert ctypes.sizeof(Derived) == dtype.itemsize
    assert descr(npymmap.record(Derived)) == dtype.descr
    path = str(npy_dir / "data.npy")
    np.save(path, np.array([(1, 2.5)], dtype))
    with npymmap.open(path, npymmap.record(Derived)) as a:
        assert a.tolist() == [(1, 2.5)]
        assert (a[0].a, a[0].b) == (1, 2.5)


class _Pointer(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int32), ("ptr", ctypes.c_void_p)]


class _Bits(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int32), ("bits", ctypes.c_uint32, 3)]


class _LongDouble(ctypes.Structure):
    _fields_ = [("ld", ctypes.c_longdouble)]


class _Wide(ctypes.Structure):
    _fields_ = [("w", ctypes.c_wchar)]


class _Text(ctypes.Structure):
    _fields_ = [("txt", ctypes.c_char_p)]


class _NestedPointer(ctypes.Structure):
    _fields_ = [("ok", ctypes.c_int8), ("inner", _Pointer)]


class _Empty(ctypes.Structure):
    _fields_ = list[tuple[str, Any]]()


class _NoFields(ctypes.Structure):
    pass


class _AUnion(ctypes.Union):
    _fields_ = [("a", ctypes.c_int32), ("b", ctypes.c_float)]


@pytest.mark.parametrize(
    ("structure", "field"),
    [(_Pointer, "ptr"), (_Bits, "bits"), (_LongDouble, "ld"), (_Wide, "w"), (_Text, "txt"), (_NestedPointer, "ptr"), (_Empty, None), (_NoFields, None)],
    ids=["pointer", "bit-field", "long-double", "wchar", "char-p", "nested-pointer", "empty", "no-fields"],
)
def test_record_refuses_structures_with_no_numpy_form(structure: type[ctypes.Structure], field: str | None) -> None:
    with pytest.raises(npymmap.UnsupportedDtypeError) as raised:
        npymmap.record(structure)
    if field is not None:
        assert repr(field) in str(raised.value)


@pytest.mark.parametrize("bad", [int, ctypes.c_int32, _AUnion, Point(1.0, 2.0), "Point", None, ctypes.Structure])
def test_record_takes_only_structure_subclasses(bad: Any) -> None:
    with pytest.raises(TypeError):
        npymmap.record(bad)


# ---------------------------------------------------------------------------------------------
# 5. Descrs npymmap refuses: mixed byte orders, object fields, empty records, naming the field.

REFUSED: list[tuple[str, list[Any], str | None]] = [
    ("mixed", [("a", "<i4"), ("b", ">i4")], "b"),
    ("mixed-float", [("a", ">f8"), ("b", "|u1"), ("c", "<f4")], "c"),
    ("mixed-nested", [("a", "<i4"), ("n", [("x", ">i2")])], "n"),
    ("mixed-subarray", [("a", "<i4"), ("v", ">u2", (3,))], "v"),
    ("mixed-time", [("t", "<M8[ns]"), ("u", ">U2")], "u"),
    ("object", [("a", "<i4"), ("obj", "|O")], "obj"),
    ("object-nested", [("a", "<i4"), ("n", [("x", "<i4"), ("o", "|O")])], "n"),
    ("object-subarray", [("o", "|O", (2,))], "o"),
    ("empty", [], None),
    ("empty-nested", [("a", "<i4"), ("e", [])], "e"),
]


@pytest.mark.parametrize(("descr", "field"), [(d, f) for _, d, f in REFUSED], ids=[r[0] for r in REFUSED])
def test_unsupported_records_are_refused_naming_the_field(npy_dir: Path, descr: list[Any], field: str | None) -> None:
    with pytest.raises(npymmap.UnsupportedDtypeError) as raised:
        npymmap.lookup(descr)
    if field is not None:
        assert repr(field) in str(raised.value), str(raised.value)
    itemsize = np.lib.format.descr_to_dtype(descr).itemsize
    path = str(npy_dir / "data.npy")
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, {"descr": descr, "fortran_order": False, "shape": (2,)})
        file.write(b"\x00" * 2 * itemsize)
    for mode in ("r", "r+", "c"):
        with pytest.raises(npymmap.UnsupportedDtypeError) as raised:
            npymmap.open(path, mode=mode)
        if field is not None:
            assert repr(field) in str(raised.value), str(raised.value)


def test_mixed_byte_orders_from_numpy_itself_are_refused(npy_dir: Path) -> None:
    dtype = np.dtype([("a", "<i4"), ("b", ">f8")])
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(2, dtype))
    with pytest.raises(npymmap.UnsupportedDtypeError) as raised:
        npymmap.open(path)
    assert "'b'" in str(raised.value)
    with pytest.raises(npymmap.UnsupportedDtypeError):
        npymmap.create(str(npy_dir / "new.npy"), npymmap.lookup(dtype.descr), (2,))
    assert not (npy_dir / "new.npy").exists()


# ---------------------------------------------------------------------------------------------
# 6. Corners found by probing (each test names what NumPy does).


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_float16_fields_read_and_write_like_any_other(npy_dir: Path, order: str) -> None:
    """A record with a float16 field opens and ``tolist()`` works; items and item writes must too
    (ctypes has no float16, but the record is not refused, so its items may not fail either)."""
    dtype = np.dtype([("h", order + "f2"), ("i", order + "i8")])
    arr = np.array([(1.5, 7), (-0.25, -8), (65504.0, 9)], dtype)
    path = RECORDS.write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        assert_same(a.tolist(), arr.tolist())
        assert_bytes(a.tobytes(), arr.tobytes(), dtype)
        a[1:] = [(2.0, 1), (0.5, 2)]
        ref[1:] = [(2.0, 1), (0.5, 2)]
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a[0] = (3.0, 4)  # a one-item write needs no ctypes type
        ref[0] = (3.0, 4)
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        if items_refused(dtype):
            assert_refused_items(lambda: a[2])
            assert_refused_items(lambda: list(a))
        else:
            item = a[2]
            assert isinstance(item, ctypes.Structure)
            assert item.i == 2
            assert_bytes(bytes(item), ref[2].tobytes(), dtype)
            assert len(list(a)) == 3
            del item
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


@pytest.mark.parametrize("fill", ["tuple", "structure"])
def test_one_record_fills_a_view_like_numpy(npy_dir: Path, fill: str) -> None:
    """``a[view] = record`` broadcasts the record to every item of the view, as in NumPy (and as
    a scalar fills a view of any other element)."""
    dtype = np.dtype([("a", "<i4"), ("b", "<f8")])
    arr = RECORDS.make_array(dtype, (4,), False)
    path = RECORDS.write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        value: Any = (7, 2.5) if fill == "tuple" else type(a[0]).from_buffer_copy(record_bytes(dtype, (7, 2.5)))
        a[1:3] = value
        ref[1:3] = (7, 2.5)
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a[::3] = value
        ref[::3] = (7, 2.5)
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


def test_unnamed_void_sub_array_is_padding_as_in_numpy(npy_dir: Path) -> None:
    """``np.lib.format`` reads every unnamed void field, shaped or not, as padding."""
    descr: list[Any] = [("a", "<i4"), ("", "|V4", (2,))]
    path = str(npy_dir / "data.npy")
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, {"descr": descr, "fortran_order": False, "shape": (2,)})
        file.write(bytes(range(1, 25)))
    loaded = numpy_load(path)
    assert loaded.dtype.names == ("a",)
    with npymmap.open(path) as a:
        assert a.element.itemsize == loaded.dtype.itemsize
        assert_same(a.tolist(), loaded.tolist())


def test_padding_is_not_part_of_the_tuples_and_is_zeroed_by_record_writes(npy_dir: Path) -> None:
    dtype = np.dtype([("a", "u1"), ("b", "<i8")], align=True)
    assert dtype.descr == [("a", "|u1"), ("", "|V7"), ("b", "<i8")]
    arr = np.zeros(2, dtype)
    arr[:] = [(1, -2), (3, 4)]
    path = RECORDS.write_file(npy_dir, arr)
    offset = numpy_header(path)[4]
    with open(path, "r+b") as file:  # padding of both records holds junk
        file.seek(offset + 1)
        file.write(b"\xaa" * 7)
        file.seek(offset + 17)
        file.write(b"\xbb" * 7)
    with npymmap.open(path, mode="r+") as a:
        assert a.tolist() == [(1, -2), (3, 4)] == numpy_load(path).tolist()
        assert item_fields(a[1], dtype) == (3, 4)
        a[0] = (5, 6)
        with pytest.raises(ValueError):
            a[1] = (5, b"\x00" * 7, 6)  # padding takes no value
    raw = file_bytes(path)[offset:]
    assert raw[1:8] == b"\x00" * 7  # a tuple store writes the whole record, zero padding
    assert raw[17:24] == b"\xbb" * 7  # the refused store wrote nothing
    ref = arr.copy()
    ref[0] = (5, 6)
    assert_bytes(raw, ref.tobytes(), dtype)


@pytest.mark.parametrize("field_shape", [(0,), (2, 0), (0, 3), (1, 2, 0)], ids=["0", "2x0", "0x3", "1x2x0"])
def test_empty_sub_array_fields_read_and_write_like_numpy(npy_dir: Path, field_shape: tuple[int, ...]) -> None:
    dtype = np.dtype([("a", "<i4"), ("z", "<f8", field_shape), ("b", "<u2")])
    arr = np.zeros(3, dtype)
    arr["a"], arr["b"] = [1, -2, 3], [4, 5, 6]
    path = RECORDS.write_file(npy_dir, arr)
    expected = RECORDS.expected(arr)
    empty = plain(np.zeros(field_shape).tolist())
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        assert a.element.itemsize == dtype.itemsize
        assert_same(a.tolist(), expected)
        assert_same(a[1:].tolist(), expected[1:])
        a[0] = (9, empty, 8)
        ref[0] = (9, np.zeros(field_shape), 8)
        a[1:] = [(7, empty, 6), (5, empty, 4)]
        ref[1:] = [(7, np.zeros(field_shape), 6), (5, np.zeros(field_shape), 4)]
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
    assert numpy_load(path).tobytes() == ref.tobytes()
