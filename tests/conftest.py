"""Shared helpers for the NumPy-oracle tests (``tests/test_numpy_oracle*.py``).

NumPy is the oracle: expected headers, values, Python types and bytes always come from NumPy
(``numpy.lib.format``, ``tolist``, ``tobytes``, ``numpy.load``), never from npymmap. The test
modules import these helpers with ``from conftest import ...`` (pytest puts ``tests/`` on
``sys.path`` because it has no ``__init__.py``).

Each test gets its own directory from the ``npy_dir`` fixture, under one pytest temporary directory
for the session: ``tmp_path`` would do, but it scans every sibling it has made so far, which makes
these few thousand small cases quadratic.
"""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np
import numpy.typing as npt
import pytest

import npymmap

_DIRECTORY_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def npy_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("numpy_oracle")


@pytest.fixture
def npy_dir(npy_base: Path) -> Path:
    """An empty directory of this test's own, for real files."""
    path = npy_base / f"case{next(_DIRECTORY_NUMBERS)}"
    path.mkdir()
    return path


# The catalogue: every element and NumPy's name for its dtype.
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
ELEMENT_IDS = [name for _, name in ELEMENTS]
ByteOrder = Literal["<", ">"]
ORDERS: list[ByteOrder] = ["<", ">"]
ORDER_IDS = ["le", "be"]
SHAPES: list[tuple[int, ...]] = [(), (0,), (5,), (3, 4), (2, 3, 4), (3, 0, 2)]
SHAPE_IDS = ["0d", "empty1d", "1d", "2d", "3d", "empty3d"]
VERSIONS: list[tuple[int, int]] = [(1, 0), (2, 0), (3, 0)]
VERSION_IDS = ["v1", "v2", "v3"]
LAYOUTS = [False, True]
LAYOUT_IDS = ["C", "F"]

# One step of a view chain: "T" for the transpose, else an index.
Key = Union[str, tuple[Union[int, slice, "ellipsis"], ...]]  # types.EllipsisType is 3.10+


def element_and_dtype(
    element: npymmap.Element[Any], numpy_name: str, order: ByteOrder
) -> tuple[npymmap.Element[Any], np.dtype[Any]]:
    """The element in ``order`` and NumPy's dtype for it, built independently of each other."""
    return element.newbyteorder(order), np.dtype(numpy_name).newbyteorder(order)


def value_pool(dtype: np.dtype[Any]) -> list[Any]:
    """Python values covering a dtype's corners: extremes, signs, NaN/inf, subnormals, parts."""
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


def python_values(dtype: np.dtype[Any], count: int, offset: int = 0) -> list[Any]:
    """``count`` values from the dtype's pool, starting at ``offset`` and cycling."""
    pool = value_pool(dtype)
    return [pool[(i + offset) % len(pool)] for i in range(count)]


def make_array(dtype: np.dtype[Any], shape: tuple[int, ...], fortran: bool, offset: int = 0) -> npt.NDArray[Any]:
    """A NumPy array of pool values, laid out in C or Fortran order."""
    arr = np.array(python_values(dtype, math.prod(shape), offset), dtype=dtype).reshape(shape)
    return arr.copy(order="F") if fortran else arr


def write_with_numpy(path: str, arr: npt.NDArray[Any], fortran: bool, version: tuple[int, int] | None) -> None:
    """Write ``arr`` with NumPy: ``write_array`` when it records the wanted order, else ``open_memmap``
    (``write_array`` writes ``fortran_order: False`` for 0-d, 1-d and empty arrays)."""
    if fortran == (arr.flags.f_contiguous and not arr.flags.c_contiguous):
        with open(path, "wb") as file:
            np.lib.format.write_array(file, arr, version=version)
    else:
        mapped = np.lib.format.open_memmap(
            path, mode="w+", dtype=arr.dtype, shape=arr.shape, fortran_order=fortran, version=version
        )
        mapped[...] = arr
        mapped.flush()
        del mapped


def numpy_header(path: str) -> tuple[tuple[int, int], tuple[int, ...], bool, Any, int]:
    """(version, shape, fortran_order, descr, data offset) as NumPy reads them."""
    with open(path, "rb") as file:
        version = np.lib.format.read_magic(file)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
        else:  # 2.0 and 3.0 share the 4-byte length field, and these headers are ASCII
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
        return version, shape, fortran, np.lib.format.dtype_to_descr(dtype), file.tell()


def numpy_load(path: str) -> npt.NDArray[Any]:
    loaded: npt.NDArray[Any] = np.load(path)
    return loaded


def file_bytes(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def assign_like_numpy(ref: Any, key: Any, value: Any) -> None:
    """NumPy's assignment, with its overflow warnings silenced (the stored value is what counts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref[key] = value


def same_float(got: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return got == expected and math.copysign(1.0, got) == math.copysign(1.0, expected)


def view_values(view: memoryview) -> Any:
    """``view.tolist()``; for a 0-d view its one value (PyPy aborts on ``tolist()`` of a 0-d memoryview)."""
    return view.tolist() if view.ndim else view[()]


def assert_same(got: Any, expected: Any, where: str = "") -> None:
    """Equal values of identical Python types, nested lists alike; NaN equals NaN, -0.0 is not 0.0."""
    here = where or "top"
    assert type(got) is type(expected), f"at {here}: {got!r} ({type(got).__name__}) vs {expected!r} ({type(expected).__name__})"
    if isinstance(expected, list):
        assert len(got) == len(expected), f"at {here}: length {len(got)} vs {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert same_float(got, expected), f"at {here}: {got!r} vs {expected!r}"
    elif isinstance(expected, complex):
        assert same_float(got.real, expected.real) and same_float(got.imag, expected.imag), (
            f"at {here}: {got!r} vs {expected!r}"
        )
    else:
        assert got == expected, f"at {here}: {got!r} vs {expected!r}"


def sample_indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """A few full indices of a non-empty shape: corners, middle, and negative counterparts."""
    if 0 in shape:
        return []
    candidates = {
        tuple(0 for _ in shape),
        tuple(-1 for _ in shape),
        tuple(n // 2 for n in shape),
        tuple(-(n // 2) - 1 for n in shape),
        tuple(i % n for i, n in enumerate(shape)),
        tuple(-((i + 1) % n) - 1 for i, n in enumerate(shape)),
    }
    return sorted(candidates)


def apply_chain(target: Any, chain: list[Key]) -> Any:
    """Apply ``.T`` and index steps in turn; the same code drives NumPy and npymmap."""
    for step in chain:
        target = target.T if step == "T" else target[step]
    return target


def apply_same_writes(target: Any, fill: np.ndarray[Any, Any], scalar: Any, corner: Any, numpy_side: bool) -> None:
    """Fill everything with ``fill``, then every other row with ``scalar`` and the last item with
    ``corner``: npymmap (``numpy_side=False``) gets nested lists, NumPy an array (it cannot
    broadcast ``[[], [], []]`` to (3, 0, 2))."""
    shape = fill.shape
    if numpy_side:
        assign_like_numpy(target, Ellipsis, fill)
    else:
        target[...] = fill.tolist()
    if fill.size == 0:
        return
    if shape:
        if numpy_side:
            assign_like_numpy(target, (slice(None, None, 2), Ellipsis), scalar)
        else:
            target[::2, ...] = scalar
    last = (-1,) * len(shape)
    if numpy_side:
        assign_like_numpy(target, last, corner)
    else:
        target[last] = corner


# Records: NumPy dtypes and values in the form npymmap gives them


def field_dtype(dtype: np.dtype[Any], name: str) -> np.dtype[Any]:
    fields: Any = dtype.fields
    found: np.dtype[Any] = fields[name][0]
    return found


def named_fields(dtype: np.dtype[Any]) -> list[str]:
    names: Any = dtype.names
    return list(names)


def has_time(dtype: np.dtype[Any]) -> bool:
    if dtype.subdtype is not None:
        return has_time(dtype.subdtype[0])
    if dtype.names is not None:
        return any(has_time(field_dtype(dtype, name)) for name in named_fields(dtype))
    return dtype.kind in "Mm"


def int_view_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """``dtype`` with every datetime64/timedelta64 (at any depth) replaced by int64 of its byte
    order, offsets, titles and itemsize kept: a view that reads time fields as int counts."""
    if not has_time(dtype):
        return dtype
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype
        return np.dtype((int_view_dtype(base), shape))
    if dtype.names is not None:
        fields: Any = dtype.fields
        names = named_fields(dtype)
        spec: dict[str, Any] = {
            "names": names,
            "formats": [int_view_dtype(fields[name][0]) for name in names],
            "offsets": [fields[name][1] for name in names],
            "itemsize": dtype.itemsize,
        }
        titles = [fields[name][2] if len(fields[name]) > 2 else None for name in names]
        if any(title is not None for title in titles):
            spec["titles"] = titles
        layout: Any = spec
        built: np.dtype[Any] = np.dtype(layout)
        return built
    return np.dtype(dtype.str[0] + "i8")


def plain(value: Any) -> Any:
    """NumPy's ``tolist()`` output in npymmap's form: sub-array ``ndarray``s become lists."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
