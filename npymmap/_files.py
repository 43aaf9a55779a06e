"""The files npymmap maps, makes and grows: maps that keep no descriptor where Python allows,
descriptors, temporary files beside their target, publishing by link or rename, positioned
writes, and reserving disk space before a map needs it. Loaded with the functions that open
files, never by ``import npymmap``."""

import mmap
import os
import sys

from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Iterator

if sys.version_info >= (3, 13) and sys.platform != "win32":
    MAPS_KEEP_DESCRIPTORS = False

    def map_file(fd: "int", length: "int", access: "int", offset: "int" = 0) -> "mmap.mmap":
        """``mmap.mmap(fd, length, access=access, offset=offset)`` keeping no descriptor of its
        own (``trackfd=False``): the caller may close ``fd`` at once, and the map's ``size()`` and
        ``resize()`` fail. A map otherwise holds a duplicate of ``fd`` until it is closed, and a
        process runs out of descriptors (EMFILE) at its soft ``RLIMIT_NOFILE``."""
        return mmap.mmap(fd, length, access=access, offset=offset, trackfd=False)  # novermin: this branch is 3.13+ only

else:
    MAPS_KEEP_DESCRIPTORS = True
    map_file = mmap.mmap  # the call itself: nothing added to opening where maps keep descriptors


def extra_flags() -> "int":
    """``os.open`` flags for binary mode, not inherited by child processes."""
    return getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def temporary_beside(name: "str") -> "tuple[str, int]":
    """A new file, opened for writing, under a temporary name in ``name``'s folder (so it can be
    linked or renamed into place atomically); its path and descriptor."""
    folder, base = os.path.split(os.path.abspath(name))
    temporary = os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        return temporary, os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL | extra_flags(), 0o666)
    except OSError as error:
        error.filename = name  # the folder's fault, named by the file asked for
        raise


def reserve(fd: "int", start: "int", end: "int", sparse: "bool", name: "str") -> "None":
    """Make the file at least ``end`` bytes long (a longer file keeps its size), with the blocks
    from ``start`` to ``end`` reserved on disk unless ``sparse``: a full disk is then an ``OSError``
    (ENOSPC) here, not a SIGBUS at the first store into a map of the file.

    ``os.posix_fallocate`` reserves without writing, in O(1), on file systems that allocate so
    (ext4, XFS, btrfs, tmpfs); glibc emulates it elsewhere by writing a byte per block. Where the
    platform has no ``posix_fallocate`` (macOS, Windows) or the file system refuses it, the file
    is extended sparsely, as NumPy's ``open_memmap`` does, with a ``RuntimeWarning`` saying so.
    """
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
    if os.fstat(fd).st_size < end:
        os.ftruncate(fd, end)


def lock_exclusively(fd: "int", name: "str", other: "str") -> "None":
    """Hold an exclusive advisory lock (``flock``) on the file open at ``fd`` until it is closed,
    so that two of npymmap's writers never grow one file at once (in one process or several).
    Raises ``BlockingIOError`` naming the file when another descriptor holds it (its message:
    "another " and ``other``, e.g. "appender is writing this file"); does nothing
    where there is no ``fcntl`` (Windows) or the file system has no locks (``ENOLCK`` and the
    like: then, as without the lock, two writers are the caller's to avoid). O(1), never waits."""
    try:
        import fcntl
    except ImportError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        raise BlockingIOError(error.errno, f"another {other}", name) from None
    except OSError:
        pass


def write_at(fd: "int", data: "bytes", offset: "int") -> "None":
    """Write all of ``data`` at byte ``offset`` of the file (lseek and write: portable)."""
    written = 0
    while written < len(data):
        os.lseek(fd, offset + written, os.SEEK_SET)
        written += os.write(fd, data[written:])


def read_at(fd: "int", count: "int", offset: "int") -> "bytes":
    """``count`` bytes at byte ``offset`` of the file (fewer only at its end); lseek and read:
    portable."""
    os.lseek(fd, offset, os.SEEK_SET)
    chunks = []
    while count > 0:
        chunk = os.read(fd, count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def chunks_at(fd: "int", start: "int", count: "int", name: "str") -> "Iterator[bytes]":
    """The ``count`` bytes from byte ``start`` of the file open at ``fd``, 16 MiB at a time.
    ``OSError`` (EIO) naming ``name`` if the file ends first (it shrank). O(1) memory."""
    end = start + count
    for position in range(start, end, 1 << 24):
        wanted = min(1 << 24, end - position)
        chunk = read_at(fd, wanted, position)
        if len(chunk) < wanted:
            import errno

            raise OSError(errno.EIO, f"the file ended {end - position - len(chunk)} bytes early", name)
        yield chunk


def copy_range(source: "int", start: "int", target: "int", offset: "int", count: "int", name: "str") -> "None":
    """Copy ``count`` bytes from byte ``start`` of the file open at ``source`` to byte ``offset``
    of ``target`` (see :func:`chunks_at`). O(count) time, O(1) memory."""
    for chunk in chunks_at(source, start, count, name):
        write_at(target, chunk, offset)
        offset += len(chunk)


def publish(temporary: "str", name: "str", overwrite: "bool") -> "None":
    """Give the finished temporary file its name: replace, or link so an existing file wins."""
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
