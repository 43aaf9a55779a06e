"""What every other module shares: the exceptions, the :class:`Header` record, and typing names
that cost nothing at run time.

Exceptions: every fault in a file's content is an :class:`NpyError`, itself a :class:`ValueError`,
whose message starts with the file's name. Faults of the operating system (a missing file, no
permission, no space) stay :class:`OSError`.

Typing: mypy reads the ``TYPE_CHECKING`` branch and sees the real :mod:`typing` names; the
interpreter takes the other, so ``import npymmap`` never imports :mod:`typing` (about 13 ms on a
cold start). Generic classes derive from :class:`Generic` here, and subscripting one
(``NpyArray[float]``) returns the class itself at run time. Every annotation in the package is a
string, so none is evaluated at import either.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Generic as Generic, TypeVar as TypeVar, Union, overload as overload

    from typing_extensions import TypeGuard

    Descr = Union[str, "list[tuple[Any, ...]]"]
else:

    def TypeVar(name, *constraints, **options):  # noqa: N802 - mirrors typing.TypeVar
        return name

    def overload(function):
        return function

    class Generic:
        __slots__ = ()

        def __class_getitem__(cls, parameters):
            return cls


R = TypeVar("R")

class NpyError(ValueError):
    """A file, header or element that npymmap cannot accept.

    ``path`` is the file concerned (``None`` when there is none, such as a bad element name) and
    ``reason`` the fault alone, without the path.
    """

    def __init__(self, reason: "str", path: "str | None" = None) -> "None":
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.reason = reason
        self.path = path


class ClosedError(ValueError):
    """An operation on something already closed: an array (or a view of it), an archive, a
    writer or an appender. An operation racing ``close()`` in another thread either completes
    or raises this."""


class NpyFormatError(NpyError):
    """The bytes are not a well-formed ``.npy`` file: magic, version, header or size."""


class UnsupportedDtypeError(NpyError):
    """The header's dtype is valid NumPy but npymmap cannot map it (objects, long double, ...)."""


class DtypeMismatchError(NpyError):
    """The file's dtype is not the element the caller asked for."""


MAX_DIMENSIONS = 64  # NumPy's limit on the axes of an array
MAX_DATA_BYTES = (1 << 63) - 1  # the most data a file can hold (a signed 64-bit size)
# PyPy differs where npymmap leans on CPython: its mmap.close() unmaps under live exports, and its
# ctypes reads byte-swapped signed integers as unsigned.
PYPY = sys.implementation.name == "pypy"


class Header:
    """What a ``.npy`` header says, plus where the data starts.

    ``descr`` is the dtype description as written (``'<f8'``, or a list of fields for records),
    ``shape`` a tuple of non-negative ints, ``fortran_order`` a bool, ``version`` ``(major, minor)``
    and ``data_offset`` the byte offset of the first element in the file.
    """

    __slots__ = ("descr", "shape", "fortran_order", "version", "data_offset")

    def __init__(
        self,
        descr: "Descr",
        shape: "tuple[int, ...]",
        fortran_order: "bool",
        version: "tuple[int, int]",
        data_offset: "int",
    ) -> "None":
        self.descr = descr
        self.shape = shape
        self.fortran_order = fortran_order
        self.version = version
        self.data_offset = data_offset

    def _fields(self) -> "tuple[object, ...]":
        return (self.descr, self.shape, self.fortran_order, self.version, self.data_offset)

    def __eq__(self, other: "object") -> "bool":
        if not isinstance(other, Header):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> "int":
        return hash(repr(self._fields()))

    def __repr__(self) -> "str":
        return (
            f"Header(descr={self.descr!r}, shape={self.shape!r}, "
            f"fortran_order={self.fortran_order!r}, version={self.version!r}, "
            f"data_offset={self.data_offset!r})"
        )


def data_bytes(shape: "tuple[int, ...]", itemsize: "int", name: "str | None") -> "int":
    """The bytes of items of ``itemsize`` in ``shape``; :class:`NpyFormatError` naming ``name``
    when no file could hold them."""
    nbytes = itemsize
    for n in shape:
        nbytes *= n
    if nbytes > MAX_DATA_BYTES:
        raise NpyFormatError(f"shape {shape} holds {nbytes} bytes, more than any file can", name)
    return nbytes


def is_shape(value: "object") -> "TypeGuard[tuple[int, ...]]":
    """True for a tuple of non-negative ints (bools are not ints here), as every shape must be."""
    return isinstance(value, tuple) and all(type(n) is int and n >= 0 for n in value)


def shape_tuple(shape: "int | tuple[int, ...]") -> "tuple[int, ...]":
    """``shape`` as a tuple of non-negative ints (an int is a 1-d shape); ``ValueError`` for
    anything else or more than 64 dimensions."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not is_shape(shape):
        raise ValueError(f"shape must be a tuple of non-negative ints, got {shape!r}")
    if len(shape) > MAX_DIMENSIONS:
        raise ValueError(f"shape has {len(shape)} dimensions, more than {MAX_DIMENSIONS}")
    return shape


def cached(cache: "dict[Any, R]", key: "Any", make: "Callable[[], R]") -> "R":
    """``cache[key]``, made by ``make()`` the first time; a cache holds at most 64 entries and is
    emptied when full (compiled ``struct`` formats and item cutters, one per run shape)."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= 64:
            cache.clear()
        value = cache[key] = make()
    return value


def flatten(values: "Any", shape: "tuple[int, ...]") -> "list[Any]":
    """The items of nested lists (or tuples) in C order, checking they have exactly ``shape``
    (``ValueError`` naming the axis that differs); a 0-d shape is one value. O(size)."""
    if not shape:
        return [values]
    from itertools import chain

    level = [values]
    for depth, size in enumerate(shape):
        for row in level:
            if not isinstance(row, (list, tuple)) or len(row) != size:
                raise ValueError(f"cannot assign a value that is not of shape {shape} (axis {depth})")
        level = list(chain.from_iterable(level))
    return level


def nested(items: "list[Any]", shape: "tuple[int, ...]") -> "list[Any]":
    """``items`` (C order) as nested lists of ``shape`` (at least one axis); an axis of 0 gives
    empty lists. The inverse of :func:`flatten`. O(size)."""
    if not items:
        return [nested([], shape[1:]) for _ in range(shape[0])] if len(shape) > 1 else []
    for size in reversed(shape[1:]):
        items = [items[i : i + size] for i in range(0, len(items), size)]
    return items
