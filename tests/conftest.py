"""Shared helpers for the NumPy-oracle tests (``tests/test_numpy_oracle*.py``) and a few others.

NumPy is the oracle: expected headers, values, Python types and bytes always come from NumPy
(``numpy.lib.format``, ``tolist``, ``tobytes``, ``numpy.load``), never from npymmap. The element
families the oracle tests run over (their dtypes, values, arrays and writes) are in
``oracle_families.py``; this module holds what does not depend on a family. The test modules
import both with ``from conftest import ...`` and ``from oracle_families import ...`` (pytest puts
``tests/`` on ``sys.path`` because it has no ``__init__.py``).

Each test gets its own directory from the ``npy_dir`` fixture, under one pytest temporary directory
for the session: ``tmp_path`` would do, but it scans every sibling it has made so far, which makes
these few thousand small cases quadratic.
"""

from __future__ import annotations

import itertools
import math
import sys
import warnings
from pathlib import Path
from typing import Any, Union

import numpy as np
import numpy.typing as npt
import pytest

_DIRECTORY_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def npy_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's one temporary directory, which holds every test's ``npy_dir``."""
    return tmp_path_factory.mktemp("numpy_oracle")


@pytest.fixture
def npy_dir(npy_base: Path) -> Path:
    """An empty directory of this test's own, for real files."""
    path = npy_base / f"case{next(_DIRECTORY_NUMBERS)}"
    path.mkdir()
    return path


# A version 1.0 or 2.0 header with its newline before the padding spaces (``{...}\n`` then
# blanks, as JavaScript's npyjs writes): NumPy's Python 2 filter (``tokenize`` then ``untokenize``)
# drops that last line of blanks on Python 3.9 to 3.11, and NumPy reads the file; from Python 3.12
# on the tokenizer gives the blanks a token of their own, untokenize keeps them, and the same NumPy
# code refuses the header ("Cannot parse header"). npymmap reads such files on every Python: tests
# compare with NumPy's reading where it reads them and with fixed values elsewhere.
NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING = sys.version_info < (3, 12)


# One step of a view chain: "T" for the transpose, else an index.
Key = Union[str, tuple[Union[int, slice, "ellipsis"], ...]]  # types.EllipsisType is 3.10+


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


def header_descr(dtype: np.dtype[Any]) -> Any:
    """The ``descr`` NumPy writes in a header for ``dtype``: its ``str``, or its ``descr`` list for
    a record (npymmap's ``descr`` is the same)."""
    return np.lib.format.dtype_to_descr(dtype)


def numpy_header(path: str) -> tuple[tuple[int, int], tuple[int, ...], bool, Any, int]:
    """(version, shape, fortran_order, descr, data offset) as NumPy reads them."""
    with open(path, "rb") as file:
        version = np.lib.format.read_magic(file)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
        else:  # 2.0 and 3.0 share the 4-byte length field, and these headers are ASCII
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
        return version, shape, fortran, header_descr(dtype), file.tell()


def numpy_load(path: str) -> npt.NDArray[Any]:
    """The array in the file at ``path``, as ``numpy.load`` reads it."""
    loaded: npt.NDArray[Any] = np.load(path)
    return loaded


def file_bytes(path: str) -> bytes:
    """Every byte of the file at ``path``."""
    with open(path, "rb") as file:
        return file.read()


def assign_like_numpy(ref: Any, key: Any, value: Any) -> None:
    """NumPy's assignment, with its overflow warnings silenced (the stored value is what counts)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref[key] = value


def assert_write_refused(
    a: Any, key: Any, value: Any, errors: type[Exception] | tuple[type[Exception], ...], path: str
) -> None:
    """``a[key] = value`` raises ``errors`` and changes neither npymmap's array ``a`` nor its file
    at ``path``. (Where a list holds the bad value among the view's current values, storing the
    good ones before the error, which npymmap allows, changes nothing either.)"""
    before, file_before = a.tobytes(), file_bytes(path)
    with pytest.raises(errors):
        a[key] = value
    assert a.tobytes() == before, f"{value!r:.80} into {key!r} changed the array"
    a.flush()
    assert file_bytes(path) == file_before, f"{value!r:.80} into {key!r} changed the file"


def same_float(got: float, expected: float) -> bool:
    """Equal floats, where NaN equals NaN and -0.0 is not 0.0."""
    if math.isnan(expected):
        return math.isnan(got)
    return got == expected and math.copysign(1.0, got) == math.copysign(1.0, expected)


def view_values(view: memoryview) -> Any:
    """``view.tolist()``; for a 0-d view its one value (PyPy aborts on ``tolist()`` of a 0-d memoryview)."""
    return view.tolist() if view.ndim else view[()]


def assert_same(got: Any, expected: Any, where: str = "") -> None:
    """Equal values of identical Python types, nested lists and tuples (records) alike; NaN equals
    NaN, -0.0 is not 0.0."""
    here = where or "top"
    assert type(got) is type(expected), f"at {here}: {got!r} ({type(got).__name__}) vs {expected!r} ({type(expected).__name__})"
    if isinstance(expected, tuple):
        assert len(got) == len(expected), f"at {here}: {len(got)} fields vs {len(expected)}: {got!r} vs {expected!r}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, f"{where}.{i}")
    elif isinstance(expected, list):
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


def at(nested: Any, index: tuple[int, ...] | int) -> Any:
    """The item of nested lists (a ``tolist()``) at a full index, or at an int for a 1-d list."""
    for i in index if isinstance(index, tuple) else (index,):
        nested = nested[i]
    return nested


def apply_chain(target: Any, chain: list[Key]) -> Any:
    """Apply ``.T`` and index steps in turn; the same code drives NumPy and npymmap."""
    for step in chain:
        target = target.T if step == "T" else target[step]
    return target


# Records: NumPy dtypes and values in the form npymmap gives them


def field_dtype(dtype: np.dtype[Any], name: str) -> np.dtype[Any]:
    """The dtype of a record's field ``name``."""
    fields: Any = dtype.fields
    found: np.dtype[Any] = fields[name][0]
    return found


def named_fields(dtype: np.dtype[Any]) -> list[str]:
    """A record's field names, in order."""
    names: Any = dtype.names
    return list(names)


def has_time(dtype: np.dtype[Any]) -> bool:
    """Whether ``dtype`` is or holds (in a field or sub-array, at any depth) a datetime64/timedelta64."""
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


def padding_mask(dtype: np.dtype[Any]) -> bytes:
    """One item's bytes: 0xff where a named field lies (at any depth), 0x00 for record padding."""
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
    """Equal bytes of items of ``dtype``, record padding aside (exactly equal for any other dtype):
    NumPy copies structured arrays field by field, so the padding of its copies
    (``copy(order="F")``, ``tobytes()`` of a strided view) is whatever memory held, and a tuple
    store leaves it alone where npymmap zeroes it."""
    assert len(got) == len(want), f"{where}: {len(got)} bytes vs {len(want)}"
    mask = padding_mask(dtype)
    if mask.count(0) and got != want:
        size = len(mask)
        whole = mask * (len(got) // size) if size else b""
        got = bytes(g & m for g, m in zip(got, whole))
        want = bytes(w & m for w, m in zip(want, whole))
    assert got == want, where
