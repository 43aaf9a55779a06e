"""The buffer faces of an array (``.data`` memoryview, ``as_ctypes()``) checked against NumPy, and close()."""

from __future__ import annotations

import ctypes
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
from conftest import assert_same, assign_like_numpy, numpy_load, view_values
from oracle_families import ELEMENTS, MEMORYVIEW_FORMATS, NUMBERS, Case

import npymmap
from npymmap._base import PYPY

# ---------------------------------------------------------------------------------------------
# .data: a typed memoryview for native numeric elements.

MEMORYVIEW_ELEMENTS = [(e, n) for e, n in ELEMENTS if n not in ("float16", "complex64", "complex128")]


@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 3, 4)], ids=["0d", "empty", "1d", "2d", "3d"])
@pytest.mark.parametrize(("element", "numpy_name"), MEMORYVIEW_ELEMENTS, ids=[n for _, n in MEMORYVIEW_ELEMENTS])
def test_data_memoryview_has_numpys_shape_values_and_item_format(
    npy_dir: Path, element: npymmap.Element[Any], numpy_name: str, shape: tuple[int, ...]
) -> None:
    dtype = np.dtype(numpy_name)
    arr = NUMBERS.make_array(dtype, shape, False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    with npymmap.open(path, element) as a:
        view = a.data
        assert view.itemsize == dtype.itemsize
        assert struct.calcsize(view.format) == struct.calcsize(arr.data.format) == dtype.itemsize
        assert view.format.lstrip("@") in MEMORYVIEW_FORMATS[dtype.kind]
        assert view.readonly
        assert view.tobytes() == arr.tobytes()
        if arr.size:
            assert view.shape == arr.shape
            assert_same(view_values(view), arr.tolist())
        else:
            assert view.nbytes == 0
        if arr.ndim >= 2:  # a C-contiguous view that starts inside the file
            assert_same(a[1:, ...].data.tolist(), arr[1:].tolist())


def test_data_memoryview_writes_land_in_the_file(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    arr = np.arange(12, dtype=np.int32).reshape(3, 4)
    np.save(path, arr)
    with npymmap.open(path, npymmap.int32, mode="r+") as a:
        view = a.data
        assert not view.readonly
        view[1, 2] = -77
        a[2, ...].data[3] = 2**31 - 1
        a.flush()
    arr[1, 2] = -77
    arr[2, 3] = 2**31 - 1
    assert numpy_load(path).tolist() == arr.tolist()


def test_data_of_a_fortran_array_needs_the_transpose(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    arr = np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4))
    np.save(path, arr)
    with npymmap.open(path) as a:
        with pytest.raises(ValueError):
            a.data
        transposed = a.T.data
        assert transposed.shape == (4, 3)
        assert transposed.tolist() == arr.T.tolist()
        with pytest.raises(ValueError):
            a[:, ::2].T.data


@pytest.mark.parametrize("fortran", [False, True], ids=["C", "F"])
def test_data_of_an_empty_view_is_an_empty_memoryview_whatever_the_layout(npy_dir: Path, fortran: bool) -> None:
    path = str(npy_dir / "data.npy")
    arr = NUMBERS.make_array(np.dtype("<f8"), (4, 6), fortran)
    np.save(path, arr)
    with npymmap.open(path) as a:
        for key in ((slice(2, 2),), (slice(None), slice(3, 3)), (slice(0, 3, -1), Ellipsis)):
            assert arr[key].data.nbytes == 0  # NumPy: an empty array is C-contiguous
            view = a[key].data
            assert view.nbytes == 0
            assert view.tolist() == []


@pytest.mark.parametrize(
    "descr", ["<f2", ">f2", "<c8", ">c8", "<c16", ">c16", ">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">f4", ">f8"]
)
def test_data_memoryview_refuses_float16_complex_and_foreign_byte_order(npy_dir: Path, descr: str) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros((2, 3), dtype=descr))
    with npymmap.open(path) as a:
        with pytest.raises(TypeError):
            a.data


# ---------------------------------------------------------------------------------------------
# as_ctypes(): a ctypes array over the items; complex items get a trailing axis of 2.


def ctypes_tolist(value: Any) -> Any:
    if isinstance(value, ctypes.Array):
        return [ctypes_tolist(item) for item in value]
    return value


def ctypes_refused(dtype: np.dtype[Any]) -> bool:
    """Whether ``as_ctypes()`` refuses ``dtype`` here: PyPy's ctypes reads byte-swapped signed
    integers (and datetime64/timedelta64) as unsigned, so npymmap raises UnsupportedDtypeError."""
    return PYPY and dtype.kind in "iMm" and dtype.itemsize > 1 and not dtype.isnative


def split_complex(values: Any) -> Any:
    """NumPy's complex tolist() with every item as [real, imag], the ctypes layout."""
    if isinstance(values, list):
        return [split_complex(v) for v in values]
    return [values.real, values.imag]


CTYPES_CASES = [case for case in NUMBERS.cases if case.dtype.str[1:] != "f2"]  # ctypes has no float16


@pytest.mark.parametrize("case", CTYPES_CASES, ids=[case.id for case in CTYPES_CASES])
def test_as_ctypes_values_and_writes_match_numpy(npy_dir: Path, case: Case) -> None:
    element, dtype = case.element, case.dtype
    arr = NUMBERS.make_array(dtype, (3, 4), False)
    path = str(npy_dir / "data.npy")
    np.save(path, arr)
    new_value = NUMBERS.values(dtype, 1, 4)[0]
    ref = arr.copy()
    assign_like_numpy(ref, (1, 2), new_value)
    with npymmap.open(path, element, mode="r+") as a:
        if ctypes_refused(dtype):
            with pytest.raises(npymmap.UnsupportedDtypeError, match="PyPy's ctypes"):
                a.as_ctypes()
            assert_same(a.tolist(), arr.tolist())
            a[1, 2] = new_value  # written by indexing instead
            assert_same(a.tolist(), ref.tolist())
            a.flush()
        else:
            table = a.as_ctypes()
            if dtype.kind == "c":
                assert_same(ctypes_tolist(table), split_complex(arr.tolist()))
                table[1][2][0] = new_value.real
                table[1][2][1] = new_value.imag
            else:
                assert_same(ctypes_tolist(table), arr.tolist())
                table[1][2] = new_value
            assert_same(a.tolist(), ref.tolist())
            a.flush()
            del table
    assert_same(numpy_load(path).tolist(), ref.tolist())


@pytest.mark.parametrize("descr", ["<c16", ">c8", "<f8", ">i2", "|b1"])
def test_as_ctypes_of_0d_and_of_transposed_fortran_arrays(npy_dir: Path, descr: str) -> None:
    scalar_path, table_path = str(npy_dir / "scalar.npy"), str(npy_dir / "table.npy")
    dtype = np.dtype(descr)
    scalar = NUMBERS.make_array(dtype, (), False, offset=4)
    table = NUMBERS.make_array(dtype, (3, 4), True, offset=4)
    np.save(scalar_path, scalar)
    np.save(table_path, table)
    with npymmap.open(scalar_path, mode="c") as a:
        # a 0-d array gives length 1; a complex item is its [real, imag] pair
        expected = split_complex(scalar.item()) if dtype.kind == "c" else [scalar.item()]
        if ctypes_refused(dtype):
            with pytest.raises(npymmap.UnsupportedDtypeError, match="PyPy's ctypes"):
                a.as_ctypes()
            assert_same(a.tolist(), scalar.item())
        else:
            assert_same(ctypes_tolist(a.as_ctypes()), expected)
    with npymmap.open(table_path, mode="c") as b:
        assert b.fortran_order
        with pytest.raises(ValueError):
            b.as_ctypes()
        transposed = table.T.tolist()
        if ctypes_refused(dtype):
            with pytest.raises(npymmap.UnsupportedDtypeError, match="PyPy's ctypes"):
                b.T.as_ctypes()
            assert_same(b.T.tolist(), transposed)
        else:
            assert_same(ctypes_tolist(b.T.as_ctypes()), split_complex(transposed) if dtype.kind == "c" else transposed)


def test_as_ctypes_refuses_float16(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(3, dtype=np.float16))
    with npymmap.open(path, mode="r+") as a:
        with pytest.raises(npymmap.UnsupportedDtypeError):
            a.as_ctypes()


# ---------------------------------------------------------------------------------------------
# close(): idempotent; afterwards the array, its views and its memoryviews raise ValueError.


@pytest.mark.parametrize("descr", ["<f8", ">f8", "<f2", "<c16", "|b1"])
@pytest.mark.parametrize("mode", ["r", "r+", "c"])
def test_everything_raises_value_error_after_close(
    npy_dir: Path, descr: str, mode: Literal["r", "r+", "c"]
) -> None:
    path = str(npy_dir / "data.npy")
    arr = NUMBERS.make_array(np.dtype(descr), (3, 4), False)
    np.save(path, arr)
    a: Any = npymmap.open(path, mode=mode)
    row = a[1, ...]
    column = a[:, 2]
    flipped = a.T
    memory = a[0, ...].data if descr in ("<f8", "|b1") else None
    iterator = iter(column)
    assert_same(row.tolist(), arr[1].tolist())
    a.close()
    a.close()  # idempotent
    assert a.closed and row.closed and column.closed and flipped.closed
    checks: dict[str, Any] = {
        "a[0, 0]": lambda: a[0, 0],
        "a[-1, -1]": lambda: a[-1, -1],
        "a[1, ...]": lambda: a[1, ...],
        "a.tolist()": lambda: a.tolist(),
        "a.tobytes()": lambda: a.tobytes(),
        "a.T": lambda: a.T,
        "a.data": lambda: a.data,
        "a.flush()": lambda: a.flush(),
        "a.rows()": lambda: list(a.rows()),
        "row.tolist()": lambda: row.tolist(),
        "row[0]": lambda: row[0],
        "row.tobytes()": lambda: row.tobytes(),
        "column.tolist()": lambda: column.tolist(),
        "column[1]": lambda: column[1],
        "list(column)": lambda: list(column),
        "flipped.tolist()": lambda: flipped.tolist(),
        "flipped[0, 0]": lambda: flipped[0, 0],
        "next(iterator)": lambda: next(iterator),
    }
    if memory is not None:
        checks["memory[0]"] = lambda: memory[0]
        checks["memory.tolist()"] = lambda: memory.tolist()
    if mode != "r":
        value = arr[0, 0].item()
        checks["a[0, 0] = v"] = lambda: a.__setitem__((0, 0), value)
        checks["row[:] = v"] = lambda: row.__setitem__(slice(None), value)
        checks["column[1] = v"] = lambda: column.__setitem__(1, value)
        if descr != "<f2":
            checks["a.as_ctypes()"] = lambda: a.as_ctypes()
    for name, check in checks.items():
        try:
            check()
        except ValueError:
            continue
        pytest.fail(f"{name} did not raise ValueError after close()")
    assert numpy_load(path).tobytes() == arr.tobytes()


def test_with_block_closes_the_array_and_its_views(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.arange(6, dtype=np.int16))
    with npymmap.open(path, mode="r+") as a:
        view = a[::2]
        memory = a.data
        a[0] = 5
    assert a.closed and view.closed
    for check in (lambda: a[0], lambda: view.tolist(), lambda: memory[0], lambda: a.flush()):
        with pytest.raises(ValueError):
            check()
    a.close()  # still fine
    assert numpy_load(path).tolist() == [5, 1, 2, 3, 4, 5]


def test_with_block_closes_a_created_array_and_keeps_its_writes(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    with npymmap.create(path, npymmap.complex64, (2, 2), fortran_order=True) as a:
        a[0, 1] = 1 - 2j
        a[1, 0] = complex(float("inf"), -0.0)
    assert a.closed
    with pytest.raises(ValueError):
        a[0, 0]
    expected = np.zeros((2, 2), dtype=np.complex64, order="F")
    expected[0, 1] = 1 - 2j
    expected[1, 0] = complex(float("inf"), -0.0)
    loaded = numpy_load(path)
    assert loaded.flags.f_contiguous and not loaded.flags.c_contiguous
    assert_same(loaded.tolist(), expected.tolist())


@pytest.mark.parametrize("how", ["open_r_plus", "create"])
def test_a_writable_array_left_open_at_exit_keeps_its_writes_and_exits_silently(npy_dir: Path, how: str) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.zeros(3, dtype=np.int64))
    program = (
        "import sys, npymmap\n"
        "a = npymmap.open(sys.argv[1], mode='r+') if sys.argv[2] == 'open_r_plus' "
        "else npymmap.create(sys.argv[1], npymmap.int64, (3,), overwrite=True)\n"
        "a[1] = 42\n"
        "cycle = [a]\n"
        "cycle.append(cycle)  # collected only at the very end of shutdown\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, path, how], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert numpy_load(path).tolist() == [0, 42, 0]
