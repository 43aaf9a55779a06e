"""Adding members to an existing ``.npz`` archive in place, so that a crash at any moment leaves
an archive ``numpy.load`` reads: the old members, or the old and all the new ones.

The archive's bytes are never overwritten; everything goes after its end. :mod:`zipfile` (so
``numpy.load``) finds the end record in the file's last bytes and takes the central directory to
lie directly before the end records, while the directory's records hold absolute offsets of the
members: bytes between members are skipped. So each new member is laid out after the file's end
as [local header, ``.npy`` header, data][a copy of the original central directory][end records
naming that copy], and that tail is written first, at its final place: one write that extends
the file and leaves it an archive of the old members (the member's bytes a hole before it). The
member's headers and data then go into that hole. Closing writes the directory of old and new
members and its end records after the last tail, in one write between two ``fsync``: the commit.
A failed add truncates the file back to its size before the add; :meth:`ExistingArchive.discard`
(abandoning, or a failure before the commit) to its size at opening, the archive as it was.
After a crash, the tails and members of an unfinished add stay in the file as bytes no directory
names (zip readers skip them); the next add goes after them.

A tail or a commit that fits in a page is written where it crosses no page boundary: Linux
copies a write a page at a time and stops it for SIGKILL only between pages, so such a write
lands whole or not at all. A longer one (a central directory of more than a page: some 40
members or more) could be cut at a page boundary by a kill that arrives during that one write.
"""

import os

from ._base import NpyFormatError
from ._files import extra_flags, lock_exclusively, read_at, write_at
from ._zip import (
    END,
    END_RECORDS_SIZE,
    END_SIGNATURE,
    ZIP64_END,
    ZIP64_END_SIGNATURE,
    ZIP64_LOCATOR,
    ZIP64_LOCATOR_SIGNATURE,
    end_records,
)


class ExistingArchive:
    """The archive at ``path`` open (descriptor ``fd``) to add members to, locked against other
    writers; what :class:`~npymmap._npz_writer.NpzWriter` needs of it in mode ``'a'``:
    ``names`` (its members' names in the archive), ``start`` (where the first new member goes),
    :meth:`place`, :meth:`commit`, :meth:`discard`."""

    def __init__(self, path: "str", fd: "int") -> "None":
        self.path = path
        self.fd = fd
        self.start = self._size = os.fstat(fd).st_size
        self._directory, self._comment = _read_directory(fd, self._size, path)
        self.names = _names(fd, path)

    def place(self, member_end: "int") -> "int":
        """Write the tail after a new member ending at byte ``member_end``: the file is then an
        archive of the old members ending there. Returns where the next member may start. One
        write (a full disk is ``OSError``, the file then partly extended: truncate it back)."""
        return self._write_directory(self._directory, len(self.names), member_end)

    def commit(self, records: "bytes", count: "int", end: "int") -> "None":
        """Add ``count`` members whose central directory ``records`` are given: write the whole
        directory and its end records after byte ``end`` (the last tail's end) in one write,
        with ``fsync`` before (the members' bytes) and after. Nothing to do for no members."""
        if count:
            os.fsync(self.fd)
            self._write_directory(self._directory + records, len(self.names) + count, end)
            os.fsync(self.fd)

    def _write_directory(self, directory: "bytes", count: "int", end: "int") -> "int":
        """Write ``directory`` (of ``count`` members) and its end records at ``end`` or just
        after it, in one write; where they end."""
        at = whole_write_at(end, len(directory) + END_RECORDS_SIZE + len(self._comment))
        written = directory + end_records(count, len(directory), at, self._comment)
        write_at(self.fd, written, at)
        return at + len(written)

    def discard(self) -> "None":
        """Truncate the file back to its size at opening (the archive as it was), ``fsync`` it and
        close it, which releases the lock."""
        try:
            os.ftruncate(self.fd, self._size)
            os.fsync(self.fd)
        finally:
            os.close(self.fd)


def open_existing(path: "str") -> "ExistingArchive | None":
    """The archive at ``path`` opened to add members to, holding an exclusive ``flock`` for the
    writer's life (where :mod:`fcntl` exists: not on Windows); ``None`` when no file is there.

    Raises ``BlockingIOError`` naming the file while another writer holds it,
    :class:`NpyFormatError` for a file that is not a zip archive, spans several disks, or whose
    central directory does not lie directly before its end records (as :mod:`zipfile` assumes,
    e.g. bytes before the archive), ``OSError`` for the rest. O(central directory).
    """
    try:
        fd = os.open(path, os.O_RDWR | extra_flags())
    except FileNotFoundError:
        return None
    try:
        lock_exclusively(fd, path, "writer is adding members to this archive")
        return ExistingArchive(path, fd)
    except BaseException:
        os.close(fd)
        raise


def whole_write_at(position: "int", length: "int") -> "int":
    """Where to write ``length`` bytes meant for ``position`` or later so that a kill cannot cut
    the write: ``position``, or the next page boundary when the bytes fit in a page but would
    cross one there. The kernel copies a write page by page and stops between two pages for a
    SIGKILL, so a write within one page lands whole or not at all."""
    import mmap

    page = mmap.PAGESIZE
    if length <= page and position // page != (position + length - 1) // page:
        return position + -position % page
    return position


def _read_directory(fd: "int", size: "int", path: "str") -> "tuple[bytes, bytes]":
    """The central directory records of the archive open at ``fd`` (``size`` bytes), as they
    are in the file, and its comment; :class:`NpyFormatError` as :func:`open_existing` says."""
    end_at, fields, comment = _end_record(fd, size, path)
    _, disk, directory_disk, here, count, directory_size, directory_start, _ = fields
    records_start = end_at
    locator = read_at(fd, ZIP64_LOCATOR.size, end_at - ZIP64_LOCATOR.size) if end_at >= ZIP64_LOCATOR.size else b""
    if locator[:4] == ZIP64_LOCATOR_SIGNATURE:
        _, zip64_disk, records_start, disks = ZIP64_LOCATOR.unpack(locator)
        if zip64_disk != 0 or disks > 1:
            raise NpyFormatError("archives that span several disks cannot be added to", path)
        if records_start != end_at - ZIP64_LOCATOR.size - ZIP64_END.size:
            raise NpyFormatError("the ZIP64 end record is not directly before its locator, as zipfile needs", path)
        zip64_end = read_at(fd, ZIP64_END.size, records_start)
        if zip64_end[:4] != ZIP64_END_SIGNATURE:
            raise NpyFormatError(f"no ZIP64 end record at byte {records_start}, where its locator says", path)
        _, _, _, _, disk, directory_disk, here, count, directory_size, directory_start = ZIP64_END.unpack(zip64_end)
    if disk != 0 or directory_disk != 0 or here != count:
        raise NpyFormatError("archives that span several disks cannot be added to", path)
    if directory_start + directory_size != records_start:
        raise NpyFormatError(
            f"the central directory ({directory_size} bytes at byte {directory_start}) does not end where the end "
            f"records start (byte {records_start}): bytes before the archive or after its directory",
            path,
        )
    return read_at(fd, directory_size, directory_start), comment


def _end_record(fd: "int", size: "int", path: "str") -> "tuple[int, tuple[int, ...], bytes]":
    """The end record's position, fields and comment: the last end record signature whose
    comment ends exactly at the end of the file."""
    first = max(0, size - END.size - 0xFFFF)
    tail = read_at(fd, size - first, first)
    at = len(tail)
    while at > 0:
        at = tail.rfind(END_SIGNATURE, 0, at)
        if 0 <= at <= len(tail) - END.size:
            fields = END.unpack_from(tail, at)
            if at + END.size + fields[-1] == len(tail):
                return first + at, fields, tail[at + END.size :]
    raise NpyFormatError("not a zip archive: no end of central directory record at its end", path)


def _names(fd: "int", path: "str") -> "list[str]":
    """The members' names in the archive as :mod:`zipfile` (so ``numpy.load``) reads them;
    :class:`NpyFormatError` for a directory it cannot read."""
    import zipfile

    try:
        with os.fdopen(os.dup(fd), "rb") as file, zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except OSError:
        raise
    except Exception as error:  # zipfile raises many types on a damaged directory
        raise NpyFormatError(f"not a readable zip archive: {error}", path) from None
