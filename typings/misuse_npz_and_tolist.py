"""An archive is a read-only Mapping, and tolist() is an item or lists of items (which one
depends on the array's dimensions, unknown to mypy). mypy must reject each marked line."""

from __future__ import annotations

import npymmap


def misuse(p: str) -> None:
    archive = npymmap.open_npz(p)
    archive["x"] = archive["y"]  # expect: index
    del archive["x"]  # expect: attr-defined
    archive.keys().append("z")  # expect: attr-defined
    archive[0]  # expect: index
    values = npymmap.open(p, npymmap.float64).tolist()
    values[0]  # expect: index
    total: float = values  # expect: assignment
    records = npymmap.open(p, npymmap.lookup("<f8")).tolist()
    records[0]  # fine: an element not known statically gives Any
