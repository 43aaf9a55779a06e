"""Fixed-width strings (``S``, ``U``, ``V``) and times (``M8``, ``m8``): their own corners, against NumPy as the oracle.

What every element family shares (reading back, descrs, writes in modes "r+" and "c", create)
runs over the text and times families of ``oracle_families.py`` in ``test_numpy_oracle.py``,
``test_numpy_oracle_writes.py`` and ``test_numpy_oracle_create.py``. This module holds what only
strings or times do: the factories, fills and lists of strings, refused values, invalid code
points and unknown descrs. Files are written by NumPy, and expected values and bytes come from
NumPy; times are int counts of their unit in npymmap, compared with NumPy's int64 view
(``TIMES.oracle``).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import assert_same, assert_write_refused, file_bytes, numpy_header, numpy_load
from oracle_families import NAT, RECORDS, TEXT, TIMES, Family

import npymmap

# ---------------------------------------------------------------------------------------------
# 1. Factories and their descrs.


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
# 2. Fills and lists of strings, and NumPy arrays as sources.


def test_scalar_bytes_fills_every_item_of_an_s_array(npy_dir: Path) -> None:
    arr = TEXT.make_array(np.dtype("S5"), (2, 3), False)
    path = TEXT.write_file(npy_dir, arr)
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
    arr = TEXT.make_array(dtype, (2,), False)
    path = TEXT.write_file(npy_dir, arr)
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
    arr = TEXT.make_array(np.dtype("V4"), (4,), False)
    path = TEXT.write_file(npy_dir, arr)
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
    arr = TEXT.make_array(dtype, (2, 3), False)
    path = TEXT.write_file(npy_dir, arr)
    source = TEXT.make_array(dtype, (3,), False, offset=2)
    ref = arr.copy()
    with npymmap.open(path, mode="r+") as a:
        a[1, :] = source
        ref[1, :] = source
        assert_same(a.tolist(), ref.tolist())
    assert numpy_load(path).tobytes() == ref.tobytes()


# 3. Values npymmap refuses, and files holding what no str can.


def with_bad(a: Any, key: Any, at: int, value: Any) -> list[Any]:
    """The current items of the 1-d view ``a[key]`` with item ``at`` replaced by ``value``."""
    items: list[Any] = a[key].tolist()
    items[at] = value
    return items


def test_too_long_bytes_raise_value_error_where_numpy_truncates(npy_dir: Path) -> None:
    arr = TEXT.make_array(np.dtype("S5"), (4,), False)
    path = TEXT.write_file(npy_dir, arr)
    truncating = arr.copy()
    truncating[1] = b"abcdef"
    assert truncating[1] == b"abcde"  # NumPy cuts silently; npymmap refuses
    with npymmap.open(path, npymmap.bytes_(5), mode="r+") as a:
        for key in (1, -1, (2,)):
            assert_write_refused(a, key, b"abcdef", ValueError, path)
            assert_write_refused(a, key, bytearray(b"\x00" * 6), ValueError, path)
        assert_write_refused(a, slice(None), b"abcdef", ValueError, path)
        assert_write_refused(a, slice(None), with_bad(a, slice(None), 3, b"toolong"), ValueError, path)
        assert_write_refused(a, slice(1, 3), with_bad(a, slice(1, 3), 0, b"toolong"), ValueError, path)
        assert_write_refused(a, slice(None, None, -2), with_bad(a, slice(None, None, -2), 1, b"toolong"), ValueError, path)
        a[1] = b"abcde"  # exactly the width fits
        assert a[1] == b"abcde"
    assert numpy_load(path)[1] == b"abcde"


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_too_long_str_raises_value_error(npy_dir: Path, order: str) -> None:
    arr = TEXT.make_array(np.dtype(f"{order}U5"), (4,), False)
    path = TEXT.write_file(npy_dir, arr)
    ref = arr.copy()
    with npymmap.open(path, npymmap.str_(5), mode="r+") as a:
        for key in (0, -2):
            assert_write_refused(a, key, "abcdef", ValueError, path)
            assert_write_refused(a, key, "😀" * 6, ValueError, path)
        assert_write_refused(a, slice(None), "abcdef", ValueError, path)
        assert_write_refused(a, slice(None), with_bad(a, slice(None), 2, "abcdefg"), ValueError, path)
        assert_write_refused(a, slice(None, None, 3), with_bad(a, slice(None, None, 3), 1, "abcdefg"), ValueError, path)
        a[2] = "😀" * 5  # five characters: twenty bytes, exactly the width
        ref[2] = "😀" * 5
        assert a[2] == "😀" * 5
        assert a.tobytes() == ref.tobytes()
    assert numpy_load(path).tobytes() == ref.tobytes()


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
def test_lone_surrogates_are_stored_and_read_as_numpy_does(npy_dir: Path, order: str) -> None:
    """NumPy stores a lone surrogate as its code point and reads it back into a ``str``."""
    arr = TEXT.make_array(np.dtype(f"{order}U3"), (3,), False)
    path = TEXT.write_file(npy_dir, arr)
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
    arr = TEXT.make_array(np.dtype("V4"), (3,), False)
    path = TEXT.write_file(npy_dir, arr)
    with npymmap.open(path, npymmap.void(4), mode="r+") as a:
        for value in (b"", b"abc", b"abcde", bytearray(8)):
            assert_write_refused(a, 1, value, ValueError, path)
            assert_write_refused(a, slice(None), value, ValueError, path)
        assert_write_refused(a, slice(None), with_bad(a, slice(None), 1, b"ab"), ValueError, path)
        assert_write_refused(a, slice(None, None, 2), with_bad(a, slice(None, None, 2), 1, b"abcde"), ValueError, path)


@pytest.mark.parametrize(
    ("family", "descr", "bad_values"),
    [
        (TEXT, "|S5", ["abc", "", 1, 1.5, None, ["a"]]),
        (TEXT, "<U5", [b"abc", b"", bytearray(b"a"), 1, None]),
        (TEXT, ">U5", [b"abc", 7, None]),
        (TEXT, "|V4", ["abcd", 1, None, 1.5]),
        (TIMES, "<M8[ns]", ["2020-01-01", 1.5, b"x", None, complex(1, 0)]),
        (TIMES, ">M8[ns]", ["2020-01-01", 1.5, b"x", None]),
        (TIMES, "<m8[s]", ["1", 2.0, None]),
        (TIMES, ">m8[s]", ["1", 2.0, None]),
    ],
    ids=["|S5", "<U5", ">U5", "|V4", "<M8[ns]", ">M8[ns]", "<m8[s]", ">m8[s]"],
)
def test_values_of_the_wrong_type_raise_type_error(npy_dir: Path, family: Family, descr: str, bad_values: list[Any]) -> None:
    arr = family.make_array(np.dtype(descr), (3,), False)
    path = family.write_file(npy_dir, arr)
    with npymmap.open(path, mode="r+") as a:
        for value in bad_values:
            assert_write_refused(a, 1, value, TypeError, path)
            if not isinstance(value, list):
                assert_write_refused(a, slice(None), value, TypeError, path)
                assert_write_refused(a, slice(None), with_bad(a, slice(None), 1, value), TypeError, path)
                assert_write_refused(a, slice(None, None, 2), with_bad(a, slice(None, None, 2), 1, value), TypeError, path)


@pytest.mark.parametrize("descr", ["<M8[ns]", ">M8[ns]", "<m8[us]", ">m8[us]"])
def test_times_out_of_int64_range_raise_overflow_error(npy_dir: Path, descr: str) -> None:
    arr = TIMES.make_array(np.dtype(descr), (3,), False)
    path = TIMES.write_file(npy_dir, arr)
    with npymmap.open(path, mode="r+") as a:
        for value in (2**63, NAT - 1, 2**64, -(2**64)):
            for key in (0, 1, 2):
                assert_write_refused(a, key, value, OverflowError, path)
            assert_write_refused(a, slice(None), with_bad(a, slice(None), 1, value), OverflowError, path)
        a[0] = NAT
        a[1] = 2**63 - 1
        assert a.tolist()[:2] == [NAT, 2**63 - 1]
    loaded = numpy_load(path)
    assert np.isnat(loaded[0])
    assert TIMES.oracle(loaded)[1] == 2**63 - 1


@pytest.mark.parametrize("order", ["<", ">"], ids=["le", "be"])
@pytest.mark.parametrize("code_point", [0x110000, 0xFFFFFFFF], ids=["0x110000", "0xffffffff"])
def test_invalid_code_point_in_a_u_file_is_a_format_error_naming_the_file_on_read_of_that_item(
    npy_dir: Path, order: str, code_point: int
) -> None:
    dtype = np.dtype(f"{order}U3")
    arr = np.array(["ab", "cde", "f"], dtype=dtype)
    path = TEXT.write_file(npy_dir, arr)
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
    path = RECORDS.write_file(npy_dir, arr)
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
    path = TEXT.write_file(npy_dir, arr)
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
    path = TEXT.write_file(npy_dir, arr)
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

# 4. Descrs npymmap does not know.


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
