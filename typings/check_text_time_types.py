"""Static checks of the fixed-width string and time elements. Type-checked by mypy, never run.

Each ``assert_type`` fails the mypy run when the inferred type differs from the stated one
(``tests/test_typing.py`` runs mypy over this folder).
"""

from __future__ import annotations

from typing import assert_type

import npymmap
from npymmap import Element, NpyArray, WritableNpyArray


def check_factories() -> None:
    assert_type(npymmap.bytes_(3), Element[bytes])
    assert_type(npymmap.str_(3), Element[str])
    assert_type(npymmap.void(4), Element[bytes])
    assert_type(npymmap.datetime64("ns"), Element[int])
    assert_type(npymmap.datetime64(), Element[int])
    assert_type(npymmap.timedelta64("s"), Element[int])
    assert_type(npymmap.timedelta64(), Element[int])
    assert_type(npymmap.str_(3).newbyteorder(">"), Element[str])
    assert_type(npymmap.datetime64("ns").newbyteorder(">"), Element[int])
    assert_type(npymmap.datetime64("10s").unit, str)


def check_open(p: str) -> None:
    assert_type(npymmap.open(p, npymmap.str_(5)), NpyArray[str])
    assert_type(npymmap.open(p, npymmap.str_(5))[0], str)
    assert_type(npymmap.open(p, npymmap.str_(5))[1, 2], str)
    assert_type(npymmap.open(p, npymmap.bytes_(5))[0], bytes)
    assert_type(npymmap.open(p, npymmap.void(4))[0], bytes)
    assert_type(npymmap.open(p, npymmap.timedelta64("us"))[0], int)
    assert_type(npymmap.open(p, npymmap.bytes_(5), mode="r+"), WritableNpyArray[bytes])
    assert_type(npymmap.open(p, npymmap.str_(5), mode="c"), WritableNpyArray[str])
    assert_type(npymmap.open(p, npymmap.datetime64("ns"), mode="r+"), WritableNpyArray[int])


def check_create(p: str) -> None:
    assert_type(npymmap.create(p, npymmap.datetime64("ns"), (3,)), WritableNpyArray[int])
    assert_type(npymmap.create(p, npymmap.datetime64("ns"), (3,))[0], int)
    assert_type(npymmap.create(p, npymmap.str_(2), 4)[0], str)
    assert_type(npymmap.create(p, npymmap.bytes_(2), (2, 2))[1, 1], bytes)


def check_writes(p: str) -> None:
    a = npymmap.open(p, npymmap.bytes_(5), mode="r+")
    a[0] = b"x"
    a[:] = b"x"
    u = npymmap.open(p, npymmap.str_(2), mode="r+")
    u[0] = "é"
    u[:] = ["a", "bc"]
    t = npymmap.create(p, npymmap.timedelta64("s"), (3,))
    t[0] = -(2**63)
