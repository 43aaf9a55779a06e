"""Misuse of record elements. mypy must reject each marked line."""

from __future__ import annotations

import ctypes

import npymmap


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


class Pair(ctypes.Union):
    _fields_ = [("i", ctypes.c_int32), ("f", ctypes.c_float)]


def bad_records(p: str) -> None:
    npymmap.record(int)  # expect: type-var
    npymmap.record(Point())  # expect: arg-type
    npymmap.record(ctypes.c_int32)  # expect: type-var
    npymmap.record(Pair)  # expect: type-var
    npymmap.record("Point")  # expect: arg-type
    a = npymmap.open(p, npymmap.record(Point))
    n: int = a[0]  # expect: assignment
    f: float = a[1, 2]  # expect: assignment
    t: tuple[float, float] = a[0]  # expect: assignment
    view: Point = a[1:3]  # expect: assignment
    a[0] = Point(1.0, 2.0)  # expect: index
    element: npymmap.Element[Point] = npymmap.float64  # expect: assignment
    w = npymmap.open(p, npymmap.record(Point), mode="r+")
    w[0] = 1.5  # expect: call-overload
    w[0] = "x"  # expect: call-overload
    c = npymmap.create(p, npymmap.record(Point), (3,))
    c[0] = None  # expect: call-overload
    readable: npymmap.WritableNpyArray[Point] = a  # expect: assignment
    other: npymmap.NpyArray[Point] = npymmap.open(p, npymmap.float64)  # expect: arg-type
    del n, f, t, view, element, readable, other
