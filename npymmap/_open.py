"""The public functions that open and create files: modes, validation before mapping, atomic
creation. Loaded on the first use of one of their names (PEP 562, in ``__init__``)."""

import builtins
import mmap
import os

from ._array import NpyArray, WritableNpyArray
from ._base import TYPE_CHECKING, Header, NpyFormatError, data_bytes, overload, shape_tuple
from ._element import check_element
from ._registry import element_of
from ._files import MAPS_KEEP_DESCRIPTORS, extra_flags, map_file, publish, reserve, temporary_beside, write_at
from ._header import format_header, read_fields, read_header_from
from ._region import Region

if TYPE_CHECKING:
    from typing import Any, Literal, TypeVar, Union

    T = TypeVar("T")
    from typing_extensions import Buffer

    from ._grow import Appender
    from ._npz import NpzFile
    from ._npz_writer import NpzWriter

    from ._base import Descr
    from ._element import Element

    StrPath = Union[str, "os.PathLike[str]"]
    WritableMode = Literal["r+", "c"]

# ``open`` mode: (os.open flags, mmap access, array class)
_MODES: "dict[str, tuple[int, int, type[NpyArray[Any]]]]" = {
    "r": (os.O_RDONLY | extra_flags(), mmap.ACCESS_READ, NpyArray),
    "r+": (os.O_RDWR | extra_flags(), mmap.ACCESS_WRITE, WritableNpyArray),
    "c": (os.O_RDONLY | extra_flags(), mmap.ACCESS_COPY, WritableNpyArray),
}


def _name(path: "StrPath") -> "str":
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
    chosen = _MODES.get(mode)
    if chosen is None:
        raise ValueError(f"mode must be 'r', 'r+' or 'c', got {mode!r}")
    flags, access, cls = chosen
    if element is not None:
        check_element(element)
    name = path if isinstance(path, str) else _name(path)
    fd = os.open(name, flags)
    try:
        descr, shape, fortran_order, data_offset = _stable_header(fd, name, max_header_size)
        file_element = element_of(descr, element, name)
        nbytes = data_bytes(shape, file_element.itemsize, name)
        end = data_offset + nbytes
        mapping = opened = None
        if nbytes:
            # Mapped from 0 (mmap offsets must be page-aligned); the region starts at the data.
            # mmap refuses a file shorter than the map, so a whole file costs no fstat.
            try:
                mapping = map_file(fd, end, access=access)
            except (ValueError, OverflowError):
                raise _truncated(fd, shape, end, name) from None
            if not MAPS_KEEP_DESCRIPTORS and mode != "r+":
                opened = os.fstat(fd)  # check_file finds the file by its path, no descriptor left
        elif os.fstat(fd).st_size < end:
            raise _truncated(fd, shape, end, name)
    except BaseException as error:
        os.close(fd)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = name  # read() of a directory, say, names no file
        raise
    region = _region(mapping, data_offset, nbytes, file_element, name, fd if mode == "r+" else None, mode != "r", opened)
    if mode != "r+":
        os.close(fd)
    return cls._root(region, shape, fortran_order, mode)


def _stable_header(fd: "int", name: "str", max_header_size: "int") -> "tuple[Descr, tuple[int, ...], bool, int]":
    """``(descr, shape, fortran_order, data_offset)`` of the file open at ``fd`` (at its start),
    read until a second read of the header gives the same bytes: where an appender rewrites the
    header (``append_to``) while this reads it, the read may mix old and new bytes, and the
    second read tells. One ``pread`` more than a single read (where the platform has ``pread``);
    the first read is that of :func:`read_fields`."""
    pread = getattr(os, "pread", None)  # not on Windows
    for _ in range(100):
        chunks: "list[bytes]" = []

        def read(count: "int") -> "bytes":
            chunk = os.read(fd, count)
            chunks.append(chunk)
            return chunk

        descr, shape, fortran_order, _, data_offset = read_fields(read, name, max_header_size)
        header = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if pread is None or pread(fd, data_offset, 0) == header[:data_offset]:
            return descr, shape, fortran_order, data_offset
        os.lseek(fd, 0, os.SEEK_SET)
    raise NpyFormatError("the header changed at each of 100 reads", name)


def _truncated(fd: "int", shape: "tuple[int, ...]", end: "int", name: "str") -> "NpyFormatError":
    return NpyFormatError(
        f"file is truncated: the header's shape {shape} needs {end} bytes, the file has {os.fstat(fd).st_size}", name
    )


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
        check_element(element)
    name = "<buffer>"
    view = memoryview(buffer)
    if not view.c_contiguous:
        raise ValueError("the buffer must be C-contiguous")
    view = view.cast("B") if view.format != "B" or view.ndim != 1 else view
    if mode == "r+" and view.readonly:
        raise TypeError("mode 'r+' needs a writable buffer (bytearray, mmap, shared memory, ...)")
    from ._images import array_in  # (loaded on the first open of a buffer)

    return array_in(view, "<buffer>", "buffer", element, mode, max_header_size)


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


def create_npz(path: "StrPath", *, mode: 'Literal["w", "a"]' = "w", overwrite: "bool" = False) -> "NpzWriter":
    """Write a ``.npz`` archive a member at a time: ``add(name, element, shape)`` gives a new
    zero-filled member mapped writable (as :func:`create` does for a file), with its data aligned
    to 64 bytes in the archive; ``add(name, values)`` one holding ``values`` (an array, a buffer,
    nested lists), their element as ``numpy.asarray`` would choose it unless ``element=`` is
    given. ``close()`` (or leaving a ``with`` block) writes the central directory; the archive
    is readable by ``numpy.load`` and mappable by :func:`open_npz`.

    ``mode="w"``: a new archive, linked into place at ``close()``; an exception in the ``with``
    block, or ``abandon()``, leaves no archive, and an existing file is ``FileExistsError`` at
    close unless ``overwrite=True``. ``mode="a"``: members are added to the existing archive
    (NumPy's or npymmap's; compressed members stay as they are), which stays an archive of its
    old members until ``close()`` commits the new ones; an exception, ``abandon()`` or a failed
    close leaves it byte for byte as it was, and a crash leaves the old members readable (the
    unfinished members' bytes stay in the file, unnamed). A missing file is made as in mode
    ``"w"``. ``BlockingIOError`` while another writer is adding to the archive;
    :class:`NpyFormatError` for a file that is not a zip archive npymmap can add to. ``ValueError``
    for another mode, or ``overwrite=True`` with ``"a"``.
    """
    if mode not in ("w", "a"):
        raise ValueError(f"mode must be 'w' or 'a', got {mode!r}")
    if overwrite and mode == "a":
        raise ValueError("overwrite=True replaces the archive: it cannot be given with mode 'a'")
    from ._npz_writer import NpzWriter

    return NpzWriter(_name(path), overwrite, mode)


def append_to(
    path: "StrPath",
    element: "Element[Any] | None" = None,
    row_shape: "int | tuple[int, ...] | None" = None,
    *,
    make_room: "bool" = False,
) -> "Appender":
    """Open a ``.npy`` file to grow it in place along its growth axis (axis 0 in C order, the
    last axis in Fortran order); use as a context manager, or call ``close()``.

    ``append(rows)`` writes rows after the data at file speed; ``flush()`` fsyncs them, then
    rewrites the shape in the header's spare space — the data never moves, and a crash before the
    header is rewritten leaves a file that reads as the old array. Works for every element and
    for files NumPy wrote.

    With ``element`` (and ``row_shape``, default ``()``: a 1-d file), a missing file is made, empty,
    as :func:`create` makes files (C order, NumPy's header); an existing one must hold that
    element (else :class:`DtypeMismatchError`) and rows of that shape (else ``ValueError``).
    Without them a missing file is ``FileNotFoundError``.

    An appender locks the file (``flock``, where the platform has it): a second one, in this
    process or another, is ``BlockingIOError`` until the first is closed. Bytes after the
    committed data — rows of an appender that died before its ``flush`` — are cut off on opening
    (``Appender.discarded`` says how many); the committed rows are untouched.

    A header with too little spare space for more rows (files of NumPy before 1.24 and of other
    writers can have some) is found before anything is written: ``append`` raises
    :class:`NpyFormatError` past ``Appender.max_rows``; ``make_room=True`` rewrites such a file
    once, on opening, with NumPy's header (a copy of the data, O(size), under a temporary name
    renamed into place). Raises :class:`NpyFormatError` for a 0-d or truncated file.
    """
    from ._grow import Appender

    name = _name(path)
    if element is not None:
        check_element(element)
    shape = None if row_shape is None else shape_tuple(row_shape)
    try:
        return Appender(name, element, shape, make_room)
    except FileNotFoundError:
        if element is None:
            raise
    try:
        create(name, element, (0,) + (shape or ())).close()
    except FileExistsError:
        pass  # another process made it meanwhile: grow that one
    return Appender(name, element, shape, make_room)


def _region(
    mapping: "mmap.mmap | None",
    offset: "int",
    nbytes: "int",
    element: "Element[Any]",
    name: "str",
    sync_fd: "int | None",
    writable: "bool",
    opened: "os.stat_result | None" = None,
) -> "Region":
    """The region of ``nbytes`` bytes at ``offset`` in ``mapping``; an empty array has no map
    (its data is an empty buffer, writable when ``writable``, so that storing nothing works).

    ``sync_fd``, when given, is the descriptor ``flush`` will ``fsync`` and ``close`` will close;
    ``opened``, the mapped file's ``fstat`` where neither it nor the map keeps a descriptor.
    """
    if mapping is None:
        return Region(memoryview(bytearray() if writable else b""), element, name, None, sync_fd)
    return Region(memoryview(mapping)[offset : offset + nbytes], element, name, mapping, sync_fd, opened)


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
    shape = shape_tuple(shape)
    if type(fortran_order) is not bool:
        raise ValueError(f"fortran_order must be a bool, got {fortran_order!r}")
    check_element(element)

    name = _name(path)
    header, version = format_header(element.descr, fortran_order, shape, version)
    nbytes = data_bytes(shape, element.itemsize, name)
    temporary, fd = temporary_beside(name)
    region = None
    try:
        write_at(fd, header, 0)
        reserve(fd, len(header), len(header) + nbytes, sparse, name)
        mapping = map_file(fd, 0, access=mmap.ACCESS_WRITE) if nbytes else None
        region = _region(mapping, len(header), nbytes, element, name, fd, True)
        publish(temporary, name, overwrite)
    except BaseException:
        if region is None:
            os.close(fd)
        else:
            region.discard()
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return WritableNpyArray._root(region, shape, fortran_order, "w+")


