"""Inputs the coverage-guided fuzzer (``tests/fuzz_coverage.py``) found raising something other
than an :class:`npymmap.NpyError`, each kept as a test of the fix."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

import npymmap


def _npy_image() -> bytes:
    image = io.BytesIO()
    np.save(image, np.arange(64, dtype="<f8"))
    return image.getvalue()


@pytest.mark.parametrize(
    "method",
    [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
    ids=["deflate", "bzip2", "lzma"],
)
def test_a_damaged_compressed_member_is_a_format_error(tmp_path: Path, method: int) -> None:
    """Found: ``archive.read`` let ``zlib.error`` through ("invalid bit length repeat", "invalid
    distance too far back") for a deflate stream with flipped bytes; bz2 says the same with an
    ``OSError`` of no errno."""
    path = tmp_path / "damaged.npz"
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("x.npy", _npy_image())
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("x.npy")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 8, start + info.compress_size - 8, 7):  # the middle of the stream
        raw[offset] ^= 0x5A
    path.write_bytes(bytes(raw))
    with pytest.raises(Exception) as by_numpy:  # NumPy lets the decompressor's error through
        np.load(path)["x"]
    with npymmap.open_npz(path) as archive:
        with pytest.raises(npymmap.NpyFormatError, match=r"damaged.npz::x.npy: cannot read member") as ours:
            archive.read("x")
    assert not isinstance(by_numpy.value, npymmap.NpyError)
    assert str(path) in str(ours.value)


@pytest.mark.parametrize(
    "descr",
    [[("a", "|V0")], [("a", "|S0"), ("b", "<U0")], [("a", "<f8", (0,))], [("n", [("x", "|V0")], (2,)), ("m", "|V0")]],
    ids=["void", "strings", "empty-sub-array", "nested"],
)
def test_records_of_no_bytes_read_as_numpy_reads_them(tmp_path: Path, descr: list[object]) -> None:
    """Found: ``tolist()`` of records whose fields hold no bytes raised ``struct.error`` (an empty
    format cannot be iterated over)."""
    path = tmp_path / "empty-records.npy"
    image = io.BytesIO()
    np.lib.format.write_array_header_1_0(image, {"descr": descr, "fortran_order": False, "shape": (3,)})
    path.write_bytes(image.getvalue())
    loaded = np.load(path)
    with npymmap.open(path) as mapped:
        assert mapped.element.itemsize == 0
        assert mapped.tolist() == [tuple(field.tolist() if isinstance(field, np.ndarray) else field for field in item) for item in loaded.tolist()]
        assert mapped[::-1].tolist() == mapped.tolist()
