"""Handing an array's memory to other libraries, zero-copy: a memoryview (:attr:`Handoff.data`),
NumPy's ``__array_interface__``, PEP 688 buffers (Python 3.12+) and DLPack (``_dlpack``, loaded
when asked for). Every hand-off marks the region ``exported``: ``close()`` then leaves the
unmapping to the last export, so memory handed out stays valid (see ``_region``).
"""

from ._base import TYPE_CHECKING, Generic, TypeVar
from ._layout import c_strides, cast, is_contiguous

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import CapsuleType

    from ._region import Region

ItemT = TypeVar("ItemT")
_BUFFER_FORMAT = 0x4  # PyBUF_FORMAT: the consumer asks the items' format (inspect.BufferFlags.FORMAT, 3.12+)


class Handoff(Generic[ItemT]):
    """The hand-offs of :class:`~npymmap._array.NpyArray`, for its window (``_region``,
    ``_start``, ``_shape``, ``_strides``)."""

    __slots__ = ()

    _writable: "bool"
    _region: "Region"
    _start: "int"
    _shape: "tuple[int, ...]"
    _strides: "tuple[int, ...]"

    if TYPE_CHECKING:

        @property
        def size(self) -> "int": ...

        def tobytes(self) -> "bytes": ...

    @property
    def data(self) -> "memoryview[ItemT]":
        """A memoryview of the items with this array's shape and item format (zero-copy).

        Needs a native-order element memoryview knows (not float16 or complex: ``TypeError``)
        and a C-contiguous window (``ValueError``; ``a.T`` of a Fortran array is C-contiguous).
        Released when the array is closed. An empty array gives an empty 1-d view.
        """
        try:
            self._region.check_open()
            element = self._region.element
            if element.memoryview_format is None:
                raise TypeError(f"memoryview cannot hold {element.descr} ({element.name}) items; use tolist()")
            if not is_contiguous(self._shape, self._strides):
                raise ValueError("memoryview needs a C-contiguous array; copy with tolist() or use .T")
            return self._items_view(element.memoryview_format)  # type: ignore[return-value]
        except Exception:
            self._region.closed_instead()
            raise

    def _items_view(self, format: "str | None") -> "memoryview":
        """A tracked memoryview of a C-contiguous window's items: of ``format`` and their shape,
        or their bytes when ``format`` is ``None``."""
        itemsize = self._region.element.itemsize
        view = self._region.data[self._start * itemsize : (self._start + self.size) * itemsize]
        if format is not None:
            view = cast(view, format, self._shape if self.size else None)
        self._region.track(view)
        self._region.exported = True
        return view

    def __buffer__(self, flags: "int") -> "memoryview":
        """PEP 688 (Python 3.12+): the array is a buffer, zero-copy, writable in writable modes.
        A consumer that asks the items' format (``memoryview(a)``, ``bytes(a)``, NumPy) gets
        native numbers with their format and shape, as :attr:`data`, and :class:`BufferError`
        for other elements (``element.buffer_format`` is ``None``), which NumPy would take for
        ``uint8`` or int64 (it then reads :attr:`__array_interface__`, with the right dtype);
        one that asks plain bytes (``hashlib``, ``file.write``, ``socket.sendall``,
        ``array.frombytes``) gets the items' bytes, for every element. A window that is not C-contiguous, and a typed buffer of an
        empty n-d window (memoryview cannot take its shape), are a :class:`BufferError`.
        The buffer outlives ``close()``: the map stays until the last buffer is released."""
        try:
            self._region.check_open()
            element = self._region.element
            typed = bool(flags & _BUFFER_FORMAT)
            if typed and element.buffer_format is None:
                raise BufferError(f"{element.name} items have no buffer format that says what they are; use numpy.asarray(a), tobytes(), or a consumer of plain bytes")
            if not is_contiguous(self._shape, self._strides):
                raise BufferError("the array's items are not C-contiguous, as a buffer needs them; use .T (Fortran order) or tobytes()")
            if typed and not self.size and len(self._shape) != 1:
                raise BufferError(f"memoryview cannot hold an empty shape {self._shape}; use numpy.asarray(a) or tolist()")
            return self._items_view(element.buffer_format if typed else None)
        except Exception:
            self._region.closed_instead()
            raise

    def __release_buffer__(self, view: "memoryview") -> "None":
        view.release()

    def __dlpack__(
        self, *, stream: "Any" = None, max_version: "tuple[int, int] | None" = None, dl_device: "tuple[int, int] | None" = None, copy: "bool | None" = None
    ) -> "CapsuleType":
        """DLPack: a capsule of the items, zero-copy, for ``numpy.from_dlpack(a)``,
        ``torch.from_dlpack(a)``, ``jax.dlpack``: shape and strides (views, Fortran order), a
        DLPack 1.0 capsule flagged read-only for a read-only map when the consumer asks for one
        (``max_version`` 1 or more), else the older form (which cannot say read-only, so a
        read-only map is then refused, as NumPy does). Elements: bool, ints, uints, float16/32/64,
        complex64/128 in native order; :class:`BufferError` for the rest, for a ``stream`` and a
        device other than the CPU. ``copy=True``: a writable C-order copy of the items (O(size),
        flagged as copied), not the map. The capsule holds an export of the map until its
        consumer is done. Built with ctypes on first use (CPython: it needs
        ``ctypes.pythonapi``)."""
        from ._dlpack import capsule

        if stream is not None:
            raise BufferError("the items are in CPU memory: stream must be None")
        if dl_device is not None and tuple(dl_device) != self.__dlpack_device__():
            raise BufferError(f"the items are in CPU memory, device {self.__dlpack_device__()}, not {dl_device!r}")
        try:
            self._region.check_open()
            versioned = max_version is not None and max_version[0] >= 1
            region = self._region
            if copy:
                copied = memoryview(bytearray(self.tobytes()))
                return capsule(copied, 0, self._shape, c_strides(self._shape), region.element, False, versioned, copied=True)
            made = capsule(region.data, self._start, self._shape, self._strides, region.element, not self._writable, versioned)
            region.exported = True
            return made
        except Exception:
            self._region.closed_instead()
            raise

    def __dlpack_device__(self) -> "tuple[int, int]":
        """DLPack's device of the items: ``(1, 0)``, the CPU."""
        return (1, 0)

    @property
    def __array_interface__(self) -> "dict[str, Any]":
        """NumPy's array interface: ``numpy.asarray(a)`` is a zero-copy array of the file's dtype,
        shape and strides (views and Fortran order included), writable when the map is, with
        writes showing in the map. npymmap never imports NumPy for this. The NumPy array holds
        its own export of the memory, which stays mapped until that array goes."""
        try:
            self._region.check_open()
            element = self._region.element
            itemsize = element.itemsize
            record = isinstance(element.descr, list)
            self._region.exported = True
            return {
                "version": 3,
                "shape": self._shape,
                "typestr": f"|V{itemsize}" if record else element.descr,
                **({"descr": element.interface_descr()} if record else {}),
                # A view of its own, never released by close(): while NumPy's array holds it, the
                # map cannot be closed under it (close then leaves the unmapping to that array).
                "data": self._region.data[:],
                "offset": self._start * itemsize,
                "strides": tuple(stride * itemsize for stride in self._strides),
            }
        except Exception:
            self._region.closed_instead()
            raise
