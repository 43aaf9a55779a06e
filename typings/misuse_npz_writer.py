"""Bad calls of ``create_npz`` and of ``NpzWriter.add``'s two forms. mypy must reject each
marked line."""

from __future__ import annotations

import npymmap


def misuse(p: str, mode: str) -> None:
    npymmap.create_npz(p, mode="r")  # expect: arg-type
    npymmap.create_npz(p, mode=mode)  # expect: arg-type
    writer = npymmap.create_npz(p, mode="a")
    writer.add("x", npymmap.float64, (3,), element=npymmap.int8)  # expect: call-overload
    writer.add("x", [1.0], element="float64")  # expect: call-overload
    writer.add("x", [1.0], fortran_order=True)  # expect: call-overload
    writer.add("x", npymmap.float64, [3])  # expect: call-overload
    writer.add(name="x", element=npymmap.float64, shape=(3,))  # expect: call-overload
    writer.add("x", [1.0], element=npymmap.float64)[0] = "text"  # expect: call-overload
