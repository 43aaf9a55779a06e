"""The fast paths of issue 15 against NumPy, fallbacks included: every value a fast path takes
is what NumPy stores and reads, and every value it does not take goes the slow way, which
converts it as NumPy does or refuses it, writing nothing.

Fast paths: 1-d windows of native items as strided memoryviews (columns, steps); stores of
numbers memoryview cannot read through their unsigned-int view; text cut and joined in C;
complex parts interleaved in C; records of plain fields packed in one call; row fills without
flatten; full indices through per-axis ranges.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npymmap
from npymmap._text import cut


def saved(tmp_path: Path, array: Any, name: str = "a.npy") -> str:
    path = str(tmp_path / name)
    np.save(path, array)
    return path


@pytest.mark.parametrize("dtype", ["<f8", "<i2", "|u1", "|b1", "<M8[s]"])
def test_columns_and_steps_of_native_arrays_read_and_write_as_numpy(tmp_path: Path, dtype: str) -> None:
    source = (np.arange(7 * 5) % 3 if dtype == "|b1" else np.arange(7 * 5)).astype(dtype).reshape(7, 5)
    path = saved(tmp_path, source)
    with npymmap.open(path, mode="r+") as a:
        for key in [(slice(None), 2), (slice(None, None, 3), 4), (slice(None, None, -2), 0), (slice(5, 1, -1), -1)]:
            assert a[key].tolist() == source[key].view("i8" if dtype == "<M8[s]" else dtype).tolist()
        column = a[:, 3]
        assert column.shape == (7,) and column[-1] == a[6, 3] and column[::2].tolist() == a[::2, 3].tolist()
        with pytest.raises(IndexError, match="index 7 is out of bounds for axis 0 with size 7"):
            column[7]
        one = a[::2, 1]
        one[1] = one[0]
        a[:, 4] = a[:, 0].tolist()
        one_d = a[1, ...]
        assert one_d[::-2].tolist() == one_d.tolist()[::-2]
    expected = source.copy()
    expected[2, 1] = expected[0, 1]
    expected[:, 4] = expected[:, 0]
    assert np.load(path).tobytes() == expected.tobytes()


@pytest.mark.parametrize("fortran", [False, True])
@pytest.mark.parametrize("dtype", [">f8", "<f2", ">f4", ">i4", "<c8", ">c8", ">u2"])
def test_stores_of_numbers_memoryview_cannot_read_are_numpys(tmp_path: Path, dtype: str, fortran: bool) -> None:
    source = np.zeros((3, 4), dtype, order="F" if fortran else "C")
    path = saved(tmp_path, source)
    kind = np.dtype(dtype).kind
    choices: dict[str, list[Any]] = {"f": [1.5, -2, True, 1e300], "i": [7, -8, True], "u": [7, 65535], "c": [1 + 2j, 3.5, 2, 1e300 + 1j]}
    values = choices[kind]
    expected = source.copy()
    with npymmap.open(path, mode="r+") as w:
        for n, value in enumerate(values):
            where = (n % 3, n % 4)
            with np.errstate(over="ignore"):
                expected[where] = value
            w[where] = value
            assert w[where] == expected[where].item()
        for bad in ["1.5", b"x", None]:
            with pytest.raises(TypeError):
                w[2, 3] = bad
        if kind in "iu":
            with pytest.raises(OverflowError):
                w[2, 3] = 2**40
    assert np.load(path).tobytes() == expected.tobytes()


@pytest.mark.parametrize("dtype", ["|S4", "<U3", ">U3", "|V3"])
def test_text_fills_take_every_value_numpy_takes_and_refuse_the_rest_whole(tmp_path: Path, dtype: str) -> None:
    kind = np.dtype(dtype).kind
    if kind == "U":
        good: list[Any] = ["ab", "", "xyz", "\ud800z"]
        bad: list[list[Any]] = [["ab", "toolong"], ["ab", b"ab"], ["ab", 5]]
    elif kind == "S":
        good = [b"ab", bytearray(b"cd"), memoryview(b"e"), b"wxyz"]
        bad = [[b"ab", b"toolong"], [b"ab", "ab"]]
    else:
        good = [b"abc", bytearray(b"\0\1\2"), memoryview(b"xyz"), b"   "]
        bad = [[b"abc", b"ab"], [b"abc", "abc"]]
    path = saved(tmp_path, np.zeros((2, 4), dtype))
    with npymmap.open(path, mode="r+") as w:
        w[0, ...] = good
        for row in bad:
            before = w.tobytes()
            with pytest.raises((TypeError, ValueError)):
                w[1, :2] = row
            assert w.tobytes() == before
        got = w[0, ...].tolist()
    loaded = np.load(path)
    if kind == "V":
        assert [bytes(item) for item in loaded[0].tolist()] == [bytes(value) for value in good] == got
    else:
        expected = [bytes(value) if kind == "S" else value for value in good]
        assert loaded[0].tolist() == expected == got


@pytest.mark.parametrize("dtype", ["|S3", "<U2", "|V2"])
def test_long_text_runs_are_cut_in_chunks_as_numpy_reads_them(tmp_path: Path, dtype: str) -> None:
    count = 2500  # more than one chunk of 1,024 items, and a last chunk of one item... and of many
    if np.dtype(dtype).kind == "U":
        items: list[Any] = [["", "a", "a\0b", "\0a", "é", "\U0001f600x"][n % 6] for n in range(count)]
    else:
        items = [[b"", b"a", b"a\0b", b"\0a", b"xy"][n % 5][: np.dtype(dtype).itemsize] for n in range(count)]
    source = np.array(items, dtype)
    path = saved(tmp_path, source.reshape(50, 50))
    with npymmap.open(path) as a:
        assert a.tolist() == source.reshape(50, 50).tolist()
        assert a[:, 7].tolist() == source.reshape(50, 50)[:, 7].tolist()
    path = saved(tmp_path, source[: 1024 + 1], "edge.npy")
    with npymmap.open(path) as a:
        assert a.tolist() == source[: 1024 + 1].tolist()


@settings(deadline=None, max_examples=300)
@given(st.integers(1, 4), st.lists(st.text(alphabet="a\0é\U0001f600", max_size=4), max_size=40), st.booleans())
def test_str_items_read_as_numpy_strips_them_whether_split_at_nuls_or_cut(width: int, words: list[str], padded: bool) -> None:
    # (padded: every item starts with a character and ends with NUL, the case split at NULs)
    items = [(word.lstrip("\0") or "a")[: width - 1] or "a" for word in words] if padded and width > 1 else [word[:width] for word in words]
    source = np.array(items, f"<U{width}")
    expected = source.tolist()
    assert cut(source.tobytes().decode("utf-32-le", "surrogatepass"), width, len(items)) == expected
    data = memoryview(source.tobytes())
    assert npymmap.str_(width).read(data, 0, len(items)) == expected


@pytest.mark.parametrize("dtype", [">f8", "<f2", ">i4", "<c8", ">c16", "|S3", "|V2", "|S0"])
def test_strided_runs_struct_reads_skip_the_items_between_as_numpy_reads_them(tmp_path: Path, dtype: str) -> None:
    rows = 2100  # a column of more than two chunks of 1,024 items
    kind = np.dtype(dtype).kind
    if kind in "SV":
        width = np.dtype(dtype).itemsize
        values: Any = np.array([[b"", b"a", b"a\0b", b"\0a", b"xy"][n % 5][:width].ljust(width if kind == "V" else 0, b"\0") for n in range(rows * 3)], dtype)
    else:
        values = (np.arange(rows * 3) * (1 + 1j if kind == "c" else 1)).astype(dtype)
    source = values.reshape(rows, 3)
    path = saved(tmp_path, source)
    with npymmap.open(path) as a:
        keys: list[Any] = [(slice(None), 1), (slice(None, None, -1), 2), (slice(1, None, 7), 0), (slice(None, None, -5), slice(None, None, 2)), (slice(3, 4), slice(None))]
        for key in keys:
            assert a[key].tolist() == source[key].tolist(), key


@pytest.mark.parametrize("dtype", ["<c8", ">c16"])
def test_complex_fills_convert_as_numpy_and_refuse_strings_whole(tmp_path: Path, dtype: str) -> None:
    path = saved(tmp_path, np.zeros((2, 3), dtype))
    values: list[Any] = [1 + 2j, 3, -0.5]
    if dtype == "<c8":
        values[2] = 1e300 + 1j  # too large for complex64: inf, as NumPy stores it
    with npymmap.open(path, mode="r+") as w:
        w[0, ...] = values
        with pytest.raises(TypeError):
            w[1, ...] = [1j, "2", 3]
        assert w[1, ...].tolist() == [0j, 0j, 0j]
    expected = np.zeros((2, 3), dtype)
    with np.errstate(over="ignore"):
        expected[0] = values
    assert np.load(path).tobytes() == expected.tobytes()


def test_plain_records_store_in_one_call_and_fall_back_for_the_rest(tmp_path: Path) -> None:
    dtype = np.dtype([("a", "<i4"), ("h", "<f2"), ("ok", "?")])
    path = saved(tmp_path, np.zeros(6, dtype))

    class Mine(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("a", ctypes.c_int32), ("h", ctypes.c_uint16), ("ok", ctypes.c_bool)]

    with npymmap.open(path, mode="r+") as w:
        w[0] = (1, 2.5, True)
        w[1] = (2, 1e6, 0)  # float16 overflow: inf, as NumPy
        w[2] = Mine(3, 0x3C00, True)  # a Structure: its bytes (0x3C00 is 1.0 in float16)
        with pytest.raises(TypeError):
            w[3] = (2**40, 1.0, True)
        with pytest.raises(ValueError):
            w[3] = (1, 2.0)
        w[4:] = [(5, -1.0, True), (6, 65504.0, False)]
        with pytest.raises(TypeError):
            w[4:] = [(5, -1.0, True), ("x", 1.0, False)]
        got = w.tolist()
    expected = np.zeros(6, dtype)
    with np.errstate(over="ignore"):
        expected[0] = (1, 2.5, True)
        expected[1] = (2, 1e6, False)
    expected[2] = (3, 1.0, True)
    expected[4:] = [(5, -1.0, True), (6, 65504.0, False)]
    assert np.load(path).tobytes() == expected.tobytes()
    assert got == expected.tolist()


def test_full_indices_of_strided_windows_check_bounds_and_types_as_the_general_path(tmp_path: Path) -> None:
    source = np.arange(24, dtype=">i8").reshape(4, 6)
    path = saved(tmp_path, source)
    with npymmap.open(path) as a:
        view = a[::-1, ::2]
        expected = source[::-1, ::2]
        for i in range(-4, 4):
            for j in range(-3, 3):
                assert view[i, j] == expected[i, j]
        keys: list[tuple[Any, Any]] = [((4, 0), IndexError), ((0, -4), IndexError), ((True, 0), TypeError), ((0.5, 0), TypeError)]
        for key, error in keys:
            with pytest.raises(error):
                view[key]
        with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
            view[4, 0]
    with npymmap.open(saved(tmp_path, np.float64(2.5), "scalar.npy")) as scalar:
        with pytest.raises(IndexError):
            scalar[1:2]


@pytest.mark.parametrize("dtype", [[("q", ">i8"), ("x", ">f8")], [("q", "<i8")], ">i8", "<u8", ">c16"])
def test_a_refused_store_writes_no_byte_of_the_item(tmp_path: Path, dtype: Any) -> None:
    """struct's pack_into writes part of an 8-byte int before it finds it out of range: stores
    pack apart, then copy."""
    source = np.full(3, -1).astype(np.dtype(dtype)) if not isinstance(dtype, list) else np.ones(3, dtype)
    path = saved(tmp_path, source)
    fields = len(dtype) if isinstance(dtype, list) else 0
    bad: Any = (2**64 + 5,) + (1.0,) * (fields - 1) if fields else (2**64 + 5 if dtype != ">c16" else "1j")
    with npymmap.open(path, mode="r+") as w:
        with pytest.raises((TypeError, OverflowError)):
            w[1] = bad
    assert np.load(path).tobytes() == source.tobytes()


def test_fortran_order_stores_land_as_numpys_and_look_like_any_writable_array(tmp_path: Path) -> None:
    source = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    path = saved(tmp_path, source)
    expected = source.copy(order="F")
    with npymmap.open(path, mode="r+") as w:
        assert isinstance(w, npymmap.WritableNpyArray) and repr(w).startswith("<npymmap.WritableNpyArray ")
        w[2, 1] = -1.5
        w[-1, -1] = 7
        expected[2, 1], expected[-1, -1] = -1.5, 7
        with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
            w[3, 0] = 1.0
        with pytest.raises(TypeError):
            w[0, 0] = "x"
        w[1, ...] = [9.0, 8.0, 7.0, 6.0]
        expected[1] = [9.0, 8.0, 7.0, 6.0]
        transposed = w.T  # C-contiguous: stores go through its own memoryview
        transposed[0, 2] = 5.5
        expected[2, 0] = 5.5
        assert w.tolist() == expected.tolist()
    assert np.load(path).tobytes(order="A") == expected.tobytes(order="A")
