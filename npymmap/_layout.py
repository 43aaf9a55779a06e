"""Where a window's items lie, and moving their bytes: geometry counted in items, and the copies
between a window of a region's data and the same items packed in logical (C) order.

A window is a first item ``start``, a ``shape`` and ``strides``, all counted in items. A window
that is not C-contiguous is read as *runs* along its last axis: the first item of each run in
logical order, the items in a run (``shape[-1]``) and the step between them (``strides[-1]``).
Everything here is pure: it takes memoryviews and numbers, and knows no element or array.
"""

from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Iterator

# The native unsigned formats by size, widest first: how items memoryview cannot read are moved
# (a unit whose size divides the item's) and found (the items of 2, 4 or 8 bytes as unsigned ints).
UNSIGNED_FORMATS = ((8, "Q"), (4, "I"), (2, "H"), (1, "B"))


def cast(data: "memoryview", code: "str", shape: "tuple[int, ...] | None" = None) -> "memoryview[Any]":
    """``data`` (bytes, C-contiguous) viewed as items of the native format ``code``, 1-d or
    with ``shape``; zero-copy."""
    if shape is None:
        return data.cast(code)  # type: ignore[call-overload, no-any-return]
    return data.cast(code, shape)  # type: ignore[call-overload, no-any-return]


def c_strides(shape: "tuple[int, ...]") -> "tuple[int, ...]":
    """The strides of a C-contiguous window of ``shape``, in items."""
    if len(shape) < 3:
        return ((shape[1], 1) if len(shape) == 2 else (1,)) if shape else ()
    strides = [1] * len(shape)
    for axis in range(len(shape) - 1, 0, -1):
        strides[axis - 1] = strides[axis] * shape[axis]
    return tuple(strides)


def is_contiguous(shape: "tuple[int, ...]", strides: "tuple[int, ...]", fortran: "bool" = False) -> "bool":
    """True when the window's items are adjacent in C order (in Fortran order with ``fortran``);
    an empty window is both."""
    if 0 in shape:
        return True
    expected = 1
    pairs = zip(shape, strides) if fortran else zip(reversed(shape), reversed(strides))
    for size, stride in pairs:
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def is_fortran(shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "bool":
    """True for a Fortran-contiguous window that is not also C-contiguous (NumPy's reading)."""
    return len(shape) > 1 and not is_contiguous(shape, strides) and is_contiguous(shape, strides, fortran=True)


def nest(values: "list[Any]", base: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "list[Any]":
    """Nested lists of ``values[base + sum(i_k * strides[k])]`` over ``shape``; O(size)."""
    size, stride = shape[0], strides[0]
    if len(shape) == 1:
        return values[base : stop(base, size, stride) : stride]
    inner_shape, inner_strides = shape[1:], strides[1:]
    return [nest(values, base + i * stride, inner_shape, inner_strides) for i in range(size)]


def group(rows: "list[Any]", shape: "tuple[int, ...]") -> "list[Any]":
    """The runs along the last axis of a window of ``shape``, in C order, nested as the window:
    the window's ``tolist()`` is the one element of the list returned. O(size / shape[-1])."""
    for size in reversed(shape[:-1]):
        rows = [rows[i : i + size] for i in range(0, len(rows), size)]
    return rows


def stop(first: "int", count: "int", step: "int") -> "int | None":
    """The stop of the slice ``[first : stop : step]`` that holds ``count`` items (``None`` when
    a negative step runs to the start)."""
    end = first + count * step
    return end if end >= 0 else None


def runs(start: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "tuple[list[int], int, int]":
    """The window as runs along its last axis: ``(starts, count, step)`` (see the module's doc).
    For windows of one axis at least. O(size / count)."""
    starts = [start]
    for size, stride in zip(shape[:-1], strides[:-1]):
        starts = [first + i * stride for first in starts for i in range(size)]
    return starts, shape[-1], strides[-1]


def units(data: "memoryview", itemsize: "int", code: "str") -> "memoryview[Any]":
    """``data`` (whole items of ``itemsize`` bytes, and maybe a partial one) as a 1-d memoryview
    of ``code``, a format whose size divides the item's (release it after use)."""
    return cast(data[: len(data) - len(data) % itemsize if itemsize else 0], code)


def _copies(itemsize: "int", starts: "list[int]", count: "int", step: "int") -> "tuple[str, Iterator[tuple[slice, slice]]]":
    """How to move runs of items between a region's data and their bytes packed in logical (C)
    order: ``(code, pairs)``. Both are read as 1-d memoryviews of ``code``, the widest unsigned
    format whose size divides the item's (PyPy mishandles n-d slices), and each pair ``(in the
    data, in the packed)`` of slices is one copy, in C: a whole run when its items are adjacent,
    else one such unit of every item of the run. O(runs) pairs, times the units in an item for
    strided runs."""
    unit, code = next((unit, code) for unit, code in UNSIGNED_FORMATS if itemsize % unit == 0)
    lanes = itemsize // unit
    run = count * lanes

    def pairs() -> "Iterator[tuple[slice, slice]]":
        for index, start in enumerate(starts):
            first = start * lanes
            if step == 1:
                yield slice(first, first + run), slice(index * run, (index + 1) * run)
                continue
            for lane in range(lanes):
                end = stop(first + lane, count, step * lanes)
                yield slice(first + lane, end, step * lanes), slice(index * run + lane, (index + 1) * run, lanes)

    return code, pairs()


def gather(data: "memoryview", itemsize: "int", starts: "list[int]", count: "int", step: "int") -> "bytes":
    """The bytes of the runs' items (see the module's doc) packed in logical (C) order, from
    ``data``, a region's bytes. O(bytes), the copying in C."""
    packed = bytearray(len(starts) * count * itemsize)
    code, pairs = _copies(itemsize, starts, count, step)
    with units(data, itemsize, code) as source, cast(memoryview(packed), code) as target:
        for in_data, in_packed in pairs:
            target[in_packed] = source[in_data]
    return bytes(packed)


def scatter(data: "memoryview", itemsize: "int", starts: "list[int]", count: "int", step: "int", packed: "bytes") -> "None":
    """The inverse of :func:`gather`: store ``packed``, the runs' items in logical (C) order,
    into their places in ``data``. O(bytes), the copying in C."""
    code, pairs = _copies(itemsize, starts, count, step)
    with units(data, itemsize, code) as target, cast(memoryview(packed), code) as source:
        for in_data, in_packed in pairs:
            target[in_data] = source[in_packed]
