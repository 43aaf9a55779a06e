"""Values of the wrong type, in and out of typed maps. mypy must reject each marked line."""

from __future__ import annotations

import npymmap


def wrong_values(p: str) -> None:
    w = npymmap.open(p, npymmap.float64, mode="r+")
    w[0] = "x"  # expect: call-overload
    w[1, 2] = None  # expect: call-overload
    w[1:3] = "x"  # expect: call-overload
    w[..., 0] = "x"  # expect: call-overload
    c = npymmap.create(p, npymmap.float32, (3, 4))
    c[0] = b"x"  # expect: call-overload
    c[0] = [1.0]  # expect: call-overload
    a = npymmap.open(p, npymmap.float64)
    n: int = a[0]  # expect: assignment
    m: int = a[1, 2]  # expect: assignment
    s: str = npymmap.open(p, npymmap.bool_)[0]  # expect: assignment
    view: npymmap.NpyArray[float] = a[0]  # expect: assignment
    item: float = a[1:3]  # expect: assignment
    z: float = npymmap.open(p, npymmap.complex128)[0]  # expect: assignment
    writable: npymmap.WritableNpyArray[float] = a  # expect: assignment
    del n, m, s, view, item, z, writable
