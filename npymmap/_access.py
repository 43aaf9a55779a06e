"""Item access by full index: the fastest way a window's layout and element allow.

Every full-index fast path (an n-d memoryview, :class:`Reversed`, :class:`Decoded`,
:class:`Strided`) follows **the fast-path rule**: it either gives the item or raises
``TypeError`` — for a key that is not a full index of ints, and for an out-of-bounds index too
(:func:`general_path`; a memoryview's own ``IndexError`` is taken the same way) — and the caller
then takes the general path (``NpyArray._locate``), which also words every ``IndexError`` with the
axis and its size. So a fast path never words an error of its own.
"""

from ._base import PYPY, TYPE_CHECKING
from ._layout import cast, is_contiguous, stop

if TYPE_CHECKING:
    from typing import Any, Callable

    from ._region import Region


def general_path() -> "TypeError":
    """The error by which a fast path hands a key to the general path (see the module's doc)."""
    return TypeError("not an in-bounds full index: the general path reads it")


class Strided:
    """Item access by full index for windows memoryview cannot index: any strides, any element.

    ``offsets`` holds, per axis, ``range(0, size * stride, stride)``: indexing it with an int
    checks the bounds, counts a negative index from the end and multiplies by the stride, in C.
    """

    __slots__ = ("region", "start", "offsets")

    def __init__(self, region: "Region", start: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "None":
        self.region = region
        self.start = start
        self.offsets = tuple(range(0, size * stride, stride) if stride else (0,) * size for size, stride in zip(shape, strides))

    def position(self, key: "Any") -> "int":
        """The item position an in-bounds full index of ints names; for any other key, the
        fast-path rule's ``TypeError``."""
        offsets = self.offsets
        try:
            if key.__class__ is tuple and len(key) == 2 == len(offsets) and key[0].__class__ is int and key[1].__class__ is int:
                return self.start + offsets[0][key[0]] + offsets[1][key[1]]
            if key.__class__ is int:
                key = (key,)
            if key.__class__ is not tuple or len(key) != len(offsets):
                raise general_path()
            position = self.start
            for index, axis in zip(key, offsets):
                if index.__class__ is not int:
                    raise general_path()
                position += axis[index]
            return position
        except IndexError:
            raise general_path() from None

    def __getitem__(self, key: "object") -> "Any":
        position = self.position(key)  # first: a key that is no full index never binds the reader
        return self.region.get(position)

    def __setitem__(self, key: "object", value: "object") -> "None":
        position = self.position(key)
        self.region.set(position, value)


class Reversed:
    """Item access by full index for a window of native items whose axes are contiguous in
    reverse order (Fortran order): ``items`` is the memoryview of the reversed shape, which
    memoryview indexes in C with the reversed key. (Stores: a writable such window stores into
    ``items`` itself, see ``_FortranWritableNpyArray``.)"""

    __slots__ = ("items",)

    def __init__(self, items: "memoryview") -> "None":
        self.items = items

    def __getitem__(self, key: "Any") -> "Any":
        try:
            return self.items[key[::-1]]
        except IndexError:
            raise general_path() from None


class Decoded(Strided):
    """A :class:`Strided` window of numbers memoryview cannot read (another byte order, float16,
    complex64) that goes through ``bits``: its items as native unsigned ints of their size (in
    the reversed shape when ``reverse``), which memoryview finds and stores in C; ``decode`` makes
    such an int into a value and ``encode`` a value into one. A value ``encode`` does not take
    (a float too large for float16, a string) goes through :class:`Strided`, whose writer stores
    it as NumPy does or words the error."""

    __slots__ = ("bits", "decode", "encode", "reverse")

    def __init__(
        self,
        region: "Region",
        start: "int",
        shape: "tuple[int, ...]",
        strides: "tuple[int, ...]",
        bits: "memoryview",
        decode: "Callable[[int], Any]",
        encode: "Callable[[Any], int]",
        reverse: "bool",
    ) -> "None":
        super().__init__(region, start, shape, strides)
        self.bits = bits
        self.decode = decode
        self.encode = encode
        self.reverse = reverse

    def __getitem__(self, key: "Any") -> "Any":
        try:
            return self.decode(self.bits[key[::-1] if self.reverse else key])
        except IndexError:
            raise general_path() from None

    def __setitem__(self, key: "Any", value: "Any") -> "None":
        try:
            bits = self.encode(value)
        except Exception:  # struct.error, OverflowError, AttributeError: the writer knows better
            Strided.__setitem__(self, key, value)
            return
        try:
            self.bits[key[::-1] if self.reverse else key] = bits
        except IndexError:
            raise general_path() from None


def item_access(region: "Region", start: "int", shape: "tuple[int, ...]", strides: "tuple[int, ...]") -> "Any":
    """What a window's full indices go through: the fastest its layout and element allow.

    A 1-d window of native items, any step (on PyPy: contiguous), is a slice of the region's flat
    memoryview (a column, ``a[::2]``). A window that is contiguous in C order, or in reverse
    (Fortran order), gets a memoryview of its items: native items are that memoryview itself, or
    a :class:`Reversed` of it; other numbers of 2, 4 or 8 bytes are read as unsigned ints and decoded
    (:class:`Decoded`). Any other window, element or empty window (and a 0-d one on PyPy):
    :class:`Strided`. The memoryviews are tracked, to be released on close.
    """
    element = region.element
    size = 1
    for n in shape:
        size *= n
    code = element.memoryview_format
    if code is not None and len(shape) == 1 and size and (strides[0] == 1 or not PYPY):
        # (PyPy stores through a tuple key into a strided memoryview at the wrong place)
        step = strides[0]
        items = region.flat[start : stop(start, size, step) : step]
        region.track(items)
        return items
    bits = None if code is not None else element.bits_codec()
    if bits is not None:
        code = bits[0]
    c_order = is_contiguous(shape, strides)
    # (PyPy's 0-d memoryview stores through an int key, a[0] = v, where it must refuse it.)
    if code is None or not size or PYPY and not shape or not (c_order or is_contiguous(shape, strides, fortran=True)):
        return Strided(region, start, shape, strides)
    itemsize = element.itemsize
    items = cast(region.data[start * itemsize : (start + size) * itemsize], code, shape if c_order else shape[::-1])
    region.track(items)
    if bits is not None:
        return Decoded(region, start, shape, strides, items, bits[1], bits[2], not c_order)
    return items if c_order else Reversed(items)
