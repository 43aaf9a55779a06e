"""Bad arguments to open, create and friends. mypy must reject each marked line."""

from __future__ import annotations

from collections.abc import Callable

import npymmap


def bad_calls(p: str, mode: str) -> None:
    npymmap.open(p, npymmap.float64, mode="w")  # expect: call-overload
    npymmap.open(p, npymmap.float64, mode="x")  # expect: call-overload
    npymmap.open(p, npymmap.float64, mode="w+")  # expect: call-overload
    npymmap.open(p, mode="w")  # expect: call-overload
    npymmap.open(p, npymmap.float64, mode=mode)  # expect: call-overload
    npymmap.open(p, "float64")  # expect: call-overload
    npymmap.open(p, float)  # expect: call-overload
    npymmap.open(p, "<f8", mode="r+")  # expect: call-overload
    npymmap.open(b"x.npy", npymmap.float64)  # expect: call-overload
    npymmap.create(p, "float64", (3, 4))  # expect: arg-type
    npymmap.create(p, npymmap.float64, [3, 4])  # expect: arg-type
    positional: Callable[[str, int], npymmap.Header] = npymmap.read_header  # expect: assignment
    npymmap.lookup(8)  # expect: arg-type
    npymmap.append_to(p, "<f8", (3,))  # expect: arg-type
    npymmap.append_to(p, npymmap.float64, [3])  # expect: arg-type
    npymmap.append_to(p, npymmap.float64, (3,), True)  # expect: misc
