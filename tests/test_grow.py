"""Growing a .npy file in place with append_to(): NumPy reads every result."""

from __future__ import annotations

import array
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap


@pytest.mark.parametrize("descr", ["<f8", ">i4", "|b1", "<c8", "<U3", "|S2", ">M8[ns]"])
def test_append_rows_to_a_c_order_file(tmp_path: Path, descr: str) -> None:
    path = tmp_path / "grow.npy"
    start = np.zeros((2, 3), dtype=descr)
    np.save(path, start)
    more = np.ones((3, 3), dtype=descr)
    with npymmap.append_to(path) as grower:
        assert grower.append(more[:1].tolist() if descr[1] not in "M" else more[:1].view(descr[0] + "i8").tolist()) == 1
        rest = more[1:] if descr[1] != "M" else more[1:].view(descr[0] + "i8")  # NumPy exports no 'M' buffer
        assert grower.append(rest) == 2
        assert grower.shape == (5, 3)
    loaded = np.load(path)
    assert loaded.dtype == np.dtype(descr)
    assert loaded.shape == (5, 3)
    assert loaded.tobytes() == np.concatenate([start, more]).astype(descr).tobytes()


def test_append_columns_to_a_fortran_file_and_items_to_a_1d_file(tmp_path: Path) -> None:
    fortran = tmp_path / "f.npy"
    np.save(fortran, np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)))
    with npymmap.append_to(fortran) as grower:
        grower.append([[100, 101], [102, 103]])  # two columns of two
    assert np.load(fortran).tolist() == [[0, 1, 2, 100, 102], [3, 4, 5, 101, 103]]
    flat = tmp_path / "flat.npy"
    np.save(flat, np.arange(3.0))
    with npymmap.append_to(flat) as grower:
        grower.append([3.0, 4.0])
        grower.append(array.array("d", [5.0]))
        grower.append(np.array([6.0]).tobytes())
    assert np.load(flat).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_bytes_must_be_whole_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.npy"
    np.save(path, np.zeros((1, 2), dtype="<f4"))
    with npymmap.append_to(path) as grower:
        with pytest.raises(ValueError, match="not whole rows of 8 bytes"):
            grower.append(b"\0" * 12)
    assert np.load(path).shape == (1, 2)


def test_append_records(tmp_path: Path) -> None:
    dtype = np.dtype([("id", "<i8"), ("x", "<f4")])
    path = tmp_path / "records.npy"
    np.save(path, np.zeros(1, dtype))
    with npymmap.append_to(path) as grower:
        grower.append([(7, 1.5), (8, 2.5)])
    assert np.load(path).tolist() == [(0, 0.0), (7, 1.5), (8, 2.5)]


def test_a_bad_value_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ints.npy"
    np.save(path, np.arange(3, dtype="<i1"))
    before = path.read_bytes()
    with npymmap.append_to(path) as grower:
        with pytest.raises(OverflowError):
            grower.append([1, 2, 300])
        with pytest.raises(TypeError):
            grower.append([[1, 2], [3]])  # a 1-d file's rows are single values
        assert grower.append(b"") == 0
        with pytest.raises(TypeError, match="cannot read ndarray as items"):
            grower.append(np.array(["2020-01-01"], dtype="M8[D]"))
    assert path.read_bytes() == before


def test_a_crash_before_flush_leaves_the_old_array(tmp_path: Path) -> None:
    path = tmp_path / "crash.npy"
    np.save(path, np.arange(4.0))
    code = (
        "import os, npymmap\n"
        f"g = npymmap.append_to({str(path)!r})\n"
        "g.append([9.0, 9.0])\n"
        "os._exit(0)  # no flush, no close: as if killed\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert np.load(path).tolist() == [0.0, 1.0, 2.0, 3.0]  # the new rows are ignored bytes
    with pytest.raises(npymmap.NpyFormatError, match="only a file ending at its data can grow"):
        npymmap.append_to(path)


def test_refusals(tmp_path: Path) -> None:
    scalar = tmp_path / "scalar.npy"
    np.save(scalar, np.float64(1.0))
    with pytest.raises(npymmap.NpyFormatError, match="0-d array has no axis to grow"):
        npymmap.append_to(scalar)
    tight = tmp_path / "tight.npy"  # a header with no spare space, as other writers make
    text = b"{'descr': '<f8', 'fortran_order': False, 'shape': (9,), }\n"  # not one spare byte
    tight.write_bytes(b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + bytes(72))
    grower = npymmap.append_to(tight)
    grower.append([1.0])
    with pytest.raises(npymmap.NpyFormatError, match="does not fit in the header"):
        grower.flush()
    assert np.load(tight).shape == (9,)
    grower.close = lambda: None  # type: ignore[method-assign]  # the test leaves the file as it is


def test_growing_a_file_numpy_appended_to_before(tmp_path: Path) -> None:
    """NumPy's spare header space takes shapes up to 21 digits."""
    path = tmp_path / "many.npy"
    np.save(path, np.zeros((1, 2)))
    with npymmap.append_to(path) as grower:
        for _ in range(5):
            grower.append(np.zeros((1000, 2)))
            grower.flush()
    loaded: Any = np.load(path)
    assert loaded.shape == (5001, 2)
