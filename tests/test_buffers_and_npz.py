"""``open_buffer`` (an array over a ``.npy`` image in any buffer) and ``open_npz`` (the stored
members of a ``.npz`` archive mapped in place), checked against NumPy.

NumPy is the oracle: images come from ``numpy.save``, archives from ``numpy.savez`` /
``numpy.savez_compressed`` (or :mod:`zipfile` for hand-made mixes), and expected values, headers
and bytes from ``numpy.load`` / ``numpy.lib.format``. Hostile archives must only ever raise
:class:`npymmap.NpyError` subclasses naming the archive, quickly.
"""

from __future__ import annotations

import array
import io
import mmap
import struct
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from multiprocessing import shared_memory
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pytest
from conftest import assert_same, file_bytes

import npymmap

# ---------------------------------------------------------------------------------------------
# Helpers.


def npy_image(arr: npt.NDArray[Any]) -> bytes:
    """The ``.npy`` bytes NumPy writes for ``arr``."""
    out = io.BytesIO()
    np.save(out, arr)
    return out.getvalue()


def header_image(fields: dict[str, Any]) -> bytes:
    """Just a version 1.0 header with these fields, as NumPy formats it (no data)."""
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, fields)
    return out.getvalue()


def load_image(data: bytes) -> npt.NDArray[Any]:
    loaded: npt.NDArray[Any] = np.load(io.BytesIO(data))
    return loaded


def numpy_fields(data: bytes) -> tuple[tuple[int, ...], bool, Any, int]:
    """(shape, fortran_order, descr, data offset) of an image as NumPy reads them."""
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream, max_header_size=1 << 20)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream, max_header_size=1 << 20)
    return shape, fortran, np.lib.format.dtype_to_descr(dtype), stream.tell()


def expected_list(arr: npt.NDArray[Any]) -> Any:
    return arr.tolist()


def assert_matches(got: npymmap.NpyArray[Any], arr: npt.NDArray[Any], image: bytes | None = None) -> None:
    """npymmap's array holds NumPy's values, shape, layout, descr and bytes."""
    assert got.shape == arr.shape
    assert got.descr == np.lib.format.dtype_to_descr(arr.dtype)
    if image is not None:
        assert got.fortran_order == numpy_fields(image)[1]
    assert_same(got.tolist(), expected_list(arr))
    assert got.tobytes() == arr.tobytes()


RECORD = np.dtype([("id", "<i4"), ("x", "<f8"), ("name", "<U3")])
RECORD_BE = np.dtype([("id", ">i2"), ("x", ">f4")])

# (id, array, key to write, value to write there); key None: nothing to write (empty).
BUFFER_CASES: list[tuple[str, npt.NDArray[Any], Any, Any]] = [
    ("f8-le", np.array([1.5, -0.0, float("inf"), 1 / 3, -2.0], dtype="<f8"), (3,), -7.25),
    ("f8-be", np.array([1.5, -0.0, float("-inf"), 1 / 3, 1e300], dtype=">f8"), (0,), 0.125),
    ("i2", np.array([-32768, 32767, 0, -1, 42, 7], dtype="<i2").reshape(2, 3), (1, 2), -12345),
    ("bool", np.array([True, False, True, True]), (1,), True),
    ("U5", np.array(["", "a", "hello", "\u00e9\u4e2d\U0001f600"], dtype="<U5"), (0,), "zz\u00e9"),
    ("record", np.array([(1, 2.5, "ab"), (-3, -1.0, "xyz")], dtype=RECORD), (1,), (99, 0.5, "q")),
    ("record-be", np.array([(1, 2.5), (-3, -1.0), (5, 8.0)], dtype=RECORD_BE), (2,), (-7, 0.25)),
    ("fortran-2d", np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4)), (2, 1), 100.5),
    ("0-d", np.array(3.25, dtype=">f8"), (), -1.5),
    ("empty", np.zeros((0, 3), dtype="<i2"), None, None),
]
BUFFER_CASE_IDS = [case[0] for case in BUFFER_CASES]


class Owner:
    """A buffer holding a ``.npy`` image, and what its owner does with it."""

    def __init__(
        self,
        buffer: Any,
        contents: Callable[[], bytes],
        release: Callable[[], None],
        cleanup: Callable[[], None] = lambda: None,
    ) -> None:
        self.buffer = buffer
        self.contents = contents  # the image's bytes as they are now
        self.release = release  # what the owner does when done: close, resize...; never BufferError
        self.cleanup = cleanup


def _bytes_owner(image: bytes) -> Owner:
    return Owner(image, lambda: image, lambda: None)


def _bytearray_owner(image: bytes) -> Owner:
    data = bytearray(image)

    def release() -> None:
        data.extend(b"\0" * 4096)  # resizing needs no buffer exported
        del data[len(image) :]

    return Owner(data, lambda: bytes(data), release)


def _mmap_owner(image: bytes) -> Owner:
    mapping = mmap.mmap(-1, len(image))
    mapping[:] = image

    def cleanup() -> None:
        if not mapping.closed:
            try:
                mapping.close()
            except BufferError:
                pass

    return Owner(mapping, lambda: bytes(mapping), mapping.close, cleanup)


def _shared_memory_owner(image: bytes) -> Owner:
    memory = shared_memory.SharedMemory(create=True, size=len(image))
    buf = memory.buf
    assert buf is not None
    buf[: len(image)] = image

    def contents() -> bytes:
        return bytes(buf[: len(image)])

    def cleanup() -> None:
        try:
            memory.close()
        except BufferError:
            pass
        memory.unlink()

    return Owner(buf, contents, memory.close, cleanup)


def _memoryview_owner(image: bytes) -> Owner:
    """A window inside a larger bytearray: the image does not start at the buffer's start."""
    backing = bytearray(b"\xaa" * 13 + image + b"\x55" * 9)
    window = memoryview(backing)[13 : 13 + len(image)]

    def release() -> None:
        window.release()
        backing.extend(b"\0" * 4096)
        del backing[13 + len(image) + 9 :]

    return Owner(window, lambda: bytes(backing[13 : 13 + len(image)]), release)


def _typed_memoryview_owner(image: bytes) -> Owner:
    """A memoryview of 4-byte ints (format 'i'), padded after the image: cast to bytes inside."""
    backing = bytearray(image + b"\0" * (-len(image) % 4))
    view = memoryview(backing).cast("i")

    def release() -> None:
        view.release()
        backing.extend(b"\0" * 4096)

    return Owner(view, lambda: bytes(backing[: len(image)]), release)


def _array_owner(image: bytes) -> Owner:
    data = array.array("B", image)

    def release() -> None:
        data.extend(b"\0" * 4096)  # array.array refuses to resize while exported

    return Owner(data, lambda: data[: len(image)].tobytes(), release)


OWNERS: dict[str, Callable[[bytes], Owner]] = {
    "bytes": _bytes_owner,
    "bytearray": _bytearray_owner,
    "mmap": _mmap_owner,
    "shared_memory": _shared_memory_owner,
    "memoryview": _memoryview_owner,
    "typed_memoryview": _typed_memoryview_owner,
    "array": _array_owner,
}
WRITABLE_OWNERS = [name for name in OWNERS if name != "bytes"]


@pytest.fixture
def make_owner() -> Iterator[Callable[[str, bytes], Owner]]:
    made: list[Owner] = []

    def make(kind: str, image: bytes) -> Owner:
        owner = OWNERS[kind](image)
        made.append(owner)
        return owner

    yield make
    for owner in made:
        owner.cleanup()


# ---------------------------------------------------------------------------------------------
# open_buffer: values.


@pytest.mark.parametrize("kind", list(OWNERS))
@pytest.mark.parametrize(("case", "arr", "key", "value"), BUFFER_CASES, ids=BUFFER_CASE_IDS)
def test_open_buffer_values_match_numpy(
    make_owner: Callable[[str, bytes], Owner], kind: str, case: str, arr: npt.NDArray[Any], key: Any, value: Any
) -> None:
    image = npy_image(arr)
    owner = make_owner(kind, image)
    a = npymmap.open_buffer(owner.buffer)
    assert a.mode == "r"
    assert a.path == "<buffer>"
    assert_matches(a, load_image(image), image)
    if arr.ndim == 2:
        assert_same(a.T.tolist(), arr.T.tolist())
        assert_same(a[1:, ::-1].tolist(), arr[1:, ::-1].tolist())
    a.close()
    assert a.closed
    owner.release()  # no BufferError: npymmap let go of the buffer


@pytest.mark.parametrize(("case", "arr", "key", "value"), BUFFER_CASES, ids=BUFFER_CASE_IDS)
def test_open_buffer_with_element_checks_dtype(case: str, arr: npt.NDArray[Any], key: Any, value: Any) -> None:
    image = npy_image(arr)
    element = npymmap.lookup(numpy_fields(image)[2])
    with npymmap.open_buffer(image, element) as a:
        assert_same(a.tolist(), arr.tolist())
    wrong = npymmap.int8 if arr.dtype != np.int8 else npymmap.int16
    with pytest.raises(npymmap.DtypeMismatchError) as caught:
        npymmap.open_buffer(image, wrong)
    assert str(caught.value).startswith("<buffer>:")


def test_open_buffer_accepts_either_byte_order_for_an_element() -> None:
    arr = np.array([1.0, -2.5, 3e200], dtype=">f8")
    with npymmap.open_buffer(npy_image(arr), npymmap.float64) as a:
        assert a.descr == ">f8"
        assert a.tolist() == arr.tolist()


def test_open_buffer_is_zero_copy() -> None:
    arr = np.arange(6, dtype="<i4")
    image = npy_image(arr)
    data = bytearray(image)
    offset = numpy_fields(image)[3]
    with npymmap.open_buffer(data, npymmap.int32) as a:
        data[offset + 8 : offset + 12] = (-5).to_bytes(4, "little", signed=True)
        assert a[2] == -5  # the owner's write shows through the read-only array
        assert a.tolist() == [0, 1, -5, 3, 4, 5]


# ---------------------------------------------------------------------------------------------
# open_buffer: r+ writes go into the buffer.


@pytest.mark.parametrize("kind", WRITABLE_OWNERS)
@pytest.mark.parametrize(("case", "arr", "key", "value"), BUFFER_CASES, ids=BUFFER_CASE_IDS)
def test_open_buffer_r_plus_writes_land_in_the_buffer(
    make_owner: Callable[[str, bytes], Owner], kind: str, case: str, arr: npt.NDArray[Any], key: Any, value: Any
) -> None:
    image = npy_image(arr)
    owner = make_owner(kind, image)
    expected = arr.copy()
    a = npymmap.open_buffer(owner.buffer, mode="r+")
    assert isinstance(a, npymmap.WritableNpyArray)
    assert a.mode == "r+"
    if key is not None:
        a[key] = value
        expected[key] = value
        assert_same(a.tolist(), expected.tolist())
    after = owner.contents()
    assert after[: numpy_fields(image)[3]] == image[: numpy_fields(image)[3]]  # header untouched
    reloaded = load_image(after)
    assert reloaded.dtype == arr.dtype
    assert reloaded.tolist() == expected.tolist()
    assert reloaded.tobytes() == expected.tobytes()
    a.close()
    owner.release()


def test_open_buffer_r_plus_fill_and_slice_writes() -> None:
    arr = np.arange(20, dtype=">i8").reshape(4, 5)
    data = bytearray(npy_image(arr))
    with npymmap.open_buffer(data, npymmap.int64, mode="r+") as a:
        a[::2, 1:3] = -1
        a[3, ...] = [9, 8, 7, 6, 5]
    arr[::2, 1:3] = -1
    arr[3, ...] = [9, 8, 7, 6, 5]
    assert load_image(bytes(data)).tolist() == arr.tolist()


# ---------------------------------------------------------------------------------------------
# open_buffer: read-only buffers.


def _read_only_buffers(image: bytes, tmp: Path) -> Iterator[tuple[str, Any]]:
    yield "bytes", image
    yield "readonly_memoryview", memoryview(bytearray(image)).toreadonly()
    path = tmp / "image.npy"
    path.write_bytes(image)
    with open(path, "rb") as file:
        mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield "mmap_access_read", mapping
    finally:
        mapping.close()


def test_open_buffer_reads_read_only_buffers_and_refuses_r_plus(npy_dir: Path) -> None:
    arr = np.array([[1.5, 2.5], [-3.0, 4.0]], dtype="<f8")
    image = npy_image(arr)
    for name, buffer in _read_only_buffers(image, npy_dir):
        a = npymmap.open_buffer(buffer)
        assert_matches(a, arr, image)
        with pytest.raises(TypeError):
            cast(Any, a)[0, 0] = 9.0  # an 'r' array has no item assignment
        a.close()
        with pytest.raises(TypeError):
            npymmap.open_buffer(buffer, mode="r+")
        with pytest.raises(TypeError):
            npymmap.open_buffer(buffer, npymmap.float64, mode="r+")
        assert bytes(buffer) == image, name


def test_open_buffer_r_on_a_writable_buffer_does_not_write() -> None:
    arr = np.arange(4, dtype="<i2")
    data = bytearray(npy_image(arr))
    with npymmap.open_buffer(data) as a:
        with pytest.raises(TypeError):
            cast(Any, a)[0] = 5
        with pytest.raises(TypeError):
            cast(Any, a)[...] = 5
    assert load_image(bytes(data)).tolist() == arr.tolist()


def test_open_buffer_rejects_mode_c() -> None:
    with pytest.raises(ValueError):
        npymmap.open_buffer(bytearray(npy_image(np.arange(3))), mode=cast(Any, "c"))


# ---------------------------------------------------------------------------------------------
# open_buffer: truncated and malformed images.


def _cut_points(image: bytes) -> list[int]:
    data_offset = numpy_fields(image)[3]
    return sorted({0, 1, 5, 6, 8, 9, 10, 11, 30, data_offset - 1, data_offset, data_offset + 3, len(image) - 1})


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "mmap", "shared_memory", "memoryview"])
def test_open_buffer_truncated_images_raise_format_error(make_owner: Callable[[str, bytes], Owner], kind: str) -> None:
    image = npy_image(np.arange(10, dtype="<f8").reshape(2, 5))
    for n in _cut_points(image):
        # No zero-length mmap or shared memory: an empty bytearray stands in for them.
        owner = make_owner(kind, image[:n]) if n else make_owner("bytearray", b"")
        for mode in ("r", "r+") if kind != "bytes" else ("r",):
            with pytest.raises(npymmap.NpyFormatError) as caught:
                npymmap.open_buffer(owner.buffer, mode=cast(Any, mode))
            assert str(caught.value).startswith("<buffer>:"), (n, str(caught.value))
            assert caught.value.path == "<buffer>"
            del caught
        owner.release()  # a failed open holds no view of the buffer


@pytest.mark.parametrize(
    "image",
    [
        b"\x93NUMPY\x01\x00\x10\x00{garbage}      \n",
        b"\x93NUMPX\x01\x00" + b"\0" * 200,
        b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16,
        npy_image(np.arange(3)).replace(b"(3,)", b"(9,)"),
        npy_image(np.array([1, "a"], dtype=object)),
    ],
    ids=["garbage-dict", "bad-magic", "bad-version", "shape-too-big", "object"],
)
def test_open_buffer_malformed_images_raise_npy_errors(image: bytes) -> None:
    for buffer in (image, bytearray(image)):
        with pytest.raises(npymmap.NpyError) as caught:
            npymmap.open_buffer(buffer)
        assert str(caught.value).startswith("<buffer>:")


def test_open_buffer_max_header_size() -> None:
    arr = np.zeros(3, dtype=[(f"field{i:03d}", "<i4") for i in range(600)])
    image = npy_image(arr)
    assert numpy_fields(image)[3] > 10000
    with pytest.raises(npymmap.NpyFormatError) as caught:
        npymmap.open_buffer(image)
    assert str(caught.value).startswith("<buffer>:")
    with npymmap.open_buffer(image, max_header_size=200_000) as a:
        assert a.shape == (3,)
        assert a.tobytes() == arr.tobytes()


# ---------------------------------------------------------------------------------------------
# open_buffer: close() lets the owner close its memory.


@pytest.mark.parametrize("kind", ["mmap", "shared_memory", "bytearray", "array"])
def test_close_releases_the_buffer_for_its_owner(make_owner: Callable[[str, bytes], Owner], kind: str) -> None:
    arr = np.arange(24, dtype="<f8").reshape(4, 6)
    owner = make_owner(kind, npy_image(arr))
    a = npymmap.open_buffer(owner.buffer, npymmap.float64, mode="r+")
    views = [a[1:], a.T, a[::2, 1], a[2, ...]]
    rows = list(a.rows())
    iterator = iter(a[0, ...])
    next(iterator)
    data = a.data
    assert cast(list[Any], data.tolist()) == arr.tolist()
    if sys.implementation.name == "cpython":  # PyPy's buffer owners do not count their exports
        with pytest.raises(BufferError):
            owner.release()  # exported while the array is open: the check below means something
    a.close()
    owner.release()  # no BufferError now
    for view in [*views, *rows]:
        assert view.closed
        with pytest.raises(ValueError):
            view.tolist()
    with pytest.raises(ValueError):
        a[0, 0]


@pytest.mark.parametrize("kind", ["mmap", "shared_memory"])
def test_context_manager_releases_the_buffer(make_owner: Callable[[str, bytes], Owner], kind: str) -> None:
    owner = make_owner(kind, npy_image(np.arange(5, dtype="<u2")))
    with npymmap.open_buffer(owner.buffer, npymmap.uint16) as a:
        assert a.tolist() == [0, 1, 2, 3, 4]
        view = a[1:]
    assert view.closed
    owner.release()


# ---------------------------------------------------------------------------------------------
# open_npz: names and values.


def _members() -> dict[str, npt.NDArray[Any]]:
    return {
        "floats": np.array([1.5, -0.0, float("nan"), float("inf"), 1 / 3], dtype="<f8"),
        "ints2d": np.arange(-6, 6, dtype="<i2").reshape(3, 4),
        "empty": np.zeros((0, 3), dtype="<f4"),
        "scalar": np.array(42, dtype="<i8"),
        "big_endian": np.array([1, -2, 2**31 - 1, -(2**31)], dtype=">i4"),
        "big_endian_f8": np.array([[0.5, -1.25], [1e300, -0.0]], dtype=">f8"),
        "records": np.array([(1, 2.5, "ab"), (-3, -1.0, "xyz"), (7, 0.0, "")], dtype=RECORD),
        "text": np.array(["", "hello", "\u00e9t\u00e9"], dtype="<U5"),
        "flags": np.array([True, False, True]),
        "fortran": np.asfortranarray(np.arange(6, dtype="<u4").reshape(2, 3)),
    }


@pytest.fixture
def npz_path(npy_dir: Path) -> str:
    path = str(npy_dir / "archive.npz")
    np.savez(path, **_members())  # type: ignore[arg-type]
    return path


def test_open_npz_names_and_values_match_numpy_load(npz_path: str) -> None:
    with np.load(npz_path) as loaded:
        names = list(loaded.files)
        expected = {name: loaded[name] for name in names}
    assert names == list(_members())
    with npymmap.open_npz(npz_path) as archive:
        assert archive.mode == "r"
        assert len(archive) == len(names)
        assert list(archive) == names
        assert list(archive.keys()) == names
        with np.load(npz_path) as loaded:
            for name in names:
                assert name in archive
                assert f"{name}.npy" in archive and f"{name}.npy" in loaded  # the full name works too
                assert f"{name}.npy.npy" not in archive and f"{name}.npy.npy" not in loaded
        assert "missing" not in archive
        not_a_name: object = 3
        assert not_a_name not in archive
        with pytest.raises(KeyError):
            archive["missing"]
        for name in names:
            a = archive[name]
            assert isinstance(a, npymmap.NpyArray)
            assert not isinstance(a, npymmap.WritableNpyArray)
            assert a is archive[name] is archive[f"{name}.npy"]  # one array per member
            assert npz_path in str(a.path)
            assert a.shape == expected[name].shape
            assert a.descr == np.lib.format.dtype_to_descr(expected[name].dtype)
            assert a.tobytes() == expected[name].tobytes()
            if name != "records":
                assert_same(a.tolist(), expected[name].tolist())
            else:
                assert a.tolist() == expected[name].tolist()
        assert archive["fortran"].fortran_order
        assert_same(archive["fortran"].T.tolist(), expected["fortran"].T.tolist())
        assert archive["scalar"][()] == 42


def test_open_npz_accepts_a_path_object(npz_path: str) -> None:
    with npymmap.open_npz(Path(npz_path)) as archive:
        assert archive["flags"].tolist() == [True, False, True]


def test_open_npz_close_closes_every_member(npz_path: str) -> None:
    archive = npymmap.open_npz(npz_path)
    floats = archive["floats"]
    ints = archive["ints2d"]
    view = ints[1:, ::2]
    column = ints.T
    archive.close()
    assert archive.closed
    for a in (floats, ints, view, column):
        assert a.closed
        with pytest.raises(ValueError):
            a.tolist()
        with pytest.raises(ValueError):
            a[0]
    with pytest.raises(ValueError):
        archive["floats"]
    with pytest.raises(ValueError):
        archive["text"]  # never opened before close
    with pytest.raises(ValueError):
        archive.flush()
    archive.close()  # idempotent


def test_open_npz_context_manager_closes(npz_path: str) -> None:
    with npymmap.open_npz(npz_path) as archive:
        a = archive["big_endian"]
        assert a.tolist() == [1, -2, 2**31 - 1, -(2**31)]
    assert archive.closed and a.closed
    with pytest.raises(ValueError):
        a[0]


def test_open_npz_r_members_are_read_only(npz_path: str) -> None:
    before = file_bytes(npz_path)
    with npymmap.open_npz(npz_path) as archive:
        with pytest.raises(TypeError):
            cast(Any, archive["floats"])[0] = 1.0
        archive.flush()  # nothing to write
    assert file_bytes(npz_path) == before


def test_open_npz_64_mib_member_opens_in_constant_time(npy_dir: Path) -> None:
    path = str(npy_dir / "big.npz")
    big = np.arange(8 * 1024 * 1024, dtype="<f8")
    big[123_457] = -1.5
    np.savez(path, small=np.arange(3), big=big)
    start = time.perf_counter()
    with npymmap.open_npz(path) as archive:
        a = archive["big"]
        elapsed = time.perf_counter() - start
        assert elapsed < 0.05, f"opening a 64 MiB member took {elapsed:.3f} s"
        assert a.shape == big.shape
        assert a.nbytes == 64 * 1024 * 1024
        for i in (0, 1, 123_457, 4_000_000, len(big) - 1, -1, -8_388_608):
            assert_same(a[i], big[i].item())
        assert a[-3:].tolist() == big[-3:].tolist()
        assert archive["small"].tolist() == [0, 1, 2]


# ---------------------------------------------------------------------------------------------
# open_npz: writes.


WRITES: list[tuple[str, Any, Any]] = [
    ("floats", (1,), 6.5),
    ("ints2d", (2, 3), -32768),
    ("scalar", (), -9),
    ("big_endian", (0,), 123456789),
    ("big_endian_f8", (1, 1), 2.75),
    ("records", (2,), (11, -4.5, "zz")),
    ("text", (0,), "new"),
    ("flags", (1,), True),
    ("fortran", (1, 0), 77),
]


def test_open_npz_r_plus_writes_land_in_the_archive(npz_path: str) -> None:
    expected = _members()
    with npymmap.open_npz(npz_path, mode="r+") as archive:
        assert archive.mode == "r+"
        for name, key, value in WRITES:
            a = archive[name]
            assert isinstance(a, npymmap.WritableNpyArray)
            a[key] = value
            expected[name][key] = value
        archive["empty"]  # opened writable, nothing to write
    with zipfile.ZipFile(npz_path) as z:
        assert z.testzip() is None
    with np.load(npz_path) as loaded:
        assert list(loaded.files) == list(expected)
        for name, arr in expected.items():
            assert loaded[name].dtype == arr.dtype
            assert loaded[name].tobytes() == arr.tobytes(), name


def test_open_npz_flush_rewrites_crcs_while_open(npz_path: str) -> None:
    with npymmap.open_npz(npz_path, mode="r+") as archive:
        archive["floats"][0] = -100.0
        archive["big_endian"][3] = 5
        archive.flush()
        with zipfile.ZipFile(npz_path) as z:
            assert z.testzip() is None
        with np.load(npz_path) as loaded:
            assert loaded["floats"][0] == -100.0
            assert loaded["big_endian"].tolist() == [1, -2, 2**31 - 1, 5]
        archive["floats"][4] = 8.0  # written after the flush: close rewrites the CRC again
    with zipfile.ZipFile(npz_path) as z:
        assert z.testzip() is None
    with np.load(npz_path) as loaded:
        assert loaded["floats"][4] == 8.0


def test_open_npz_r_plus_member_closed_early_still_gets_its_crc(npz_path: str) -> None:
    with npymmap.open_npz(npz_path, mode="r+") as archive:
        a = archive["ints2d"]
        a[0, 0] = 1000
        a.close()
    with zipfile.ZipFile(npz_path) as z:
        assert z.testzip() is None
    with np.load(npz_path) as loaded:
        assert loaded["ints2d"][0, 0] == 1000


def test_open_npz_c_writes_leave_the_file_unchanged(npz_path: str) -> None:
    before = file_bytes(npz_path)
    with npymmap.open_npz(npz_path, mode="c") as archive:
        assert archive.mode == "c"
        for name, key, value in WRITES:
            a = archive[name]
            assert isinstance(a, npymmap.WritableNpyArray)
            a[key] = value
            changed = _members()[name]
            changed[key] = value
            assert a.tobytes() == changed.tobytes()
        archive.flush()
        assert file_bytes(npz_path) == before
    assert file_bytes(npz_path) == before
    with np.load(npz_path) as loaded:
        for name, arr in _members().items():
            assert loaded[name].tobytes() == arr.tobytes()


def _nonseekable_zip(members: dict[str, bytes]) -> bytes:
    """A zip written to an unseekable stream: each member is followed by a data descriptor."""

    class Sink(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk: Any) -> int:
            self.data += chunk
            return len(chunk)

    sink = Sink()
    with zipfile.ZipFile(sink, "w") as z:
        for name, data in members.items():
            with z.open(name, "w") as out:
                out.write(data)
    return bytes(sink.data)


def test_open_npz_r_plus_with_data_descriptors(npy_dir: Path) -> None:
    path = npy_dir / "streamed.npz"
    first, second = np.arange(4, dtype="<f8"), np.arange(3, dtype=">i2")
    path.write_bytes(_nonseekable_zip({"first.npy": npy_image(first), "second.npy": npy_image(second)}))
    with zipfile.ZipFile(path) as z:
        assert all(info.flag_bits & 0x08 for info in z.infolist())
    with npymmap.open_npz(path, mode="r+") as archive:
        assert archive["first"].tolist() == first.tolist()
        archive["first"][2] = -8.5
        archive["second"][0] = 300
    first[2], second[0] = -8.5, 300
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    with np.load(path) as loaded:
        assert loaded["first"].tolist() == first.tolist()
        assert loaded["second"].tolist() == second.tolist()


def test_open_npz_full_zip64_archive(npy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZIP64 end records and ZIP64 extra fields in the central directory (forced by lowering
    zipfile's limits while writing), read and rewritten."""
    path = npy_dir / "zip64.npz"
    first, second = np.arange(4, dtype="<f8"), np.arange(3, dtype=">i4")
    with monkeypatch.context() as patch:
        patch.setattr(zipfile, "ZIP64_LIMIT", 0)
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 0)
        with zipfile.ZipFile(path, "w", allowZip64=True) as z:
            z.writestr("first.npy", npy_image(first))
            z.writestr("second.npy", npy_image(second))
    raw = path.read_bytes()
    assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw
    with npymmap.open_npz(path, mode="r+") as archive:
        assert list(archive.keys()) == ["first", "second"]
        assert archive["first"].tolist() == first.tolist()
        assert archive["second"].tolist() == second.tolist()
        archive["second"][1] = -77
    second[1] = -77
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    with np.load(path) as loaded:
        assert loaded["second"].tolist() == second.tolist()
        assert loaded["first"].tolist() == first.tolist()


# ---------------------------------------------------------------------------------------------
# open_npz: compressed and mixed archives.


def test_open_npz_compressed_members(npy_dir: Path) -> None:
    path = str(npy_dir / "packed.npz")
    members = _members()
    np.savez_compressed(path, **members)  # type: ignore[arg-type]
    with npymmap.open_npz(path) as archive:
        assert list(archive.keys()) == list(members)
        for name, arr in members.items():
            with pytest.raises(npymmap.NpyError) as caught:
                archive[name]
            assert "compressed" in str(caught.value)
            assert str(caught.value).startswith(path)
            loaded = archive.read(name)
            assert isinstance(loaded, npymmap.NpyArray)
            assert not isinstance(loaded, npymmap.WritableNpyArray)
            assert loaded.shape == arr.shape
            assert loaded.tobytes() == arr.tobytes()
            if name != "records":
                assert_same(loaded.tolist(), arr.tolist())
        with pytest.raises(KeyError):
            archive.read("missing")


def test_open_npz_mixed_archive(npy_dir: Path) -> None:
    path = npy_dir / "mixed.npz"
    stored = np.arange(6, dtype=">f8").reshape(2, 3)
    packed = np.array([(1, 2.0, "x")], dtype=RECORD)
    nested = np.array([3, 1, 4], dtype="<u1")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", b"not an array")
        z.writestr("stored.npy", npy_image(stored), compress_type=zipfile.ZIP_STORED)
        z.writestr("packed.npy", npy_image(packed), compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("data.bin", npy_image(stored))  # an .npy image under another name
        z.writestr("sub/", b"")
        z.writestr("sub/nested.npy", npy_image(nested))
    with np.load(path) as loaded:
        numpy_names = list(loaded.files)
        assert loaded["data.bin"].tolist() == stored.tolist()  # NumPy reads an .npy image by its bytes
    with npymmap.open_npz(path) as archive:
        assert list(archive.keys()) == list(archive) == numpy_names == ["readme.txt", "stored", "packed", "data.bin", "sub/", "sub/nested"]
        assert len(archive) == 6
        assert "readme.txt" in archive and "readme" not in archive and "data.bin" in archive
        assert_same(archive["stored"].tolist(), stored.tolist())
        assert_same(archive["data.bin"].tolist(), stored.tolist())
        assert archive["sub/nested"].tolist() == nested.tolist()
        for not_an_array in ("readme.txt", "sub/"):  # NumPy gives their raw bytes
            with pytest.raises(npymmap.NpyFormatError, match=f"::{not_an_array}: (not a .npy file|file is truncated)"):
                archive[not_an_array]
        with pytest.raises(npymmap.NpyError) as caught:
            archive["packed"]
        assert "compressed" in str(caught.value)
        assert str(path) in str(caught.value)
        assert archive.read("packed").tolist() == packed.tolist()
        assert archive.read("stored").tolist() == stored.tolist()
    with np.load(path) as loaded:
        assert loaded["stored"].tolist() == stored.tolist()
        assert loaded["packed"].tolist() == packed.tolist()


def test_open_npz_mixed_archive_r_plus_touches_only_the_stored_member(npy_dir: Path) -> None:
    path = npy_dir / "mixed.npz"
    stored = np.arange(4, dtype="<i4")
    packed = np.arange(5, dtype="<f8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("stored.npy", npy_image(stored), compress_type=zipfile.ZIP_STORED)
        z.writestr("packed.npy", npy_image(packed), compress_type=zipfile.ZIP_DEFLATED)
    with npymmap.open_npz(path, mode="r+") as archive:
        archive["stored"][3] = -3
        with pytest.raises(npymmap.NpyError):
            archive["packed"]
    stored[3] = -3
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    with np.load(path) as loaded:
        assert loaded["stored"].tolist() == stored.tolist()
        assert loaded["packed"].tolist() == packed.tolist()


def test_open_npz_empty_archive(npy_dir: Path) -> None:
    path = npy_dir / "empty.npz"
    np.savez(path)
    with npymmap.open_npz(path) as archive:
        assert len(archive) == 0 and list(archive.keys()) == [] and list(archive) == []


# ---------------------------------------------------------------------------------------------
# open_npz: hostile archives.


def _exercise(path: Path, mode: str, read: bool = False) -> list[npymmap.NpyError]:
    """Open the archive and touch every member (index, tolist, write, and ``read`` when asked).

    Returns the NpyErrors raised, each checked to name the archive; any other exception type
    propagates and fails the test. Each archive must be dealt with within 1 s.
    """
    errors: list[npymmap.NpyError] = []
    start = time.perf_counter()
    try:
        with npymmap.open_npz(path, mode=cast(Any, mode)) as archive:
            for name in list(archive):
                try:
                    a = archive[name]
                    a.tolist()
                    if mode != "r" and a.size:
                        first = (0,) * a.ndim
                        cast(Any, a)[first] = a[first]
                except npymmap.NpyError as error:
                    errors.append(error)
                if read:
                    try:
                        archive.read(name)
                    except npymmap.NpyError as error:
                        errors.append(error)
    except npymmap.NpyError as error:
        errors.append(error)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{path} took {elapsed:.2f} s"
    for fault in errors:
        assert str(path) in str(fault), f"error does not name {path}: {fault}"
        assert fault.path is not None and str(path) in fault.path
    return errors


MODES = ["r", "r+", "c"]


def _small_archive(path: Path) -> bytes:
    np.savez(path, x=np.arange(5, dtype="<f8"), y=np.array(7, dtype=">i8"))
    return path.read_bytes()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"hello, world",
        b"PK\x03\x04" + b"\0" * 100,
        npy_image(np.arange(10)),
        bytes(range(256)) * 8,
        b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x2e\0\0\0\0\0\0\0\0\0",  # one entry, no central directory
    ],
    ids=["empty", "text", "local-header-only", "npy-file", "noise", "eocd-only"],
)
def test_not_a_zip_raises_npy_error(npy_dir: Path, mode: str, blob: bytes) -> None:
    path = npy_dir / "hostile.npz"
    path.write_bytes(blob)
    errors = _exercise(path, mode)
    assert errors and all(isinstance(error, npymmap.NpyFormatError) for error in errors)


@pytest.mark.parametrize("mode", MODES)
def test_cut_archives_raise_npy_error(npy_dir: Path, mode: str) -> None:
    original = npy_dir / "original.npz"
    data = _small_archive(original)
    central = data.find(b"PK\x01\x02")
    end = data.rfind(b"PK\x05\x06")
    second_local = data.find(b"PK\x03\x04", 4)
    cuts = sorted(
        {1, 4, 20, 30, 40, 100, second_local, second_local + 50, central - 1, central, central + 10,
         central + 60, end - 1, end, end + 4, end + 12, len(data) - 1}
    )
    path = npy_dir / "hostile.npz"
    for n in cuts:
        path.write_bytes(data[:n])
        errors = _exercise(path, mode, read=True)
        assert errors, f"cut at {n} of {len(data)} raised nothing"


@pytest.mark.parametrize("mode", MODES)
def test_truncated_central_directory_raises_npy_error(npy_dir: Path, mode: str) -> None:
    data = _small_archive(npy_dir / "original.npz")
    central = data.find(b"PK\x01\x02")
    end = data.rfind(b"PK\x05\x06")
    path = npy_dir / "hostile.npz"
    for keep in (0, 10, 46, (end - central) // 2 + 5, end - central - 1):
        path.write_bytes(data[: central + keep] + data[end:])  # the end record still claims all
        errors = _exercise(path, mode, read=True)
        assert errors, f"central directory cut to {keep} bytes raised nothing"


def _patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, *values)
    return bytes(out)


@pytest.mark.parametrize("mode", MODES)
def test_member_data_past_the_end_raises_npy_error(npy_dir: Path, mode: str) -> None:
    data = _small_archive(npy_dir / "original.npz")
    central = data.rfind(b"PK\x01\x02")  # the last member's central record
    local = data.rfind(b"PK\x03\x04")  # and its local header
    huge = 1 << 30
    variants = {
        # sizes in the central directory, then in both places
        "central-sizes": _patched(data, central + 20, "<II", huge, huge),
        "both-sizes": _patched(_patched(data, central + 20, "<II", huge, huge), local + 18, "<II", huge, huge),
        "a-little-more": _patched(data, central + 20, "<II", len(data), len(data)),
        # the local header's extra field pushes the data past the end
        "local-extra": _patched(data, local + 28, "<H", 0xFFFF),
        # the local header lies past the end, or is not there
        "offset-past-end": _patched(data, central + 42, "<I", len(data) + 1000),
        "offset-wrong": _patched(data, central + 42, "<I", 5),
    }
    path = npy_dir / "hostile.npz"
    for label, blob in variants.items():
        path.write_bytes(blob)
        errors = _exercise(path, mode)
        assert errors, f"{label}: raised nothing"
        assert all(isinstance(error, npymmap.NpyFormatError) for error in errors), label


MALFORMED_MEMBERS: dict[str, bytes] = {
    "garbage-dict": b"\x93NUMPY\x01\x00\x10\x00{garbage}      \n",
    "bad-magic": b"\x93NUMPX\x01\x00" + b"\0" * 200,
    "bad-version": b"\x93NUMPY\x09\x00\x10\x00" + b" " * 16,
    "truncated-data": npy_image(np.arange(30))[:-8],
    "truncated-header": npy_image(np.arange(3))[:20],
    "empty": b"",
    "huge-shape": header_image({"descr": "<i8", "fortran_order": False, "shape": (10**12,)}) + b"\0" * 64,
    "negative-shape": header_image({"descr": "<i8", "fortran_order": False, "shape": (-3,)}) + b"\0" * 24,
    "unknown-dtype": header_image({"descr": "<q9", "fortran_order": False, "shape": (1,)}) + b"\0" * 64,
    "object": npy_image(np.array([1, "a"], dtype=object)),
    "text-file": b"just some text, not an array\n",
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("content", list(MALFORMED_MEMBERS.values()), ids=list(MALFORMED_MEMBERS))
def test_stored_member_with_malformed_npy_raises_npy_error(npy_dir: Path, mode: str, content: bytes) -> None:
    path = npy_dir / "hostile.npz"
    good = np.arange(4, dtype="<i4")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("good.npy", npy_image(good))
        z.writestr("bad.npy", content)
    with npymmap.open_npz(path, mode=cast(Any, mode)) as archive:
        assert archive["good"].tolist() == good.tolist()
    errors = _exercise(path, mode)
    assert len(errors) == 1
    assert isinstance(errors[0], npymmap.NpyError)
    assert "bad.npy" in str(errors[0])
    if mode == "r+":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None


# NpzFile.read on hostile archives: the same contract (NpyError naming the archive).


def test_read_of_a_malformed_member_names_the_archive(npy_dir: Path) -> None:
    path = npy_dir / "hostile.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("stored.npy", MALFORMED_MEMBERS["garbage-dict"], compress_type=zipfile.ZIP_STORED)
        z.writestr("packed.npy", MALFORMED_MEMBERS["garbage-dict"], compress_type=zipfile.ZIP_DEFLATED)
    with npymmap.open_npz(path) as archive:
        for name in ("stored", "packed"):
            with pytest.raises(npymmap.NpyError) as caught:
                archive.read(name)
            assert str(path) in str(caught.value), str(caught.value)


def test_read_of_a_member_with_a_corrupt_offset_raises_npy_error(npy_dir: Path) -> None:
    data = _small_archive(npy_dir / "original.npz")
    end = data.rfind(b"PK\x05\x06")
    # The end record's central-directory offset made huge: zipfile then places the first
    # member's local header at a negative offset.
    path = npy_dir / "hostile.npz"
    path.write_bytes(_patched(data, end + 16, "<I", struct.unpack_from("<I", data, end + 16)[0] | 0xFF000000))
    errors = _exercise(path, "r", read=True)
    assert errors


def test_read_of_a_member_flagged_encrypted_raises_npy_error(npy_dir: Path) -> None:
    data = _small_archive(npy_dir / "original.npz")
    central = data.rfind(b"PK\x01\x02")
    path = npy_dir / "hostile.npz"
    path.write_bytes(_patched(data, central + 8, "<H", struct.unpack_from("<H", data, central + 8)[0] | 0x01))
    errors = _exercise(path, "r", read=True)
    assert errors


@pytest.mark.parametrize("mode", MODES)
def test_single_byte_corruptions_raise_only_npy_errors(npy_dir: Path, mode: str) -> None:
    """Every byte of the zip structure (local headers, central directory, end record) set to a
    few values: whatever happens, only NpyErrors naming the archive (reads excluded: see above)."""
    data = _small_archive(npy_dir / "original.npz")
    second_local = data.find(b"PK\x03\x04", 4)
    central = data.find(b"PK\x01\x02")
    positions = [*range(0, 40), *range(second_local, second_local + 40), *range(central, len(data))]
    path = npy_dir / "hostile.npz"
    for position in positions:
        for value in (0x00, 0xFF, data[position] ^ 0x01):
            blob = bytearray(data)
            blob[position] = value
            path.write_bytes(blob)
            _exercise(path, mode)
