"""Writing through a read-only map must not type-check. mypy must reject each marked line."""

from __future__ import annotations

import npymmap


def write_read_only(p: str) -> None:
    npymmap.open(p, npymmap.float64)[0] = 1.0  # expect: index
    a = npymmap.open(p, npymmap.float64)
    a[1, 2] = 1.0  # expect: index
    a[1:3] = [1.0, 2.0]  # expect: index
    a.as_ctypes()  # expect: attr-defined
    npymmap.open(p).as_ctypes()  # expect: attr-defined
    view = npymmap.open(p, npymmap.int32, mode="r+").T
    view[0] = 1  # fine: a writable map's view is writable
    with npymmap.open(p, npymmap.float64) as b:
        b[0] = 2.0  # expect: index
