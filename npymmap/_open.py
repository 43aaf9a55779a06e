"""Opening and creating ``.npy`` files: modes, validation before mapping, atomic creation."""

import builtins

from ._array import NpyArray, Region, WritableNpyArray
from ._elements import Element, lookup
from ._base import MAX_DATA_BYTES, MAX_DIMENSIONS, DtypeMismatchError, Header, NpyError, NpyFormatError
from ._base import TYPE_CHECKING, overload

if TYPE_CHECKING:
    from typing import Any, Literal, TypeVar, Union

    T = TypeVar("T")
    from typing_extensions import Buffer

    from ._grow import Appender
    from ._npz import NpzFile
    from ._npz_writer import NpzWriter

    from ._base import Descr

    StrPath = Union[str, "os.PathLike[str]"]
    WritableMode = Literal["r+", "c"]

if TYPE_CHECKING:
    import mmap
    import os

# os, mmap and the header parser are imported on first use, so that ``import npymmap`` stays cheap.
if TYPE_CHECKING:
    from ._header import format_header, read_fields, read_header_from
else:

    def _load_header():
        """Import the header module and put its functions in place of these stand-ins."""
        global format_header, read_fields, read_header_from
        from ._header import format_header, read_fields, read_header_from

    def read_header_from(*arguments, **options):
        _load_header()
        return read_header_from(*arguments, **options)

    def format_header(*arguments, **options):
        _load_header()
        return format_header(*arguments, **options)

    def read_fields(*arguments, **options):
        _load_header()
        return read_fields(*arguments, **options)


_MODES: "dict[str, tuple[int, int, type[NpyArray[Any]]]]" = {}


def _mode(mode: "str") -> "tuple[int, int, type[NpyArray[Any]]]":
    """``(os.open flags, mmap access, array class)`` for an ``open`` mode; ``ValueError`` if unknown.

    The first call imports :mod:`os` and :mod:`mmap` into this module's globals, where
    :func:`open` finds them without an import statement of its own.
    """
    if not _MODES:
        global mmap, os
        import mmap
        import os

        _MODES["r"] = (os.O_RDONLY | _extra_flags(), mmap.ACCESS_READ, NpyArray)
        _MODES["r+"] = (os.O_RDWR | _extra_flags(), mmap.ACCESS_WRITE, WritableNpyArray)
        _MODES["c"] = (os.O_RDONLY | _extra_flags(), mmap.ACCESS_COPY, WritableNpyArray)
    if mode not in _MODES:
        raise ValueError(f"mode must be 'r', 'r+' or 'c', got {mode!r}")
    return _MODES[mode]


def _extra_flags() -> "int":
    """``os.open`` flags for binary mode, not inherited by child processes."""
    import os

    return getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _check_element(element: "object") -> "None":
    if not isinstance(element, Element):
        raise TypeError(f"element must be an npymmap element such as npymmap.float64, not {element!r:.60}")


def _name(path: "StrPath") -> "str":
    import os

    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError(f"path must be a str or os.PathLike[str], not {type(name).__name__}")
    return name


def read_header(path: "StrPath", *, max_header_size: "int" = 10000) -> "Header":
    """Read and validate the header of the ``.npy`` file at ``path``, reading only the header.

    Raises :class:`NpyFormatError` (a ``ValueError``) naming the file for any malformed header,
    and ``OSError`` when the file cannot be read.
    """
    name = _name(path)
    with builtins.open(name, "rb") as file:
        return read_header_from(file.read, name, max_header_size)


def _nbytes(shape: "tuple[int, ...]", element: "Element[Any]", name: "str | None") -> "int":
    nbytes = element.itemsize
    for n in shape:
        nbytes *= n
    if nbytes > MAX_DATA_BYTES:
        raise NpyFormatError(f"shape {shape} holds {nbytes} bytes, more than any file can", name)
    return nbytes


@overload
def open(
    path: "StrPath", element: "Element[T]", *, mode: 'Literal["r"]' = ..., max_header_size: "int" = ...
) -> "NpyArray[T]": ...


@overload
def open(path: "StrPath", element: "Element[T]", *, mode: "WritableMode", max_header_size: "int" = ...) -> "WritableNpyArray[T]": ...


@overload
def open(path: "StrPath", element: "None" = ..., *, mode: 'Literal["r"]' = ..., max_header_size: "int" = ...) -> "NpyArray[Any]": ...


@overload
def open(path: "StrPath", element: "None" = ..., *, mode: "WritableMode", max_header_size: "int" = ...) -> "WritableNpyArray[Any]": ...


def open(
    path: "StrPath", element: "Element[Any] | None" = None, *, mode: "str" = "r", max_header_size: "int" = 10000
) -> "NpyArray[Any]":
    """Map the ``.npy`` file at ``path`` as an array, without reading its data.

    Static types: ``mode="r"`` (the default) gives an :class:`NpyArray`, which has no item
    assignment; ``"r+"`` and ``"c"`` give a :class:`WritableNpyArray`. The mode must be one of these
    literals for mypy (any other string is a type error). ``element`` fixes the item type ``T``
    (``float`` for ``float64``).

    ``mode``: ``'r'`` read-only; ``'r+'`` writes go to the file; ``'c'`` copy-on-write (writes stay
    in this process's memory, the file is never touched). With ``element``, the file's dtype must
    be that element in either byte order, else :class:`DtypeMismatchError`; the array uses the
    file's byte order. The header is validated and the file's size checked against it before
    anything is mapped. O(header) time; the data is paged in as it is used.

    Raises :class:`NpyFormatError` for a malformed file, :class:`UnsupportedDtypeError` for a
    dtype npymmap cannot map, ``OSError`` when the file cannot be opened or mapped.
    """
    flags, access, cls = _MODES.get(mode) or _mode(mode)
    if element is not None:
        _check_element(element)
    name = path if isinstance(path, str) else _name(path)
    fd = os.open(name, flags)
    try:
        descr, shape, fortran_order, data_offset = _stable_header(fd, name, max_header_size)
        file_element = _element_of(descr, element, name)
        nbytes = _nbytes(shape, file_element, name)
        end = data_offset + nbytes
        mapping = None
        if nbytes:
            # Mapped from 0 (mmap offsets must be page-aligned); the region starts at the data.
            # mmap refuses a file shorter than the map, so a whole file costs no fstat.
            try:
                mapping = mmap.mmap(fd, end, access=access)
            except (ValueError, OverflowError):
                raise _truncated(fd, shape, end, name) from None
        elif os.fstat(fd).st_size < end:
            raise _truncated(fd, shape, end, name)
    except BaseException as error:
        os.close(fd)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = name  # read() of a directory, say, names no file
        raise
    region = _region(mapping, data_offset, nbytes, file_element, name, fd if mode == "r+" else None, mode != "r")
    if mode != "r+":
        os.close(fd)
    return cls._root(region, shape, fortran_order, mode)


def _stable_header(fd: "int", name: "str", max_header_size: "int") -> "tuple[Descr, tuple[int, ...], bool, int]":
    """``(descr, shape, fortran_order, data_offset)`` of the file open at ``fd`` (at its start),
    read until a second read of the header gives the same bytes: where an appender rewrites the
    header (``append_to``) while this reads it, the read may mix old and new bytes, and the
    second read tells. One ``pread`` more than a single read (where the platform has ``pread``);
    the first read is that of :func:`read_fields`."""
    for _ in range(100):
        chunks: "list[bytes]" = []

        def read(count: "int") -> "bytes":
            chunk = os.read(fd, count)
            chunks.append(chunk)
            return chunk

        descr, shape, fortran_order, _, data_offset = read_fields(read, name, max_header_size)
        header = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        pread = getattr(os, "pread", None)  # not on Windows
        if pread is None or pread(fd, data_offset, 0) == header[:data_offset]:
            return descr, shape, fortran_order, data_offset
        os.lseek(fd, 0, os.SEEK_SET)
    raise NpyFormatError("the header changed at each of 100 reads", name)


def _truncated(fd: "int", shape: "tuple[int, ...]", end: "int", name: "str") -> "NpyFormatError":
    return NpyFormatError(
        f"file is truncated: the header's shape {shape} needs {end} bytes, the file has {os.fstat(fd).st_size}", name
    )


def _element_of(descr: "Descr", element: "Element[Any] | None", name: "str") -> "Element[Any]":
    """The element of a header's descr, checked against the one the caller asked for."""
    try:
        found = lookup(descr)
    except NpyError as error:
        raise type(error)(error.reason, name) from None
    if element is None:
        return found
    if not element.accepts(found):
        raise DtypeMismatchError(f"file holds {found.descr} ({found.name}), not {element.descr}", name)
    return element if element.name == "record" else found  # record(MyStruct): items are the user's class


@overload
def open_buffer(
    buffer: "Buffer", element: "Element[T]", *, mode: 'Literal["r"]' = ..., max_header_size: "int" = ...
) -> "NpyArray[T]": ...


@overload
def open_buffer(buffer: "Buffer", element: "Element[T]", *, mode: 'Literal["r+"]', max_header_size: "int" = ...) -> "WritableNpyArray[T]": ...


@overload
def open_buffer(buffer: "Buffer", element: "None" = ..., *, mode: 'Literal["r"]' = ..., max_header_size: "int" = ...) -> "NpyArray[Any]": ...


@overload
def open_buffer(buffer: "Buffer", element: "None" = ..., *, mode: 'Literal["r+"]', max_header_size: "int" = ...) -> "WritableNpyArray[Any]": ...


def open_buffer(
    buffer: "Buffer", element: "Element[Any] | None" = None, *, mode: "str" = "r", max_header_size: "int" = 10000
) -> "NpyArray[Any]":
    """An array over the ``.npy`` image held in any buffer — ``bytes``, ``bytearray``, an ``mmap``
    you made, ``multiprocessing.shared_memory.SharedMemory.buf`` — without copying it.

    ``mode="r"`` reads; ``"r+"`` writes into the buffer, which must be writable (else
    ``TypeError``). Validation and errors are :func:`open`'s, with ``<buffer>`` for the path.
    ``close()`` releases npymmap's views of the buffer; the buffer itself is yours. O(header).
    """
    if mode not in ("r", "r+"):
        raise ValueError(f"mode must be 'r' or 'r+' for a buffer, got {mode!r}")
    if element is not None:
        _check_element(element)
    name = "<buffer>"
    view = memoryview(buffer)
    if not view.c_contiguous:
        raise ValueError("the buffer must be C-contiguous")
    view = view.cast("B") if view.format != "B" or view.ndim != 1 else view
    if mode == "r+" and view.readonly:
        raise TypeError("mode 'r+' needs a writable buffer (bytearray, mmap, shared memory, ...)")
    return _array_in(view, "<buffer>", "buffer", element, mode, max_header_size)


def _array_in(
    view: "memoryview", name: "str", noun: "str", element: "Element[Any] | None", mode: "str", max_header_size: "int"
) -> "NpyArray[Any]":
    """The array whose ``.npy`` image is ``view`` (1-d bytes): the header parsed from it, the data
    a zero-copy slice of it, writable when ``mode`` is not ``'r'``. ``name`` is the path errors
    give, ``noun`` what the image is (``'buffer'``, ``'member'``)."""
    position = 0

    def read(count: "int") -> "bytes":
        nonlocal position
        chunk = view[position : position + count].tobytes()
        position += len(chunk)
        return chunk

    descr, shape, fortran_order, _, data_offset = read_fields(read, name, max_header_size)
    found = _element_of(descr, element, name)
    nbytes = _nbytes(shape, found, name)
    if len(view) < data_offset + nbytes:
        raise NpyFormatError(
            f"{noun} is truncated: the header's shape {shape} needs {data_offset + nbytes} bytes, the {noun} has {len(view)}",
            name,
        )
    data = view[data_offset : data_offset + nbytes]
    region = Region(data.toreadonly() if mode == "r" else data, found, name)
    cls = NpyArray if mode == "r" else WritableNpyArray
    return cls._root(region, shape, fortran_order, mode)


@overload
def open_npz(path: "StrPath", *, mode: 'Literal["r"]' = ..., max_header_size: "int" = ...) -> "NpzFile[NpyArray[Any]]": ...


@overload
def open_npz(path: "StrPath", *, mode: "WritableMode", max_header_size: "int" = ...) -> "NpzFile[WritableNpyArray[Any]]": ...


def open_npz(path: "StrPath", *, mode: "str" = "r", max_header_size: "int" = 10000) -> "NpzFile[Any]":
    """Map the stored (uncompressed) members of a ``.npz`` archive — what ``numpy.savez``
    writes, ZIP64 included — in place: a read-only mapping of member name to arrays, named as
    ``numpy.load`` names them (``.npy`` dropped; the full name works too), usable as a context
    manager. Modes as :func:`open` (``'r'``, ``'r+'``, ``'c'``); ``max_header_size`` as
    :func:`open`, for every member.

    Opening a member costs O(1) time and memory whatever its size. A compressed member raises
    :class:`NpyError` saying so; ``archive.read(name)`` loads it into memory instead. A file that
    is not a zip archive, or whose member data lies outside it, raises :class:`NpyFormatError`.
    Imports :mod:`zipfile` on first use.
    """
    from ._npz import open_npz as open_archive

    return open_archive(_name(path), mode, max_header_size)


def create_npz(path: "StrPath", *, overwrite: "bool" = False) -> "NpzWriter":
    """Write a ``.npz`` archive a member at a time: ``add(name, element, shape)`` gives a new
    zero-filled member mapped writable (as :func:`create` does for a file), with its data aligned
    to 64 bytes in the archive; ``close()`` (or leaving a ``with`` block) writes the central
    directory and links the archive into place, readable by ``numpy.load`` and mappable by
    :func:`open_npz`. An exception in the ``with`` block, or ``abandon()``, leaves no archive.
    An existing file is ``FileExistsError`` at close unless ``overwrite=True``.
    """
    from ._npz_writer import NpzWriter

    return NpzWriter(_name(path), overwrite)


def append_to(path: "StrPath") -> "Appender":
    """Open a ``.npy`` file to grow it in place along its growth axis (axis 0 in C order, the
    last axis in Fortran order); use as a context manager, or call ``close()``.

    ``append(rows)`` writes rows after the data at file speed; ``flush()`` fsyncs them, then
    rewrites the shape in the header's spare space — the data never moves, and a crash before the
    header is rewritten leaves a file that reads as the old array. Works for every element and
    for files NumPy wrote. Raises :class:`NpyFormatError` for a 0-d file, one with bytes after
    its data, or a header with no room for the new shape.
    """
    from ._grow import Appender

    return Appender(_name(path))


def _region(
    mapping: "mmap.mmap | None",
    offset: "int",
    nbytes: "int",
    element: "Element[Any]",
    name: "str",
    sync_fd: "int | None",
    writable: "bool",
) -> "Region":
    """The region of ``nbytes`` bytes at ``offset`` in ``mapping``; an empty array has no map
    (its data is an empty buffer, writable when ``writable``, so that storing nothing works).

    ``sync_fd``, when given, is the descriptor ``flush`` will ``fsync`` and ``close`` will close.
    """
    if mapping is None:
        return Region(memoryview(bytearray() if writable else b""), element, name, None, sync_fd)
    return Region(memoryview(mapping)[offset : offset + nbytes], element, name, mapping, sync_fd)


def create(
    path: "StrPath",
    element: "Element[T]",
    shape: "int | tuple[int, ...]",
    *,
    fortran_order: "bool" = False,
    version: "tuple[int, int] | None" = None,
    overwrite: "bool" = False,
    sparse: "bool" = False,
) -> "WritableNpyArray[T]":
    """Create a zero-filled ``.npy`` file and map it writable (NumPy's ``open_memmap(..., 'w+')``).

    The header is byte-identical to NumPy's; ``version=None`` writes the oldest version that fits.
    The data's disk space is reserved without writing it (``posix_fallocate``), so a full disk is
    ``OSError`` (ENOSPC) here rather than a crash at a later store; ``sparse=True`` skips the
    reservation (a file larger than the disk, mostly never written; then a full disk ends the
    process with SIGBUS at a store, as with NumPy). The file appears whole or not at all: it is
    built under a temporary name in the same folder and then linked into place. An existing file
    raises ``FileExistsError`` unless ``overwrite=True``, which replaces it atomically. Raises
    ``ValueError`` for a bad shape or version, ``OSError`` for OS failures (the temporary file is
    removed). O(header) time where the file system reserves without writing.
    """
    shape = _shape_of(shape)
    if type(fortran_order) is not bool:
        raise ValueError(f"fortran_order must be a bool, got {fortran_order!r}")
    _check_element(element)
    import mmap
    import os

    name = _name(path)
    header, version = format_header(element.descr, fortran_order, shape, version)
    nbytes = _nbytes(shape, element, name)
    temporary, fd = _temporary_beside(name)
    region = None
    try:
        _write_at(fd, header, 0)
        _reserve(fd, len(header), len(header) + nbytes, sparse, name)
        mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE) if nbytes else None
        region = _region(mapping, len(header), nbytes, element, name, fd, True)
        _publish(temporary, name, overwrite)
    except BaseException:
        if region is None:
            os.close(fd)
        else:
            region.discard()
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return WritableNpyArray._root(region, shape, fortran_order, "w+")


def _shape_of(shape: "int | tuple[int, ...]") -> "tuple[int, ...]":
    """``shape`` as a tuple of non-negative ints (an int is a 1-d shape); ``ValueError`` for
    anything else or more than 64 dimensions."""
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise ValueError(f"shape must be a tuple of non-negative ints, got {shape!r}")
    if len(shape) > MAX_DIMENSIONS:
        raise ValueError(f"shape has {len(shape)} dimensions, more than {MAX_DIMENSIONS}")
    return shape


def _temporary_beside(name: "str") -> "tuple[str, int]":
    """A new file, opened for writing, under a temporary name in ``name``'s folder (so it can be
    linked or renamed into place atomically); its path and descriptor."""
    import os

    folder, base = os.path.split(os.path.abspath(name))
    temporary = os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        return temporary, os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | _extra_flags(), 0o666)
    except OSError as error:
        error.filename = name  # the folder's fault, named by the file asked for
        raise


def _reserve(fd: "int", start: "int", end: "int", sparse: "bool", name: "str") -> "None":
    """Make the file ``end`` bytes long, with the blocks from ``start`` on reserved on disk unless
    ``sparse``: a full disk is then an ``OSError`` (ENOSPC) here, not a SIGBUS at the first store
    into a map of the file.

    ``os.posix_fallocate`` reserves without writing, in O(1), on file systems that allocate so
    (ext4, XFS, btrfs, tmpfs); glibc emulates it elsewhere by writing a byte per block. Where the
    platform has no ``posix_fallocate`` (macOS, Windows) or the file system refuses it, the file
    is extended sparsely, as NumPy's ``open_memmap`` does, with a ``RuntimeWarning`` saying so.
    """
    import os

    if not sparse and end > start:
        allocate = getattr(os, "posix_fallocate", None)
        try:
            if allocate is not None:
                failed = allocate(fd, start, end - start)  # PyPy 3.9 returns the errno instead of raising
                if failed:
                    raise OSError(failed, os.strerror(failed))
                return
            reason = "this platform has no posix_fallocate"
        except OSError as error:
            import errno

            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                error.filename = name
                raise
            reason = f"the file system cannot allocate ({os.strerror(error.errno)})"
        import warnings

        warnings.warn(
            f"{name}: {reason}; the file is sparse, and a full disk will end the process (SIGBUS) at a store",
            RuntimeWarning,
            stacklevel=3,
        )
    os.ftruncate(fd, end)


def _write_at(fd: "int", data: "bytes", offset: "int") -> "None":
    """Write all of ``data`` at byte ``offset`` of the file (lseek and write: portable)."""
    import os

    written = 0
    while written < len(data):
        os.lseek(fd, offset + written, os.SEEK_SET)
        written += os.write(fd, data[written:])


def _publish(temporary: "str", name: "str", overwrite: "bool") -> "None":
    """Give the finished temporary file its name: replace, or link so an existing file wins."""
    import os

    if overwrite:
        os.replace(temporary, name)
        return
    try:
        os.link(temporary, name)
    except FileExistsError:
        raise FileExistsError(17, "file exists; pass overwrite=True to replace it", name) from None
    except OSError:
        # A file system without hard links: check, then rename (not atomic against a racing writer).
        if os.path.lexists(name):
            raise FileExistsError(17, "file exists; pass overwrite=True to replace it", name) from None
        os.rename(temporary, name)
        return
    os.unlink(temporary)
