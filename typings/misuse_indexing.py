"""Indices that are not ints, slices or ``...``. mypy must reject each marked line."""

from __future__ import annotations

import npymmap


def bad_indices(p: str) -> None:
    a = npymmap.open(p, npymmap.float64)
    a[1.5]  # expect: call-overload
    a["x"]  # expect: call-overload
    a[None]  # expect: call-overload
    a[0, 1.5]  # expect: index
    a[[0, 1]]  # expect: call-overload
    for row in a.rows():
        row.as_ctypes()  # expect: attr-defined
