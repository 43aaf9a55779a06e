"""The mapped array types: shape, strides, indexing, views, conversion to Python and buffers.

An array is a window on a :class:`Region`: a first item, a shape and strides
counted in items. Full integer indices give Python values; slices and ``...`` give zero-copy views
of the same memory. When the window is C-contiguous and the item format is native, an n-d
memoryview does the indexing and ``tolist`` in C; every other case goes through the element's
readers with the same results.

Around it: the memory and its closing are a :class:`Region`'s (``_region``); full-index access
and its fast-path rule are ``_access``'s; geometry and strided copies ``_layout``'s; values from
other libraries' buffers ``_buffers``'; handing the memory to other libraries (NumPy, DLPack,
buffers) ``_handoff``'s; how items become values, the element's.
"""

from ._access import Reversed, item_access
from ._base import PYPY, TYPE_CHECKING, TypeVar, flatten, overload
from ._handoff import Handoff, ItemT
from ._layout import c_strides, cast, gather, group, is_contiguous, is_fortran, nest, runs, scatter, stop
from ._region import Region

if TYPE_CHECKING:
    import ctypes
    import mmap
    from typing import Any, Callable, Iterator, List, NoReturn, Tuple, Union

    from typing_extensions import Buffer, Self, Unpack

    from ._base import Descr
    from ._element import Element

    Axis = Union[int, slice, ellipsis]
    Open = Union[slice, ellipsis]
    # Keys that give a view: a slice or '...' within the first four positions. (A key whose first
    # slice comes later works at run time but needs a cast for mypy.)
    ViewKey = Union[
        slice,
        ellipsis,
        Tuple[Open, Unpack[Tuple[Axis, ...]]],
        Tuple[int, Open, Unpack[Tuple[Axis, ...]]],
        Tuple[int, int, Open, Unpack[Tuple[Axis, ...]]],
        Tuple[int, int, int, Open, Unpack[Tuple[Axis, ...]]],
    ]
    Index = Union[int, Tuple[int, ...], ViewKey]

LeafT = TypeVar("LeafT")
StructureT = TypeVar("StructureT", bound="ctypes.Structure")
if TYPE_CHECKING:
    # What tolist() gives: an item (a 0-d array) or nested lists of items, as deep as the array.
    NestedList = Union[LeafT, List["NestedList[LeafT]"]]

# Item formats array.array shares with memoryview (all but '?').
_ARRAY_CODES = frozenset("bBhHiIqQfd")
# From this size on, tolist() goes a row at a time through array.array (faster per item, more
# fixed cost); below it memoryview.tolist() is faster.
_ROWS_TOLIST_BYTES = 1 << 16


def _items_at(region: "Region", positions: "range") -> "Iterator[Any]":
    """The values of the items at ``positions``, read as the iteration goes (``iter(a)``)."""
    if not positions:
        return  # (region.get binds the element's reader, which a record may refuse)
    try:
        yield from map(region.get, positions)
    except Exception:
        region.closed_instead()
        raise


# ---------------------------------------------------------------------------------------------
# Arrays


class NpyArray(Handoff[ItemT]):
    """A read-only n-d array of ``ItemT`` values (``float`` for ``float64``, ...) mapped from a ``.npy`` file (or a view of one).

    Indexing: ``a[i]`` (1-d), ``a[i, j, ...]`` with one int per axis (negative counts from the end)
    gives a value in O(ndim); slices and ``...`` (``a[2:10:2]``, ``a[i, :]``, ``a[..., 0]``) give
    zero-copy views in O(ndim). An integer index that does not name an item (``a[i]`` on a 2-d
    array) raises ``IndexError``: write ``a[i, ...]`` for the row view.
    After :meth:`close` every operation but the description (``shape``, ``closed``, ...) raises
    :class:`ClosedError` (a ``ValueError``).
    """

    __slots__ = ("_region", "_start", "_shape", "_strides", "_items", "_fortran", "_mode", "__weakref__")

    _writable = False  # WritableNpyArray: True (its views are writable, of the class their items call for)

    _region: "Region"
    _start: "int"
    _shape: "tuple[int, ...]"
    _strides: "tuple[int, ...]"
    _items: "Any"  # memoryview, Reversed, Decoded or Strided: all indexable by a full index; None until needed
    _fortran: "bool"
    _mode: "str"

    def __init__(self) -> "None":
        raise TypeError("arrays are made by npymmap.open() and npymmap.create()")

    @classmethod
    def _make(
        cls,
        region: "Region",
        start: "int",
        shape: "tuple[int, ...]",
        strides: "tuple[int, ...]",
        fortran: "bool",
        mode: "str",
        items: "memoryview | None" = None,
    ) -> "Self":
        """A window on ``region``; ``items`` is its n-d memoryview when the caller made it, else
        :func:`item_access` chooses, now for native elements, on the first full index for the
        others (:meth:`_access`)."""
        access: "Any" = items
        if access is None and region.element.memoryview_format is not None:
            access = item_access(region, start, shape, strides)  # a memoryview, mostly: C paths for tolist too
        if cls._writable:
            cls = _FortranWritableNpyArray if access.__class__ is Reversed else WritableNpyArray  # type: ignore[assignment]
        self = object.__new__(cls)
        self._region = region
        self._start = start
        self._shape = shape
        self._strides = strides
        self._fortran = fortran
        self._mode = mode
        self._items = access  # (for other elements, made by the first full index: see _access)
        return self

    def _access(self) -> "Any":
        """What this window's full indices go through (:func:`item_access`), made on the first
        one for elements memoryview cannot read: a view made only to be read whole, filled or
        copied never pays for it."""
        self._items = item_access(self._region, self._start, self._shape, self._strides)
        return self._items

    @classmethod
    def _root(cls, region: "Region", shape: "tuple[int, ...]", fortran_order: "bool", mode: "str") -> "Self":
        """The whole array of a region; a C-order native one gets the region's own n-d view."""
        if fortran_order and len(shape) > 1:
            return cls._make(region, 0, shape, c_strides(shape[::-1])[::-1], True, mode)
        code = region.element.memoryview_format
        if code is None or not region.data.nbytes or PYPY and not shape:  # (PyPy: see item_access)
            return cls._make(region, 0, shape, c_strides(shape), fortran_order, mode)
        region.root_view = items = cast(region.data, code, shape)
        return cls._make(region, 0, shape, c_strides(shape), fortran_order, mode, items)

    # -- description --------------------------------------------------------------------------

    @property
    def shape(self) -> "tuple[int, ...]":
        """Items along each axis, as in NumPy."""
        return self._shape

    @property
    def ndim(self) -> "int":
        """Number of axes (0 for a scalar array)."""
        return len(self._shape)

    @property
    def size(self) -> "int":
        """Number of items (1 for a 0-d array, 0 when any axis is empty)."""
        size = 1
        for n in self._shape:
            size *= n
        return size

    @property
    def nbytes(self) -> "int":
        """Bytes the items take: ``size * element.itemsize``."""
        return self.size * self._region.element.itemsize

    @property
    def element(self) -> "Element[ItemT]":
        """The element type, in the file's byte order."""
        return self._region.element

    @property
    def descr(self) -> "Descr":
        """The dtype description, as in the header (``'<f8'``, or a record's list of fields)."""
        return self._region.element.descr

    @property
    def fortran_order(self) -> "bool":
        """True when the items are laid out in Fortran (column-major) order."""
        return self._fortran

    @property
    def mode(self) -> "str":
        """How the file was opened: ``'r'``, ``'r+'``, ``'c'`` or ``'w+'`` (made by create)."""
        return self._mode

    @property
    def path(self) -> "str | None":
        """The file the items live in."""
        return self._region.path

    @property
    def closed(self) -> "bool":
        """True once :meth:`close` has been called on this array or one sharing its map."""
        return self._region.closed

    @property
    def T(self) -> "Self":  # noqa: N802 - NumPy's name
        """The transposed view (axes reversed); zero-copy. A Fortran-order array's is C-order."""
        self._region.check_open()
        shape, strides = self._shape[::-1], self._strides[::-1]
        return self._make(self._region, self._start, shape, strides, is_fortran(shape, strides), self._mode)

    def __repr__(self) -> "str":
        state = ", closed" if self._region.closed else ""
        return (
            f"<npymmap.{'WritableNpyArray' if self._writable else 'NpyArray'} shape={self._shape!r} element={self._region.element!r} "
            f"mode={self._mode!r} path={self._region.path!r}{state}>"
        )

    def __len__(self) -> "int":
        if not self._shape:
            raise TypeError("len() of a 0-d array")
        return self._shape[0]

    # -- items and views -----------------------------------------------------------------------

    @overload
    def __getitem__(self, key: "int | tuple[int, ...]") -> "ItemT": ...

    @overload
    def __getitem__(self, key: "ViewKey") -> "Self": ...

    def __getitem__(self, key: "Index") -> "ItemT | Self":
        try:
            if key.__class__ is tuple or key.__class__ is int:
                try:
                    item: "ItemT" = self._items[key]
                    return item
                except (TypeError, NotImplementedError, IndexError):
                    if self._items is None:  # a view's first full index: make its item access, once
                        self._access()
                        return self[key]
                    # else not an in-bounds full integer index: the general path says which
            view = self._fast_view(key)
            if view is not None:
                return view
            located = self._locate(key)
            if isinstance(located, int):
                item = self._region.get(located)
                return item
            return located
        except Exception:
            self._region.closed_instead()
            raise

    def _fast_view(self, key: "object") -> "Self | None":
        """The view of ``a[start:stop:step]``, ``a[i, ...]`` (``rows()``, row fills) or
        ``a[start:stop:step, j]`` (a column of a 2-d array), made without the general path's
        loop; ``None`` for any other key, or one it would refuse."""
        if key.__class__ is slice and self._items.__class__ is memoryview and self._shape and not self._region.closed:
            # a[start:stop:step] of a native array whose items are a C-contiguous memoryview: the
            # view's memoryview is a slice of this one's, made in C, with no cast and no
            # contiguity checks. (n-d windows take a step, and strided windows any slice, through
            # the general path: PyPy misplaces a slice of a strided memoryview.)
            first, end, step = key.indices(self._shape[0])
            count = len(range(first, end, step))
            if count and (step == 1 or len(self._shape) == 1) and self._items.c_contiguous:
                items = self._items[first : stop(first, count, step) : step]  # (an end of -1 is no index)
                self._region.track(items)
                start = self._start + first * self._strides[0]
                strides = (self._strides[0] * step,) + self._strides[1:]
                return self._make(self._region, start, (count,) + self._shape[1:], strides, False, self._mode, items)
        if key.__class__ is tuple and len(key) == 2 and key[1] is Ellipsis and key[0].__class__ is int and len(self._shape) > 1:
            # a[i, ...], the row view (rows() makes one per row): what _locate gives, without its loop
            self._region.check_open()
            index, size = key[0], self._shape[0]
            if -size <= index < size:
                shape, strides = self._shape[1:], self._strides[1:]
                fortran = self._items.__class__ is not memoryview and is_fortran(shape, strides)
                start = self._start + index % size * self._strides[0]
                return self._make(self._region, start, shape, strides, fortran, self._mode)
        if key.__class__ is tuple and len(key) == 2 and key[0].__class__ is slice and key[1].__class__ is int and len(self._shape) == 2:
            # a[:, j], a column: what _locate gives, without its loop
            self._region.check_open()
            index, size = key[1], self._shape[1]
            if -size <= index < size:
                first, end, step = key[0].indices(self._shape[0])
                count = len(range(first, end, step))
                start = self._start + index % size * self._strides[1] + (first * self._strides[0] if count else 0)
                return self._make(self._region, start, (count,), (self._strides[0] * step,), False, self._mode)
        return None

    def _locate(self, key: "object") -> "int | Self":
        """The item position a full integer index names, or the view any other index names."""
        self._region.check_open()
        keys = key if isinstance(key, tuple) else (key,)
        ndim = len(self._shape)
        ellipses = sum(1 for k in keys if k is Ellipsis)
        if ellipses > 1:
            raise IndexError("an index can only have a single ellipsis ('...')")
        if ellipses:
            at = keys.index(Ellipsis)
            keys = keys[:at] + (slice(None),) * (ndim - len(keys) + 1) + keys[at + 1 :]
        if len(keys) > ndim:
            raise IndexError(f"too many indices for array: array is {ndim}-dimensional, but {len(keys)} were indexed")
        start = self._start
        shape: "list[int]" = []
        strides: "list[int]" = []
        only_integers = True
        for axis, index in enumerate(keys):
            size, stride = self._shape[axis], self._strides[axis]
            if isinstance(index, slice):
                first, end, step = index.indices(size)
                count = len(range(first, end, step))
                if count:
                    start += first * stride
                shape.append(count)
                strides.append(stride * step)
                only_integers = False
                continue
            if isinstance(index, bool) or not hasattr(index, "__index__"):
                raise TypeError(
                    f"indices must be integers, slices or '...', not {type(index).__name__}"
                )
            position = index.__index__()
            if position < 0:
                position += size
            if not 0 <= position < size:
                raise IndexError(f"index {index} is out of bounds for axis {axis} with size {size}")
            start += position * stride
        if only_integers:
            if len(keys) == ndim:
                return start
            raise IndexError(  # (NumPy gives a view here; npymmap asks for the '...' that says so)
                f"too few indices for an item: array is {ndim}-dimensional, but {len(keys)} were indexed; "
                f"write a[{', '.join(map(str, keys))}, ...] for a view"
            )
        shape += self._shape[len(keys) :]
        strides += self._strides[len(keys) :]
        view_shape, view_strides = tuple(shape), tuple(strides)
        return self._make(self._region, start, view_shape, view_strides, is_fortran(view_shape, view_strides), self._mode)

    def __iter__(self) -> "Iterator[ItemT]":
        """The items of a 1-d array, in order. Use :meth:`rows` for the rows of an n-d array."""
        self._region.check_open()
        if len(self._shape) != 1:
            raise TypeError(
                f"iteration needs a 1-d array, this one is {len(self._shape)}-d: use rows() or tolist()"
            )
        stride = self._strides[0]
        return _items_at(self._region, range(self._start, self._start + self._shape[0] * stride, stride))

    def rows(self) -> "Iterator[Self]":
        """Zero-copy views of ``a[i, ...]`` for each ``i`` along the first axis."""
        self._region.check_open()
        if not self._shape:
            raise TypeError("a 0-d array has no rows")
        return (self[i, ...] for i in range(self._shape[0]))

    # -- conversion ----------------------------------------------------------------------------

    # One overload per item type: mypy (1.20) does not check a method type variable's bound
    # against the self type of a subclass (WritableNpyArray), so "NpyArray[ItemT]" for the
    # numbers and strings would also catch records. The first catches NpyArray[Any] (Any matches
    # NoReturn, no item type does): its items may be anything.
    @overload
    def tolist(self: "NpyArray[NoReturn]") -> "Any": ...
    @overload
    def tolist(self: "NpyArray[bool]") -> "NestedList[bool]": ...
    @overload
    def tolist(self: "NpyArray[int]") -> "NestedList[int]": ...
    @overload
    def tolist(self: "NpyArray[float]") -> "NestedList[float]": ...
    @overload
    def tolist(self: "NpyArray[complex]") -> "NestedList[complex]": ...
    @overload
    def tolist(self: "NpyArray[str]") -> "NestedList[str]": ...
    @overload
    def tolist(self: "NpyArray[bytes]") -> "NestedList[bytes]": ...
    @overload
    def tolist(self: "NpyArray[StructureT]") -> "NestedList[tuple[Any, ...]]": ...

    def tolist(self) -> "NestedList[Any]":
        """The items as nested lists of Python values, in logical (C) order, as NumPy's
        ``tolist()``; a 0-d array gives its value. Records give tuples of their fields' values,
        not Structures. O(size); native numbers are made in C, a strided window's run by run,
        and only the window's own items are read."""
        return self._region.read_whole(self._tolist)

    def _tolist(self) -> "NestedList[Any]":
        items = self._items
        if items.__class__ is memoryview and not self._region.closed:
            if not self._shape:
                return items[()]  # PyPy aborts on tolist() of a 0-d memoryview
            # (PyPy undercounts nbytes of an n-d slice: such a slice then goes through memoryview.)
            if items.nbytes >= _ROWS_TOLIST_BYTES and items.format in _ARRAY_CODES and items.c_contiguous:
                return self._rows_tolist(items)
            return items.tolist()
        self._region.check_open()
        size = self.size
        if size == 0:
            return nest([], 0, self._shape, self._strides) if self._shape else []
        element, data, path = self._region.element, self._region.data, self._region.path
        if self._shape and (element.memoryview_format is not None or not is_contiguous(self._shape, self._strides)):
            # (a native window here is strided: a contiguous one has its memoryview, above, but
            # a 0-d one on PyPy, read below)
            return group(element.read_runs(data, *runs(self._start, self._shape, self._strides), path), self._shape)[0]
        values = element.read(data, self._start, size, path)
        if not self._shape:
            return values[0]
        return nest(values, 0, self._shape, c_strides(self._shape))

    def _rows_tolist(self, items: "memoryview") -> "list[Any]":
        """tolist() of a C-contiguous native array (``items`` its memoryview), a row (last axis)
        at a time through ``array.array``, whose ``tolist`` makes Python numbers faster than
        memoryview's."""
        import array  # not "from array import array", which raises and clears an AttributeError

        make, code, data = array.array, items.format, self._region.data
        row = items.itemsize * self._shape[-1]
        begin = self._start * items.itemsize
        rows: "list[Any]" = []
        # Not items.nbytes: PyPy counts one item per row for a slice of an n-d memoryview.
        for offset in range(begin, begin + self.size * items.itemsize, row):
            values = make(code)
            values.frombytes(data[offset : offset + row])
            rows.append(values.tolist())
        return group(rows, self._shape)[0]  # type: ignore[no-any-return]

    def tobytes(self) -> "bytes":
        """The items' bytes in logical (C) order and the file's byte order, as NumPy's
        ``tobytes()``. O(nbytes); a single copy when the view is C-contiguous."""
        return self._region.read_whole(self._tobytes)

    def _tobytes(self) -> "bytes":
        self._region.check_open()
        itemsize = self._region.element.itemsize
        data = self._region.data
        if is_contiguous(self._shape, self._strides):
            return bytes(data[self._start * itemsize : (self._start + self.size) * itemsize])
        return gather(data, itemsize, *runs(self._start, self._shape, self._strides))

    # -- lifetime --------------------------------------------------------------------------------

    def check_file(self) -> "None":
        """Raise :class:`NpyFormatError` if the file has shrunk below what this map needs.

        Reading a mapped page past a file's end kills the process with SIGBUS: the one way a map
        can crash, when another program truncates the file. Call this before working through a
        file you do not control. One ``fstat`` of the mapped file (for ``'r'`` and ``'c'`` on
        CPython 3.13+, whose maps keep no descriptor, one ``stat`` of the path it was opened by,
        while that names it); :class:`ClosedError` if closed.
        """
        self._region.check_file()

    def flush(self) -> "None":
        """Make writes durable: the changed pages are written and the file is ``fsync``-ed.

        Does nothing for ``'r'`` and ``'c'`` (which never write the file). :class:`ClosedError` if closed.
        """
        self._region.flush()

    def close(self) -> "None":
        """Flush, then unmap the file for this array and every view sharing its map.

        Idempotent. Views handed out raise :class:`ClosedError` afterwards; memoryviews handed
        out (``data``) are released, and raise memoryview's own ``ValueError``.
        """
        self._region.close()

    def __enter__(self) -> "Self":
        return self

    def __exit__(self, *exc_info: "object") -> "None":
        self.close()


class WritableNpyArray(NpyArray[ItemT]):
    """An :class:`NpyArray` whose items can be assigned (modes ``'r+'``, ``'c'`` and ``create``).

    ``a[i, j] = v`` stores one value; ``a[view_index] = source`` fills a view from a scalar, a
    buffer, another array or nested lists of the view's shape. A buffer of the same item format
    and byte order is copied with one memcpy.
    """

    __slots__ = ()

    _writable = True

    @overload
    def __setitem__(self, key: "int | tuple[int, ...]", value: "ItemT") -> "None": ...

    @overload
    def __setitem__(
        self,
        key: "ViewKey",
        value: "ItemT | Buffer | NpyArray[ItemT] | list[Any] | tuple[Any, ...]",
    ) -> "None": ...

    def __setitem__(self, key: "Index", value: "Any") -> "None":
        try:
            if key.__class__ is tuple or key.__class__ is int:
                try:
                    self._items[key] = value
                    return
                except (TypeError, ValueError, NotImplementedError, IndexError):
                    if self._items is None:  # a view's first full index: make its item access, once
                        self._access()
                        self[key] = value
                        return
                    # else not an in-bounds full integer index, or a bad value: the general path says which
            self._store(key, value)
        except Exception:
            self._region.closed_instead()
            raise

    def _store(self, key: "object", value: "Any") -> "None":
        """The general path of ``a[key] = value``: one item at the position ``key`` names, or a
        view filled from ``value``; it words every error the fast path left to it. (The caller
        turns a fault met because of a racing ``close()`` into :class:`ClosedError`.)"""
        view = self._fast_view(key)
        if view is None:
            located = self._locate(key)
            if isinstance(located, int):
                self._region.set(located, value)
                return
            view = located
        view._fill(value)

    def _fill(self, value: "Any") -> "None":
        region = self._region
        element = region.element
        contiguous = is_contiguous(self._shape, self._strides)
        if isinstance(value, list) and len(self._shape) == 1 and len(value) == self._shape[0]:
            encoded = element.pack(value)  # a row: what flatten would check and copy
        elif isinstance(value, list) or isinstance(value, tuple) and not element.is_record:
            encoded = element.pack(flatten(list(value), self._shape))  # (a tuple is one record's value)
        else:
            from ._buffers import has_buffer, is_one_value  # (loaded on the first fill from a value)

            if not isinstance(value, NpyArray) and is_one_value(value, element, self.nbytes):
                encoded = element.pack([value] * self.size)
            else:
                if contiguous and has_buffer(value):
                    with memoryview(value) as source_view:
                        if source_view.c_contiguous and element.same_format(source_view.format):
                            self._check_source_shape(tuple(source_view.shape or ()))
                            if self.nbytes:  # (memoryview cannot cast a view with an axis of 0)
                                start = self._start * element.itemsize
                                region.data[start : start + self.nbytes] = source_view.cast("B")  # one memcpy
                            return
                source_shape, encoded = items_of(value, element)
                self._check_source_shape(source_shape)
        itemsize = element.itemsize
        if contiguous:
            start = self._start * itemsize
            region.data[start : start + len(encoded)] = encoded
        else:
            scatter(region.data, itemsize, *runs(self._start, self._shape, self._strides), encoded)

    def _check_source_shape(self, shape: "tuple[int, ...]") -> "None":
        """``ValueError`` unless an array or buffer of ``shape`` fills this view: the same shape,
        or 1-d with as many items."""
        if shape != self._shape and (len(shape) != 1 or shape[0] != self.size):
            raise ValueError(f"cannot assign an array of shape {shape} to a view of shape {self._shape}")

    def as_ctypes(self) -> "ctypes.Array[Any]":
        """A ctypes array over the items (zero-copy, writes go to the map), shaped like the array;
        complex items get a trailing axis of 2 (real, imaginary); a 0-d array gives length 1.

        Imports :mod:`ctypes` on first use. Needs a C-contiguous window (``ValueError``); float16
        has no ctypes type (:class:`UnsupportedDtypeError`).
        """
        try:
            self._region.check_open()
            if not is_contiguous(self._shape, self._strides):
                raise ValueError("a ctypes array needs a C-contiguous array; use .T for Fortran order")
            element = self._region.element
            array_type: "Any" = element.ctype()
            dims = self._shape + element.ctype_axes or (1,)
            for n in reversed(dims):
                array_type = array_type * n
            itemsize = element.itemsize
            window = self._region.data[self._start * itemsize : (self._start + self.size) * itemsize]
            self._region.exported = True
            if not PYPY:  # PyPy's ctypes array keeps only this view: released, the map could go
                self._region.track(window)
            return array_type.from_buffer(window)  # type: ignore[no-any-return]
        except Exception:
            self._region.closed_instead()
            raise


class _FortranWritableNpyArray(WritableNpyArray[ItemT]):
    """A :class:`WritableNpyArray` whose items are a :class:`Reversed` memoryview (Fortran order):
    a full-index store reaches that memoryview with its key reversed in this one call, where a
    store through :class:`Reversed` took one Python call more. ``_make`` chooses it; to its users
    it is a WritableNpyArray like any other."""

    __slots__ = ()

    def __setitem__(self, key: "Any", value: "Any") -> "None":
        if key.__class__ is tuple:
            try:
                self._items.items[key[::-1]] = value
                return
            except (TypeError, ValueError, NotImplementedError, IndexError):
                pass  # not an in-bounds full integer index, or a bad value: the general path says which
        try:
            self._store(key, value)
        except Exception:
            self._region.closed_instead()
            raise


def items_of(value: "Any", element: "Element[Any]") -> "tuple[tuple[int, ...], bytes]":
    """The shape of an array or buffer ``value`` and its items as ``element``'s bytes, in C order:
    an npymmap array's items, converted when its element is another, or
    :func:`~npymmap._buffers.buffer_items` of anything else. O(size)."""
    if isinstance(value, NpyArray):
        if value.element == element:
            return value.shape, value.tobytes()
        return value.shape, element.pack(flatten(value.tolist(), value.shape))
    from ._buffers import buffer_items  # (loaded on the first write from another library's buffer)

    return buffer_items(value, element)
