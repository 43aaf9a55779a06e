"""The NumPy-oracle matrix: one :class:`Family` object per element family.

The families are numbers (``b``, ``i``, ``u``, ``f``, ``c``), text (``S``, ``U``, ``V``), times
(``M8``, ``m8``) and records (structured dtypes). Each owns

* its ``cases``: a test id, npymmap's element and NumPy's dtype, the element built from npymmap's
  own names and factories and the dtype from NumPy's spelling, so that neither is derived from the
  other;
* the ``shapes`` its read and create matrices run over;
* its ``values``: Python values covering the corners of a dtype, in the form npymmap takes and
  gives them (times as int counts of their unit, records as tuples with sub-arrays as lists);
* ``make_array`` (a deterministic NumPy array of those values), ``oracle`` and ``expected`` (what
  npymmap's values are compared with), ``write_file`` (NumPy writes the file), ``same_writes``
  (the same writes on npymmap's array and on NumPy's) and ``assert_items`` (what ``a[index]`` and
  iteration give: Python values, or ctypes Structures for records).

A test that is the same for every family parametrises over :func:`case_params` or
:func:`shape_params`; a test of one family's own corners uses that family's object
(``NUMBERS.make_array(...)``). The test modules import this module by name, as they do
``conftest`` (``from oracle_families import ...``).
"""

from __future__ import annotations

import ctypes
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pytest
from conftest import (
    assert_bytes,
    assert_same,
    assign_like_numpy,
    at,
    field_dtype,
    file_bytes,
    has_time,
    header_descr,
    int_view_dtype,
    named_fields,
    numpy_load,
    padding_mask,
    plain,
    sample_indices,
    write_with_numpy,
)

import npymmap
from npymmap._base import PYPY

# ---------------------------------------------------------------------------------------------
# The axes every family's matrix shares.

ByteOrder = Literal["<", ">"]
ORDERS: list[ByteOrder] = ["<", ">"]
ORDER_IDS = ["le", "be"]
VERSIONS: list[tuple[int, int]] = [(1, 0), (2, 0), (3, 0)]
VERSION_IDS = ["v1", "v2", "v3"]
LAYOUTS = [False, True]
LAYOUT_IDS = ["C", "F"]

# The struct formats a typed ``.data`` memoryview may have, by NumPy kind (times are int64 counts).
MEMORYVIEW_FORMATS = {"b": "?", "i": "bhilq", "u": "BHILQ", "f": "fd", "M": "lq", "m": "lq"}


def gives_typed_memoryview(dtype: np.dtype[Any]) -> bool:
    """Whether ``.data`` of an array of ``dtype`` is a typed memoryview, as npymmap documents it:
    for native-order bool, integers, float32, float64 and times; not for float16, complex, the other
    byte order, strings or records (TypeError)."""
    return dtype.isnative and (dtype.kind in "biuMm" or (dtype.kind == "f" and dtype.itemsize >= 4))


# ---------------------------------------------------------------------------------------------
# The family case class.


class Case(NamedTuple):
    """One dtype of a family: its test id, npymmap's element and NumPy's dtype for it."""

    id: str
    element: npymmap.Element[Any]
    dtype: np.dtype[Any]


# ``values(dtype, count, offset)``: ``count`` Python values of ``dtype``, the first ``offset`` skipped.
Values = Callable[[np.dtype[Any], int, int], list[Any]]
# ``assert_items(a, arr, expected)``: npymmap's items of ``a`` against NumPy's ``arr`` and its ``expected`` values.
ItemsCheck = Callable[[Any, npt.NDArray[Any], Any], None]


@dataclass(frozen=True)
class Family:
    """An element family of the oracle matrix: its dtypes, shapes and values, and how NumPy's side
    of every comparison is made from them (see the module doc)."""

    name: str
    cases: tuple[Case, ...]
    shapes: tuple[tuple[str, tuple[int, ...]], ...]  # (id, shape)
    values: Values
    assert_items: ItemsCheck

    def make_array(self, dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool, offset: int = 0) -> npt.NDArray[Any]:
        """A NumPy array of ``dtype`` and ``shape`` holding this family's values from ``offset`` on
        (record padding left zero), laid out in C or Fortran order. (Made as zeros of the oracle's
        dtype: ``numpy.zeros`` of a generic ``>M8`` would give ``<M8``.)"""
        flat = np.zeros(math.prod(shape), int_view_dtype(dtype)).view(dtype)
        target = self.oracle(flat)
        for k, value in enumerate(self.values(dtype, flat.size, offset)):
            target[k] = value
        arr = flat.reshape(shape)
        return arr.copy(order="F") if fortran else arr

    @staticmethod
    def oracle(arr: Any) -> Any:
        """``arr`` as npymmap's values are compared with and NumPy's side is written through: the
        array itself, or, where it holds datetime64/timedelta64 (at any depth), its view with each
        of them as int64 of the same byte order, since npymmap gives and takes int counts there."""
        return arr.view(int_view_dtype(arr.dtype)) if has_time(arr.dtype) else arr

    @staticmethod
    def expected(arr: Any) -> Any:
        """What npymmap's ``tolist()`` must give for NumPy's ``arr``: ``oracle(arr).tolist()`` with
        record sub-arrays as nested lists, not ``ndarray`` (:func:`conftest.plain`)."""
        return plain(Family.oracle(arr).tolist())

    @staticmethod
    def write_file(npy_dir: Path, arr: npt.NDArray[Any], fortran: bool = False, version: tuple[int, int] | None = None) -> str:
        """Write ``arr`` with NumPy to ``data.npy`` in ``npy_dir``, in the layout and format
        version asked for (NumPy's choice for ``None``); the file's path."""
        path = str(npy_dir / "data.npy")
        write_with_numpy(path, arr, fortran, version)
        return path

    def same_writes(self, ours: Any, theirs: npt.NDArray[Any]) -> None:
        """The same writes on npymmap's array ``ours`` and NumPy's ``theirs`` (one shape and
        dtype): everything from an array of this family's values, then every other row with one
        value and the last item with another. npymmap gets nested lists, NumPy an array (it cannot
        broadcast ``[[], [], []]`` to (3, 0, 2))."""
        dtype, shape = theirs.dtype, theirs.shape
        numpy_side = self.oracle(theirs)
        fill = self.make_array(dtype, shape, False, offset=2)
        scalar, corner = self.values(dtype, 2, 5)
        ours[...] = self.expected(fill)
        assign_like_numpy(numpy_side, Ellipsis, self.oracle(fill))
        if fill.size == 0:
            return
        if shape:
            ours[::2, ...] = scalar
            assign_like_numpy(numpy_side, (slice(None, None, 2), Ellipsis), scalar)
        last = (-1,) * len(shape)
        ours[last] = corner
        assign_like_numpy(numpy_side, last, corner)


def cycling(pool: Callable[[np.dtype[Any]], list[Any]]) -> Values:
    """``values`` that take ``pool(dtype)`` in turn from ``offset`` on, starting over at its end."""

    def values(dtype: np.dtype[Any], count: int, offset: int) -> list[Any]:
        items = pool(dtype)
        return [items[(i + offset) % len(items)] for i in range(count)]

    return values


def case_params(*families: Family) -> list[Any]:
    """``(family, case)`` pytest parameters for every case of ``families``, with ids like ``text-U7-le``."""
    return [pytest.param(family, case, id=f"{family.name}-{case.id}") for family in families for case in family.cases]


def shape_params(*families: Family) -> list[Any]:
    """``(family, case, shape)`` pytest parameters: every case of ``families`` with every shape of its family."""
    return [
        pytest.param(family, case, shape, id=f"{family.name}-{case.id}-{shape_id}")
        for family in families
        for case in family.cases
        for shape_id, shape in family.shapes
    ]


# ---------------------------------------------------------------------------------------------
# Items: Python values, or ctypes Structures for records.


def item_keys(shape: tuple[int, ...]) -> list[tuple[int, ...] | int]:
    """Keys of single items to read from an array of ``shape``: sample full indices and, for a
    non-empty 1-d array, int keys."""
    keys: list[tuple[int, ...] | int] = list(sample_indices(shape))
    if len(shape) == 1 and shape[0]:
        keys += [0, -1, shape[0] // 2]
    return keys


def assert_items_are_values(a: Any, arr: npt.NDArray[Any], expected: Any) -> None:
    """Items are the Python values NumPy's ``tolist()`` gives: ``a[key]`` for :func:`item_keys`
    and, for a 1-d array, iteration."""
    for key in item_keys(arr.shape):
        assert_same(a[key], at(expected, key), str(key))
    if arr.ndim == 1:
        assert_same(list(a), expected)


def assert_items_are_structures(a: Any, arr: npt.NDArray[Any], expected: Any) -> None:
    """Record items are ctypes Structures holding the record's bytes and fields
    (:func:`check_item`): ``a[key]`` for :func:`item_keys` and, for a 1-d array, iteration. Where
    :func:`items_refused`, each of those raises UnsupportedDtypeError instead."""
    dtype = arr.dtype
    refused = items_refused(dtype)
    for key in item_keys(arr.shape):
        if refused:
            assert_refused_items(lambda: a[key])
            continue
        item = a[key]
        check_item(item, dtype, at(expected, key), arr[key].tobytes(), str(key))
        del item
    if arr.ndim == 1:
        if refused and len(arr):
            assert_refused_items(lambda: list(a))
        else:
            items = list(a)
            assert_bytes(b"".join(bytes(item) for item in items), arr.tobytes(), dtype)
            del items


def swapped_signed(dtype: np.dtype[Any]) -> bool:
    """A byte-swapped record with a multi-byte signed integer or time field at any depth: what
    PyPy's ctypes reads as unsigned."""
    leaves = leaf_dtypes(dtype)
    return any(not leaf.isnative for leaf in leaves) and any(leaf.kind in "iMm" and leaf.itemsize > 1 for leaf in leaves)


def leaf_dtypes(dtype: np.dtype[Any]) -> list[np.dtype[Any]]:
    """The plain field dtypes of ``dtype`` at any depth (sub-arrays give their base)."""
    if dtype.subdtype is not None:
        return leaf_dtypes(dtype.subdtype[0])
    if dtype.names is not None:
        return [leaf for name in named_fields(dtype) for leaf in leaf_dtypes(field_dtype(dtype, name))]
    return [dtype]


def items_refused(dtype: np.dtype[Any]) -> bool:
    """Whether npymmap refuses the items (ctypes Structures it builds) of ``dtype`` here: on PyPy,
    for :func:`swapped_signed` records, with UnsupportedDtypeError (``tolist()`` stays right)."""
    return PYPY and swapped_signed(dtype)


def assert_refused_items(get: Callable[[], Any]) -> None:
    """``get()`` raises the UnsupportedDtypeError of a record whose items PyPy's ctypes misreads."""
    with pytest.raises(npymmap.UnsupportedDtypeError, match="PyPy's ctypes"):
        get()


def check_item(item: Any, dtype: np.dtype[Any], expected: Any, raw: bytes, where: str) -> None:
    """``item`` is a ctypes Structure of the record's size, holding ``raw`` (padding aside) and
    showing the fields of ``expected`` (npymmap's tuple form) by attribute."""
    assert isinstance(item, ctypes.Structure), f"{where}: item is {type(item).__name__}"
    assert ctypes.sizeof(item) == dtype.itemsize
    assert_bytes(bytes(item), raw, dtype, where)
    assert_same(item_fields(item, dtype), as_ctypes_shows(expected, dtype), where)


def item_fields(item: Any, dtype: np.dtype[Any]) -> tuple[Any, ...]:
    """The named fields of a ctypes item, read by attribute, in the dtype's order."""
    return tuple(ctypes_value(getattr(item, name), field_dtype(dtype, name)) for name in named_fields(dtype))


def ctypes_value(value: Any, dtype: np.dtype[Any]) -> Any:
    """A field of a ctypes item as a Python value comparable with npymmap's/NumPy's tuples: this
    only undoes what ctypes itself does (arrays -> lists, ``U`` fields as arrays of code points,
    complex as two floats, a ``c_char`` array cut at its first NUL)."""
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


# ---------------------------------------------------------------------------------------------
# Numbers: bool, integers, floats and complex, in both byte orders.

# Every number element and NumPy's name for its dtype.
ELEMENTS: list[tuple[npymmap.Element[Any], str]] = [
    (npymmap.bool_, "bool"),
    (npymmap.int8, "int8"),
    (npymmap.int16, "int16"),
    (npymmap.int32, "int32"),
    (npymmap.int64, "int64"),
    (npymmap.uint8, "uint8"),
    (npymmap.uint16, "uint16"),
    (npymmap.uint32, "uint32"),
    (npymmap.uint64, "uint64"),
    (npymmap.float16, "float16"),
    (npymmap.float32, "float32"),
    (npymmap.float64, "float64"),
    (npymmap.complex64, "complex64"),
    (npymmap.complex128, "complex128"),
]


def number_pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values covering a number dtype's corners: extremes, signs, NaN/inf, subnormals, parts."""
    if dtype.kind == "b":
        return [True, False, False, True, True, False, True]
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        low, high = int(info.min), int(info.max)
        if dtype.kind == "u":
            return [high, 0, 1, high - 1, high // 2 + 1, 42, 7]
        return [low, high, -1, 0, 1, low + 1, high - 1, 42, -7]
    floats = np.finfo(dtype)
    biggest, tiny, subnormal = float(floats.max), float(floats.tiny), float(floats.smallest_subnormal)
    nan, inf = float("nan"), float("inf")
    if dtype.kind == "f":
        return [nan, inf, -inf, -0.0, biggest, -biggest, subnormal, tiny, 1.5, -2.25, 0.1, 1 / 3, 0.0]
    return [
        complex(nan, 1.0),
        complex(inf, -inf),
        complex(-0.0, 0.0),
        complex(biggest, -tiny),
        complex(1.5, -2.5),
        complex(0.0, 0.0),
        complex(-1 / 3, 0.1),
        complex(1.0, nan),
        complex(-subnormal, biggest),
    ]


NUMBERS = Family(
    name="numbers",
    cases=tuple(
        Case(f"{numpy_name}-{order_id}", element.newbyteorder(order), np.dtype(numpy_name).newbyteorder(order))
        for element, numpy_name in ELEMENTS
        for order, order_id in zip(ORDERS, ORDER_IDS)
    ),
    shapes=(("0d", ()), ("empty1d", (0,)), ("1d", (5,)), ("2d", (3, 4)), ("3d", (2, 3, 4)), ("empty3d", (3, 0, 2))),
    values=cycling(number_pool),
    assert_items=assert_items_are_values,
)


# ---------------------------------------------------------------------------------------------
# Text: fixed-width bytes (S), str (U, both byte orders) and raw void (V).


def text_pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values covering an S, U or V dtype's corners: empty and full-width strings, inner
    and trailing NULs, non-ASCII and astral characters, all-zero and all-0xff bytes."""
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
    assert dtype.kind == "V", dtype
    n = dtype.itemsize
    return [
        b"\x00" * n,
        bytes(range(n)),
        b"\xff" * n,
        b"a" + b"\x00" * (n - 1),
        b"\x00" * (n - 1) + b"b",
        bytes((i * 37 + 11) % 256 for i in range(n)),
    ]


TEXT = Family(
    name="text",
    cases=(
        Case("S1", npymmap.bytes_(1), np.dtype("|S1")),
        Case("S5", npymmap.bytes_(5), np.dtype("|S5")),
        Case("V4", npymmap.void(4), np.dtype("|V4")),
        Case("V16", npymmap.void(16), np.dtype("|V16")),
        *(
            Case(f"U{width}-{order_id}", npymmap.str_(width).newbyteorder(order), np.dtype(f"{order}U{width}"))
            for order, order_id in zip(ORDERS, ORDER_IDS)
            for width in (1, 7)
        ),
    ),
    shapes=(("0d", ()), ("empty1d", (0,)), ("1d", (5,)), ("2d", (3, 4)), ("3d", (2, 3, 2))),
    values=cycling(text_pool),
    assert_items=assert_items_are_values,
)


# ---------------------------------------------------------------------------------------------
# Times: datetime64 and timedelta64 of many units, as int counts of their unit.

NAT = -(2**63)


def unit_of(dtype: np.dtype[Any]) -> str:
    """npymmap's unit string, from NumPy's ``datetime_data``: ``'ns'``, ``'10s'``, ``''`` (generic)."""
    unit, count = np.datetime_data(dtype)
    if unit == "generic":
        return ""
    return unit if count == 1 else f"{count}{unit}"


def time_pool(dtype: np.dtype[Any]) -> list[Any]:
    """int counts covering a datetime64/timedelta64's corners: NaT and the int64 extremes (a
    generic unit holds only NaT)."""
    assert dtype.kind in "Mm", dtype
    if not unit_of(dtype):
        return [NAT]
    return [NAT, NAT + 1, 2**63 - 1, 0, -1, 1, 1_700_000_000, -86_400]


# (NumPy's code, npymmap's factory, unit) of every time case; "" is the generic unit.
TIME_KINDS: list[tuple[str, Callable[[str], npymmap.Element[int]], str]] = [
    ("M8", npymmap.datetime64, "ns"),
    ("M8", npymmap.datetime64, "D"),
    ("M8", npymmap.datetime64, "10s"),
    ("M8", npymmap.datetime64, ""),
    ("M8", npymmap.datetime64, "as"),
    ("m8", npymmap.timedelta64, "us"),
    ("m8", npymmap.timedelta64, "Y"),
    ("m8", npymmap.timedelta64, "250ms"),
    ("m8", npymmap.timedelta64, ""),
]


def time_case(code: str, factory: Callable[[str], npymmap.Element[int]], unit: str, order: ByteOrder, order_id: str) -> Case:
    """The case of one time kind and unit in one byte order, e.g. ``M8[10s]-be``."""
    spelling = f"{code}[{unit}]" if unit else code
    return Case(f"{spelling}-{order_id}", factory(unit).newbyteorder(order), np.dtype(order + spelling))


TIMES = Family(
    name="times",
    cases=tuple(
        time_case(code, factory, unit, order, order_id)
        for order, order_id in zip(ORDERS, ORDER_IDS)
        for code, factory, unit in TIME_KINDS
    ),
    shapes=TEXT.shapes,
    values=cycling(time_pool),
    assert_items=assert_items_are_values,
)


# ---------------------------------------------------------------------------------------------
# Records: structured dtypes of every field kind, nested, with sub-arrays, titles and padding.


def record_catalogue(o: ByteOrder) -> list[tuple[str, np.dtype[Any]]]:
    """(name, dtype) of every record case, each multi-byte field in byte order ``o``."""
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


def field_pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values for one plain (not record, not sub-array) field dtype, times as int counts."""
    kind = dtype.kind
    if kind in "biufc":
        return number_pool(dtype.newbyteorder("="))
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
    """A flat list of ``math.prod(shape)`` items as nested lists of ``shape`` (C order)."""
    for size in reversed(shape[1:]):
        items = [items[i : i + size] for i in range(0, len(items), size)]
    return items


def record_value(dtype: np.dtype[Any], seed: int) -> Any:
    """One Python value of ``dtype`` (tuples for records, nested lists for sub-arrays), picked
    from the field pools by ``seed`` so that neighbouring records and fields differ."""
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype
        return nest([record_value(base, seed * 5 + e + 1) for e in range(math.prod(shape))], shape)
    if dtype.names is not None:
        return tuple(record_value(field_dtype(dtype, name), seed * 3 + j) for j, name in enumerate(named_fields(dtype)))
    pool = field_pool(dtype)
    return pool[seed % len(pool)]


def record_values(dtype: np.dtype[Any], count: int, offset: int) -> list[Any]:
    """``count`` records, seeded ``offset``, ``offset + 7``, ... (:func:`record_value`)."""
    return [record_value(dtype, offset + 7 * k) for k in range(count)]


RECORDS = Family(
    name="records",
    cases=tuple(
        Case(f"{name}-{order_id}", npymmap.lookup(header_descr(dtype)), dtype)
        for order, order_id in zip(ORDERS, ORDER_IDS)
        for name, dtype in record_catalogue(order)
    ),
    shapes=(("0d", ()), ("empty", (0,)), ("1d", (4,)), ("2d", (2, 3))),
    values=record_values,
    assert_items=assert_items_are_structures,
)

FAMILIES = (NUMBERS, TEXT, TIMES, RECORDS)
SCALAR_FAMILIES = (NUMBERS, TEXT, TIMES)  # the families whose items are Python values, not Structures


# ---------------------------------------------------------------------------------------------
# create() against open_memmap(..., "w+"), for the create matrix and the records' own elements.


def assert_padding_zero(data: bytes, dtype: np.dtype[Any]) -> None:
    """Every record padding byte of ``data`` (items of ``dtype``) is zero."""
    mask = padding_mask(dtype)
    if mask.count(0):
        size = len(mask)
        assert not any(data[i] for i in range(len(data)) if not mask[i % size]), "record padding is not zero"


def assert_create_matches_open_memmap(
    npy_dir: Path,
    family: Family,
    element: npymmap.Element[Any],
    dtype: np.dtype[Any],
    shape: tuple[int, ...],
    fortran: bool,
    version: tuple[int, int] | None,
) -> None:
    """``npymmap.create`` and NumPy's ``open_memmap(..., mode="w+")`` give the same bytes, zero-filled
    and after ``family.same_writes`` (there record padding aside, which npymmap leaves zero);
    NumPy loads what npymmap shows, and no other file is left.

    Record padding after the writes is not compared with NumPy's: NumPy 2.5 stores a tuple into a
    slice by making one record of it in fresh, uninitialised memory and copying that record whole,
    padding included, so its padding bytes differ from run to run (NumPy 2.4 and older copied the
    fields and left the padding zero). npymmap's padding must still be zero."""
    ours, theirs = str(npy_dir / "ours.npy"), str(npy_dir / "theirs.npy")
    files_before = set(os.listdir(npy_dir))
    a = npymmap.create(ours, element, shape, fortran_order=fortran, version=version)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Stored array in format 3.0"
        mapped: Any = np.lib.format.open_memmap(theirs, mode="w+", dtype=dtype, shape=shape, fortran_order=fortran, version=version)
    assert a.mode == "w+"
    assert (a.shape, a.descr, a.fortran_order) == (shape, header_descr(dtype), fortran)
    assert a.element is element
    assert a.element.itemsize == dtype.itemsize
    assert_same(a.tolist(), family.expected(np.zeros(shape, dtype)))  # zero-filled
    assert file_bytes(ours) == file_bytes(theirs)  # before any write: header and zeros
    family.same_writes(a, mapped)
    a.flush()
    mapped.flush()
    expected = family.expected(np.array(mapped))
    assert_same(a.tolist(), expected)
    a.close()
    del mapped
    ours_bytes, theirs_bytes = file_bytes(ours), file_bytes(theirs)
    offset = npymmap.read_header(ours).data_offset
    assert ours_bytes[:offset] == theirs_bytes[:offset]  # the header, exactly
    assert_bytes(ours_bytes[offset:], theirs_bytes[offset:], dtype)  # every field's bytes
    assert_padding_zero(ours_bytes[offset:], dtype)
    loaded = numpy_load(ours)
    assert loaded.dtype == dtype
    assert loaded.shape == shape
    assert_same(family.expected(loaded), expected)
    assert set(os.listdir(npy_dir)) == files_before | {"ours.npy", "theirs.npy"}  # no temporary file left behind
