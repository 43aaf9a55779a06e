"""The part of an array ``head`` shows: ``--slice`` text read as NumPy reads an index
(``"0:5, :, -1"``, ``"..., 2"``, ``"::-2"``), never evaluated, and the rows ``-n`` keeps of it.

A :class:`Selection` says, for every axis of the array, which indices are shown: one index (the
axis is dropped, as NumPy drops it) or a ``range`` of them. From it come the key that makes the
view, the shape and the labels of what is shown, and how many leading rows a reader that can
only read from the start (a compressed member) has to read.
"""

import re
from math import prod

from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Union

    Index = Union[int, slice, "ellipsis"]

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")


def parse_slice(text: "str") -> "tuple[Index, ...]":
    """The index ``text`` writes as NumPy does: comma-separated ints, ``start:stop:step`` slices
    (any part left out) and at most one ``...``, in optional brackets. Raises ``ValueError``
    saying what is wrong. O(len(text))."""
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    parts = [part.strip() for part in inner.split(",")]
    if parts and not parts[-1] and len(parts) > 1:
        parts.pop()  # a trailing comma, as in "0,"
    key = tuple(_index(part) for part in parts)
    if sum(part is Ellipsis for part in key) > 1:
        raise ValueError("an index can only have a single ellipsis ('...')")
    return key


def _index(part: "str") -> "Index":
    if part == "...":
        return Ellipsis
    if ":" not in part:
        if not _INTEGER.match(part):
            raise ValueError(f"{part!r} is not an index: give ints, start:stop:step slices or '...'")
        return int(part)
    bounds = part.split(":")
    if len(bounds) > 3:
        raise ValueError(f"{part!r} is not a slice: start:stop:step at most")
    numbers = []
    for bound in (bound.strip() for bound in bounds):
        if bound and not _INTEGER.match(bound):
            raise ValueError(f"{part!r} is not a slice: its bounds and step must be ints")
        numbers.append(int(bound) if bound else None)
    if len(numbers) == 3 and numbers[2] == 0:
        raise ValueError("slice step cannot be zero")
    return slice(*numbers)


class Selection:
    """What ``key`` (from :func:`parse_slice`, or ``()`` for all) and then ``rows`` (``-n``: a
    count of leading rows, negative for all but that many; ``None`` for all) pick from an array
    of ``shape``. Raises ``IndexError`` with NumPy's words for an index out of range or too many
    indices. O(number of axes).

    ``axes``: per axis of the array, the index kept (an int: the axis is dropped) or the
    ``range`` of indices shown. ``key``: the index giving the view. ``shape``, ``labels``: the
    view's shape and the array's indices along each of its axes. ``rows_needed``: how many
    leading rows along axis 0 hold everything shown.
    """

    def __init__(self, key: "tuple[Index, ...]", shape: "tuple[int, ...]", rows: "int | None") -> "None":
        given = [part for part in key if part is not Ellipsis]
        if len(given) > len(shape):
            raise IndexError(
                f"too many indices for array: array is {len(shape)}-dimensional, but {len(given)} were indexed"
            )
        spread = len(shape) - len(given)  # the axes '...' (or the end) stands for
        full: "list[int | slice]" = []
        for part in key:
            full.extend([slice(None)] * spread if part is Ellipsis else [part])
            spread = 0 if part is Ellipsis else spread
        full.extend([slice(None)] * (len(shape) - len(full)))
        self.axes: "list[int | range]" = [_pick(part, size, axis) for axis, (part, size) in enumerate(zip(full, shape))]
        kept = [axis for axis, picked in enumerate(self.axes) if isinstance(picked, range)]
        if rows is not None and kept:
            first = kept[0]
            shown = self.axes[first]
            assert isinstance(shown, range)
            self.axes[first] = shown[:rows] if rows >= 0 else shown[: max(len(shown) + rows, 0)]
        self.labels: "list[range]" = [picked for picked in self.axes if isinstance(picked, range)]
        self.shape = tuple(len(labels) for labels in self.labels)
        self.key: "tuple[Any, ...]" = tuple(picked if isinstance(picked, int) else _as_slice(picked) for picked in self.axes)
        self.rows_needed = _last(self.axes[0]) + 1 if shape else 0

    @property
    def size(self) -> "int":
        """How many items are shown."""
        return prod(self.shape)


def _pick(part: "int | slice", size: "int", axis: "int") -> "int | range":
    """The index ``part`` keeps of an axis of ``size``: an int made non-negative, or a range."""
    if isinstance(part, slice):
        return range(*part.indices(size))
    if not -size <= part < size:
        raise IndexError(f"index {part} is out of bounds for axis {axis} with size {size}")
    return part + size if part < 0 else part


def _as_slice(shown: "range") -> "slice":
    """The slice of the indices of ``shown`` (a stop before 0, from a step down to index 0, is
    the end: ``None``)."""
    return slice(shown.start, shown.stop if shown.stop >= 0 else None, shown.step)


def _last(picked: "int | range") -> "int":
    """The largest index kept: -1 for none."""
    if isinstance(picked, int):
        return picked
    return max(picked) if picked else -1
