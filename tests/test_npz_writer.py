"""create_npz(): members added one at a time, filled through their maps, read back by NumPy."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap

CASES: list[tuple[str, npymmap.Element[Any], tuple[int, ...], bool]] = [
    ("f8", npymmap.float64, (3, 4), False),
    ("f8-fortran", npymmap.float64, (3, 4), True),
    ("i4-big", npymmap.int32.newbyteorder(">"), (5,), False),
    ("bool", npymmap.bool_, (2, 2), False),
    ("c16", npymmap.complex128, (3,), False),
    ("f2", npymmap.float16, (4,), False),
    ("u1-0d", npymmap.uint8, (), False),
    ("empty", npymmap.int16, (0, 3), False),
    ("U3", npymmap.str_(3), (2,), False),
    ("S2", npymmap.bytes_(2), (2,), False),
    ("time", npymmap.datetime64("ns"), (2,), False),
    ("record", npymmap.lookup([("id", "<i8"), ("v", "<f4"), ("tag", "|S3")]), (2,), False),
]


def fill(array: npymmap.WritableNpyArray[Any], name: str) -> Any:
    """Write recognisable values and return what NumPy should read back (as tolist())."""
    if array.size == 0:
        return np.zeros(array.shape).tolist()
    values: dict[str, Any] = {
        "U3": ["ab", "xyz"],
        "S2": [b"q", b"rs"],
        "time": [0, -(2**63)],
        "record": [(1, 1.5, b"a"), (2, -2.5, b"bcd")],
        "bool": [[True, False], [False, True]],
    }
    if name in values:
        array[...] = values[name]
        return values[name]
    expected: Any = (np.arange(array.size) * 3 - 4).reshape(array.shape).tolist() if array.shape else 7
    if name == "c16":
        expected = [complex(v, -v) for v in expected]
    array[...] = expected
    return expected


def test_members_read_back_in_numpy_and_map_in_npymmap(tmp_path: Path) -> None:
    path = tmp_path / "out.npz"
    expected: dict[str, Any] = {}
    with npymmap.create_npz(path) as writer:
        for name, element, shape, fortran in CASES:
            expected[name] = fill(writer.add(name, element, shape, fortran_order=fortran), name)
    assert zipfile.ZipFile(path).testzip() is None
    with np.load(path) as loaded:
        assert loaded.files == [case[0] for case in CASES]
        for name, element, shape, fortran in CASES:
            member = loaded[name]
            assert member.shape == shape
            descr: Any = element.descr
            assert member.dtype == np.lib.format.descr_to_dtype(descr)
            assert bool(member.flags.f_contiguous and not member.flags.c_contiguous) == (fortran and member.ndim > 1)
            got = member.view("<i8" if name == "time" else member.dtype).tolist()
            assert got == expected[name], name
    with npymmap.open_npz(path) as archive:
        for name, *_ in CASES:
            assert archive[name].tolist() == expected[name], name


def test_member_bytes_start_at_multiples_of_64(tmp_path: Path) -> None:
    path = tmp_path / "aligned.npz"
    with npymmap.create_npz(path) as writer:
        for index in range(5):
            writer.add("m" * (index + 1), npymmap.float64, (index * 7 + 1,))
    raw = path.read_bytes()
    for info in zipfile.ZipFile(path).infolist():
        start = info.header_offset + 30 + int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
        start += int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
        assert start % 64 == 0
        assert raw[start : start + 6] == b"\x93NUMPY"


def test_a_failure_leaves_no_archive(tmp_path: Path) -> None:
    path = tmp_path / "failed.npz"
    with pytest.raises(RuntimeError):
        with npymmap.create_npz(path) as writer:
            writer.add("a", npymmap.float64, (3,))[:] = 1.0
            raise RuntimeError("stop")
    assert os.listdir(tmp_path) == []
    writer = npymmap.create_npz(path)
    writer.add("a", npymmap.int8, (2,))
    writer.abandon()
    assert os.listdir(tmp_path) == []


def test_refusals_and_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "existing.npz"
    np.savez(path, old=np.arange(3))
    before = path.read_bytes()
    writer = npymmap.create_npz(path)
    member = writer.add("x", npymmap.float64, (2,))
    with pytest.raises(ValueError, match="already has a member 'x'"):
        writer.add("x", npymmap.float64, (2,))
    with pytest.raises(ValueError, match="shape"):
        writer.add("y", npymmap.float64, (-1,))
    with pytest.raises(TypeError):
        writer.add("z", "float64", (2,))  # type: ignore[call-overload]
    with pytest.raises(FileExistsError):
        writer.close()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["existing.npz"]
    with pytest.raises(ValueError, match="closed"):
        member[0] = 1.0
    with pytest.raises(ValueError, match="closed"):
        writer.add("w", npymmap.float64, (1,))
    with npymmap.create_npz(path, overwrite=True) as replacing:
        replacing.add("new", npymmap.uint16, (2,))[:] = [1, 2]
    with np.load(path) as loaded:
        assert loaded.files == ["new"]
        assert loaded["new"].tolist() == [1, 2]
