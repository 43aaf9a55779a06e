"""Structured (record) dtypes against NumPy as the oracle.

Files are written by NumPy (``write_array`` / ``open_memmap``) and expected headers, values, Python
types and bytes come from NumPy. Two documented differences are bridged by the helpers here, never
by npymmap itself:

* NumPy's ``tolist()`` gives sub-array fields as ``ndarray``; npymmap gives nested lists, so NumPy's
  output goes through :func:`plain` (``ndarray`` -> ``.tolist()``, recursively inside tuples).
* datetime64/timedelta64 fields are int counts in npymmap, so NumPy's values come from a view of the
  array with every time field replaced by int64 of the same byte order (:func:`int_view_dtype`).

Items (``a[i]``) are ctypes Structures; their attributes are read back through :func:`item_fields`,
which only undoes what ctypes itself does (arrays -> lists, ``c_char`` arrays cut at the first NUL,
``U`` fields as arrays of code points, complex as two floats).
"""

from __future__ import annotations

import ctypes
import math
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import numpy.typing as npt
import pytest
from conftest import (
    LAYOUT_IDS,
    LAYOUTS,
    VERSION_IDS,
    VERSIONS,
    assert_same,
    field_dtype,
    file_bytes,
    has_time,
    int_view_dtype,
    named_fields,
    numpy_header,
    numpy_load,
    plain,
    sample_indices,
    value_pool,
    write_with_numpy,
)

import npymmap
from npymmap._base import PYPY

NAT = -(2**63)
NATIVE = "<" if sys.byteorder == "little" else ">"


# ---------------------------------------------------------------------------------------------
# The dtype catalogue: every case in both byte orders (every multi-byte field in that order).


def catalogue(o: str) -> list[tuple[str, np.dtype[Any]]]:
    inner_aligned = np.dtype([("x", "u1"), ("y", o + "i8")], align=True)
    return [
        ("two", np.dtype([("a", o + "i4"), ("b", o + "f8")])),
        (
            "numeric",
            np.dtype(
                [
                    ("flag", "?"),
                    ("i1", "i1"),
                    ("i2", o + "i2"),
                    ("i4", o + "i4"),
                    ("i8", o + "i8"),
                    ("u1", "u1"),
                    ("u2", o + "u2"),
                    ("u4", o + "u4"),
                    ("u8", o + "u8"),
                    ("f4", o + "f4"),
                    ("f8", o + "f8"),
                    ("c8", o + "c8"),
                    ("c16", o + "c16"),
                ]
            ),
        ),
        (
            "nested",
            np.dtype(
                [
                    ("id", o + "i2"),
                    ("pos", [("x", o + "f4"), ("inner", [("k", o + "u2"), ("on", "?")]), ("y", o + "f8")]),
                    ("tail", "i1"),
                ]
            ),
        ),
        (
            "subarray",
            np.dtype(
                [
                    ("k", o + "u2"),
                    ("v", o + "i4", (3,)),
                    ("m", o + "f8", (2, 2)),
                    ("pts", [("x", o + "i2"), ("y", o + "i2")], (2,)),
                    ("z", o + "c8", (2,)),
                ]
            ),
        ),
        ("text", np.dtype([("s", "S5"), ("u", o + "U3"), ("ok", "?"), ("raw", "V3"), ("ss", "S2", (2,))])),
        ("complex", np.dtype([("c", o + "c8"), ("z", o + "c16"), ("r", o + "f4")])),
        ("time", np.dtype([("t", o + "M8[ns]"), ("d", o + "m8[s]"), ("day", o + "M8[D]"), ("n", o + "i4")])),
        ("titles", np.dtype({"names": ["a", "b"], "formats": [o + "i4", o + "f8"], "titles": ["Alpha", "Beta"]})),
        (
            "titles-padded",  # a title beside an untitled field, a gap between them and a padded tail
            np.dtype({"names": ["a", "b"], "formats": ["u1", o + "f8"], "titles": ["Alpha", None], "offsets": [0, 8], "itemsize": 24}),
        ),
        (
            "aligned",
            np.dtype(
                [("a", "u1"), ("b", o + "i4"), ("c", o + "f8"), ("d", "u1"), ("n", inner_aligned), ("e", o + "i2")],
                align=True,
            ),
        ),
    ]


CASES: list[tuple[str, np.dtype[Any]]] = [
    (f"{name}-{tag}", dtype) for o, tag in (("<", "le"), (">", "be")) for name, dtype in catalogue(o)
]
CASE_IDS = [case_id for case_id, _ in CASES]
DTYPES = [dtype for _, dtype in CASES]

SHAPES: list[tuple[int, ...]] = [(), (0,), (4,), (2, 3)]
SHAPE_IDS = ["0d", "empty", "1d", "2d"]


# ---------------------------------------------------------------------------------------------
# Helpers: values, NumPy's side of the comparison, and what ctypes items show.


def descr(described: Any) -> Any:
    """``.descr`` of an npymmap array or element: NumPy's list for a record (npymmap's annotations
    say ``str``, which mypy would hold every comparison with a list to)."""
    return described.descr


def oracle(arr: Any) -> Any:
    """What npymmap's values are compared with: ``arr`` itself, or its view with int times."""
    return arr.view(int_view_dtype(arr.dtype)) if has_time(arr.dtype) else arr


def expected_list(arr: Any) -> Any:
    return plain(oracle(arr).tolist())


def assert_values(got: Any, expected: Any, where: str = "") -> None:
    """``assert_same`` that also walks tuples (records), so NaN equals NaN inside them."""
    if isinstance(expected, tuple):
        here = where or "top"
        assert type(got) is tuple, f"at {here}: {got!r} ({type(got).__name__}) is not a tuple like {expected!r}"
        assert len(got) == len(expected), f"at {here}: {len(got)} fields vs {len(expected)}: {got!r} vs {expected!r}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_values(g, e, f"{where}.{i}")
    elif isinstance(expected, list):
        here = where or "top"
        assert type(got) is list, f"at {here}: {got!r} ({type(got).__name__}) is not a list"
        assert len(got) == len(expected), f"at {here}: length {len(got)} vs {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_values(g, e, f"{where}[{i}]")
    else:
        assert_same(got, expected, where)


def scalar_pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values for one non-record, non-sub-array field dtype (times as int counts)."""
    kind = dtype.kind
    if kind in "biufc":
        return value_pool(dtype.newbyteorder("="))
    if kind == "S":
        n = dtype.itemsize
        return [v[:n] for v in (b"abcde", b"", b"x", b"a\x00b", b"\xff\xfe\x80", b"ab\x00", b"\x00z")]
    if kind == "U":
        n = dtype.itemsize // 4
        return [v[:n] for v in ("aé😀", "", "x", "a\0b", "\U0010ffffZ", "日本", "\0z")]
    if kind == "V":
        n = dtype.itemsize
        return [bytes(range(1, n + 1)), b"\x00" * n, b"\xff" * n, bytes((i * 37 + 11) % 256 for i in range(n))]
    assert kind in "Mm", dtype
    return [NAT, 1_700_000_000, -1, 2**63 - 1, 0, NAT + 1, -86_400, 1]


def nest(items: list[Any], shape: tuple[int, ...]) -> list[Any]:
    for size in reversed(shape[1:]):
        items = [items[i : i + size] for i in range(0, len(items), size)]
    return items


def make_value(dtype: np.dtype[Any], seed: int) -> Any:
    """One Python value of ``dtype`` (tuples for records, nested lists for sub-arrays), picked
    from the pools by ``seed`` so that neighbouring records and fields differ."""
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype
        return nest([make_value(base, seed * 5 + e + 1) for e in range(math.prod(shape))], shape)
    if dtype.names is not None:
        return tuple(make_value(field_dtype(dtype, name), seed * 3 + j) for j, name in enumerate(named_fields(dtype)))
    pool = scalar_pool(dtype)
    return pool[seed % len(pool)]


def make_array(dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool, seed: int = 0) -> npt.NDArray[Any]:
    """Records of pool values (padding left zero), laid out in C or Fortran order."""
    size = math.prod(shape)
    flat = np.zeros(size, dtype)
    target = oracle(flat)
    for k in range(size):
        target[k] = make_value(dtype, seed + 7 * k)
    arr = flat.reshape(shape)
    return arr.copy(order="F") if fortran else arr


def record_bytes(dtype: np.dtype[Any], value: Any) -> bytes:
    """NumPy's bytes of one record holding ``value``."""
    one = np.zeros((), dtype)
    oracle(one)[()] = value
    return one.tobytes()


def write_file(npy_dir: Path, arr: npt.NDArray[Any], fortran: bool = False, version: tuple[int, int] | None = None) -> str:
    path = str(npy_dir / "data.npy")
    write_with_numpy(path, arr, fortran, version)
    return path


def at(nested: Any, index: tuple[int, ...]) -> Any:
    for i in index:
        nested = nested[i]
    return nested


def ctypes_value(value: Any, dtype: np.dtype[Any]) -> Any:
    """A field of a ctypes item as a Python value comparable with npymmap's/NumPy's tuples."""
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype

        def walk(part: Any, depth: int) -> Any:
            if depth == len(shape):
                return ctypes_value(part, base)
            assert isinstance(part, ctypes.Array), f"a sub-array field level is {type(part).__name__}"
            assert len(part) == shape[depth]
            return [walk(p, depth + 1) for p in part]

        return walk(value, 0)
    if dtype.names is not None:
        assert isinstance(value, ctypes.Structure), f"a nested record field is {type(value).__name__}"
        return item_fields(value, dtype)
    kind = dtype.kind
    if kind == "b":
        assert type(value) in (bool, int) and value in (0, 1), repr(value)
        return bool(value)
    if kind in "iuMm":
        assert type(value) is int, repr(value)
        return value
    if kind == "f":
        assert type(value) is float, repr(value)
        return value
    if kind == "c":
        assert isinstance(value, ctypes.Array) and len(value) == 2, repr(value)
        return complex(value[0], value[1])
    if kind == "U":
        assert isinstance(value, ctypes.Array), repr(value)
        return "".join(chr(c) for c in value).rstrip("\0")
    assert kind in "SV", dtype
    if isinstance(value, ctypes.Array):  # a c_char array inside a sub-array: its .value, as an attribute shows
        value = value.value
    assert type(value) is bytes, repr(value)
    return value.split(b"\0", 1)[0]  # a c_char field shows its NUL, a c_char array stops there


def item_fields(item: Any, dtype: np.dtype[Any]) -> tuple[Any, ...]:
    """The named fields of a ctypes item, read by attribute, in the dtype's order."""
    return tuple(ctypes_value(getattr(item, name), field_dtype(dtype, name)) for name in named_fields(dtype))


def as_ctypes_shows(value: Any, dtype: np.dtype[Any]) -> Any:
    """``value`` (npymmap's form) as a ctypes attribute shows it: a ``c_char`` array's value
    stops at its first NUL (ctypes' own rule, for ``S`` and named ``V`` fields)."""
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype

        def walk(part: Any, depth: int) -> Any:
            return as_ctypes_shows(part, base) if depth == len(shape) else [walk(p, depth + 1) for p in part]

        return walk(value, 0)
    if dtype.names is not None:
        return tuple(as_ctypes_shows(v, field_dtype(dtype, name)) for v, name in zip(value, named_fields(dtype)))
    if dtype.kind in "SV":
        return value.split(b"\0", 1)[0]
    return value


def padding_mask(dtype: np.dtype[Any]) -> bytes:
    """One record's bytes: 0xff where a named field lies (at any depth), 0x00 for padding."""
    mask = bytearray(dtype.itemsize)

    def mark(dt: np.dtype[Any], offset: int) -> None:
        if dt.subdtype is not None:
            base, shape = dt.subdtype
            for e in range(math.prod(shape)):
                mark(base, offset + e * base.itemsize)
        elif dt.names is not None:
            fields: Any = dt.fields
            for name in named_fields(dt):
                mark(fields[name][0], offset + fields[name][1])
        else:
            mask[offset : offset + dt.itemsize] = b"\xff" * dt.itemsize

    mark(dtype, 0)
    return bytes(mask)


def assert_bytes(got: bytes, want: bytes, dtype: np.dtype[Any], where: str = "") -> None:
    """Equal record bytes, padding aside: NumPy copies structured arrays field by field, so the
    padding of its copies (``copy(order="F")``, ``tobytes()`` of a strided view) is whatever
    memory held, and a tuple store leaves it alone where npymmap zeroes it."""
    assert len(got) == len(want), f"{where}: {len(got)} bytes vs {len(want)}"
    mask = padding_mask(dtype)
    if mask.count(0) and got != want:
        size = len(mask)
        whole = mask * (len(got) // size) if size else b""
        got = bytes(g & m for g, m in zip(got, whole))
        want = bytes(w & m for w, m in zip(want, whole))
    assert got == want, where


def leaf_dtypes(dtype: np.dtype[Any]) -> list[np.dtype[Any]]:
    """The plain field dtypes of ``dtype`` at any depth (sub-arrays give their base)."""
    if dtype.subdtype is not None:
        return leaf_dtypes(dtype.subdtype[0])
    if dtype.names is not None:
        return [leaf for name in named_fields(dtype) for leaf in leaf_dtypes(field_dtype(dtype, name))]
    return [dtype]


def swapped_signed(dtype: np.dtype[Any]) -> bool:
    """A byte-swapped record with a multi-byte signed integer or time field at any depth: what
    PyPy's ctypes reads as unsigned."""
    leaves = leaf_dtypes(dtype)
    return any(not leaf.isnative for leaf in leaves) and any(leaf.kind in "iMm" and leaf.itemsize > 1 for leaf in leaves)


def items_refused(dtype: np.dtype[Any]) -> bool:
    """Whether npymmap refuses the items (ctypes Structures it builds) of ``dtype`` here: on PyPy,
    for :func:`swapped_signed` records, with UnsupportedDtypeError (``tolist()`` stays right)."""
    return PYPY and swapped_signed(dtype)


def assert_refused_items(get: Callable[[], Any]) -> None:
    with pytest.raises(npymmap.UnsupportedDtypeError, match="PyPy's ctypes"):
        get()


def check_item(item: Any, dtype: np.dtype[Any], expected: Any, raw: bytes, where: str) -> None:
    assert isinstance(item, ctypes.Structure), f"{where}: item is {type(item).__name__}"
    assert ctypes.sizeof(item) == dtype.itemsize
    assert_bytes(bytes(item), raw, dtype, where)
    assert_values(item_fields(item, dtype), as_ctypes_shows(expected, dtype), where)


def first_scalar_field(dtype: np.dtype[Any]) -> tuple[str, Any]:
    """A named top-level field with a plain scalar type, and a new value for it."""
    for name in named_fields(dtype):
        field = field_dtype(dtype, name)
        if field.subdtype is None and field.names is None and field.kind in "biufMm":
            new = {"b": True, "i": -3, "u": 7, "f": 2.5, "M": 123_456, "m": -654}[field.kind]
            return name, new
    raise AssertionError(f"no scalar field in {dtype}")


# ---------------------------------------------------------------------------------------------
# 1. NumPy writes, npymmap reads: descr, values, Python types, items, bytes.


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_numpy_written_records_read_back_identically(
    npy_dir: Path, dtype: np.dtype[Any], fortran: bool, shape: tuple[int, ...], version: tuple[int, int]
) -> None:
    arr = make_array(dtype, shape, fortran)
    expected = expected_list(arr)
    path = write_file(npy_dir, arr, fortran, version)
    np_version, np_shape, np_fortran, np_descr, np_offset = numpy_header(path)
    assert (np_version, np_shape, np_fortran) == (version, shape, fortran)
    assert np_descr == dtype.descr

    header = npymmap.read_header(path)
    assert header.descr == np_descr
    assert header.data_offset == np_offset

    for mode in ("r", "r+", "c") if version == (1, 0) else ("r",):
        with npymmap.open(path, mode=mode) as a:
            assert a.shape == shape
            assert a.size == arr.size
            assert a.nbytes == arr.nbytes
            assert descr(a) == np_descr
            assert descr(a.element) == np_descr
            assert a.element.itemsize == dtype.itemsize
            assert a.element == npymmap.lookup(dtype.descr)
            assert a.fortran_order is fortran
            assert_values(a.tolist(), expected)
            assert_bytes(a.tobytes(), arr.tobytes(), dtype)
            in_file_order = a.T if fortran and len(shape) > 1 else a
            assert in_file_order.tobytes() == file_bytes(path)[np_offset:]  # exactly, padding too
            for index in sample_indices(shape):
                if items_refused(dtype):
                    assert_refused_items(lambda: a[index])
                    continue
                item = a[index]
                check_item(item, dtype, at(expected, index), arr[index].tobytes(), f"{mode} {index}")
                del item
            if len(shape) == 1:
                if items_refused(dtype) and shape[0]:
                    assert_refused_items(lambda: list(a))
                else:
                    items = list(a)
                    assert_bytes(b"".join(bytes(item) for item in items), arr.tobytes(), dtype)
                    del items
                assert_values(a[::-2].tolist(), expected_list(arr[::-2]))
                assert_bytes(a[::-2].tobytes(), arr[::-2].tobytes(), dtype)
            if len(shape) == 2:
                assert_values(a.T.tolist(), expected_list(arr.T))
                assert_bytes(a.T.tobytes(), arr.T.tobytes(), dtype)
                assert_values(a[:, 1].tolist(), expected_list(arr[:, 1]))
                assert_values(a[::-1, ::2].tolist(), expected_list(arr[::-1, ::2]))
                assert_bytes(a[::-1, ::2].tobytes(), arr[::-1, ::2].tobytes(), dtype)
                assert_values([row.tolist() for row in a.rows()], [expected_list(row) for row in arr])


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_asarray_gives_numpys_dtype_and_bytes(npy_dir: Path, dtype: np.dtype[Any], fortran: bool) -> None:
    """``numpy.asarray`` through ``__array_interface__`` gives the file's dtype (every named field,
    titles kept, padding as padding) and bytes."""
    arr = make_array(dtype, (2, 3), fortran)
    path = write_file(npy_dir, arr, fortran)
    loaded = numpy_load(path)
    with npymmap.open(path) as a:
        for key in (Ellipsis, (slice(None, None, -1), slice(1, None)), (1, slice(None))):
            got = np.asarray(a[key])
            want = loaded[key]
            assert got.shape == want.shape
            assert got.dtype.itemsize == want.dtype.itemsize
            assert_bytes(got.tobytes(), want.tobytes(), dtype)
            assert got.dtype == want.dtype, f"{got.dtype} vs {want.dtype}"
            assert got.dtype.names == want.dtype.names
            assert got.dtype.descr == want.dtype.descr  # padding stays padding, at NumPy's offsets
            assert_values(expected_list(got), expected_list(want))
            del got


# ---------------------------------------------------------------------------------------------
# 2. Writes: "r+" lands in the file, "c" leaves it alone, items are live views or copies.

WRITE_SHAPES: list[tuple[tuple[int, ...], bool]] = [((), False), ((4,), False), ((2, 3), False), ((2, 3), True)]
WRITE_SHAPE_IDS = ["0d", "1d", "2d-C", "2d-F"]


def write_plan(dtype: np.dtype[Any], shape: tuple[int, ...]) -> list[tuple[Any, Any, bool]]:
    """(key, value, as a Structure) writes: tuples into items, a Structure into an item, lists of
    tuples into plain, stepped and reversed views."""
    v = [make_value(dtype, 100 + 11 * k) for k in range(12)]
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
    ref_target = oracle(ref)
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
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_writes_in_r_plus_mode_are_seen_by_numpy(npy_dir: Path, dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool) -> None:
    arr = make_array(dtype, shape, fortran)
    path = write_file(npy_dir, arr, fortran)
    header_before = npymmap.read_header(path)
    ref = arr.copy(order="K")
    with npymmap.open(path, mode="r+") as a:
        apply_writes(a, ref, dtype, shape)
        assert_values(a.tolist(), expected_list(ref))
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a.flush()
        assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)
    loaded = numpy_load(path)
    assert loaded.dtype == dtype
    assert_bytes(loaded.tobytes(), ref.tobytes(), dtype)
    assert_values(expected_list(loaded), expected_list(ref))
    assert npymmap.read_header(path) == header_before


@pytest.mark.parametrize(("shape", "fortran"), WRITE_SHAPES, ids=WRITE_SHAPE_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_copy_on_write_shows_writes_but_leaves_the_file_untouched(
    npy_dir: Path, dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool
) -> None:
    arr = make_array(dtype, shape, fortran)
    path = write_file(npy_dir, arr, fortran)
    original = file_bytes(path)
    ref = arr.copy(order="K")
    with npymmap.open(path, mode="c") as a:
        apply_writes(a, ref, dtype, shape)
        assert_values(a.tolist(), expected_list(ref))
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
        a.flush()
        assert file_bytes(path) == original
    assert file_bytes(path) == original


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_items_are_live_views_in_writable_modes_and_copies_in_read_mode(npy_dir: Path, order: str) -> None:
    dtype = np.dtype([("a", order + "i4"), ("b", order + "f8"), ("v", order + "u2", (2,))])
    arr = make_array(dtype, (3,), False)
    path = write_file(npy_dir, arr)
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
# 3. Refused writes change nothing.


def assert_refused(a: Any, key: Any, value: Any, errors: Any, path: str) -> None:
    before, file_before = a.tobytes(), file_bytes(path)
    with pytest.raises(errors):
        a[key] = value
    assert a.tobytes() == before, f"{value!r:.80} into {key!r} changed the array"
    a.flush()
    assert file_bytes(path) == file_before, f"{value!r:.80} into {key!r} changed the file"


def test_bad_record_values_are_refused_all_or_nothing(npy_dir: Path) -> None:
    dtype = np.dtype([("i", "<i4"), ("s", "S3"), ("v", "<f8", (2,)), ("n", [("x", "<u2"), ("y", "?")])])
    arr = make_array(dtype, (4,), False)
    path = write_file(npy_dir, arr)
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
                assert_refused(a, key, value, error, path)
            assert_refused(a, slice(None), [good, good, value, good], error, path)
            assert_refused(a, slice(None, None, -2), [good, value], error, path)
        assert_refused(a, slice(None), [good, good, good], ValueError, path)  # wrong count
        a[2] = good  # and a good value still goes in
    ref = arr.copy()
    ref[2] = good
    assert_bytes(numpy_load(path).tobytes(), ref.tobytes(), dtype)


# ---------------------------------------------------------------------------------------------
# 4. create() against open_memmap(..., "w+").


def same_writes(target: Any, dtype: np.dtype[Any], shape: tuple[int, ...], numpy_side: bool) -> None:
    """Fill everything with lists of tuples, then overwrite the last record."""
    size = math.prod(shape)
    fill = make_array(dtype, shape, False, seed=3)
    if numpy_side:
        oracle(target)[...] = oracle(fill)
    else:
        target[...] = expected_list(fill)
    if size:
        last = (-1,) * len(shape)
        value = make_value(dtype, 999)
        if numpy_side:
            oracle(target)[last] = value
        else:
            target[last] = value


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_create_matches_open_memmap_byte_for_byte(npy_dir: Path, dtype: np.dtype[Any], fortran: bool, shape: tuple[int, ...]) -> None:
    check_create(npy_dir, npymmap.lookup(dtype.descr), dtype, shape, fortran, None)


@pytest.mark.parametrize("version", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize("dtype", DTYPES, ids=CASE_IDS)
def test_create_matches_open_memmap_in_every_version(npy_dir: Path, dtype: np.dtype[Any], version: tuple[int, int]) -> None:
    check_create(npy_dir, npymmap.lookup(dtype.descr), dtype, (2, 3), True, version)


def check_create(
    npy_dir: Path,
    element: npymmap.Element[Any],
    dtype: np.dtype[Any],
    shape: tuple[int, ...],
    fortran: bool,
    version: tuple[int, int] | None,
) -> None:
    ours, theirs = str(npy_dir / "ours.npy"), str(npy_dir / "theirs.npy")
    a = npymmap.create(ours, element, shape, fortran_order=fortran, version=version)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Stored array in format 3.0"
        mapped: Any = np.lib.format.open_memmap(theirs, mode="w+", dtype=dtype, shape=shape, fortran_order=fortran, version=version)
    assert a.mode == "w+"
    assert (a.shape, descr(a), a.fortran_order) == (shape, dtype.descr, fortran)
    assert a.element.itemsize == dtype.itemsize
    assert_values(a.tolist(), expected_list(np.zeros(shape, dtype)))
    assert file_bytes(ours) == file_bytes(theirs)  # before any write: header and zeros
    same_writes(a, dtype, shape, numpy_side=False)
    same_writes(mapped, dtype, shape, numpy_side=True)
    a.flush()
    mapped.flush()
    expected = expected_list(np.array(mapped))
    assert_values(a.tolist(), expected)
    a.close()
    del mapped
    assert file_bytes(ours) == file_bytes(theirs)
    loaded = numpy_load(ours)
    assert loaded.dtype == dtype
    assert loaded.shape == shape
    assert_values(expected_list(loaded), expected)


def test_unicode_field_names_need_version_3_and_round_trip(npy_dir: Path) -> None:
    dtype = np.dtype([("naïve", "<i4"), ("温度", "<f8"), ("😀", "S2")])
    arr = make_array(dtype, (3,), False)
    path = str(npy_dir / "data.npy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.save(path, arr)
    assert npymmap.read_header(path).version == (3, 0)
    with npymmap.open(path, mode="r+") as a:
        assert descr(a) == dtype.descr
        assert_values(a.tolist(), expected_list(arr))
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
    check_create(npy_dir, npymmap.lookup(dtype.descr), dtype, (2,), False, None)


# ---------------------------------------------------------------------------------------------
# 5. record(MyStruct): your own ctypes Structure as the element.


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
    arr = make_array(dtype, (2, 3), True)
    path = write_file(npy_dir, arr, True)
    expected = expected_list(arr)
    element = npymmap.record(structure)
    for mode in ("r", "c"):
        with npymmap.open(path, element, mode=mode) as a:
            assert descr(a) == dtype.descr
            assert_values(a.tolist(), expected)
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
    value = make_value(dtype, 42)
    with npymmap.open(path, element, mode="r+") as w:
        w[0, 1] = structure.from_buffer_copy(record_bytes(dtype, value))
        ref[0, 1] = value
        w[1, 2] = make_value(dtype, 43)
        ref[1, 2] = make_value(dtype, 43)
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
    check_create(npy_dir, npymmap.record(structure), dtype, (2, 3), fortran, None)
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
# 6. Descrs npymmap refuses: mixed byte orders, object fields, empty records, naming the field.

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
# 7. Corners found by probing (each test names what NumPy does).


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_float16_fields_read_and_write_like_any_other(npy_dir: Path, order: str) -> None:
    """A record with a float16 field opens and ``tolist()`` works; items and item writes must too
    (ctypes has no float16, but the record is not refused, so its items may not fail either)."""
    dtype = np.dtype([("h", order + "f2"), ("i", order + "i8")])
    arr = np.array([(1.5, 7), (-0.25, -8), (65504.0, 9)], dtype)
    path = write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        assert_values(a.tolist(), arr.tolist())
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
    arr = make_array(dtype, (4,), False)
    path = write_file(npy_dir, arr)
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
        assert_values(a.tolist(), loaded.tolist())


def test_padding_is_not_part_of_the_tuples_and_is_zeroed_by_record_writes(npy_dir: Path) -> None:
    dtype = np.dtype([("a", "u1"), ("b", "<i8")], align=True)
    assert dtype.descr == [("a", "|u1"), ("", "|V7"), ("b", "<i8")]
    arr = np.zeros(2, dtype)
    arr[:] = [(1, -2), (3, 4)]
    path = write_file(npy_dir, arr)
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
    path = write_file(npy_dir, arr)
    expected = expected_list(arr)
    empty = plain(np.zeros(field_shape).tolist())
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        assert a.element.itemsize == dtype.itemsize
        assert_values(a.tolist(), expected)
        assert_values(a[1:].tolist(), expected[1:])
        a[0] = (9, empty, 8)
        ref[0] = (9, np.zeros(field_shape), 8)
        a[1:] = [(7, empty, 6), (5, empty, 4)]
        ref[1:] = [(7, np.zeros(field_shape), 6), (5, np.zeros(field_shape), 4)]
        assert_bytes(a.tobytes(), ref.tobytes(), dtype)
    assert numpy_load(path).tobytes() == ref.tobytes()
