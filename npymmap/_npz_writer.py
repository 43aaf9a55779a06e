"""Writing ``.npz`` archives a member at a time, each member mapped and filled in place.

Each member is a stored (not compressed) ZIP64 entry whose ``.npy`` bytes start at a multiple
of 64 in the archive, so its data is aligned too (the ``.npy`` header pads to 64). A member is
an array mapped over its bytes, made by the same machinery as :func:`npymmap.create`.
:meth:`NpzWriter.close` records every member's CRC-32 and size and writes the central directory.

Mode ``'w'`` builds a new archive under a temporary name beside the target, fsyncs it and links
it into place at :meth:`NpzWriter.close`; until then no file has the target's name, so a failure
leaves nothing NumPy would half-read. Mode ``'a'`` adds members to an existing archive in place,
so that it stays an archive of the old members until the close makes it one of old and new
(see ``_npz_append``).
"""

import _thread
import os

from ._array import WritableNpyArray
from ._base import TYPE_CHECKING, ClosedError, data_bytes, overload, shape_tuple
from ._element import Element, check_element
from ._files import chunks_at, map_file, publish, reserve, temporary_beside, write_at
from ._header import format_header
from ._npz_append import open_existing
from ._region import Region
from ._zip import FILE_HEADER_CRC, central_record, end_records, local_header, member_key

if TYPE_CHECKING:
    from typing import Any, TypeVar, Union

    from typing_extensions import Self

    from ._array import NpyArray
    from ._npz_append import ExistingArchive

    T = TypeVar("T")
    Shape = Union[int, "tuple[int, ...]"]

_ALIGN = 64


class NpzWriter:
    """Adds members to a new ``.npz`` archive (mode ``'w'``) or to an existing one (mode
    ``'a'``), see :func:`npymmap.create_npz`. After :meth:`close` or :meth:`abandon` (either may
    be called again), :meth:`add` raises :class:`ClosedError`, and so does every use of the
    member arrays it gave.

    In mode ``'a'`` the archive is locked against other writers (``flock``, where there is one)
    until then, and at every moment it is an archive ``numpy.load`` reads: of its old members
    until :meth:`close` commits, then of old and new. :meth:`abandon`, an exception in the
    ``with`` block or a failure in :meth:`close` truncates it back to its bytes before. A crash
    (or a kill) before the commit leaves it an archive of its old members with the unfinished
    members' bytes after them, which no zip reader looks at; the next add goes after them.
    Readers that have the archive open (:func:`npymmap.open_npz`) keep reading the old members.
    """

    def __init__(self, path: "str", overwrite: "bool", mode: "str") -> "None":
        self.path = path
        existing = open_existing(path) if mode == "a" else None
        self._archive: "NewArchive | ExistingArchive" = NewArchive(path, overwrite) if existing is None else existing
        self._fd = self._archive.fd
        self._end = self._archive.start  # where the next member starts
        self._names = {name for file in self._archive.names for name in (file, member_key(file))}  # as numpy.load takes them
        self._members: "list[tuple[bytes, int, int, int]]" = []  # name, header offset, data start, size
        self._regions: "list[Region]" = []
        self._lock = _thread.allocate_lock()  # add, close and abandon: one at a time
        self.closed = False

    @overload
    def add(
        self, name: "str", element: "Element[T]", shape: "Shape", /, *, fortran_order: "bool" = ..., sparse: "bool" = ...
    ) -> "WritableNpyArray[T]": ...

    @overload
    def add(self, name: "str", values: "object", /, *, element: "Element[T]") -> "WritableNpyArray[T]": ...

    @overload
    def add(self, name: "str", values: "NpyArray[T]", /) -> "WritableNpyArray[T]": ...

    @overload
    def add(self, name: "str", values: "object", /, *, element: "None" = ...) -> "WritableNpyArray[Any]": ...

    def add(
        self,
        name: "str",
        values: "Any",
        shape: "Shape | None" = None,
        /,
        *,
        element: "Element[Any] | None" = None,
        fortran_order: "bool" = False,
        sparse: "bool" = False,
    ) -> "WritableNpyArray[Any]":
        """A new member ``name.npy``, mapped writable, returned as its array.

        ``add(name, element, shape, *, fortran_order=False, sparse=False)``: zero-filled; fill
        it through the array. Its disk space is reserved as :func:`npymmap.create` reserves a
        file's (``sparse`` as there), so a full disk is ``OSError`` (ENOSPC) here, the archive
        left as it was before the call.

        ``add(name, values, *, element=None)``: holding ``values`` (shape and element as
        ``numpy.asarray`` gives them: an npymmap or NumPy array, records and byte order
        included, a buffer of numbers, nested lists of plain values; see
        :func:`~npymmap._values.layout_of`), converted to ``element`` when given. All or
        nothing: a value that cannot be stored raises, the archive as before the call.
        ``TypeError`` asks for ``element=`` when the values do not tell it. O(size of values).

        Raises ``ValueError`` for a name the archive has (``x`` and ``x.npy`` are one name, as
        ``numpy.load`` takes them) or a bad shape, before anything is written; after any other
        ``OSError`` the writer can only be closed or abandoned.
        """
        if shape is not None or isinstance(values, Element):
            check_element(values)
            if shape is None or element is not None:
                raise TypeError("add(name, element, shape) takes a shape and no element=")
            with self._lock:
                return self._add(name, values, shape, fortran_order, sparse)
        if fortran_order or sparse:
            raise TypeError("add(name, values, *, element=None) takes no fortran_order or sparse")
        if element is not None:
            check_element(element)
        from ._values import layout_of  # (loaded on the first add of values)

        element, shape = layout_of(values, element)
        with self._lock:
            start = self._end
            member = self._add(name, element, shape, False, False)
            try:
                member[...] = values
            except BaseException:
                self._forget_last(start)
                raise
            return member

    def _add(
        self, name: "str", element: "Element[T]", shape: "Shape", fortran_order: "bool", sparse: "bool"
    ) -> "WritableNpyArray[T]":
        import mmap

        if self.closed:
            raise ClosedError(f"{self.path}: writer is closed")
        check_element(element)
        shape = shape_tuple(shape)
        filename = f"{name}.npy"
        if filename in self._names or name in self._names:
            raise ValueError(f"the archive already has a member {name!r}")
        header, _ = format_header(element.descr, fortran_order, shape)
        nbytes = data_bytes(shape, element.itemsize, self.path)
        size = len(header) + nbytes
        start = self._end
        local = local_header(filename.encode(), size, start, _ALIGN)
        data_start = start + len(local)
        try:
            end = self._archive.place(data_start + size)
            write_at(self._fd, local + header, start)
            reserve(self._fd, data_start + len(header), data_start + size, sparse, self.path)
        except OSError:
            os.ftruncate(self._fd, start)  # the archive as it was: no room for this member
            raise
        self._end = end
        self._members.append((filename.encode(), start, data_start, size))
        self._names.update((filename, name))
        offset = data_start + len(header)
        if not nbytes:
            region = Region(memoryview(bytearray()), element, f"{self.path}::{filename}")
        else:
            granularity = mmap.ALLOCATIONGRANULARITY
            base = offset - offset % granularity
            mapping = map_file(self._fd, offset + nbytes - base, access=mmap.ACCESS_WRITE, offset=base)
            region = Region(memoryview(mapping)[offset - base :], element, f"{self.path}::{filename}", mapping)
        self._regions.append(region)
        return WritableNpyArray._root(region, shape, fortran_order, "w+")

    def _forget_last(self, start: "int") -> "None":
        """Undo the last :meth:`_add`, which started at byte ``start``: close its array and
        truncate the file back (the caller holds the lock)."""
        self._regions.pop().close()
        filename = self._members.pop()[0].decode()
        self._names.difference_update((filename, member_key(filename)))
        os.ftruncate(self._fd, start)
        self._end = start

    def close(self) -> "None":
        """Finish the archive: member CRCs and sizes, the central directory, fsync; then, in mode
        ``'w'``, link it into place (``FileExistsError`` if the path exists and ``overwrite`` was
        not given: the temporary file is removed). A failure leaves no archive (mode ``'w'``) or
        the archive as it was (mode ``'a'``). Closes every member array. Idempotent, from any
        thread."""
        with self._lock:
            self._close()

    def _close(self) -> "None":
        if self.closed:
            return
        self.closed = True
        try:
            for region in self._regions:
                region.close()
            self._archive.commit(self._directory(), len(self._members), self._end)
        except BaseException:
            self._archive.discard()
            raise
        os.close(self._fd)

    def abandon(self) -> "None":
        """Close every member array and throw the new members away: in mode ``'w'`` no file is
        made; in mode ``'a'`` the archive is truncated back to its bytes before."""
        with self._lock:
            if not self.closed:
                self.closed = True
                for region in self._regions:
                    region.close()
                self._archive.discard()

    def _directory(self) -> "bytes":
        """Write each member's CRC-32 into its local header; their central directory records."""
        import zlib

        records = []
        for filename, header_offset, data_start, size in self._members:
            crc = 0
            for chunk in chunks_at(self._fd, data_start, size, self.path):
                crc = zlib.crc32(chunk, crc)
            write_at(self._fd, crc.to_bytes(4, "little"), header_offset + FILE_HEADER_CRC)
            records.append(central_record(filename, crc, size, header_offset))
        return b"".join(records)

    def __enter__(self) -> "Self":
        return self

    def __exit__(self, kind: "object", error: "object", trace: "object") -> "None":
        if kind is None:
            self.close()
        else:
            self.abandon()


class NewArchive:
    """A new archive built under a temporary name beside ``path``: what :class:`NpzWriter` needs
    of it in mode ``'w'`` (as of an :class:`~npymmap._npz_append.ExistingArchive` in mode ``'a'``)."""

    names: "tuple[str, ...]" = ()  # no members yet
    start = 0  # where the first member goes

    def __init__(self, path: "str", overwrite: "bool") -> "None":
        self.path = path
        self._overwrite = overwrite
        self._temporary, self.fd = temporary_beside(path)

    def place(self, member_end: "int") -> "int":
        """Where the member after one ending at ``member_end`` may start: there."""
        return member_end

    def commit(self, records: "bytes", count: "int", end: "int") -> "None":
        """Write the central directory ``records`` of ``count`` members and the end records at
        byte ``end``, fsync, and link the file into place."""
        write_at(self.fd, records + end_records(count, len(records), end, b""), end)
        os.fsync(self.fd)
        publish(self._temporary, self.path, self._overwrite)

    def discard(self) -> "None":
        """Close and remove the temporary file."""
        try:
            os.close(self.fd)
        except OSError:
            pass
        if os.path.exists(self._temporary):
            os.unlink(self._temporary)
