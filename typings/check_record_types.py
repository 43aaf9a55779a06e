"""Static checks of record elements made from your own ctypes Structures. Type-checked by mypy,
never run.

Each ``assert_type`` fails the mypy run when the inferred type differs from the stated one
(``tests/test_typing.py`` runs mypy over this folder).
"""

from __future__ import annotations

import ctypes
from typing import Any, assert_type

import npymmap
from npymmap import Element, NpyArray, WritableNpyArray


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


class BigPoint(ctypes.BigEndianStructure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_int32)]


class LittlePoint(ctypes.LittleEndianStructure):
    _fields_ = [("x", ctypes.c_int16), ("y", ctypes.c_int16)]


def check_record() -> None:
    assert_type(npymmap.record(Point), Element[Point])
    assert_type(npymmap.record(BigPoint), Element[BigPoint])
    assert_type(npymmap.record(LittlePoint), Element[LittlePoint])
    assert_type(npymmap.record(Point).itemsize, int)
    assert_type(npymmap.lookup([("x", "<f8"), ("y", "<f8")]), Element[Any])


def check_open(p: str) -> None:
    assert_type(npymmap.open(p, npymmap.record(Point)), NpyArray[Point])
    assert_type(npymmap.open(p, npymmap.record(Point), mode="r"), NpyArray[Point])
    assert_type(npymmap.open(p, npymmap.record(Point))[0], Point)
    assert_type(npymmap.open(p, npymmap.record(Point))[1, 2], Point)
    assert_type(npymmap.open(p, npymmap.record(Point))[1:3], NpyArray[Point])
    assert_type(npymmap.open(p, npymmap.record(BigPoint))[0], BigPoint)
    assert_type(npymmap.open(p, npymmap.record(Point), mode="r+"), WritableNpyArray[Point])
    assert_type(npymmap.open(p, npymmap.record(Point), mode="c"), WritableNpyArray[Point])
    assert_type(npymmap.open(p, npymmap.record(Point), mode="r+")[0], Point)
    assert_type(npymmap.open(p, npymmap.record(Point), mode="r+").T, WritableNpyArray[Point])
    assert_type(npymmap.open(p, npymmap.lookup([("x", "<f8")]))[0], Any)
    with npymmap.open(p, npymmap.record(Point)) as a:
        assert_type(a, NpyArray[Point])
        assert_type(a[0].x, Any)
        for item in a:
            assert_type(item, Point)


def check_create(p: str) -> None:
    assert_type(npymmap.create(p, npymmap.record(Point), (3,)), WritableNpyArray[Point])
    assert_type(npymmap.create(p, npymmap.record(Point), 3), WritableNpyArray[Point])
    assert_type(npymmap.create(p, npymmap.record(Point), (3,))[0], Point)
    assert_type(npymmap.create(p, npymmap.record(LittlePoint), (2, 2), fortran_order=True)[1, 1], LittlePoint)


def check_writes(p: str) -> None:
    a = npymmap.open(p, npymmap.record(Point), mode="r+")
    a[0] = Point(1.0, 2.0)
    a[1:3] = [(1.0, 2.0), (3.0, 4.0)]
    a[...] = [Point(1.0, 2.0), Point(3.0, 4.0)]
    a[0].x = 5.0
    c = npymmap.create(p, npymmap.record(Point), (2, 2))
    c[1, 1] = Point(0.0, 0.0)
    c[0, :] = [(1.0, 2.0), (3.0, 4.0)]
