"""Growing a ``.npy`` file in place: rows appended along the growth axis, the header rewritten in
the spare space NumPy leaves for it, the data never rewritten.

The header is the commit point. New rows go after the data and are flushed (``fsync``) before the
header's new shape is written, so an interrupted append leaves a file that reads as the old array
with bytes after it: an append never committed, which the next appender cuts off. Everything that
can be refused (a row of the wrong shape, a bad value, a shape the header has no room for) is
refused before a byte is written.
"""

import _thread
import os

from ._array import NpyArray, items_of
from ._base import TYPE_CHECKING, ClosedError, NpyFormatError, data_bytes, flatten
from ._registry import element_of
from ._layout import c_strides
from ._files import copy_range, extra_flags, lock_exclusively, reserve, temporary_beside, write_at
from ._header import GROWTH_AXIS_MAX_DIGITS, fit_header, format_header, header_size, header_text, read_fields

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

    ``discarded`` is how many bytes lay after the committed data when the file was opened (an
    append that was never flushed, cut off); ``max_rows`` the most rows the header can record.
    """

    def __init__(self, path: "str", element: "Element[Any] | None", row_shape: "tuple[int, ...] | None", make_room: "bool") -> "None":
        self.path = path
        self._fd = os.open(path, os.O_RDWR | extra_flags())
        try:
            lock_exclusively(self._fd, path, _BUSY)
            self._read_header(element, row_shape)
            self.discarded = self._unfinished_bytes()
            if make_room and self.max_rows < _NUMPY_MAX_ROWS:
                self._make_room()  # copies the committed data only
            elif self.discarded:
                os.ftruncate(self._fd, self._end)
                os.fsync(self._fd)
        except BaseException:
            os.close(self._fd)
            raise
        self._lock = _thread.allocate_lock()  # append, flush and close: one at a time
        self.closed = False

    def _read_header(self, element: "Element[Any] | None", row_shape: "tuple[int, ...] | None") -> "None":
        fd = self._fd
        descr, shape, fortran, version, data_offset = read_fields(lambda n: os.read(fd, n), self.path)
        if not shape:
            raise NpyFormatError("a 0-d array has no axis to grow", self.path)
        self.element: "Element[Any]" = element_of(descr, element, self.path)
        self.fortran_order = fortran
        self._axis = len(shape) - 1 if fortran else 0  # the growth axis
        self.row_shape: "tuple[int, ...]" = shape[: self._axis] + shape[self._axis + 1 :]
        if row_shape is not None and row_shape != self.row_shape:
            raise ValueError(f"{self.path}: the file's rows have shape {self.row_shape}, not {row_shape}")
        self._row_bytes = data_bytes(self.row_shape, self.element.itemsize, self.path)
        self._shape = shape
        self._written = shape[self._axis]
        self._set_header(version, data_offset)

    def _set_header(self, version: "tuple[int, int]", data_offset: "int") -> "None":
        """Record where the data starts and how many rows the header's space can name."""
        self.version = version
        self.data_offset = data_offset
        self._end = data_offset + data_bytes(self._shape, self.element.itemsize, self.path)
        spare = data_offset - header_size(self._header_text(self._shape), version)
        digits = len(str(self._written)) + spare
        self.max_rows: "int" = 10**digits - 1 if digits > 0 else -1

    def _header_text(self, shape: "tuple[int, ...]") -> "str":
        """NumPy's header dictionary for ``shape``, without padding."""
        return header_text(self.element.descr, self.fortran_order, shape)

    def _unfinished_bytes(self) -> "int":
        """How many bytes lie after the committed data: rows of an append whose header was never
        written (the appender that held the lock died), to be cut off. A file shorter than its
        header says is :class:`NpyFormatError`."""
        size = os.fstat(self._fd).st_size
        if size < self._end:
            raise NpyFormatError(f"file is truncated: its header says {self._end} bytes, the file has {size}", self.path)
        return size - self._end

    def _make_room(self) -> "None":
        """Rewrite the file with NumPy's own header (room for 21 digits of rows) under a temporary
        name, then rename it into place: readers of the old file keep it. O(size of data)."""
        header, version = format_header(self.element.descr, self.fortran_order, self._shape)
        temporary, fd = temporary_beside(self.path)
        try:
            fchmod = getattr(os, "fchmod", None)  # not on Windows
            if fchmod is not None:
                fchmod(fd, os.fstat(self._fd).st_mode & 0o7777)
            lock_exclusively(fd, self.path, _BUSY)
            nbytes = self._end - self.data_offset
            write_at(fd, header, 0)
            reserve(fd, len(header), len(header) + nbytes, False, self.path)
            copy_range(self._fd, self.data_offset, fd, len(header), nbytes, self.path)
            os.fsync(fd)
            os.replace(temporary, self.path)
        except BaseException:
            os.close(fd)
            os.unlink(temporary)
            raise
        os.close(self._fd)
        self._fd = fd
        self._set_header(version, len(header))

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
        count = len(raw) // self._row_bytes
        with self._lock:
            self._check_open()
            if count and self._written + count > self.max_rows:
                room = f"at most {self.max_rows}" if self.max_rows >= 0 else "no"
                raise NpyFormatError(
                    f"the header has room for {room} rows, not {self._written + count}: "
                    "append_to(..., make_room=True) rewrites the file with NumPy's header, which has room",
                    self.path,
                )
            self._write_rows(raw, count)
        return count

    def _check_open(self) -> "None":
        if self.closed:
            raise ClosedError(f"{self.path}: appender is closed")

    def _write_rows(self, raw: "bytes", count: "int") -> "None":
        try:
            reserve(self._fd, self._end, self._end + len(raw), False, self.path)
            write_at(self._fd, raw, self._end)
        except OSError:
            os.ftruncate(self._fd, self._end)  # the file as it was: a full disk leaves no partial row
            raise
        self._end += len(raw)
        self._written += count

    def _encode(self, rows: "Any") -> "bytes":
        """The bytes ``rows`` add to the file, each row laid out in the file's order."""
        element, row_shape = self.element, self.row_shape
        if isinstance(rows, (list, tuple)) and not (element.is_record and isinstance(rows, tuple)):
            values = [value for row in rows for value in flatten(row, row_shape)]
            return self._in_file_order(element.pack(values))
        if isinstance(rows, (bytes, bytearray)):
            return bytes(rows)  # rows already in the file's format and layout
        shape, raw = items_of(rows, element)
        if len(shape) == 1 and row_shape and not isinstance(rows, NpyArray) and not hasattr(rows, "__array_interface__"):
            return raw  # a flat buffer (array.array, memoryview): items in the file's layout
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
        """Make appended rows durable, then write the new shape into the header in place (its
        room was checked by :meth:`append`). Two ``fsync`` calls."""
        with self._lock:
            self._check_open()
            self._flush()

    def _flush(self) -> "None":
        os.fsync(self._fd)
        shape = self.shape
        if shape == self._shape:
            return
        write_at(self._fd, fit_header(self._header_text(shape), self.version, self.data_offset), 0)
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


_BUSY = "appender is writing this file"  # what another appender's lock is called
_NUMPY_MAX_ROWS = 10**GROWTH_AXIS_MAX_DIGITS - 1  # the rows NumPy's headers have room for


def _fortran_positions(shape: "tuple[int, ...]") -> "list[int]":
    """The C-order positions of the items of ``shape``, listed in Fortran order (first axis
    fastest). O(product of shape)."""
    positions = [0]
    for size, stride in zip(shape, c_strides(shape)):
        positions = [position + i * stride for i in range(size) for position in positions]
    return positions
