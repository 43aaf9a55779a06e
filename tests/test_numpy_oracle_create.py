"""npymmap.create against NumPy's ``open_memmap(..., mode="w+")``: the same bytes after the same writes.

The first test runs over every element family of ``oracle_families.py``; the rest are corners of
create() and of writes from buffers.
"""

from __future__ import annotations

import array
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import file_bytes, numpy_load
from oracle_families import (
    FAMILIES,
    LAYOUT_IDS,
    LAYOUTS,
    VERSION_IDS,
    VERSIONS,
    Case,
    Family,
    assert_create_matches_open_memmap,
    shape_params,
)

import npymmap


@pytest.mark.parametrize("version", [None, *VERSIONS], ids=["auto", *VERSION_IDS])
@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("family", "case", "shape"), shape_params(*FAMILIES))
def test_create_matches_open_memmap_byte_for_byte(
    npy_dir: Path, family: Family, case: Case, shape: tuple[int, ...], fortran: bool, version: tuple[int, int] | None
) -> None:
    assert_create_matches_open_memmap(npy_dir, family, case.element, case.dtype, shape, fortran, version)


def test_create_with_an_int_shape_is_one_dimensional_like_numpy(npy_dir: Path) -> None:
    ours, theirs = str(npy_dir / "ours.npy"), str(npy_dir / "theirs.npy")
    with npymmap.create(ours, npymmap.uint16, 7) as a:
        assert a.shape == (7,)
        a[3] = 65535
    mapped: Any = np.lib.format.open_memmap(theirs, mode="w+", dtype="uint16", shape=(7,))
    mapped[3] = 65535
    mapped.flush()
    del mapped
    assert file_bytes(ours) == file_bytes(theirs)


def test_create_refuses_to_overwrite_and_leaves_the_file_alone(npy_dir: Path) -> None:
    path = str(npy_dir / "data.npy")
    np.save(path, np.arange(6, dtype="<i4"))
    original = file_bytes(path)
    with pytest.raises(FileExistsError):
        npymmap.create(path, npymmap.float64, (2, 2))
    assert file_bytes(path) == original
    assert os.listdir(npy_dir) == ["data.npy"]


def test_create_with_overwrite_replaces_the_file_as_open_memmap_would(npy_dir: Path) -> None:
    path, reference = str(npy_dir / "data.npy"), str(npy_dir / "reference.npy")
    np.save(path, np.arange(6, dtype="<i4"))
    with npymmap.create(path, npymmap.float32.newbyteorder(">"), (2, 3), overwrite=True) as a:
        a[1, 2] = 2.5
    mapped: Any = np.lib.format.open_memmap(reference, mode="w+", dtype=">f4", shape=(2, 3))
    mapped[1, 2] = 2.5
    mapped.flush()
    del mapped
    assert file_bytes(path) == file_bytes(reference)
    assert sorted(os.listdir(npy_dir)) == ["data.npy", "reference.npy"]


BUFFER_CASES: list[tuple[str, npymmap.Element[Any], str, str]] = [
    ("float64_from_d", npymmap.float64, "<f8", "d"),
    ("float32_from_f", npymmap.float32, "<f4", "f"),
    ("int32_from_i", npymmap.int32, "<i4", "i"),
    ("int16_from_h", npymmap.int16, "<i2", "h"),
    ("uint8_from_B", npymmap.uint8, "|u1", "B"),
    ("int64_from_q", npymmap.int64, "<i8", "q"),
    ("uint32_from_I", npymmap.uint32, "<u4", "I"),
    ("big_endian_int16_from_h", npymmap.int16.newbyteorder(">"), ">i2", "h"),
    ("big_endian_float64_from_d", npymmap.float64.newbyteorder(">"), ">f8", "d"),
    ("float64_from_i", npymmap.float64, "<f8", "i"),
    ("float16_from_f", npymmap.float16, "<f2", "f"),
    ("complex128_from_d", npymmap.complex128, "<c16", "d"),
]


@pytest.mark.parametrize("fortran", LAYOUTS, ids=LAYOUT_IDS)
@pytest.mark.parametrize(("_name", "element", "descr", "typecode"), BUFFER_CASES, ids=[c[0] for c in BUFFER_CASES])
def test_slice_assignment_from_array_array_matches_numpy(
    npy_dir: Path, _name: str, element: npymmap.Element[Any], descr: str, typecode: str, fortran: bool
) -> None:
    ours, theirs = str(npy_dir / "ours.npy"), str(npy_dir / "theirs.npy")
    whole = array.array(typecode, range(100, 124))
    row = array.array(typecode, [3, 1, 4, 1, 5, 9])
    column = array.array(typecode, [7, 0, 2, 6])
    block = array.array(typecode, [11, 12, 13, 14])
    a = npymmap.create(ours, element, (4, 6), fortran_order=fortran)
    mapped: Any = np.lib.format.open_memmap(theirs, mode="w+", dtype=descr, shape=(4, 6), fortran_order=fortran)
    a[...] = whole  # a flat buffer of the view's size
    mapped[...] = np.array(whole.tolist()).reshape(4, 6)
    a[2, :] = row
    mapped[2, :] = row.tolist()
    a[::-1, 5] = column
    mapped[::-1, 5] = column.tolist()
    bytes_view: Any = memoryview(block).cast("B")
    a[1:3, 1:3] = bytes_view.cast(typecode, (2, 2))  # a 2-d buffer of the view's shape
    mapped[1:3, 1:3] = np.array(block.tolist()).reshape(2, 2)
    a.close()
    mapped.flush()
    del mapped
    assert file_bytes(ours) == file_bytes(theirs)


@pytest.mark.parametrize(
    ("key", "buffer"),
    [
        ((slice(None),), array.array("d", [1.0] * 5)),
        ((slice(None),), array.array("d", [1.0] * 7)),
        ((1, slice(None)), array.array("d", [1.0] * 3)),
        ((slice(None), 0), array.array("d", [1.0] * 6)),
        ((slice(None),), memoryview(bytes(8 * 24)).cast("d", (6, 4))),
        ((slice(1, 3), slice(0, 2)), array.array("d", [1.0] * 3)),
    ],
    ids=["too_short", "too_long", "row_too_short", "column_too_long", "transposed_shape", "block_too_short"],
)
def test_buffer_of_the_wrong_size_raises_value_error_and_writes_nothing(
    npy_dir: Path, key: tuple[Any, ...], buffer: Any
) -> None:
    path = str(npy_dir / "data.npy")
    arr = np.arange(24, dtype=np.float64).reshape(4, 6)
    with npymmap.create(path, npymmap.float64, (4, 6)) as a:
        a[...] = arr.tolist()
        with pytest.raises(ValueError):
            arr.copy()[key] = np.asarray(buffer)  # NumPy refuses too
        with pytest.raises(ValueError):
            a[key] = buffer
    assert numpy_load(path).tolist() == arr.tolist()
