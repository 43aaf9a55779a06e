"""Growing a ``.npy`` file in place: rows appended along the growth axis, the header rewritten in
the spare space NumPy leaves for it, the data never rewritten.

Order of writes makes a crash harmless: new rows go after the data and are flushed (``fsync``)
before the header's new shape is written, so an interrupted append leaves a file that reads as the
old array (with ignored bytes after it).
"""

import _thread
import os

from ._array import items_of
from ._base import TYPE_CHECKING, ClosedError, NpyFormatError, data_bytes, flatten
from ._registry import element_of
from ._layout import c_strides
from ._files import extra_flags, reserve, write_at
from ._header import format_header, read_fields

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Self

    from ._element import Element


class Appender:
    """Appends rows to a ``.npy`` file opened for growth (see :func:`npymmap.append_to`).

    A row is one step along the growth axis: axis 0 of a C-order file, the last axis of a
    Fortran-order one (so a 1-d file grows by items). :meth:`append` writes at file speed and
    keeps the header as it was; :meth:`flush` makes the rows durable, then records the new shape;
    :meth:`close` flushes. After :meth:`close` (which may be called again), :meth:`append` and
    :meth:`flush` raise :class:`ClosedError`.
    """

    def __init__(self, path: "str") -> "None":
        self.path = path
        self._fd = os.open(path, os.O_RDWR | extra_flags())
        try:
            self._read_header()
        except BaseException:
            os.close(self._fd)
            raise
        self._lock = _thread.allocate_lock()  # append, flush and close: one at a time
        self.closed = False

    def _read_header(self) -> "None":
        fd = self._fd
        descr, shape, fortran, version, data_offset = read_fields(lambda n: os.read(fd, n), self.path)
        if not shape:
            raise NpyFormatError("a 0-d array has no axis to grow", self.path)
        self.element: "Element[Any]" = element_of(descr, None, self.path)
        self.fortran_order = fortran
        self.version = version
        self.data_offset = data_offset
        self._shape = shape
        self._axis = len(shape) - 1 if fortran else 0  # the growth axis
        row_shape = shape[: self._axis] + shape[self._axis + 1 :]
        self.row_shape: "tuple[int, ...]" = row_shape
        self._row_bytes = data_bytes(row_shape, self.element.itemsize, self.path)
        end = data_offset + data_bytes(shape, self.element.itemsize, self.path)
        size = os.fstat(fd).st_size
        if size != end:
            raise NpyFormatError(
                f"file is {size} bytes where its header says {end}: only a file ending at its data can grow",
                self.path,
            )
        self._end = end
        self._written = shape[self._axis]

    @property
    def shape(self) -> "tuple[int, ...]":
        """The shape including rows appended so far (the header catches up at :meth:`flush`)."""
        return self._shape[: self._axis] + (self._written,) + self._shape[self._axis + 1 :]

    def append(self, rows: "Any") -> "int":
        """Write ``rows`` after the data and return how many rows that was. ``rows`` is a list of
        rows (nested lists of the row shape; plain values for a 1-d file; tuples for records), an
        array or buffer of shape ``(count,) + row_shape`` (an npymmap or NumPy array, NumPy
        structured arrays included), or a 1-d buffer of items already laid out as in the file
        (``bytes``, ``bytearray``, an ``array.array`` of the file's format): that is, in a
        Fortran-order file, each row's items in Fortran order. Values are converted to the file's
        element as stores are. All or nothing: a bad value raises before any byte is written,
        and a full disk (``OSError``, ENOSPC) leaves the file as it was. O(size of rows)."""
        self._check_open()
        raw = self._encode(rows)
        if self._row_bytes == 0:
            raise NpyFormatError("rows of this shape hold no bytes, so their count cannot be told", self.path)
        if len(raw) % self._row_bytes:
            raise ValueError(f"{len(raw)} bytes are not whole rows of {self._row_bytes} bytes")
        with self._lock:
            self._check_open()
            return self._write_rows(raw)

    def _check_open(self) -> "None":
        if self.closed:
            raise ClosedError(f"{self.path}: appender is closed")

    def _write_rows(self, raw: "bytes") -> "int":
        try:
            reserve(self._fd, self._end, self._end + len(raw), False, self.path)
            write_at(self._fd, raw, self._end)
        except OSError:
            os.ftruncate(self._fd, self._end)  # the file as it was: a full disk leaves no partial row
            raise
        self._end += len(raw)
        count = len(raw) // self._row_bytes
        self._written += count
        return count

    def _encode(self, rows: "Any") -> "bytes":
        """The bytes ``rows`` add to the file, each row laid out in the file's order."""
        element, row_shape = self.element, self.row_shape
        if isinstance(rows, (list, tuple)) and not (element.is_record and isinstance(rows, tuple)):
            values = [value for row in rows for value in flatten(row, row_shape)]
            return self._in_file_order(element.pack(values))
        if isinstance(rows, (bytes, bytearray)):
            return bytes(rows)  # rows already in the file's format and layout
        shape, raw = items_of(rows, element)
        if len(shape) <= 1 and row_shape:
            return raw  # items in the file's layout
        if shape[1:] != row_shape:
            raise ValueError(f"rows must have shape (count,) + {row_shape} to grow this file, not {shape}")
        return self._in_file_order(raw)

    def _in_file_order(self, raw: "bytes") -> "bytes":
        """Rows whose items are in C order, each rearranged into the file's order: in a
        Fortran-order file the first axis of a row varies fastest. O(len(raw))."""
        if not self.fortran_order or len(self.row_shape) < 2:
            return raw
        itemsize = self.element.itemsize
        order = _fortran_positions(self.row_shape)
        items = memoryview(raw)
        return b"".join(
            items[start + position * itemsize : start + (position + 1) * itemsize]
            for start in range(0, len(raw), self._row_bytes)
            for position in order
        )

    def flush(self) -> "None":
        """Make appended rows durable, then write the new shape into the header in place.

        Raises :class:`NpyFormatError` if the new shape's digits do not fit the header's spare
        space (NumPy leaves room for 21 digits, so only files written elsewhere run out).
        """
        with self._lock:
            self._check_open()
            self._flush()

    def _flush(self) -> "None":
        os.fsync(self._fd)
        shape = self.shape
        if shape == self._shape:
            return
        text = format_header(self.element.descr, self.fortran_order, shape, self.version)[0]
        write_at(self._fd, _fit_header(text, self.data_offset, self.path), 0)
        os.fsync(self._fd)
        self._shape = shape

    def close(self) -> "None":
        """Flush and close the file. Idempotent, from any thread."""
        with self._lock:
            if self.closed:
                return
            try:
                self._flush()
            finally:
                self.closed = True
                os.close(self._fd)

    def __enter__(self) -> "Self":
        return self

    def __exit__(self, *exc_info: "object") -> "None":
        self.close()


def _fit_header(text: "bytes", data_offset: "int", path: "str") -> "bytes":
    """The header bytes NumPy would write for the new shape, re-padded to end exactly at
    ``data_offset`` so the data does not move; ``NpyFormatError`` if it does not fit."""
    prefix_length = 10 if text[6:8] == b"\x01\x00" else 12
    body = text[prefix_length:].rstrip(b" \n")
    room = data_offset - prefix_length
    if len(body) + 1 > room:
        raise NpyFormatError(f"the new shape does not fit in the header's {room} bytes", path)
    length = room.to_bytes(prefix_length - 8, "little")
    return text[:8] + length + body + b" " * (room - len(body) - 1) + b"\n"


def _fortran_positions(shape: "tuple[int, ...]") -> "list[int]":
    """The C-order positions of the items of ``shape``, listed in Fortran order (first axis
    fastest). O(product of shape)."""
    positions = [0]
    for size, stride in zip(shape, c_strides(shape)):
        positions = [position + i * stride for i in range(size) for position in positions]
    return positions
