"""Static checks of the names the results of ``open_npz``, ``create_npz`` and ``append_to`` are
annotated with, of the archive as a Mapping, and of what ``tolist()`` gives for each item type.
Type-checked by mypy, never run.

Each ``assert_type`` fails the mypy run when the inferred type differs from the stated one
(``tests/test_typing.py`` runs mypy over this folder).
"""

from __future__ import annotations

import ctypes
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar, Union, assert_type

import npymmap
from npymmap import Appender, NpyArray, NpzFile, NpzWriter, WritableNpyArray

T = TypeVar("T")
NestedList = Union[T, list["NestedList[T]"]]  # what tolist() gives: an item, or lists of them


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


def check_annotations(p: str) -> None:
    archive: npymmap.NpzFile[npymmap.NpyArray[float]] = npymmap.open_npz(p)
    assert_type(archive["x"], NpyArray[float])
    assert_type(archive["x"][0], float)
    writable: NpzFile[WritableNpyArray[Any]] = npymmap.open_npz(p, mode="r+")
    assert_type(writable["x"], WritableNpyArray[Any])
    writer: npymmap.NpzWriter = npymmap.create_npz(p)
    assert_type(writer, NpzWriter)
    appender: npymmap.Appender = npymmap.append_to(p)
    assert_type(appender, Appender)
    assert_type(npymmap.open_npz(p), NpzFile[NpyArray[Any]])
    assert_type(npymmap.open_npz(p, mode="c"), NpzFile[WritableNpyArray[Any]])
    with npymmap.create_npz(p) as made:
        assert_type(made, NpzWriter)
    with npymmap.append_to(p) as grown:
        assert_type(grown, Appender)
    assert issubclass(npymmap.ClosedError, ValueError)


def check_mapping(archive: NpzFile[NpyArray[float]]) -> None:
    mapping: Mapping[str, NpyArray[float]] = archive
    assert_type(archive.keys(), KeysView[str])
    assert_type(archive.values(), ValuesView[NpyArray[float]])
    assert_type(archive.items(), ItemsView[str, NpyArray[float]])
    assert_type(archive.get("x"), NpyArray[float] | None)
    assert_type(archive.get("x", None), NpyArray[float] | None)
    assert_type(iter(archive), Iterator[str])
    assert_type("x.npy" in archive, bool)
    assert_type(archive == mapping, bool)
    for name, array in archive.items():
        assert_type(name, str)
        assert_type(array.tolist(), NestedList[float])


def check_tolist(p: str) -> None:
    assert_type(npymmap.open(p, npymmap.float64).tolist(), NestedList[float])
    assert_type(npymmap.open(p, npymmap.float16).tolist(), NestedList[float])
    assert_type(npymmap.open(p, npymmap.int32, mode="r+").tolist(), NestedList[int])
    assert_type(npymmap.open(p, npymmap.datetime64("ns")).tolist(), NestedList[int])
    assert_type(npymmap.open(p, npymmap.bool_, mode="c").tolist(), NestedList[bool])
    assert_type(npymmap.open(p, npymmap.complex128).tolist(), NestedList[complex])
    assert_type(npymmap.create(p, npymmap.str_(3), 2).tolist(), NestedList[str])
    assert_type(npymmap.open(p, npymmap.bytes_(3)).tolist(), NestedList[bytes])
    assert_type(npymmap.open(p, npymmap.void(3))[1:].tolist(), NestedList[bytes])
    # Records' items are Structures, but tolist() gives tuples of the fields' values, as NumPy's.
    assert_type(npymmap.open(p, npymmap.record(Point)).tolist(), NestedList[tuple[Any, ...]])
    assert_type(npymmap.open(p, npymmap.record(Point), mode="r+").T.tolist(), NestedList[tuple[Any, ...]])
    # An element not known statically: the items may be anything.
    assert_type(npymmap.open(p).tolist(), Any)
    assert_type(npymmap.open(p, mode="r+").tolist(), Any)
    assert_type(npymmap.open(p, npymmap.lookup("<f8")).tolist(), Any)
    rows = npymmap.open(p, npymmap.float64).tolist()
    if isinstance(rows, list):
        assert_type(rows[0], NestedList[float])
    else:
        assert_type(rows, float)
