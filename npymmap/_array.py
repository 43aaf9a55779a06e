"""The mapped array types: shape, strides, indexing, views, conversion to Python and buffers.

An array is a window on a :class:`Region`: a first item, a shape and strides
counted in items. Full integer indices give Python values; slices and ``...`` give zero-copy views
of the same memory. When the window is C-contiguous and the item format is native, an n-d
memoryview does the indexing and ``tolist`` in C; every other case goes through the element's
``struct`` reader with the same results.

The memory under an array, and its closing, are a :class:`Region`'s (``_region.py``).

**The fast-path rule.** Every full-index fast path (the n-d memoryview, :class:`_Reversed`,
:class:`_Decoded`, :class:`_Strided`) either gives the item or raises ``TypeError`` — for a key
that is not a full index of ints, and for an out-of-bounds index too (:func:`_general_path`) — and
the caller then takes the general path (``NpyArray._locate``), which also words every
``IndexError`` with the axis and its size. So a fast path never words an error of its own.
"""

from ._base import PYPY, TYPE_CHECKING, Generic, NpyError, TypeVar, flatten, overload
from ._elements import NATIVE_ORDER, UNSIGNED_FORMATS, cast, lookup
from ._region import Region

if TYPE_CHECKING:
    import ctypes
    import mmap
    from typing import Any, Callable, Iterator, Tuple, Union

    from typing_extensions import Buffer, Self, Unpack

    from ._base import Descr
    from ._elements import Element

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

ItemT = TypeVar("ItemT")

# Item formats array.array shares with memoryview (all but '?').
_ARRAY_CODES = frozenset("bBhHiIqQfd")
# From this size on, tolist() goes a row at a time through array.array (faster per item, more
# fixed cost); below it memoryview.tolist() is faster.
_ROWS_TOLIST_BYTES = 1 << 16


def _items_at(region: "Region", positions: "range") -> "Iterator[Any]":
    """The values of the items at ``positions``, read as the iteration goes (``iter(a)``)."""
    try:
        yield from map(region.get, positions)
    except Exception:
        region.closed_instead()
        raise


# ---------------------------------------------------------------------------------------------
# Arrays


def _general_path() -> "TypeError":
    """The error by which a fast path hands a key to the general path (see the module's doc)."""
    return TypeError("not an in-bounds full index: the general path reads it")


class _Strided:
    """Item access by full index for windows memoryview cannot index: any strides, any element."""

    __slots__ = ("region", "start", "shape", "strides")

    def __init__(self, region: "Region", start: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "None":
        self.region = region
        self.start = start
        self.shape = shape
        self.strides = strides

    def position(self, key: "Any") -> "int":
        """The item position an in-bounds full index of ints names; for any other key, the
        fast-path rule's ``TypeError``."""
        if key.__class__ is int:
            key = (key,)
        if key.__class__ is not tuple or len(key) != len(self.shape):
            raise _general_path()
        position = self.start
        for index, size, stride in zip(key, self.shape, self.strides):
            if index.__class__ is not int:
                raise _general_path()
            if index < 0:
                index += size
            if not 0 <= index < size:
                raise _general_path()
            position += index * stride
        return position

    def __getitem__(self, key: "object") -> "Any":
        return self.region.get(self.position(key))

    def __setitem__(self, key: "object", value: "object") -> "None":
        self.region.set(self.position(key), value)


class _Reversed:
    """Item access by full index for a window of native items whose axes are contiguous in
    reverse order (Fortran order): ``items`` is the memoryview of the reversed shape, which
    memoryview indexes in C with the reversed key."""

    __slots__ = ("items",)

    def __init__(self, items: "memoryview") -> "None":
        self.items = items

    def __getitem__(self, key: "Any") -> "Any":
        try:
            return self.items[key[::-1]]
        except IndexError:
            raise _general_path() from None

    def __setitem__(self, key: "Any", value: "Any") -> "None":
        try:
            self.items[key[::-1]] = value
        except IndexError:
            raise _general_path() from None


class _Decoded(_Strided):
    """A :class:`_Strided` window of numbers memoryview cannot read (another byte order, float16,
    complex64) whose reads go through ``bits``: its items as native unsigned ints of their size
    (in the reversed shape when ``reverse``), which memoryview finds in C, and ``decode`` makes
    into values. Writes go through :class:`_Strided`."""

    __slots__ = ("bits", "decode", "reverse")

    def __init__(
        self,
        region: "Region",
        start: "int",
        shape: "tuple[int, ...]",
        strides: "tuple[int, ...]",
        bits: "memoryview",
        decode: "Callable[[int], Any]",
        reverse: "bool",
    ) -> "None":
        super().__init__(region, start, shape, strides)
        self.bits = bits
        self.decode = decode
        self.reverse = reverse

    def __getitem__(self, key: "Any") -> "Any":
        try:
            return self.decode(self.bits[key[::-1] if self.reverse else key])
        except IndexError:
            raise _general_path() from None


def _item_access(region: "Region", start: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "Any":
    """What a window's full indices go through: the fastest its layout and element allow.

    A window that is contiguous in C order, or in reverse (Fortran order), gets a memoryview of
    its items (tracked, to be released on close): native items are that memoryview itself, or a
    :class:`_Reversed` of it; other numbers of 2, 4 or 8 bytes are read as unsigned ints and
    decoded (:class:`_Decoded`). Any other window, element or empty window: :class:`_Strided`.
    """
    element = region.element
    size = 1
    for n in shape:
        size *= n
    code = element._cast
    bits = None if code is not None else element.bits_reader()
    if bits is not None:
        code = bits[0]
    c_order = _is_contiguous(shape, strides)
    if code is None or not size or not (c_order or _is_contiguous(shape, strides, fortran=True)):
        return _Strided(region, start, shape, strides)
    itemsize = element.itemsize
    items = cast(region.data[start * itemsize : (start + size) * itemsize], code, shape if c_order else shape[::-1])
    region.track(items)
    if bits is not None:
        return _Decoded(region, start, shape, strides, items, bits[1], not c_order)
    return items if c_order else _Reversed(items)


def _c_strides(shape: "tuple[int, ...]") -> "tuple[int, ...]":
    if len(shape) < 3:
        return ((shape[1], 1) if len(shape) == 2 else (1,)) if shape else ()
    strides = [1] * len(shape)
    for axis in range(len(shape) - 1, 0, -1):
        strides[axis - 1] = strides[axis] * shape[axis]
    return tuple(strides)


def _is_contiguous(shape: "tuple[int, ...]", strides: "tuple[int, ...]", fortran: "bool" = False) -> "bool":
    if 0 in shape:
        return True
    expected = 1
    pairs = zip(shape, strides) if fortran else zip(reversed(shape), reversed(strides))
    for size, stride in pairs:
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def _is_fortran(shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "bool":
    """True for a Fortran-contiguous window that is not also C-contiguous (NumPy's reading)."""
    return len(shape) > 1 and not _is_contiguous(shape, strides) and _is_contiguous(shape, strides, fortran=True)


def _nest(values: "list[Any]", base: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "list[Any]":
    """Nested lists of ``values[base + sum(i_k * strides[k])]`` over ``shape``; O(size)."""
    size, stride = shape[0], strides[0]
    if len(shape) == 1:
        end = base + size * stride
        return values[base : end if end >= 0 else None : stride]
    inner_shape, inner_strides = shape[1:], strides[1:]
    return [_nest(values, base + i * stride, inner_shape, inner_strides) for i in range(size)]


def _group(rows: "list[Any]", shape: "tuple[int, ...]") -> "list[Any]":
    """The runs along the last axis of a window of ``shape``, in C order, nested as the window:
    the window's ``tolist()`` is the one element of the list returned. O(size / shape[-1])."""
    for size in reversed(shape[:-1]):
        rows = [rows[i : i + size] for i in range(0, len(rows), size)]
    return rows


def _stop(first: "int", count: "int", step: "int") -> "int | None":
    """The stop of the slice ``[first : stop : step]`` that holds ``count`` items (``None`` when
    a negative step runs to the start)."""
    stop = first + count * step
    return stop if stop >= 0 else None


class NpyArray(Generic[ItemT]):
    """A read-only n-d array of ``ItemT`` values (``float`` for ``float64``, ...) mapped from a ``.npy`` file (or a view of one).

    Indexing: ``a[i]`` (1-d), ``a[i, j, ...]`` with one int per axis (negative counts from the end)
    gives a value in O(ndim); slices and ``...`` (``a[2:10:2]``, ``a[i, :]``, ``a[..., 0]``) give
    zero-copy views in O(ndim). An integer index that does not name an item (``a[i]`` on a 2-d
    array) raises ``IndexError``: write ``a[i, ...]`` for the row view.
    After :meth:`close` every operation raises ``ValueError``.
    """

    __slots__ = ("_region", "_start", "_shape", "_strides", "_items", "_fortran", "_mode", "__weakref__")

    _region: "Region"
    _start: "int"
    _shape: "tuple[int, ...]"
    _strides: "tuple[int, ...]"
    _items: "Any"  # memoryview, _Reversed or _Strided: all indexable by a full index
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
        :func:`_item_access` chooses."""
        self = object.__new__(cls)
        self._region = region
        self._start = start
        self._shape = shape
        self._strides = strides
        self._fortran = fortran
        self._mode = mode
        self._items = _item_access(region, start, shape, strides) if items is None else items
        return self

    @classmethod
    def _root(cls, region: "Region", shape: "tuple[int, ...]", fortran_order: "bool", mode: "str") -> "Self":
        """The whole array of a region; a C-order native one gets the region's own n-d view."""
        if fortran_order and len(shape) > 1:
            return cls._make(region, 0, shape, _c_strides(shape[::-1])[::-1], True, mode)
        code = region.element._cast
        if code is None or not region.data.nbytes:
            return cls._make(region, 0, shape, _c_strides(shape), fortran_order, mode)
        region.root_view = items = cast(region.data, code, shape)
        return cls._make(region, 0, shape, _c_strides(shape), fortran_order, mode, items)

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
        return self._make(self._region, self._start, shape, strides, _is_fortran(shape, strides), self._mode)

    def __repr__(self) -> "str":
        state = ", closed" if self._region.closed else ""
        return (
            f"<npymmap.{type(self).__name__} shape={self._shape!r} element={self._region.element!r} "
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
                except (TypeError, NotImplementedError):
                    pass  # not a full integer index: slices, ..., or too few indices
            if key.__class__ is slice and key.step is None and self._items.__class__ is memoryview and not self._region.closed:
                # a[start:stop] of a C-contiguous native array: the view's memoryview is a slice of
                # this one's, made in C, with no cast and no contiguity checks.
                first, stop, _ = key.indices(self._shape[0])
                if first < stop:
                    items = self._items[first:stop]
                    self._region.track(items)
                    start = self._start + first * self._strides[0]
                    return self._make(self._region, start, (stop - first,) + self._shape[1:], self._strides, False, self._mode, items)
            if key.__class__ is tuple and len(key) == 2 and key[1] is Ellipsis and key[0].__class__ is int and len(self._shape) > 1:
                # a[i, ...], the row view (rows() makes one per row): what _locate gives, without its loop
                self._region.check_open()
                index, size = key[0], self._shape[0]
                if -size <= index < size:
                    shape, strides = self._shape[1:], self._strides[1:]
                    fortran = self._items.__class__ is not memoryview and _is_fortran(shape, strides)
                    start = self._start + index % size * self._strides[0]
                    return self._make(self._region, start, shape, strides, fortran, self._mode)
            located = self._locate(key)
            if isinstance(located, int):
                item = self._region.get(located)
                return item
            return located
        except Exception:
            self._region.closed_instead()
            raise

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
            raise IndexError(f"too many indices: {len(keys)} for a {ndim}-d array")
        start = self._start
        shape: "list[int]" = []
        strides: "list[int]" = []
        only_integers = True
        for axis, index in enumerate(keys):
            size, stride = self._shape[axis], self._strides[axis]
            if isinstance(index, slice):
                first, stop, step = index.indices(size)
                count = len(range(first, stop, step))
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
            raise IndexError(
                f"{len(keys)} index for a {ndim}-d array names no single item; "
                f"write a[{', '.join(map(str, keys))}, ...] for a view"
            )
        shape += self._shape[len(keys) :]
        strides += self._strides[len(keys) :]
        view_shape, view_strides = tuple(shape), tuple(strides)
        return self._make(self._region, start, view_shape, view_strides, _is_fortran(view_shape, view_strides), self._mode)

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

    def tolist(self) -> "Any":
        """The items as nested lists of Python values, in logical (C) order, as NumPy's
        ``tolist()``; a 0-d array gives its value. O(size); native numbers are made in C, a
        strided window's run by run, and only the window's own items are read."""
        return self._region.read_whole(self._tolist)

    def _tolist(self) -> "Any":
        items = self._items
        if items.__class__ is memoryview and not self._region.closed:
            if not self._shape:
                return items[()]  # PyPy aborts on tolist() of a 0-d memoryview
            # (PyPy undercounts nbytes of an n-d slice: such a slice then goes through memoryview.)
            if items.nbytes >= _ROWS_TOLIST_BYTES and items.format in _ARRAY_CODES:
                return self._rows_tolist(items)
            return items.tolist()
        self._region.check_open()
        size = self.size
        if size == 0:
            return _nest([], 0, self._shape, self._strides) if self._shape else []
        element, path = self._region.element, self._region.path
        if element._cast is not None:  # native numbers: each run along the last axis in C
            starts, count, step = self._runs()
            with self._units(element._cast) as flat:
                rows = [flat[start : _stop(start, count, step) : step].tolist() for start in starts]
            return _group(rows, self._shape)[0]
        if _is_contiguous(self._shape, self._strides):
            values = element.read(self._region.data, self._start, size, path)
        else:  # only this window's items: one it skips may not even decode (a U item, say)
            values = element.read(memoryview(self._gather()), 0, size, path)
        if not self._shape:
            return values[0]
        return _nest(values, 0, self._shape, _c_strides(self._shape))

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
        return _group(rows, self._shape)[0]  # type: ignore[no-any-return]

    def _runs(self) -> "tuple[list[int], int, int]":
        """The window as runs along its last axis: ``(starts, count, step)``, the first item of
        each run in logical (C) order, the items in a run and the step between them (in items).
        For windows that are not C-contiguous, so of one axis at least. O(size / count)."""
        starts = [self._start]
        for size, stride in zip(self._shape[:-1], self._strides[:-1]):
            starts = [start + i * stride for start in starts for i in range(size)]
        return starts, self._shape[-1], self._strides[-1]

    def _copies(self) -> "tuple[str, Iterator[tuple[slice, slice]]]":
        """How to move the window's items between the region's data and their bytes packed in
        logical (C) order: ``(code, pairs)``. Both are read as 1-d memoryviews of ``code``, the
        widest unsigned format whose size divides the item's (PyPy mishandles n-d slices), and
        each pair ``(in the data, in the packed)`` of slices is one copy, in C: a whole run along
        the last axis when its items are adjacent, else one such unit of every item of the run.
        O(size / count) pairs, times the units in an item for strided runs."""
        itemsize = self._region.element.itemsize
        unit, code = next((unit, code) for unit, code in UNSIGNED_FORMATS if itemsize % unit == 0)
        lanes = itemsize // unit
        starts, count, step = self._runs()
        run = count * lanes

        def pairs() -> "Iterator[tuple[slice, slice]]":
            for index, start in enumerate(starts):
                first = start * lanes
                if step == 1:
                    yield slice(first, first + run), slice(index * run, (index + 1) * run)
                    continue
                for lane in range(lanes):
                    stop = _stop(first + lane, count, step * lanes)
                    yield slice(first + lane, stop, step * lanes), slice(index * run + lane, (index + 1) * run, lanes)

        return code, pairs()

    def _units(self, code: "str") -> "memoryview[Any]":
        """The region's data as a 1-d memoryview of ``code``, whose size divides the item's
        (release it after use)."""
        data, itemsize = self._region.data, self._region.element.itemsize
        return cast(data[: len(data) - len(data) % itemsize if itemsize else 0], code)

    def _gather(self) -> "bytes":
        """The items' bytes in logical (C) order; O(nbytes), the copying in C."""
        packed = bytearray(self.size * self._region.element.itemsize)
        code, pairs = self._copies()
        with self._units(code) as units, cast(memoryview(packed), code) as packed_units:
            for in_data, in_packed in pairs:
                packed_units[in_packed] = units[in_data]
        return bytes(packed)

    def tobytes(self) -> "bytes":
        """The items' bytes in logical (C) order and the file's byte order, as NumPy's
        ``tobytes()``. O(nbytes); a single copy when the view is C-contiguous."""
        return self._region.read_whole(self._tobytes)

    def _tobytes(self) -> "bytes":
        self._region.check_open()
        itemsize = self._region.element.itemsize
        data = self._region.data
        if _is_contiguous(self._shape, self._strides):
            return bytes(data[self._start * itemsize : (self._start + self.size) * itemsize])
        return self._gather()

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
            if element._cast is None:
                raise TypeError(f"memoryview cannot hold {element.descr} ({element.name}) items; use tolist()")
            if not _is_contiguous(self._shape, self._strides):
                raise ValueError("memoryview needs a C-contiguous array; copy with tolist() or use .T")
            itemsize = element.itemsize
            window = self._region.data[self._start * itemsize : (self._start + self.size) * itemsize]
            view = cast(window, element._cast, self._shape if self.size else None)
            self._region.track(view)
            self._region.exported = True
            return view
        except Exception:
            self._region.closed_instead()
            raise

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

    # -- lifetime --------------------------------------------------------------------------------

    def check_file(self) -> "None":
        """Raise :class:`NpyFormatError` if the file has shrunk below what this map needs.

        Reading a mapped page past a file's end kills the process with SIGBUS: the one way a map
        can crash, when another program truncates the file. Call this before working through a
        file you do not control. One ``fstat`` of the mapped file; ``ValueError`` if closed.
        """
        self._region.check_file()

    def flush(self) -> "None":
        """Make writes durable: the changed pages are written and the file is ``fsync``-ed.

        Does nothing for ``'r'`` and ``'c'`` (which never write the file). ``ValueError`` if closed.
        """
        self._region.flush()

    def close(self) -> "None":
        """Flush, then unmap the file for this array and every view sharing its map.

        Idempotent. Views and memoryviews handed out raise ``ValueError`` afterwards.
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
                except (TypeError, ValueError, NotImplementedError):
                    pass  # not a full integer index, or a bad value: the general path says which
            located = self._locate(key)
            if isinstance(located, int):
                self._region.set(located, value)
            else:
                located._fill(value)
        except Exception:
            self._region.closed_instead()
            raise

    def _fill(self, value: "Any") -> "None":
        region = self._region
        element = region.element
        contiguous = _is_contiguous(self._shape, self._strides)
        if isinstance(value, list) or isinstance(value, tuple) and not element.is_record:
            encoded = element.pack(flatten(list(value), self._shape))  # (a tuple is one record's value)
        elif _is_one_value(value, element, self.nbytes):
            encoded = element.pack([value] * self.size)
        else:
            if contiguous and _has_buffer(value):
                with memoryview(value) as source_view:
                    if source_view.c_contiguous and element.same_format(source_view.format):
                        self._check_source_shape(tuple(source_view.shape or ()))
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
            code, pairs = self._copies()
            with self._units(code) as units, cast(memoryview(encoded), code) as encoded_units:
                for in_data, in_packed in pairs:
                    units[in_data] = encoded_units[in_packed]

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
            if not _is_contiguous(self._shape, self._strides):
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


def _has_buffer(value: "object") -> "bool":
    try:
        memoryview(value).release()  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _is_one_value(value: "object", element: "Element[Any]", nbytes: "int") -> "bool":
    """True when ``value`` assigned to a view of ``nbytes`` bytes is one item to fill it with,
    not an array of items: anything but an array or buffer; for strings and times also a
    ``str`` or ``bytes``; for records also a Structure or the bytes of one record (bytes of the
    whole view are its records)."""
    if isinstance(value, NpyArray):
        return False
    if not element.is_record:
        return isinstance(value, element.scalar_types) or not _has_buffer(value)
    if _structured_descr(value) is not None:
        return False
    if not _has_buffer(value):
        return True
    with memoryview(value) as view:  # type: ignore[arg-type]
        return not (view.format in _BYTE_FORMATS and view.nbytes == nbytes != element.itemsize)


def items_of(value: "Any", element: "Element[Any]") -> "tuple[tuple[int, ...], bytes]":
    """The shape of an array or buffer ``value`` and its items as ``element``'s bytes, in C order.

    ``value`` is an npymmap array; a NumPy structured array (read field by field through its
    ``__array_interface__`` descr, so another byte order or layout is converted, by position);
    or any buffer: copied as is when its format is the element's own (byte order included),
    plain bytes (format ``B``) as items already in the element's format when the element is a
    record, else read item by item and converted. Raises ``TypeError`` for a value that is none
    of these or whose items cannot be read or stored, ``OverflowError``/``ValueError`` as
    :meth:`Element.pack`. O(size).
    """
    if isinstance(value, NpyArray):
        if value.element == element:
            return value.shape, value.tobytes()
        return value.shape, element.pack(flatten(value.tolist(), value.shape))
    descr = _structured_descr(value)
    if descr is not None:
        return _records_of(value, descr, element)
    try:
        view = memoryview(value)
    except (TypeError, ValueError):  # ValueError: NumPy refuses to export some dtypes (datetime64)
        raise TypeError(f"cannot read {type(value).__name__} as items; give a buffer, an array or nested lists") from None
    with view:
        if element.is_record and view.format in _BYTE_FORMATS:
            if view.nbytes % element.itemsize if element.itemsize else view.nbytes:
                raise ValueError(f"{view.nbytes} bytes are not whole records of {element.itemsize} bytes")
            return (view.nbytes // element.itemsize if element.itemsize else 0,), _c_order_bytes(value, view)
        shape = tuple(view.shape or ())
        if element.same_format(view.format):
            return shape, _c_order_bytes(value, view)
        return shape, element.pack(_buffer_values(value, view))


# Buffer formats memoryview.tolist() reads (native ones; PyPy fails with a SystemError on others).
_MEMORYVIEW_READS = frozenset("?bBhHiIlLqQnNfd")
# Buffer formats of plain bytes.
_BYTE_FORMATS = frozenset(["B", "c"])


def _structured_descr(value: "object") -> "list[Any] | None":
    """The record descr of an object with NumPy's ``__array_interface__`` whose items are
    records with named fields (a NumPy structured array); ``None`` for anything else."""
    interface = getattr(value, "__array_interface__", None)
    descr = interface.get("descr") if isinstance(interface, dict) else None
    if isinstance(descr, list) and any(isinstance(entry, tuple) and entry[:1] != ("",) for entry in descr):
        return descr
    return None


def _records_of(value: "Any", descr: "list[Any]", element: "Element[Any]") -> "tuple[tuple[int, ...], bytes]":
    """:func:`items_of` for a NumPy structured array of record ``descr``: its bytes as they are
    when they are ``element``'s records, else its records read by their own descr and stored
    field by field, by position. ``TypeError`` for records npymmap cannot read."""
    try:
        source = lookup(descr)
    except NpyError as error:
        raise TypeError(f"cannot read records of {descr!r:.80}: {error.reason}") from None
    raw = value.tobytes()  # NumPy's own copy in C order (it exports no buffer of datetime fields)
    shape = tuple(value.__array_interface__["shape"])
    if element.accepts(source):
        return shape, raw
    count = len(raw) // source.itemsize if source.itemsize else 0
    return shape, element.pack(source.read(memoryview(raw), 0, count))


def _c_order_bytes(value: "Any", view: "memoryview") -> "bytes":
    """The bytes of the items of buffer ``value`` (``view`` its memoryview) in C order. A NumPy
    array copies itself: PyPy's ``memoryview.tobytes`` ignores strides, and there any other
    buffer that is not C-contiguous is a ``TypeError``."""
    if view.c_contiguous or not PYPY:
        return view.tobytes()
    if hasattr(value, "__array_interface__") and hasattr(value, "tobytes"):
        return value.tobytes()  # type: ignore[no-any-return]
    raise TypeError(f"PyPy cannot copy a buffer of format {view.format!r} that is not C-contiguous; pass a copy")


def _buffer_values(value: "Any", view: "memoryview") -> "list[Any]":
    """The items of buffer ``value`` (``view`` its memoryview) in C order, as Python values;
    fixed-width strings (struct ``s``, NumPy's ``w`` for UCS-4, ``x`` for raw void) are cut
    from its bytes."""
    code = view.format.lstrip("@=<>!").lstrip("0123456789")
    if code not in ("s", "w", "x"):
        if view.format.lstrip("@") in _MEMORYVIEW_READS:  # else another byte order, complex...: struct reads them
            return flatten(view.tolist() if view.ndim else view[()], tuple(view.shape or ()))
        import struct

        order = view.format[: len(view.format) - len(code)]
        complex_items = len(code) == 2 and code[0] == "Z"  # NumPy's complex: two floats, struct has no code
        try:
            if len(code) != 1 and not complex_items:
                raise struct.error
            unpacker = struct.Struct(order + "2" + code[1] if complex_items else view.format)
            if unpacker.size != view.itemsize:
                raise struct.error
            raw = _c_order_bytes(value, view)
            if complex_items:
                return [complex(*pair) for pair in unpacker.iter_unpack(raw)]
            return [item for (item,) in unpacker.iter_unpack(raw)]
        except struct.error:
            raise TypeError(f"cannot read the items of a buffer of format {view.format!r}") from None
    raw = _c_order_bytes(value, view)
    width = view.itemsize
    if code == "s":
        return [raw[k : k + width].rstrip(b"\0") for k in range(0, len(raw), width)]
    if code == "x":
        return [raw[k : k + width] for k in range(0, len(raw), width)]
    text = raw.decode(_utf32(view.format[:1]), "surrogatepass")
    return [text[k : k + width // 4].rstrip("\0") for k in range(0, len(text), width // 4)]


def _utf32(order: "str") -> "str":
    if order in (">", "!"):
        return "utf-32-be"
    if order == "<":
        return "utf-32-le"
    return "utf-32-be" if NATIVE_ORDER == ">" else "utf-32-le"
