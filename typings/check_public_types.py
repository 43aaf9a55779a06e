"""Static checks of what npymmap's public API returns. Type-checked by mypy, never run.

Each ``assert_type`` fails the mypy run when the inferred type differs from the stated one, so a
change to an overload or a return annotation shows up here (``tests/test_typing.py`` runs mypy).
"""

from __future__ import annotations

import ctypes
import pathlib
from collections.abc import Iterator
from typing import Any, assert_type

import npymmap
from npymmap import Element, Header, NpyArray, WritableNpyArray


def check_open(p: str) -> None:
    assert_type(npymmap.open(p, npymmap.float64), NpyArray[float])
    assert_type(npymmap.open(p, npymmap.float64, mode="r"), NpyArray[float])
    assert_type(npymmap.open(p, npymmap.int32, mode="r+"), WritableNpyArray[int])
    assert_type(npymmap.open(p, npymmap.int32, mode="c"), WritableNpyArray[int])
    assert_type(npymmap.open(p), NpyArray[Any])
    assert_type(npymmap.open(p, mode="r"), NpyArray[Any])
    assert_type(npymmap.open(p, None), NpyArray[Any])
    assert_type(npymmap.open(p, mode="r+"), WritableNpyArray[Any])
    assert_type(npymmap.open(p, mode="c"), WritableNpyArray[Any])
    assert_type(npymmap.open(pathlib.Path(p), npymmap.float32), NpyArray[float])
    assert_type(npymmap.open(p, npymmap.float64, max_header_size=100_000), NpyArray[float])


def check_elements(p: str) -> None:
    assert_type(npymmap.bool_, Element[bool])
    assert_type(npymmap.int8, Element[int])
    assert_type(npymmap.int16, Element[int])
    assert_type(npymmap.int32, Element[int])
    assert_type(npymmap.int64, Element[int])
    assert_type(npymmap.uint8, Element[int])
    assert_type(npymmap.uint16, Element[int])
    assert_type(npymmap.uint32, Element[int])
    assert_type(npymmap.uint64, Element[int])
    assert_type(npymmap.float16, Element[float])
    assert_type(npymmap.float32, Element[float])
    assert_type(npymmap.float64, Element[float])
    assert_type(npymmap.complex64, Element[complex])
    assert_type(npymmap.complex128, Element[complex])
    assert_type(npymmap.lookup("<f8"), Element[Any])
    assert_type(npymmap.float64.newbyteorder(">"), Element[float])
    assert_type(npymmap.uint16.newbyteorder("<"), Element[int])
    assert_type(npymmap.float64.name, str)
    assert_type(npymmap.float64.descr, str | list[tuple[Any, ...]])  # a list for records
    assert_type(npymmap.float64.itemsize, int)
    assert_type(npymmap.float64.is_native, bool)

    assert_type(npymmap.open(p, npymmap.bool_)[0], bool)
    assert_type(npymmap.open(p, npymmap.complex128)[0], complex)
    assert_type(npymmap.open(p, npymmap.complex64)[0], complex)
    assert_type(npymmap.open(p, npymmap.uint8)[0], int)
    assert_type(npymmap.open(p, npymmap.int64)[1, 2], int)
    assert_type(npymmap.open(p, npymmap.float16)[0], float)
    assert_type(npymmap.open(p, npymmap.float64.newbyteorder(">"))[0], float)
    assert_type(npymmap.open(p, npymmap.lookup("<f8"))[0], Any)
    assert_type(npymmap.open(p)[0], Any)


def check_indexing(a: NpyArray[float], w: WritableNpyArray[float]) -> None:
    assert_type(a[0], float)
    assert_type(a[-1], float)
    assert_type(a[1, 2], float)
    assert_type(a[1, 2, 3], float)
    assert_type(a[()], float)
    assert_type(a[1:3], NpyArray[float])
    assert_type(a[::2], NpyArray[float])
    assert_type(a[...], NpyArray[float])
    assert_type(a[..., 0], NpyArray[float])
    assert_type(a[0, ...], NpyArray[float])
    assert_type(a[1, :], NpyArray[float])
    assert_type(a[:, 1], NpyArray[float])
    assert_type(a[1:2, 3:4], NpyArray[float])

    assert_type(w[0], float)
    assert_type(w[1, 2], float)
    assert_type(w[1:3], WritableNpyArray[float])
    assert_type(w[..., 0], WritableNpyArray[float])
    assert_type(w[1, :], WritableNpyArray[float])
    assert_type(w.T, WritableNpyArray[float])
    assert_type(a.T, NpyArray[float])
    assert_type(a.T.T, NpyArray[float])


def check_writes(w: WritableNpyArray[float], b: WritableNpyArray[bool], c: WritableNpyArray[complex]) -> None:
    w[0] = 1.5
    w[0] = 1  # int is accepted where float is expected, as everywhere in Python typing
    w[1, 2] = 2.5
    w[1:3] = 0.0
    w[1:3] = [1.0, 2.0]
    w[1:3] = (1.0, 2.0)
    w[1:3] = bytearray(16)
    w[...] = w
    w[1, :] = w[2, :]
    b[0] = True
    c[0] = 1 + 2j
    c[0] = 1.0


def check_iteration_and_views(a: NpyArray[float], w: WritableNpyArray[float]) -> None:
    for value in a:
        assert_type(value, float)
    assert_type(iter(a), Iterator[float])
    assert_type(a.rows(), Iterator[NpyArray[float]])
    assert_type(w.rows(), Iterator[WritableNpyArray[float]])
    for row in a.rows():
        assert_type(row, NpyArray[float])
    assert_type(a.data, memoryview[float])
    listed: float | list[Any] = a.tolist()  # (its exact type: typings/check_names_types.py)
    del listed
    assert_type(a.tobytes(), bytes)
    assert_type(a.shape, tuple[int, ...])
    assert_type(a.ndim, int)
    assert_type(a.size, int)
    assert_type(a.nbytes, int)
    assert_type(a.element, Element[float])
    assert_type(a.descr, str | list[tuple[Any, ...]])
    assert_type(a.fortran_order, bool)
    assert_type(a.mode, str)
    assert_type(a.path, str | None)
    assert_type(a.closed, bool)
    assert_type(len(a), int)
    assert_type(w.as_ctypes(), ctypes.Array[Any])
    assert_type(a.flush(), None)
    assert_type(a.close(), None)


def check_context_managers(p: str) -> None:
    with npymmap.open(p, npymmap.float64) as a:
        assert_type(a, NpyArray[float])
    with npymmap.open(p, npymmap.int16, mode="r+") as w:
        assert_type(w, WritableNpyArray[int])
    with npymmap.open(p) as anything:
        assert_type(anything, NpyArray[Any])
    with npymmap.create(p, npymmap.float32, (3, 4)) as created:
        assert_type(created, WritableNpyArray[float])


def check_create_and_header(p: str) -> None:
    assert_type(npymmap.create(p, npymmap.float32, (3, 4)), WritableNpyArray[float])
    assert_type(npymmap.create(p, npymmap.uint8, 10), WritableNpyArray[int])
    assert_type(npymmap.create(p, npymmap.int16, 10, sparse=True), WritableNpyArray[int])
    assert_type(npymmap.create_npz(p).add("m", npymmap.int16, 10, sparse=True), WritableNpyArray[int])
    assert issubclass(npymmap.ClosedError, ValueError)
    assert_type(
        npymmap.create(p, npymmap.complex64, (), fortran_order=True, version=(2, 0), overwrite=True),
        WritableNpyArray[complex],
    )
    header = npymmap.read_header(p)
    assert_type(header, Header)
    assert_type(npymmap.read_header(pathlib.Path(p), max_header_size=20000), Header)
    assert_type(header.shape, tuple[int, ...])
    assert_type(header.fortran_order, bool)
    assert_type(header.version, tuple[int, int])
    assert_type(header.data_offset, int)
    assert_type(header.descr, str | list[tuple[Any, ...]])


def check_errors() -> None:
    error: ValueError = npymmap.NpyFormatError("bad", "x.npy")
    assert_type(npymmap.NpyError("bad").path, str | None)
    assert_type(npymmap.NpyError("bad").reason, str)
    for kind in (npymmap.NpyFormatError, npymmap.UnsupportedDtypeError, npymmap.DtypeMismatchError):
        base: type[npymmap.NpyError] = kind
        del base
    del error
