"""Static checks of ``create_npz``'s modes and of ``NpzWriter.add``'s two forms. Type-checked
by mypy, never run."""

from __future__ import annotations

import array
from typing import Any, assert_type

import npymmap
from npymmap import NpyArray, WritableNpyArray


def check_add_forms(p: str, floats: NpyArray[float], texts: WritableNpyArray[str], values: list[float]) -> None:
    with npymmap.create_npz(p, mode="a") as writer:
        assert_type(writer, npymmap.NpzWriter)
        assert_type(writer.add("zeros", npymmap.float64, (3,)), WritableNpyArray[float])
        assert_type(writer.add("flags", npymmap.bool_, 2, fortran_order=False, sparse=True), WritableNpyArray[bool])
        assert_type(writer.add("listed", values), WritableNpyArray[Any])
        assert_type(writer.add("nested", [[1, 2], [3, 4]]), WritableNpyArray[Any])
        assert_type(writer.add("buffer", array.array("d", values)), WritableNpyArray[Any])
        assert_type(writer.add("copy", floats), WritableNpyArray[float])
        assert_type(writer.add("copied-text", texts), WritableNpyArray[str])
        assert_type(writer.add("converted", values, element=npymmap.float32), WritableNpyArray[float])
        assert_type(writer.add("counted", floats, element=npymmap.int16), WritableNpyArray[int])
        assert_type(writer.add("named", ["a"], element=npymmap.str_(3)), WritableNpyArray[str])
    assert_type(npymmap.create_npz(p, mode="w", overwrite=True), npymmap.NpzWriter)
    assert_type(npymmap.create_npz(p), npymmap.NpzWriter)
