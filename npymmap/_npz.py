"""``.npz`` archives: stored (uncompressed) members mapped in place, where ``numpy.load`` copies.

The archive is mapped once; each stored member is an array over its own slice of that map, so
opening a member costs its header, whatever its size. :mod:`zipfile` reads the central directory
(ZIP64 included) and compressed members from the map too, so an open archive holds no file
descriptor but its map's (none on Python 3.13+); the member's data starts after its local
header, whose name and extra fields may differ in length from the central directory's, so that
header is read from the map.
"""

import _thread
import errno
import os
import stat
import zipfile
from _collections_abc import Mapping  # collections.abc's Mapping, loaded with os at start-up: no import cost

from ._array import NpyArray
from ._base import TYPE_CHECKING, ClosedError, NpyError, NpyFormatError, TypeVar
from ._files import extra_flags, map_file
from ._images import array_in
from ._region import Region, unmap
from ._zip import (
    CENTRAL_DIR,
    CENTRAL_DIR_CRC,
    CENTRAL_DIR_LENGTHS,
    CENTRAL_DIR_LENGTHS_AT,
    CENTRAL_DIR_SIGNATURE,
    DATA_DESCRIPTOR_SIGNATURE,
    FILE_HEADER,
    FILE_HEADER_CRC,
    FILE_HEADER_NAME_LENGTH,
    FILE_HEADER_SIGNATURE,
    member_key,
)

if TYPE_CHECKING:
    import mmap
    from typing import Any, Iterator

    from typing_extensions import Self

ArrayT = TypeVar("ArrayT", bound="NpyArray[Any]")


class NpzFile(Mapping[str, ArrayT]):
    """A read-only mapping of member name to the member's array (a
    :class:`collections.abc.Mapping`, as ``numpy.load``'s ``NpzFile`` is), named as ``numpy.load``
    names them: every member of the archive, ``.npy`` dropped from the names that end in it.
    ``keys()``, ``len()`` and iteration give those names, in archive order; ``[]``, ``get()`` and
    ``in`` also take a member's full name in the archive (``'x'`` or ``'x.npy'``), as NumPy's do.
    ``values()``, ``items()`` and ``==`` (the Mapping's: equal names mapping to the same arrays)
    open every member they reach.

    Arrays are made on first access, once (the same array each time), and share the archive's
    map; :meth:`close` (or leaving a ``with`` block) closes them all. After :meth:`close` the
    names stay readable (``keys()``, ``len()``, ``in``), and anything that reaches a member
    (``[]``, ``get()``, ``values()``, ``items()``, :meth:`read`, :meth:`flush`) raises
    :class:`ClosedError`. Members may be opened from several threads at once (one at a time
    under the archive's lock), and a ``close()`` racing them either comes first (they raise
    :class:`ClosedError`) or after (their arrays are then closed too).

    A compressed member cannot be mapped: indexing it (so also ``values()`` and ``items()``)
    raises :class:`NpyError`, and :meth:`read` loads it into memory instead. A member whose bytes
    are not a ``.npy`` image raises :class:`NpyFormatError` (``numpy.load`` gives its raw bytes).
    """

    def __init__(
        self,
        path: "str",
        archive: "zipfile.ZipFile",
        mapping: "mmap.mmap | None",
        mode: "str",
        max_header_size: "int",
        listing: "mmap.mmap | None" = None,
    ) -> "None":
        self.path = path
        self.mode = mode
        self._archive = archive
        self._map = mapping
        self._listing = listing  # the read-only map zipfile reads in mode 'c', when not mapping
        self._max_header_size = max_header_size
        infos = archive.infolist()
        self._files = {info.filename: info for info in infos}
        self._members = {member_key(info.filename): info for info in infos}
        self._arrays: "dict[str, ArrayT]" = {}
        self._regions: "list[Region]" = []
        self._written: "list[tuple[zipfile.ZipInfo, int, int]]" = []  # members mapped writable (r+)
        self._lock = _thread.allocate_lock()  # opening a member, flush and close: one at a time
        self.closed = False

    def __repr__(self) -> "str":
        return f"<npymmap.NpzFile {self.path!r} mode={self.mode!r} members={list(self._members)!r}>"

    def __len__(self) -> "int":
        return len(self._members)

    def __iter__(self) -> "Iterator[str]":
        return iter(self._members)

    def __contains__(self, name: "object") -> "bool":
        return name in self._files or name in self._members

    def _info(self, name: "str") -> "zipfile.ZipInfo":
        """The member of that full name in the archive, else of that name without ``.npy``;
        ``KeyError`` for neither."""
        info = self._files.get(name)
        return self._members[name] if info is None else info

    def __getitem__(self, name: "str") -> "ArrayT":
        """The member's array, mapped in place. ``KeyError`` for no such member; :class:`NpyError`
        for a compressed member or one whose bytes are not a valid ``.npy``; :class:`ClosedError`
        once the archive is closed, whatever the name."""
        self._check_open()
        info = self._info(name)
        array = self._arrays.get(info.filename)
        if array is None:
            with self._lock:
                self._check_open()
                array = self._arrays.get(info.filename)
                if array is None:
                    array = self._arrays[info.filename] = self._open_member(info)
        return array

    def _check_open(self) -> "None":
        if self.closed:
            raise ClosedError(f"{self.path}: archive is closed")

    def _open_member(self, info: "zipfile.ZipInfo") -> "ArrayT":
        where = f"{self.path}::{info.filename}"
        if info.compress_type != zipfile.ZIP_STORED:
            raise NpyError(
                f"member is compressed (method {info.compress_type}) and cannot be mapped; "
                "NpzFile.read(name) loads it into memory",
                where,
            )
        if self._map is None:
            raise NpyFormatError("member data lies outside the archive", where)
        size = len(self._map)
        start = info.header_offset
        local = self._map[start : start + FILE_HEADER.size]
        if len(local) < FILE_HEADER.size or local[:4] != FILE_HEADER_SIGNATURE:
            raise NpyFormatError(f"no local file header at byte {start}", where)
        fields = FILE_HEADER.unpack(local)
        begin = start + FILE_HEADER.size + fields[FILE_HEADER_NAME_LENGTH] + fields[FILE_HEADER_NAME_LENGTH + 1]
        end = begin + info.file_size
        if end > size:
            raise NpyFormatError(f"member data ends at byte {end}, past the archive's {size}", where)
        if end > self._archive.start_dir:
            raise NpyFormatError(f"member data runs into the central directory at byte {self._archive.start_dir}", where)
        with memoryview(self._map) as whole:
            array = array_in(whole[begin:end], where, "member", None, self.mode, self._max_header_size)
        self._regions.append(array._region)
        if self.mode == "r+":
            self._written.append((info, begin, end))
        return array  # type: ignore[return-value]

    def read(self, name: "str") -> "NpyArray[Any]":
        """The member loaded into memory (decompressed if need be): a read-only array over a copy.

        For compressed members, which cannot be mapped. ``KeyError`` for no such member. One
        read at a time: ``zipfile`` counts the readers of its file without a lock, and two threads
        reading at once can make it close the file under a third.
        """
        import errno

        self._check_open()
        info = self._info(name)
        where = f"{self.path}::{info.filename}"
        with self._lock:
            self._check_open()
            try:
                raw = self._archive.read(info)
            except Exception as error:
                if isinstance(error, OSError) and error.errno not in (None, errno.EINVAL):
                    raise  # the disk's fault; bz2 says "invalid data stream" as an OSError of no errno
                # zipfile and its decompressors (zlib.error, ...) on damaged data
                raise NpyFormatError(f"cannot read member: {error}", where) from None
        return array_in(memoryview(raw), where, "member", None, "r", self._max_header_size)

    def flush(self) -> "None":
        """Write changed pages of the archive to disk (mode ``'r+'``); else nothing."""
        with self._lock:
            self._check_open()
            if self.mode == "r+" and self._map is not None:
                self._update_checksums()
                self._map.flush()

    def _update_checksums(self) -> "None":
        """Store the CRC-32 of every member mapped writable in its local header, its data
        descriptor if it has one, and the central directory, so zip readers (``numpy.load``)
        accept the changed bytes."""
        import zlib

        mapping = self._map
        assert mapping is not None
        records = _central_records(mapping, self._archive)
        for info, begin, end in self._written:
            crc = zlib.crc32(memoryview(mapping)[begin:end]).to_bytes(4, "little")
            at = info.header_offset + FILE_HEADER_CRC
            mapping[at : at + 4] = crc
            if info.flag_bits & 0x08:  # a data descriptor after the data, signature optional
                at = end + 4 if mapping[end : end + 4] == DATA_DESCRIPTOR_SIGNATURE else end
                mapping[at : at + 4] = crc
            at = records[id(info)] + CENTRAL_DIR_CRC
            mapping[at : at + 4] = crc

    def close(self) -> "None":
        """Flush, close every member array, unmap the archive. Idempotent, from any thread."""
        try:
            self.flush()
        except ClosedError:
            pass  # closed already, here or in another thread
        finally:
            with self._lock:
                self._close_members()

    def _close_members(self) -> "None":
        """Close every member array and unmap the archive, once (the caller holds the lock)."""
        if not self.closed:
            self.closed = True
            exported = any(region.exported for region in self._regions)
            for region in self._regions:
                region.close()
            self._regions = []
            self._arrays = {}
            if self._map is not None:
                unmap(self._map, exported)
                self._map = None
            self._archive.close()
            if self._listing is not None:
                self._listing.close()

    def __enter__(self) -> "Self":
        return self

    def __exit__(self, *exc_info: "object") -> "None":
        self.close()


def _central_records(mapping: "mmap.mmap", archive: "zipfile.ZipFile") -> "dict[int, int]":
    """The offset of each member's central directory record, by ``id`` of its ZipInfo."""
    offsets = {}
    position = archive.start_dir
    for info in archive.infolist():
        if mapping[position : position + 4] != CENTRAL_DIR_SIGNATURE or position + CENTRAL_DIR.size > len(mapping):
            raise NpyFormatError(f"central directory record of {info.filename} not where expected", archive.filename)
        offsets[id(info)] = position
        position += CENTRAL_DIR.size + sum(CENTRAL_DIR_LENGTHS.unpack_from(mapping, position + CENTRAL_DIR_LENGTHS_AT))
    return offsets


class _MapFile:
    """An archive's bytes (its map, or ``b""`` for an empty file) as the read-only file
    :mod:`zipfile` reads: a position, and a slice of the bytes per read. Seeking before the start
    is an ``OSError`` and reading past the end gives what is there, as with a file."""

    def __init__(self, data: "mmap.mmap | bytes", name: "str") -> "None":
        self._data = data
        self._position = 0
        self.name = name  # what zipfile names the archive by (ZipFile.filename)

    def seekable(self) -> "bool":
        return True

    def tell(self) -> "int":
        return self._position

    def seek(self, offset: "int", whence: "int" = 0) -> "int":
        position = offset + (0, self._position, len(self._data))[whence]
        if position < 0:
            raise OSError(errno.EINVAL, "Invalid argument")
        self._position = position
        return position

    def read(self, count: "int | None" = -1) -> "bytes":
        start = self._position
        chunk = self._data[start:] if count is None or count < 0 else self._data[start : start + count]
        self._position += len(chunk)
        return chunk


def open_npz(path: "str", mode: "str", max_header_size: "int") -> "NpzFile[Any]":
    """See :func:`npymmap.open_npz`."""
    import mmap

    access = {"r": mmap.ACCESS_READ, "r+": mmap.ACCESS_WRITE, "c": mmap.ACCESS_COPY}.get(mode)
    if access is None:
        raise ValueError(f"mode must be 'r', 'r+' or 'c', got {mode!r}")
    mapping, listing = _map_archive(path, access)
    read_from = listing if listing is not None else mapping if mapping is not None else b""
    try:
        archive = zipfile.ZipFile(_MapFile(read_from, path))
    except BaseException as error:
        for each in (mapping, listing):
            if each is not None:
                each.close()
        if isinstance(error, Exception):  # zipfile raises many types on a damaged archive
            raise NpyFormatError(f"not a readable zip archive: {error}", path) from None
        raise
    return NpzFile(path, archive, mapping, mode, max_header_size, listing)


def _map_archive(path: "str", access: "int") -> "tuple[mmap.mmap | None, mmap.mmap | None]":
    """The file at ``path`` mapped with ``access`` (``None`` for an empty file) and, beside a
    copy-on-write map, a read-only one for :mod:`zipfile`, so that it reads the file's bytes and
    not this process's writes (else ``None``). ``OSError`` naming the file when it cannot be
    opened or mapped, or is a directory."""
    import mmap

    fd = os.open(path, (os.O_RDWR if access == mmap.ACCESS_WRITE else os.O_RDONLY) | extra_flags())
    mapping = None
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not found.st_size:
            return None, None
        mapping = map_file(fd, 0, access=access)
        return mapping, map_file(fd, 0, access=mmap.ACCESS_READ) if access == mmap.ACCESS_COPY else None
    except BaseException as error:
        if mapping is not None:
            mapping.close()
        if isinstance(error, OSError) and error.filename is None:
            error.filename = path  # mmap's errors name no file
        raise
    finally:
        os.close(fd)
