"""What a FILE argument of the command line names, for every command alike: a ``.npy`` file; every
``.npy`` member of a ``.npz`` archive (told by its first bytes, whatever its name); one member,
``archive.npz::member`` (the name ``info`` prints, ``.npy`` left off or not).

:class:`FileArgument` finds the arrays, each a :class:`Source`, and closes what was opened for
them. A source reads its header, checks what ``open`` would (and, deep, every item's bytes) and
gives its first rows: a ``.npy`` file and a stored member are mapped; a compressed member cannot
be, so its header and first rows are read from the start of its zip stream (never all of it but
for a deep check). Faults are :class:`NpyError` (naming the source) or ``OSError``.
"""

import builtins
import os

from . import Header, NpyError, NpyFormatError, lookup, open, open_buffer, open_npz, read_header
from ._base import TYPE_CHECKING, data_bytes
from ._header import format_header, read_header_from
from ._zip import END_SIGNATURE, FILE_HEADER_SIGNATURE, member_key

if TYPE_CHECKING:
    import zipfile
    from typing import Any, Callable, TypeVar

    from . import NpyArray
    from ._element import Element
    from ._npz import NpzFile

    T = TypeVar("T")

_CHUNK = 1 << 16  # bytes a deep check reads at a time
_COMPRESSION_NAMES = {8: "deflate", 12: "bzip2", 14: "lzma"}


class FileArgument:
    """The arrays one FILE argument names, as :attr:`sources`; :meth:`close` closes every map
    and archive opened for them. Raises ``OSError`` for a file that cannot be read and
    :class:`NpyError` for an archive that is no zip or lacks the member named."""

    def __init__(self, argument: "str") -> "None":
        self.is_archive = False
        self._zip: "zipfile.ZipFile | None" = None
        self._npz: "NpzFile[NpyArray[Any]] | None" = None
        self._arrays: "list[NpyArray[Any]]" = []
        path, member = argument, None
        if "::" in argument and not os.path.exists(argument):
            path, _, member = argument.partition("::")
        self.path = path
        with builtins.open(path, "rb") as file:
            magic = file.read(4)
        if magic not in (FILE_HEADER_SIGNATURE, END_SIGNATURE):  # (an archive of no member starts at its end)
            if member is not None:
                raise NpyError(f"not a .npz archive, so it has no member {member!r}", argument)
            self.sources = [Source(self, argument, None)]
            return
        self.is_archive = member is None
        self._zip = archive = _zip_file(path)
        if member is None:
            infos = [info for info in archive.infolist() if info.filename.endswith(".npy")]
            self.sources = [Source(self, f"{path}::{member_key(info.filename)}", info) for info in infos]
            return
        names = {info.filename: info for info in archive.infolist()}
        found = names.get(member) or names.get(member + ".npy")
        if found is None:
            held = ", ".join(map(member_key, names)) or "nothing"
            archive.close()
            raise NpyError(f"no member {member!r} in the archive, which holds {held}", argument)
        self.sources = [Source(self, argument, found)]

    def zip(self) -> "zipfile.ZipFile":
        """The archive, read by :mod:`zipfile` (its members' streams)."""
        assert self._zip is not None
        return self._zip

    def npz(self) -> "NpzFile[NpyArray[Any]]":
        """The archive mapped (its stored members' arrays), opened on first use."""
        if self._npz is None:
            self._npz = open_npz(self.path)
        return self._npz

    def keep(self, array: "NpyArray[Any]") -> "NpyArray[Any]":
        """``array``, to be closed by :meth:`close`."""
        self._arrays.append(array)
        return array

    def close(self) -> "None":
        for array in self._arrays:
            array.close()
        for archive in (self._npz, self._zip):
            if archive is not None:
                archive.close()


def _zip_file(path: "str") -> "zipfile.ZipFile":
    """The zip archive at ``path``; :class:`NpyFormatError` when it is no readable zip."""
    import zipfile

    try:
        return zipfile.ZipFile(path)
    except OSError as error:
        if error.filename is not None:
            raise
        raise NpyFormatError(f"not a readable .npz archive: {error}", path) from None
    except Exception as error:  # zipfile raises many types on a damaged archive
        raise NpyFormatError(f"not a readable .npz archive: {error}", path) from None


class Source:
    """One array a FILE argument names: a ``.npy`` file (``info`` is ``None``) or a member of a
    ``.npz`` archive. ``name`` is what the command line prints for it (``data.npy``,
    ``archive.npz::x``)."""

    def __init__(self, owner: "FileArgument", name: "str", info: "zipfile.ZipInfo | None") -> "None":
        self.name = name
        self._owner = owner
        self._info = info

    @property
    def path(self) -> "str":
        """The file's path (the archive's, for a member)."""
        return self._owner.path

    @property
    def member(self) -> "str | None":
        """The member's name as ``numpy.load`` gives it (``.npy`` left off); ``None`` for a file."""
        if self._info is None:
            return None
        return member_key(self._info.filename)

    @property
    def compression(self) -> "str":
        """``''`` for a ``.npy`` file or a stored member, else the member's method: ``'deflate'``,
        ``'bzip2'``, ``'lzma'`` (``'method N'`` for another)."""
        method = 0 if self._info is None else self._info.compress_type
        return _COMPRESSION_NAMES.get(method, f"method {method}") if method else ""

    @property
    def size(self) -> "int":
        """The bytes of the ``.npy`` image: the file's, or the member's uncompressed size."""
        return os.path.getsize(self.path) if self._info is None else self._info.file_size

    def header(self) -> "Header":
        """The header, validated; only the header is read."""
        if self._info is None:
            return read_header(self.path)
        return self._streamed(lambda read: read_header_from(read, self.name))

    def open(self) -> "NpyArray[Any]":
        """The array, mapped read-only (closed with the FILE argument). :class:`NpyError` for a
        compressed member, and for all ``open`` refuses."""
        if self._info is None:
            return self._owner.keep(open(self.path))
        return self._owner.npz()[self._info.filename]

    def check(self, deep: "bool") -> "None":
        """Raise the fault that would keep the array from being read: what ``open`` checks
        (header, element, size) or, for a compressed member, the same from its header and its
        uncompressed size. ``deep``: also every item's bytes (bools 0 or 1, text that decodes),
        and a compressed member's checksum (the whole member is read, 64 KiB at a time)."""
        if not self.compression:
            array = self.open()
            if deep:
                _check_values(array)
            return
        header = self.header()
        element = lookup(header.descr)
        end = header.data_offset + data_bytes(header.shape, element.itemsize, self.name)
        if self.size < end:
            raise NpyFormatError(f"member is truncated: the header's shape {header.shape} needs {end} bytes, the member has {self.size}", self.name)
        if deep:
            self._chunks(_CHUNK, lambda chunk: element.check_items(bytes(chunk), self.name))

    def first_rows(self, count: "int") -> "NpyArray[Any]":
        """The first ``count`` rows along axis 0, ``count`` at most the array's length (a 0-d
        array: its one item). A compressed member's are read from the start of its stream (so not
        a Fortran-order member of 2 or more axes, whose rows are spread over all its data)."""
        if not self.compression:
            array = self.open()
            return array[:count] if array.shape else array
        return self._streamed(lambda read: self._owner.keep(_first_rows(read, count, self.name)))

    def each_chunk(self, size: "int", consume: "Callable[[memoryview], None]") -> "None":
        """Check the array as :meth:`check` does (not deep), then give ``consume`` its data in file
        order, ``size`` bytes (whole items, at least one) at a time, the last chunk shorter. A
        ``.npy`` file is read into one buffer of ``size`` bytes, a member through its
        zip stream (whose CRC-32 zipfile checks at its end): never more than a chunk is held, and
        no page of the file stays in the process's memory, as the pages of a map it reads would
        (a file another program cuts short meanwhile is a fault, never a SIGBUS). A chunk is only
        valid during the call."""
        self.check(False)
        self._chunks(size, consume)

    def _chunks(self, size: "int", consume: "Callable[[memoryview], None]") -> "None":
        """:meth:`each_chunk` without the check first."""
        header = self.header()
        itemsize = lookup(header.descr).itemsize
        step = max(1, size // max(1, itemsize)) * itemsize
        total = data_bytes(header.shape, itemsize, self.name)
        if self._info is None:
            with builtins.open(self.path, "rb") as file:
                file.seek(header.data_offset)
                _feed(file.readinto, total, step, consume, self.name)
            return

        def work(read: "Callable[[int], bytes]") -> "None":
            if len(read(header.data_offset)) < header.data_offset:
                raise NpyFormatError("member is truncated: it ends inside its header", self.name)

            def read_into(buffer: "memoryview") -> "int":
                chunk = read(len(buffer))
                buffer[: len(chunk)] = chunk
                return len(chunk)

            _feed(read_into, total, step, consume, self.name)
            while read(_CHUNK):
                pass

        self._streamed(work)

    def _streamed(self, work: "Callable[[Callable[[int], bytes]], T]") -> "T":
        """``work(read)``, ``read(n)`` giving the member's next ``n`` uncompressed bytes; what
        zipfile and its decompressors raise on a damaged member becomes :class:`NpyFormatError`."""
        import errno

        try:
            with self._owner.zip().open(self._info) as stream:  # type: ignore[arg-type]
                return work(stream.read)
        except NpyError:
            raise
        except Exception as error:
            if isinstance(error, OSError) and error.errno not in (None, errno.EINVAL):
                raise  # the disk's fault; bz2 says "invalid data stream" as an OSError of no errno
            # zipfile and its decompressors (zlib.error, EOFError, a bad CRC-32, ...)
            raise NpyFormatError(f"cannot read member: {error}", self.name) from None


def _feed(
    read_into: "Callable[[memoryview], int | None]", total: "int", step: "int", consume: "Callable[[memoryview], None]", name: "str"
) -> "None":
    """Give ``consume`` ``total`` bytes that ``read_into(buffer)`` reads, ``step`` at a time
    (the last chunk shorter), through one buffer of ``step`` bytes."""
    buffer = memoryview(bytearray(min(step, total)))
    done = 0
    while done < total:
        want = min(step, total - done)
        got = 0
        while got < want:
            count = read_into(buffer[got:want])
            if not count:
                raise NpyFormatError(f"data is truncated: it ends after {done + got} of its {total} bytes", name)
            got += count
        with buffer[:want] as chunk:
            consume(chunk)
        done += want


def _first_rows(read: "Callable[[int], bytes]", count: "int", name: "str") -> "NpyArray[Any]":
    """The first ``count`` rows of the ``.npy`` image ``read`` gives, as an array over a copy of
    only their bytes (a new header in front)."""
    image = bytearray()

    def record(size: "int") -> "bytes":
        chunk = read(size)
        image.extend(chunk)
        return chunk

    header = read_header_from(record, name)
    if header.fortran_order and len(header.shape) > 1:
        raise NpyError(
            "a compressed member in Fortran order has its rows spread over all its data, and head reads only "
            "the start of a compressed member; NpzFile.read loads it whole",
            name,
        )
    shape = (count, *header.shape[1:]) if header.shape else ()
    end = header.data_offset + data_bytes(shape, lookup(header.descr).itemsize, name)
    while len(image) < end and record(end - len(image)):
        pass
    if len(image) < end:
        raise NpyFormatError(f"member is truncated: its first {count} rows need {end} bytes, the member has {len(image)}", name)
    prefix, _ = format_header(header.descr, header.fortran_order, shape)
    return open_buffer(prefix + image[header.data_offset : end])


def _check_values(array: "NpyArray[Any]") -> "None":
    """Every item holds a value NumPy writes (bools 0 or 1, text that decodes): the items' bytes
    checked by the element, about 64 KiB at a time along the first axis."""
    if not array.shape:
        array.element.check_items(array.tobytes(), array.path)
        return
    step = max(1, _CHUNK // max(1, array.nbytes // max(1, len(array))))
    for start in range(0, len(array), step):
        array.element.check_items(array[start : start + step].tobytes(), array.path)
