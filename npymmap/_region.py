"""The memory under arrays and its lifetime.

A :class:`Region` owns the bytes of one array's data: the ``mmap`` (or the buffer holding an
``.npy`` image), the file descriptor kept for ``fsync`` in ``r+`` and ``create``, and every
memoryview made of the map. Closing it releases those memoryviews and detaches every array made
from it, so a closed array raises :class:`ClosedError` instead of touching unmapped memory, and
``mmap.close()`` never meets a live export of ours. If the user still holds an export of their
own (a ctypes array, say), the map stays alive until that object goes and is then unmapped.
"""

import _weakref

from ._base import PYPY, TYPE_CHECKING, ClosedError, Generic, NpyFormatError, TypeVar

if TYPE_CHECKING:
    import mmap
    import os
    from typing import Any, Callable

    from ._element import Element

R = TypeVar("R")


class _Closed:
    """Stands in for the memory of a closed region: any use raises :class:`ClosedError`."""

    __slots__ = ("path",)

    def __init__(self, path: "str | None") -> None:
        self.path = path

    def error(self) -> "ClosedError":
        return ClosedError(f"{self.path}: array is closed" if self.path else "array is closed")

    def __getitem__(self, key: "object") -> "Any":
        raise self.error()

    def __setitem__(self, key: "object", value: "object") -> "None":
        raise self.error()

    def __call__(self, *arguments: "object") -> "Any":
        raise self.error()

    def __getattr__(self, name: "str") -> "Any":
        raise self.error()


class _OnFirstUse(Generic[R]):
    """A region's attribute made by ``make(region)`` on its first use, then kept in the region,
    where later lookups find it before this descriptor (as :func:`functools.cached_property`,
    which PyPy would import for 6 ms): a region binds its element's reader only when an item is
    read, and a closed region's attributes raise :class:`ClosedError`."""

    def __init__(self, make: "Callable[[Region], R]") -> "None":
        self.make = make
        self.name = make.__name__

    def __get__(self, region: "Region", owner: "object") -> "R":
        value = region.__dict__[self.name] = self.make(region)
        return value


class Region:
    """Bytes of array data, the objects keeping them alive, and the views made of them.

    ``data`` is a byte memoryview of the data alone (header excluded), writable when the mode is.
    ``get(i)`` and ``set(i, value)`` read and store item ``i`` of ``data``; ``close()`` replaces
    both with what raises :class:`ClosedError`. No ``__slots__``: the
    class holds the defaults, so making a region sets only what differs (opening is a hot path).
    """

    closed = False
    exported = False  # memory handed to the caller (.data, as_ctypes, __array_interface__)
    root_view: "memoryview | None" = None  # the root array's items, held for the region's life
    _views: "list[Any] | tuple[()]" = ()  # weak references to the other memoryviews made of data
    _map: "mmap.mmap | None" = None
    _fd: "int | None" = None  # kept for fsync in r+ and create
    _opened: "os.stat_result | None" = None  # the mapped file's, where nothing else leads to it

    def __init__(
        self,
        data: "memoryview",
        element: "Element[Any]",
        path: "str | None",
        mapping: "mmap.mmap | None" = None,
        fd: "int | None" = None,
        opened: "os.stat_result | None" = None,
    ) -> "None":
        self.data = data
        self.element = element
        self.path = path
        if mapping is not None:
            self._map = mapping
        if opened is not None:
            self._opened = opened
        if fd is not None:
            import os

            self._fd = fd
            self._close_fd = os.close  # kept so that __del__ at interpreter exit imports nothing

    @_OnFirstUse
    def get(self) -> "Callable[[int], Any]":
        """``get(i)``: the value of item ``i`` (the element's reader, made on first use)."""
        self.check_open()
        reader = self.element.reader(self.flat, self.path)
        if PYPY and self.element.is_record and not self.data.readonly:
            self.exported = True  # items are live ctypes views of the map, which PyPy would unmap under them
        return reader

    @_OnFirstUse
    def set(self) -> "Callable[[int, Any], None]":
        """``set(i, value)``: store ``value`` as item ``i`` (the element's writer, made on first
        use); ``TypeError`` in a read-only region."""
        self.check_open()
        return _read_only_set if self.data.readonly else self.element.writer(self.flat)

    @_OnFirstUse
    def flat(self) -> "memoryview":
        """The element's view of ``data`` (items of its ``memoryview_format``, 1-d, when it has
        one), which readers, writers and 1-d windows work on; tracked for release on close."""
        self.check_open()
        flat = self.element.flat(self.data)
        if flat is not self.data:
            self.track(flat)
        return flat

    def track(self, view: "memoryview") -> "None":
        """Remember a memoryview made of this region, to release it on close.

        Amortised O(1): dead references are pruned each time the list reaches a power of two.
        """
        views = self._views or []
        views.append(_weakref.ref(view))
        self._views = views
        count = len(views)
        if count >= 64 and not count & (count - 1):
            views[:] = [ref for ref in views if ref() is not None]

    def check_file(self) -> "None":
        """Raise :class:`NpyFormatError` when the mapped file is now shorter than the map.

        One ``fstat`` of the mapped file itself (not of whatever now has its name): of the
        descriptor kept for ``fsync``, or of the map's own. Where neither is kept (``'r'`` and
        ``'c'`` maps on CPython 3.13+), one ``stat`` of the path the file was opened by, whose size
        counts while the path names the file mapped (the device and inode ``opened`` holds); a
        path naming another file or none (the file replaced, moved or deleted since, or a
        relative path after a change of folder) leaves nothing to check, as does a map with
        neither a descriptor nor ``opened`` (an ``NpzWriter`` member there).
        """
        self.check_open()
        mapping = self._map
        if mapping is not None:
            try:
                size, needed = self._file_size(mapping), len(mapping)
            except (ValueError, OSError):  # closed meanwhile, or the path not to be looked up
                self.closed_instead()
                raise
            if size is not None and size < needed:
                raise NpyFormatError(
                    f"file shrank to {size} bytes while mapped; reading past its end would crash "
                    f"the process (SIGBUS); the map needs {needed} bytes",
                    self.path,
                )

    def _file_size(self, mapping: "mmap.mmap") -> "int | None":
        """The size of the file ``mapping`` maps, or ``None`` when nothing leads to that file."""
        import os

        from ._files import MAPS_KEEP_DESCRIPTORS

        fd = self._fd  # read once: a close() in another thread sets it to None (as flush does)
        if fd is not None:
            return os.fstat(fd).st_size
        opened, path = self._opened, self.path
        if opened is None or path is None:
            return mapping.size() if MAPS_KEEP_DESCRIPTORS else None
        try:
            now = os.stat(path)
        except FileNotFoundError:
            return None
        return now.st_size if os.path.samestat(now, opened) else None

    def check_open(self) -> "None":
        """Raise :class:`ClosedError` when the region has been closed."""
        if self.closed:
            raise _Closed(self.path).error()

    def closed_instead(self) -> "None":
        """For an operation that failed: raise :class:`ClosedError` in place of its error when the
        region has been closed meanwhile (by ``close()`` in another thread, which releases the
        memoryviews, unmaps and closes the file under it); else return, for the caller to
        re-raise its own error. Every public operation goes through this, so one racing
        ``close()`` either completes or raises :class:`ClosedError`."""
        if self.closed:
            raise _Closed(self.path).error() from None

    def read_whole(self, read: "Callable[[], R]") -> "R":
        """``read()``, a reading of this region's items made of several steps, that either
        completes before a ``close()`` in another thread or raises :class:`ClosedError`: a fault
        it meets is one (see :meth:`closed_instead`), and so is a close met by the end, since
        PyPy reads a released memoryview as empty instead of failing."""
        try:
            result = read()
        except Exception:
            self.closed_instead()
            raise
        self.check_open()
        return result

    def flush(self) -> "None":
        """Write changed pages to the file and ``fsync`` it (``r+`` and ``create``); else nothing."""
        self.check_open()
        fd, mapping = self._fd, self._map
        if fd is not None:
            import os

            try:
                if mapping is not None:
                    mapping.flush()
                os.fsync(fd)
            except (ValueError, OSError):  # closed meanwhile
                self.closed_instead()
                raise

    def discard(self) -> "None":
        """Close without flushing (for a region whose file is being thrown away); never raises."""
        fd, self._fd = self._fd, None
        self.close()
        if fd is not None:
            self._close_fd(fd)

    def close(self) -> "None":
        """Flush, release every view, unmap and close the file. Idempotent."""
        if self.closed:
            return
        try:
            if self._fd is not None:
                self.flush()
        finally:
            self.closed = True
            views = [ref() for ref in self._views[::-1]] if self._views else []
            views += self.root_view, self.data
            self.get = self.set = self.data = _Closed(self.path)  # type: ignore[assignment]
            self._views = ()
            self.root_view = None
            for view in views:
                if view is not None:
                    try:
                        view.release()
                    except BufferError:
                        pass  # exported to the user's own object; the map outlives it
            if self._map is not None:
                unmap(self._map, self.exported)
                self._map = None
            if self._fd is not None:
                self._close_fd(self._fd)
                self._fd = None

    def __del__(self) -> "None":
        if self._fd is not None:
            try:
                self._close_fd(self._fd)
            except OSError:
                pass


def unmap(mapping: "mmap.mmap", exported: "bool") -> "None":
    """Close ``mapping`` unless an export of the user's own still needs it. CPython refuses with
    ``BufferError`` while one lives, and the map then goes with the last of them; PyPy's
    ``mmap.close()`` unmaps regardless, so there a map whose memory was handed out (``exported``)
    is left to the garbage collector."""
    if PYPY and exported:
        return
    try:
        mapping.close()
    except BufferError:
        pass  # still exported to the user's own object; unmapped when that goes


def _read_only_set(position: "int", value: "Any") -> "None":
    raise TypeError("array is read-only")
