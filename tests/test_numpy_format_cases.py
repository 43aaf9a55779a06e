"""Files and values NumPy's own format tests use, read and written as NumPy reads and writes them.

Cases ported from NumPy's ``numpy/lib/tests/test_format.py`` (sub-array record fields, padded and
blank-named records, zero-size voids, archives with odd member names, large headers) and the
faults found by reading what other writers make: each case writes with NumPy (or by hand, where
NumPy's descr tests write raw descrs), and NumPy reads back what npymmap wrote.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from conftest import assert_same, plain

import npymmap


def numbered(dtype: np.dtype[Any], count: int = 3) -> npt.NDArray[Any]:
    """``count`` items of ``dtype`` whose bytes count up (mod 251), padding included."""
    arr = np.zeros(count, dtype)
    raw = arr.view(np.uint8).reshape(-1)
    raw[:] = np.arange(raw.size) % 251
    return arr


def write_header(path: Path, descr: Any, shape: tuple[int, ...], data: bytes, version: tuple[int, int] = (1, 0)) -> None:
    """A ``.npy`` file whose header holds ``descr`` exactly as given (NumPy's writer would
    normalise it), followed by ``data``."""
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    if version == (1, 0):
        np.lib.format.write_array_header_1_0(buffer, header)
    else:
        np.lib.format.write_array_header_2_0(buffer, header)
    path.write_bytes(buffer.getvalue() + data)


# ---------------------------------------------------------------------------------------------
# Record fields whose format is itself a sub-array, nested records, padding, blank names


def _offsets_dtype() -> np.dtype[Any]:
    return np.dtype({"names": ["a", "b"], "formats": ["i1", "i1"], "offsets": [0, 4], "itemsize": 8})


# NumPy's test_descr_to_dtype cases, as dtypes (np.save writes their descr).
NUMPY_DESCR_DTYPES = {
    "aligned-record-sub-array": np.dtype((np.dtype([("a", np.int8), ("b", np.int16), ("c", np.int32)], align=True), (3,))),
    "offsets-record-in-sub-array-field": np.dtype([("x", np.dtype((_offsets_dtype(), (3,))), (4,))]),
    "sub-array-of-sub-array": np.dtype([("x", ("<f8", (5,)), (2,))]),
    "sub-array-of-sub-array-of-record": np.dtype([("x", np.dtype((np.dtype((_offsets_dtype(), (3,))), (4,))))]),
    "three-deep": np.dtype(
        [("a", np.dtype((np.dtype((np.dtype((np.dtype([("a", int), ("b", _offsets_dtype())]), (3,))), (4,))), (5,))))]
    ),
}
# NumPy's test_load_padded_dtype cases.
NUMPY_PADDED_DTYPES = {
    "aligned": np.dtype("i1, i4, i1", align=True),
    "aligned-nested": np.dtype({"names": ["c", "d"], "formats": ["i4", np.dtype("i1, i4, i1", align=True)]}),
    "blank-field-name": np.dtype({"names": ["a", "", "b"], "formats": ["i4"] * 3}),
    "offsets": np.dtype({"names": ["a", "b"], "formats": ["i4", "i4"], "offsets": [1, 6]}),
    "no-fields": np.dtype({"names": [], "formats": [], "itemsize": 8}),
    "big-endian-nested": np.dtype([("p", [("x", ">f4"), ("y", ">i2")]), ("n", ">u8", (2,))]),
}
# Raw descrs as NumPy's descr tests and other writers put them in headers.
RAW_DESCRS: dict[str, Any] = {
    "sub-array-format": [("c", ("<f8", (5,)), (2,))],
    "sub-array-format-int-shape": [("c", ("<i2", 3))],
    "sub-array-format-no-outer-shape": [("c", ("<f8", (2, 2)))],
    "blank-voids-in-nested-sub-array": [("x", ([("a", "|i1"), ("", "|V3"), ("b", "|i1"), ("", "|V3")], (3,)), (4,))],
    "blank-sub-array-is-padding": [("", "<i4", (2,)), ("b", "<i4")],
    "blank-nested-record-is-a-field": [("", [("x", "<i2")]), ("b", "<i4")],
    "blank-number-is-a-field": [("a", "<i4"), ("", "<i4"), ("b", "<i4")],
    "zero-size-void-field": [("a", "|V0"), ("b", "<i2")],
    "zero-length-sub-array": [("a", "<f8", (0,)), ("b", "|u1")],
    "titled-field": [(("the title", "t"), "<f4"), ("u", "|S3")],
}


def _check_mapped_like_numpy(path: Path, loaded: npt.NDArray[Any]) -> None:
    for mode in ("r", "r+", "c"):
        with npymmap.open(path, mode=mode) as mapped:
            assert mapped.shape == loaded.shape
            assert mapped.tolist() == plain(loaded.tolist())
            assert mapped.tobytes() == loaded.tobytes()
            exported = np.asarray(mapped)
            assert exported.dtype == loaded.dtype and exported.dtype.names == loaded.dtype.names
            assert plain(exported.tolist()) == plain(loaded.tolist())
    with npymmap.open_buffer(path.read_bytes()) as buffered:
        assert buffered.tolist() == plain(loaded.tolist())


@pytest.mark.parametrize("name", list(NUMPY_DESCR_DTYPES) + list(NUMPY_PADDED_DTYPES))
def test_records_numpys_format_tests_use_read_as_numpy_reads_them(npy_dir: Path, name: str) -> None:
    dtype = {**NUMPY_DESCR_DTYPES, **NUMPY_PADDED_DTYPES}[name]
    path = npy_dir / "records.npy"
    np.save(path, numbered(dtype))
    loaded = np.load(path)
    _check_mapped_like_numpy(path, loaded)
    element = npymmap.lookup(np.lib.format.dtype_to_descr(dtype))
    assert element.itemsize == dtype.itemsize
    archive = npy_dir / "records.npz"
    np.savez(archive, arr=numbered(dtype))
    with np.load(archive) as numpy_archive, npymmap.open_npz(archive) as mapped_archive:
        assert mapped_archive["arr"].tolist() == plain(numpy_archive["arr"].tolist())


@pytest.mark.parametrize("name", list(RAW_DESCRS))
def test_raw_record_descrs_read_as_numpy_reads_them(npy_dir: Path, name: str) -> None:
    descr = RAW_DESCRS[name]
    element = npymmap.lookup(descr)
    path = npy_dir / "raw.npy"
    write_header(path, descr, (3,), bytes(i % 251 for i in range(3 * element.itemsize)))
    loaded = np.load(path)
    assert loaded.dtype.itemsize == element.itemsize
    _check_mapped_like_numpy(path, loaded)


@pytest.mark.parametrize("name", list(RAW_DESCRS))
def test_create_writes_raw_record_descrs_numpy_reads(npy_dir: Path, name: str) -> None:
    element = npymmap.lookup(RAW_DESCRS[name])
    path = npy_dir / "made.npy"
    with npymmap.create(path, element, (2,)) as made:
        made[:] = bytes(i % 251 for i in range(2 * element.itemsize))
        expected = made.tolist()
    loaded = np.load(path)
    assert plain(loaded.tolist()) == expected
    assert loaded.dtype == np.lib.format.descr_to_dtype(RAW_DESCRS[name])


@pytest.mark.parametrize(
    "descr",
    [
        [("a", "<i4"), ("", "<i4"), ("", "<i4")],  # two blank names
        [("a", "<i4"), ("a", "<f4")],
        [(("a", "b"), "<i4"), ("a", "<f4")],  # a title that is another field's name
    ],
    ids=["two-blank-fields", "repeated-name", "title-is-a-name"],
)
def test_records_numpy_refuses_are_refused(npy_dir: Path, descr: Any) -> None:
    path = npy_dir / "refused.npy"
    write_header(path, descr, (1,), bytes(16))
    with pytest.raises(ValueError):
        np.load(path)
    with pytest.raises(npymmap.UnsupportedDtypeError, match="repeats a field name or title"):
        npymmap.open(path)


def test_a_blank_field_name_stays_blank_in_numpys_view(npy_dir: Path) -> None:
    dtype = NUMPY_PADDED_DTYPES["blank-field-name"]
    path = npy_dir / "blank.npy"
    np.save(path, np.arange(9, dtype="<i4").view(dtype))
    with npymmap.open(path) as mapped:
        assert np.asarray(mapped).dtype.names == ("a", "", "b") == np.load(path).dtype.names
        assert mapped.tolist() == [(0, 1, 2), (3, 4, 5), (6, 7, 8)]


# ---------------------------------------------------------------------------------------------
# Assigning NumPy arrays: structured, complex, any layout


RECORD = np.dtype([("a", "<i4"), ("b", "<f8", (3,)), ("s", "S13"), ("p", [("x", "<u2"), ("y", "<f4")])])


def _records(dtype: np.dtype[Any], count: int) -> npt.NDArray[Any]:
    arr = np.zeros(count, dtype)
    arr["a"] = np.arange(count) - 1
    arr["b"] = np.arange(3 * count).reshape(count, 3) / 4
    arr["s"] = [b"r%d" % i for i in range(count)]
    arr["p"]["x"] = np.arange(count) + 7
    arr["p"]["y"] = np.arange(count) * 1.5
    return arr


@pytest.mark.parametrize(
    "source",
    ["same", "tobytes", "big-endian", "aligned", "strided", "fortran-2d"],
)
def test_assigning_a_numpy_structured_array_to_a_record_map(npy_dir: Path, source: str) -> None:
    path = npy_dir / "records.npy"
    shape = (2, 3) if source == "fortran-2d" else (4,)
    np.save(path, np.zeros(shape, RECORD))
    want = _records(RECORD, 6 if source == "fortran-2d" else 4).reshape(shape)
    value: Any = {
        "same": want,
        "tobytes": want.tobytes(),
        "big-endian": want.astype(RECORD.newbyteorder(">")),
        "aligned": want.astype(np.dtype(RECORD.descr, align=True)),
        "strided": _records(RECORD, 8)[::2],
        "fortran-2d": np.asfortranarray(want),
    }[source]
    if source == "strided":
        want = value.copy()
    with npymmap.open(path, mode="r+") as mapped:
        mapped[...] = value
        assert mapped.tolist() == plain(want.tolist())
    assert np.load(path).tobytes() == want.tobytes()


def test_assigning_structured_arrays_to_windows_and_refusals(npy_dir: Path) -> None:
    path = npy_dir / "records.npy"
    np.save(path, np.zeros(6, RECORD))
    expected = np.zeros(6, RECORD)
    source = _records(RECORD.newbyteorder(">"), 3)
    with npymmap.open(path, mode="r+") as mapped:
        mapped[::2] = source  # a strided window, another byte order
        expected[::2] = source
        assert np.load(path).tobytes() == expected.tobytes()
        own = _records(RECORD, 3)
        mapped[1] = own[1].tobytes()  # one record's bytes, in the map's own format
        expected[1] = own[1]
        with pytest.raises(ValueError, match="shape"):
            mapped[:2] = source
        with pytest.raises(ValueError, match=f"a record is {RECORD.itemsize} bytes, not {RECORD.itemsize * 6 + 1}"):
            mapped[:] = b"\0" * (RECORD.itemsize * 6 + 1)
        with pytest.raises(ValueError, match="a record of 4 fields cannot take 1 values"):
            mapped[:3] = np.zeros(3, [("only", "<i4")])  # one field where the map has four
        with pytest.raises(TypeError, match="mixes byte orders"):
            mapped[:1] = np.zeros(1, [("a", "<i4"), ("b", ">f8", (3,)), ("s", "S13"), ("p", [("x", "<u2"), ("y", "<f4")])])
    assert np.load(path).tobytes() == expected.tobytes()


@pytest.mark.parametrize("descr", ["<c8", ">c8", "<c16", ">c16"])
@pytest.mark.parametrize("layout", ["fortran", "strided", "reversed", "other-order"])
@pytest.mark.parametrize("target_fortran", [False, True], ids=["into-C", "into-F"])
def test_assigning_complex_numpy_arrays_of_any_layout(npy_dir: Path, descr: str, layout: str, target_fortran: bool) -> None:
    want = (np.arange(6) - 2.5 + 1j * np.arange(6)[::-1]).astype(descr).reshape(2, 3)
    value: Any = {
        "fortran": np.asfortranarray(want),
        "strided": np.repeat(want, 2, axis=1)[:, ::2],
        "reversed": want[::-1, ::-1].copy()[::-1, ::-1],
        "other-order": want.astype(np.dtype(descr).newbyteorder()),
    }[layout]
    path = npy_dir / "complex.npy"
    np.save(path, np.zeros((2, 3), descr, order="F" if target_fortran else "C"))
    with npymmap.open(path, mode="r+") as mapped:
        mapped[...] = value
        assert_same(mapped.tolist(), want.tolist())
        mapped[:, 1] = value[:, 0]
    want[:, 1] = want[:, 0]
    assert np.load(path).tolist() == want.tolist()


# ---------------------------------------------------------------------------------------------
# Growing: Fortran order of three or more axes, structured rows


@pytest.mark.parametrize("descr", [">u4", "<f8", "<U3", "<c16", "|S2"])
@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 2, 3, 2)])
def test_appending_to_a_fortran_file_lays_each_slice_in_fortran_order(npy_dir: Path, descr: str, shape: tuple[int, ...]) -> None:
    count = int(np.prod(shape))
    base = np.asfortranarray(np.arange(count).astype(descr).reshape(shape))
    path = npy_dir / "fortran.npy"
    np.save(path, base)
    first, second = base[..., 0], base[..., 1]
    rows_first = np.ascontiguousarray(np.moveaxis(base[..., :2], -1, 0))
    with npymmap.append_to(path) as grower:
        assert grower.row_shape == shape[:-1]
        assert grower.append([first.tolist()]) == 1  # nested lists
        assert grower.append(rows_first) == 2  # a NumPy array of rows, C order
        assert grower.append(np.asfortranarray(rows_first)) == 2  # the same rows, Fortran order
        assert grower.append(second[np.newaxis].astype(np.dtype(descr).newbyteorder())) == 1  # another byte order
    expected = np.concatenate([base, first[..., None], base[..., :2], base[..., :2], second[..., None]], axis=-1)
    loaded = np.load(path)
    assert loaded.flags.f_contiguous and loaded.shape == expected.shape
    assert loaded.tolist() == expected.tolist()
    rows_path, again = npy_dir / "rows.npy", npy_dir / "again.npy"
    np.save(rows_path, rows_first)
    np.save(again, base)
    with npymmap.open(rows_path) as mapped_rows, npymmap.append_to(again) as grower:
        assert grower.append(mapped_rows) == 2  # an npymmap array of rows
        assert grower.append(mapped_rows[::-1]) == 2  # a window of it
    assert np.load(again).tolist() == np.concatenate([base, base[..., :2], base[..., 1::-1]], axis=-1).tolist()


def test_rows_of_the_wrong_shape_are_refused_and_write_nothing(npy_dir: Path) -> None:
    path = npy_dir / "c.npy"
    np.save(path, np.zeros((2, 3, 4), "<f4"))
    before = path.read_bytes()
    with npymmap.append_to(path) as grower:
        with pytest.raises(ValueError, match=r"rows must have shape \(count,\) \+ \(3, 4\)"):
            grower.append(np.zeros((2, 4, 3), "<f4"))
        with pytest.raises(ValueError):
            grower.append([[[0.0] * 3] * 4])
    assert path.read_bytes() == before


@pytest.mark.parametrize("variant", ["same", "big-endian", "aligned", "nested-other-order"])
def test_appending_numpy_structured_arrays(npy_dir: Path, variant: str) -> None:
    dtype = np.dtype([("id", "<i8"), ("x", "<f4"), ("p", [("u", "<u2"), ("s", "S3")])])
    path = npy_dir / "records.npy"
    start = np.zeros(1, dtype)
    np.save(path, start)
    rows = np.zeros(3, dtype)
    rows["id"] = [7, -8, 9]
    rows["x"] = [1.5, 2.5, -0.25]
    rows["p"]["u"] = [1, 2, 3]
    rows["p"]["s"] = [b"a", b"bb", b"ccc"]
    given: Any = {
        "same": rows,
        "big-endian": rows.astype(dtype.newbyteorder(">")),
        "aligned": rows.astype(np.dtype(dtype.descr, align=True)),
        "nested-other-order": rows.astype(np.dtype([("id", ">i8"), ("x", ">f4"), ("p", [("u", ">u2"), ("s", "S3")])])),
    }[variant]
    with npymmap.append_to(path) as grower:
        assert grower.append(given) == 3
        assert grower.append(given[::2]) == 2
    assert np.load(path).tobytes() == np.concatenate([start, rows, rows[::2]]).tobytes()


# ---------------------------------------------------------------------------------------------
# Zero-size items: V0 (NumPy writes it), S0 and U0 (NumPy reads them)


@pytest.mark.parametrize("descr", ["|V0", "|S0", "<U0", "|V", "|S", "<U", "S00"])
@pytest.mark.parametrize("shape", [(3,), (0,), (2, 2), ()], ids=["1d", "empty", "2d", "0d"])
def test_zero_size_items_read_as_numpy_reads_them(npy_dir: Path, descr: str, shape: tuple[int, ...]) -> None:
    path = npy_dir / "zero.npy"
    write_header(path, descr, shape, b"")
    loaded = np.load(path)
    empty: Any = "" if "U" in descr else b""
    for mode in ("r", "r+", "c"):
        with npymmap.open(path, mode=mode) as mapped:
            assert mapped.shape == loaded.shape and mapped.element.itemsize == 0
            assert mapped.tolist() == loaded.tolist()
            assert mapped.tobytes() == b""
            assert np.asarray(mapped).dtype == loaded.dtype
            if len(shape) == 2:
                assert mapped[1, 0] == empty
                assert mapped[:, 1].tolist() == mapped.T.tolist()[1] == loaded[:, 1].tolist()
    for writable_mode in ("r+", "c"):
        with npymmap.open(path, mode=writable_mode) as writable:
            writable[...] = empty
            if shape:
                writable[...] = [empty] * shape[0] if len(shape) == 1 else [[empty] * shape[1]] * shape[0]
    assert np.load(path).tolist() == loaded.tolist()


def test_zero_size_items_are_written_as_numpy_writes_them(npy_dir: Path) -> None:
    path = npy_dir / "v0.npy"
    with npymmap.create(path, npymmap.void(0), (4,)) as made:
        made[:] = [b""] * 4
    reference = npy_dir / "numpy.npy"
    np.save(reference, np.zeros(4, "V0"))
    assert path.read_bytes() == reference.read_bytes()
    assert npymmap.lookup("|V") is npymmap.lookup("|V0") is npymmap.void(0)
    assert npymmap.lookup("|S05") is npymmap.bytes_(5)
    archive = npy_dir / "v0.npz"
    np.savez(archive, v=np.zeros((2, 3), "V0"))
    with npymmap.open_npz(archive) as mapped:
        assert mapped["v"].tolist() == [[b""] * 3] * 2


# ---------------------------------------------------------------------------------------------
# Archives: members named as NumPy names them, large headers


def test_members_not_named_npy_and_full_names_are_found_as_numpy_finds_them(npy_dir: Path) -> None:
    path = npy_dir / "odd.npz"
    image = io.BytesIO()
    np.save(image, np.arange(3, dtype="<i2"))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("test2", image.getvalue())
        archive.writestr("test1.npy", image.getvalue())
    with np.load(path) as loaded, npymmap.open_npz(path) as mapped:
        assert list(mapped) == list(mapped.keys()) == loaded.files == ["test2", "test1"]
        for key in ("test2", "test1", "test1.npy"):
            assert key in mapped and key in loaded
            assert mapped[key].tolist() == loaded[key].tolist() == [0, 1, 2]
            assert mapped.read(key).tolist() == [0, 1, 2]
        assert mapped["test1"] is mapped["test1.npy"]
        for key in ("test2.npy", "test1.npy.npy", "test"):
            assert key not in mapped and key not in loaded
            with pytest.raises(KeyError):
                mapped[key]


@pytest.mark.parametrize("compressed", [False, True], ids=["stored", "compressed"])
def test_open_npz_takes_max_header_size_as_numpy_load_does(npy_dir: Path, compressed: bool) -> None:
    dtype = np.dtype([(f"field{i:04d}", "u1") for i in range(800)])
    arr = numbered(dtype, 2)
    path = npy_dir / "wide.npz"
    (np.savez_compressed if compressed else np.savez)(path, wide=arr)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="max_header_size"):
            np.load(path)["wide"]
        expected = np.load(path, max_header_size=100_000)["wide"].tolist()
    with npymmap.open_npz(path) as archive:
        with pytest.raises(npymmap.NpyFormatError, match=r"wide.npy: header .* over max_header_size=10000"):
            archive.read("wide") if compressed else archive["wide"]
    with npymmap.open_npz(path, max_header_size=100_000) as archive:
        assert (archive.read("wide") if compressed else archive["wide"]).tolist() == expected


# ---------------------------------------------------------------------------------------------
# Every spelling of a simple dtype NumPy reads in a header


SPELLINGS = [
    # one-letter type codes, with and without a byte order
    "?", "|?", ">?", "b", "B", "|B", "<B", "h", "<h", ">H", "i", "<i", ">I", "l", "<l", "L", ">L", "q", "<q", ">Q",
    "p", "<p", "P", "n", "<n", "N", "e", "<e", ">e", "f", ">f", "d", "=d", ">d", "F", "<F", "D", ">D", "c", "|c", "<c",
    "M", "<M", "m", ">m", "a", "|a", "a5", ">a3",
    # type names, alone (NumPy refuses them after a byte order)
    "bool", "byte", "ubyte", "short", "ushort", "intc", "uintc", "long", "ulong", "longlong", "ulonglong", "int",
    "uint", "intp", "uintp", "half", "single", "double", "float", "csingle", "cdouble", "complex", "bytes", "str",
    "void", "int8", "int64", "uint8", "float16", "float64", "complex64", "datetime64", "timedelta64",
    "datetime64[ns]", "<datetime64[ns]", ">timedelta64[s]", "<int32", ">double", "<float", "|bool",
    # kind and size, and their odd forms
    "<f4", "f8", "i4", "c8", ">b1", "<b1", "|V3", ">V3", "<S3", ">S5", "S", "U", "V", "S00", "|S01", "<U", ">U", "=U3",
    "|U3", "<i0", "<f3", "<i16", "b2", "<u", "u", "<M8[ns]", "M8[D]", "<m8[10s]", "M8", "<M8[0s]", "<m8[10]",
    # not dtypes, or not mappable
    "O", "O8", "object", "<g", "G", "float128", "E", "Z", "<z", " <f8", "<f8 ", "", "<", "<>f8", "|S-1",
]  # fmt: skip
# NumPy's old name of 'S': NumPy reads it up to 2.4 (deprecated since 2.0) and refuses it from 2.5
# on; npymmap keeps reading it as the 'S' spelling, since files NumPy wrote may carry it. The
# oracle for each is what NumPy reads for the 'S' spelling here.
OLD_S_SPELLINGS = {"a": "S", "a5": "S5", ">a3": ">S3"}
NUMPY_READS_OLD_S_SPELLING = tuple(int(part) for part in np.__version__.split(".")[:2]) < (2, 5)
# The time spellings without a unit: NumPy's generic datetime64/timedelta64, on every NumPy.
GENERIC_TIME_SPELLINGS = {"M", "<M", "m", ">m", "M8", "datetime64", "timedelta64"}
# Spellings NumPy reads that npymmap refuses on purpose.
REFUSED_SPELLINGS = {
    "<g": "long double has no portable layout",
    "G": "complex long double has no portable layout",
    "float128": "long double has no portable layout",
    "<M8[0s]": "a time unit of no length: NumPy reads every value as 1970-01-01",
}


def spelling_image(descr: str) -> bytes:
    """A version 1.0 ``.npy`` image of two items of ``descr``, followed by more bytes than any of
    the spellings' items need (characters too, where the items are text)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": (2,)})
    return buffer.getvalue() + bytes([65, 0, 0, 0, 66, 1, 0, 0] * 8)


def numpy_load_spelling(image: bytes) -> npt.NDArray[Any] | None:
    """What ``numpy.load`` reads from ``image``, or None where it refuses the descr."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 'a5' in NumPy 2.0 to 2.4
            loaded: npt.NDArray[Any] = np.load(io.BytesIO(image))
    except (ValueError, TypeError):
        return None
    return loaded


@pytest.mark.parametrize("descr", SPELLINGS)
def test_every_spelling_numpy_reads_maps_to_the_same_dtype(descr: str) -> None:
    image = spelling_image(descr)
    loaded = numpy_load_spelling(image)
    if descr in OLD_S_SPELLINGS:  # read by npymmap with any NumPy: the oracle is the 'S' spelling
        as_s = numpy_load_spelling(spelling_image(OLD_S_SPELLINGS[descr]))
        assert as_s is not None
        if NUMPY_READS_OLD_S_SPELLING:
            assert loaded is not None and loaded.dtype.str == as_s.dtype.str and loaded.tobytes() == as_s.tobytes()
        else:
            assert loaded is None, f"NumPy {np.__version__} reads {descr!r} again"
        loaded = as_s
    if loaded is None or descr in REFUSED_SPELLINGS:
        with pytest.raises(npymmap.NpyError):
            npymmap.open_buffer(image)
        return
    with npymmap.open_buffer(image) as mapped:
        assert np.asarray(mapped).dtype.str == loaded.dtype.str
        assert mapped.tobytes() == loaded.tobytes()
        if loaded.dtype.kind not in "Mm":
            assert_same(mapped.tolist(), loaded.tolist())
        else:  # npymmap gives times as int counts. A unit-less spelling ('M', '<M', 'm', 'M8',
            # 'datetime64') is NumPy's generic unit on every NumPy (2.0, 2.4 and 2.5 alike: '<M8',
            # whose values tolist() gives as None); npymmap keeps it generic, unit ''
            assert mapped.tolist() == loaded.view(loaded.dtype.str[0] + "i8").tolist()
            generic = np.datetime_data(loaded.dtype)[0] == "generic"
            assert (mapped.element.unit == "") == generic == (descr in GENERIC_TIME_SPELLINGS)
