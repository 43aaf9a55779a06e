"""Writing ``.npz`` archives a member at a time, each member mapped and filled in place.

The archive is built under a temporary name beside the target. Each member is a stored (not
compressed) ZIP64 entry whose ``.npy`` bytes start at a multiple of 64 in the archive, so its data
is aligned too (the ``.npy`` header pads to 64). A member is an array mapped over its bytes, made
by the same machinery as :func:`npymmap.create`. :meth:`NpzWriter.close` records every member's
CRC-32 and size, writes the central directory, fsyncs and links the archive into place; until
then no file has the target's name, so a failure leaves nothing NumPy would half-read.
"""

import _thread
import os
import struct

from ._array import WritableNpyArray
from ._base import TYPE_CHECKING, ClosedError, data_bytes, shape_tuple
from ._element import check_element
from ._files import publish, reserve, temporary_beside, write_at
from ._header import format_header
from ._region import Region
from ._zip import (
    CENTRAL_DIR,
    CENTRAL_DIR_SIGNATURE,
    END_SIGNATURE,
    FILE_HEADER,
    FILE_HEADER_CRC,
    FILE_HEADER_SIGNATURE,
    ZIP64_END_SIGNATURE,
    ZIP64_LOCATOR_SIGNATURE,
)

if TYPE_CHECKING:
    from typing import Any, TypeVar

    from typing_extensions import Self

    from ._element import Element

    T = TypeVar("T")

_ALIGN = 64
_ZIP64_EXTRA = struct.Struct("<HHQQ")  # id 1, size 16: uncompressed and compressed sizes
_PADDING_ID = 0x4E50  # "NP": an extra field zip readers skip, holding the alignment padding


class NpzWriter:
    """Adds members to a new ``.npz`` archive (see :func:`npymmap.create_npz`). After
    :meth:`close` or :meth:`abandon` (either may be called again), :meth:`add` raises
    :class:`ClosedError`, and so does every use of the member arrays it gave."""

    def __init__(self, path: "str", overwrite: "bool") -> "None":
        self.path = path
        self._overwrite = overwrite
        self._temporary, self._fd = temporary_beside(path)
        self._end = 0
        self._members: "list[tuple[bytes, int, int, int]]" = []  # name, header offset, data start, size
        self._regions: "list[Region]" = []
        self._lock = _thread.allocate_lock()  # add, close and abandon: one at a time
        self.closed = False

    def add(
        self,
        name: "str",
        element: "Element[T]",
        shape: "int | tuple[int, ...]",
        *,
        fortran_order: "bool" = False,
        sparse: "bool" = False,
    ) -> "WritableNpyArray[T]":
        """A new zero-filled member ``name.npy``, mapped writable: fill it through the array.

        Its disk space is reserved as :func:`npymmap.create` reserves a file's (``sparse`` as
        there), so a full disk is ``OSError`` (ENOSPC) here, the archive left as it was before
        the call. Raises ``ValueError`` for a repeated name or a bad shape (nothing is written
        then); after any other ``OSError`` the writer can only be closed or abandoned.
        """
        with self._lock:
            return self._add(name, element, shape, fortran_order, sparse)

    def _add(
        self, name: "str", element: "Element[T]", shape: "int | tuple[int, ...]", fortran_order: "bool", sparse: "bool"
    ) -> "WritableNpyArray[T]":
        import mmap

        if self.closed:
            raise ClosedError(f"{self.path}: writer is closed")
        check_element(element)
        shape = shape_tuple(shape)
        filename = f"{name}.npy".encode()
        if any(member[0] == filename for member in self._members):
            raise ValueError(f"the archive already has a member {name!r}")
        header, _ = format_header(element.descr, fortran_order, shape)
        nbytes = data_bytes(shape, element.itemsize, self.path)
        size = len(header) + nbytes
        start = self._end
        bare = FILE_HEADER.size + len(filename) + _ZIP64_EXTRA.size
        padding = -(start + bare + 4) % _ALIGN + 4  # a padding field is at least its 4-byte head
        local = _local_header(filename, 0, size, padding)
        data_start = start + len(local)
        try:
            write_at(self._fd, local + header, start)
            reserve(self._fd, data_start + len(header), data_start + size, sparse, self.path)
        except OSError:
            os.ftruncate(self._fd, start)  # the archive as it was: no room for this member
            raise
        self._end = data_start + size
        self._members.append((filename, start, data_start, size))
        offset = data_start + len(header)
        if not nbytes:
            region = Region(memoryview(bytearray()), element, f"{self.path}::{name}.npy")
        else:
            granularity = mmap.ALLOCATIONGRANULARITY
            base = offset - offset % granularity
            mapping = mmap.mmap(self._fd, offset + nbytes - base, access=mmap.ACCESS_WRITE, offset=base)
            region = Region(memoryview(mapping)[offset - base :], element, f"{self.path}::{name}.npy", mapping)
        self._regions.append(region)
        return WritableNpyArray._root(region, shape, fortran_order, "w+")

    def close(self) -> "None":
        """Finish the archive: member CRCs and sizes, the central directory, fsync, then link it
        into place (``FileExistsError`` if the path exists and ``overwrite`` was not given: the
        temporary file is removed). Closes every member array. Idempotent, from any thread."""
        with self._lock:
            self._close()

    def _close(self) -> "None":
        if self.closed:
            return
        self.closed = True
        try:
            for region in self._regions:
                region.close()
            self._finish()
            os.fsync(self._fd)
            publish(self._temporary, self.path, self._overwrite)
        except BaseException:
            self._discard()
            raise
        os.close(self._fd)

    def abandon(self) -> "None":
        """Close every member array and remove the unfinished archive: no file is made."""
        with self._lock:
            if not self.closed:
                self.closed = True
                for region in self._regions:
                    region.close()
                self._discard()

    def _discard(self) -> "None":
        try:
            os.close(self._fd)
        except OSError:
            pass
        if os.path.exists(self._temporary):
            os.unlink(self._temporary)

    def _finish(self) -> "None":
        import zlib

        directory = []
        for filename, header_offset, data_start, size in self._members:
            crc = 0
            position = 0
            while position < size:
                os.lseek(self._fd, data_start + position, os.SEEK_SET)
                chunk = os.read(self._fd, min(1 << 24, size - position))
                crc = zlib.crc32(chunk, crc)
                position += len(chunk)
            write_at(self._fd, crc.to_bytes(4, "little"), header_offset + FILE_HEADER_CRC)
            extra = struct.pack("<HHQQQ", 1, 24, size, size, header_offset)
            directory.append(
                CENTRAL_DIR.pack(
                    CENTRAL_DIR_SIGNATURE, 45, 45, 0, 0, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                    len(filename), len(extra), 0, 0, 0, 0, 0xFFFFFFFF,
                )
                + filename
                + extra
            )
        central = b"".join(directory)
        start = self._end
        count = len(self._members)
        zip64_end = struct.pack("<4sQHHIIQQQQ", ZIP64_END_SIGNATURE, 44, 45, 45, 0, 0, count, count, len(central), start)
        locator = struct.pack("<4sIQI", ZIP64_LOCATOR_SIGNATURE, 0, start + len(central), 1)
        end = struct.pack("<4sHHHHIIH", END_SIGNATURE, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF), 0xFFFFFFFF, 0xFFFFFFFF, 0)
        write_at(self._fd, central + zip64_end + locator + end, start)

    def __enter__(self) -> "Self":
        return self

    def __exit__(self, kind: "object", error: "object", trace: "object") -> "None":
        if kind is None:
            self.close()
        else:
            self.abandon()


def _local_header(filename: "bytes", crc: "int", size: "int", padding: "int") -> "bytes":
    extra = _ZIP64_EXTRA.pack(1, 16, size, size) + struct.pack("<HH", _PADDING_ID, padding - 4) + bytes(padding - 4)
    return (
        FILE_HEADER.pack(FILE_HEADER_SIGNATURE, 45, 0, 0, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(filename), len(extra))
        + filename
        + extra
    )
