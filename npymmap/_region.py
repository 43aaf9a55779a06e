"""The memory under arrays: one mapped file (or none, for empty arrays) and its lifetime.

A :class:`Region` owns the ``mmap``, the file descriptor kept for ``fsync`` in writable modes, and
every memoryview made of the map. Closing it releases those memoryviews and detaches every array
made from it, so a closed array raises ``ValueError`` instead of touching unmapped memory, and
``mmap.close()`` never meets a live export of ours. If the user still holds an export of their own
(a ctypes array, say), the map stays alive until that object goes and is then unmapped.
"""

from __future__ import annotations

import _weakref

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    import mmap
    from typing import Any, Callable

    from ._elements import Element


class ClosedError(ValueError):
    """An operation on an array whose map has been closed."""


class _Closed:
    """Stands in for the memory of a closed region: any use raises :class:`ClosedError`."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __getitem__(self, key: object) -> Any:
        raise ClosedError(self.message)

    def __setitem__(self, key: object, value: object) -> None:
        raise ClosedError(self.message)

    def __call__(self, *arguments: object) -> Any:
        raise ClosedError(self.message)

    def __getattr__(self, name: str) -> Any:
        raise ClosedError(self.message)


class Region:
    """Bytes of array data, the objects keeping them alive, and the views made of them.

    ``data`` is a byte memoryview of the data alone (header excluded), writable when the mode is.
    ``get(i)`` and ``set(i, value)`` read and store item ``i`` of ``data``.
    """

    __slots__ = ("data", "element", "path", "get", "set", "closed", "_map", "_fd", "_sync", "_refs", "_pruned_at")

    def __init__(
        self,
        data: memoryview,
        element: Element[Any],
        path: str | None,
        mapping: mmap.mmap | None = None,
        fd: int | None = None,
        sync: bool = False,
    ) -> None:
        self.data = data
        self.element = element
        self.path = path
        self.closed = False
        self._map = mapping
        self._fd = fd
        self._sync = sync
        self._refs: list[Any] = []
        self._pruned_at = 64
        flat = element.flat(data)
        if flat is not data:
            self.track(flat)
        self.get: Callable[[int], Any] = element.reader(flat)
        self.set: Callable[[int, Any], None] = element.writer(flat) if not data.readonly else _read_only_set

    def track(self, thing: object) -> None:
        """Remember a memoryview or array made of this region, to release or detach it on close.

        Amortised O(1): dead references are pruned whenever the list doubles.
        """
        refs = self._refs
        refs.append(_weakref.ref(thing))
        if len(refs) >= self._pruned_at:
            refs[:] = [ref for ref in refs if ref() is not None]
            self._pruned_at = max(64, 2 * len(refs))

    def check_open(self) -> None:
        """Raise :class:`ClosedError` when the region has been closed."""
        if self.closed:
            raise ClosedError(self._closed_message())

    def _closed_message(self) -> str:
        return f"{self.path}: array is closed" if self.path else "array is closed"

    def flush(self) -> None:
        """Write changed pages to the file and ``fsync`` it (``r+`` and ``create``); else nothing."""
        self.check_open()
        if self._sync and self._map is not None:
            self._map.flush()
        if self._sync and self._fd is not None:
            import os

            os.fsync(self._fd)

    def close(self) -> None:
        """Flush, release every view, unmap and close the file. Idempotent."""
        if self.closed:
            return
        try:
            self.flush()
        finally:
            self.closed = True
            closed = _Closed(self._closed_message())
            self.get = self.set = closed
            for ref in reversed(self._refs):
                thing = ref()
                if thing is None:
                    continue
                if isinstance(thing, memoryview):
                    try:
                        thing.release()
                    except BufferError:
                        pass  # exported to the user's own object; the map outlives it
                else:
                    thing._detach(closed)
            self._refs = []
            self.data.release()
            self.data = closed  # type: ignore[assignment]
            if self._map is not None:
                try:
                    self._map.close()
                except BufferError:
                    pass  # still exported to the user's own object; unmapped when that goes
                self._map = None
            if self._fd is not None:
                import os

                os.close(self._fd)
                self._fd = None

    def __del__(self) -> None:
        if self._fd is not None:
            import os

            try:
                os.close(self._fd)
            except OSError:
                pass


def _read_only_set(position: int, value: object) -> None:
    raise TypeError("array is read-only")
