"""Static checks of what ``open_buffer`` and ``open_npz`` return. Type-checked by mypy, never run."""

from __future__ import annotations

import mmap
import pathlib
from collections.abc import KeysView
from multiprocessing import shared_memory
from typing import Any, assert_type

import npymmap
from npymmap import NpyArray, WritableNpyArray


def check_open_buffer(b: bytes, writable: bytearray, m: mmap.mmap, view: memoryview, memory: shared_memory.SharedMemory) -> None:
    assert_type(npymmap.open_buffer(b, npymmap.float64), NpyArray[float])
    assert_type(npymmap.open_buffer(b, npymmap.float64, mode="r"), NpyArray[float])
    assert_type(npymmap.open_buffer(writable, npymmap.float64, mode="r+"), WritableNpyArray[float])
    assert_type(npymmap.open_buffer(m, npymmap.int16, mode="r+"), WritableNpyArray[int])
    assert_type(npymmap.open_buffer(view, npymmap.bool_), NpyArray[bool])
    assert_type(npymmap.open_buffer(b), NpyArray[Any])
    assert_type(npymmap.open_buffer(b, None, mode="r"), NpyArray[Any])
    assert_type(npymmap.open_buffer(writable, mode="r+"), WritableNpyArray[Any])
    assert_type(npymmap.open_buffer(b, npymmap.float64, max_header_size=100_000), NpyArray[float])
    if memory.buf is not None:
        assert_type(npymmap.open_buffer(memory.buf, npymmap.complex128, mode="r+"), WritableNpyArray[complex])
    assert_type(npymmap.open_buffer(b, npymmap.float64)[0], float)
    with npymmap.open_buffer(writable, npymmap.int32, mode="r+") as a:
        assert_type(a, WritableNpyArray[int])
        a[0] = 5


def check_open_npz(p: str) -> None:
    assert_type(npymmap.open_npz(p)["x"], NpyArray[Any])
    assert_type(npymmap.open_npz(p, mode="r")["x"], NpyArray[Any])
    assert_type(npymmap.open_npz(p, mode="r+")["x"], WritableNpyArray[Any])
    assert_type(npymmap.open_npz(p, mode="c")["x"], WritableNpyArray[Any])
    assert_type(npymmap.open_npz(pathlib.Path(p))["x"], NpyArray[Any])
    assert_type(npymmap.open_npz(p, max_header_size=100_000)["x.npy"], NpyArray[Any])
    assert_type(npymmap.open_npz(p, mode="r+", max_header_size=100_000)["x"], WritableNpyArray[Any])
    with npymmap.open_npz(p) as archive:
        assert_type(archive["x"], NpyArray[Any])
        assert_type(archive.read("x"), NpyArray[Any])
        assert_type(archive.keys(), KeysView[str])
        assert_type(len(archive), int)
        assert_type("x" in archive, bool)
        for name in archive:
            assert_type(name, str)
    with npymmap.open_npz(p, mode="r+") as writable:
        assert_type(writable["x"], WritableNpyArray[Any])
        writable["x"][0] = 1.0
        writable.flush()
        writable.close()


def check_npz_writer(p: str) -> None:
    with npymmap.create_npz(p) as writer:
        assert_type(writer.add("x", npymmap.float64, (3,)), npymmap.WritableNpyArray[float])
        assert_type(writer.add("s", npymmap.str_(4), 2), npymmap.WritableNpyArray[str])
    with npymmap.append_to(p) as grower:
        assert_type(grower.append([1.0]), int)
        assert_type(grower.shape, tuple[int, ...])
        assert_type(grower.discarded, int)
        assert_type(grower.max_rows, int)
    with npymmap.append_to(p, npymmap.float32, (3,), make_room=True) as made:
        assert_type(made.row_shape, tuple[int, ...])
    npymmap.append_to(p, npymmap.int8, 3).close()
