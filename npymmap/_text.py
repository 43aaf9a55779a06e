"""Fixed-width text and raw bytes: NumPy's ``S`` (bytes, NUL-padded), ``U`` (str as UTF-32 in
either byte order) and ``V`` (raw bytes of exactly the width).

Items are sliced from the data and decoded; trailing NULs are stripped on read and padded on
write, as NumPy does. A value too long for its item is a ``ValueError``, never cut.
"""

from _codecs import utf_32_be_decode, utf_32_be_encode, utf_32_le_decode, utf_32_le_encode
from itertools import repeat
from _operator import itemgetter  # (operator, which re-exports it, costs 0.8 ms to import)

from ._base import PYPY, TYPE_CHECKING, NpyFormatError, cached
from ._element import CHUNK, NATIVE_ORDER, Element, T, interned

if TYPE_CHECKING:
    from typing import Any, Callable, Iterable

_UTF32_LE = (utf_32_le_encode, utf_32_le_decode)
_UTF32_BE = (utf_32_be_encode, utf_32_be_decode)
_CUTTERS: "dict[tuple[int, int], Callable[[str], tuple[str, ...]]]" = {}


def cut(text: "str", width: "int", count: "int") -> "list[str]":
    """The ``count`` items of ``width`` characters each that make ``text``, trailing NULs
    stripped, a chunk of at most 1,024 items at a time (in C, while the chunk is in cache). A
    chunk whose items all start with a character and end with NUL padding is split at its NULs
    (:func:`_split`: one ``str`` an item; not on PyPy); any other is cut by an ``itemgetter`` of
    slices, cached per (width, chunk), and stripped by ``map``. O(count)."""
    if width == 0 or count < 2:
        return [text[:width].rstrip("\0")] * count
    items: "list[str]" = []
    for begin in range(0, count, CHUNK):
        size = min(CHUNK, count - begin)
        chunk = text if size == count else text[begin * width : (begin + size) * width]
        split = None if PYPY else _split(chunk, width, size)  # (PyPy's UTF-8 strings slice slower by step)
        if split is not None:
            items += split
            continue
        cutter = cached(_CUTTERS, (width, size), lambda: itemgetter(*[slice(k, k + width) for k in range(0, size * width, width)]))
        items += map(str.rstrip, cutter(chunk) if size > 1 else (chunk,), repeat("\0"))
    return items


def _split(chunk: "str", width: "int", count: "int") -> "list[str] | None":
    """The NUL-stripped items of ``chunk`` as the non-empty pieces between its NULs, when that is
    what they are, else ``None``. Each item that starts with a character and ends with NUL gives
    at least one piece, and more only when it holds a NUL between characters: so when every item
    is such and there are exactly ``count`` pieces, the pieces are the items. O(count), in C."""
    if chunk[width - 1 :: width].strip("\0") or "\0" in chunk[::width]:
        return None  # an item fills its width, or is empty or starts with NUL
    pieces = list(filter(None, chunk.split("\0")))
    return pieces if len(pieces) == count else None


class TextElement(Element[T]):
    """What the three fixed-width kinds share: an item is ``width`` units of ``_unit`` bytes, read
    by slicing its bytes and decoding them (:meth:`_decode`), stored by encoding the value and
    padding it with NULs (:meth:`_encode`)."""

    __slots__ = ()

    _kind = ""  # NumPy's kind letter
    _unit = 1  # bytes per unit of the width
    _factory = ""  # the npymmap function that makes one
    scalar_types = (str, bytes, bytearray, memoryview)

    def __init__(self, name: "str", byteorder: "str") -> "None":
        width = int(name[1:])
        byteorder = byteorder if self._unit > 1 else "|"
        super().__init__(name, self._kind, width * self._unit, byteorder, f"{byteorder}{self._kind}{width}")

    @classmethod
    def parse(cls, code: "str") -> "str | None":
        """``'S5'`` for ``'S5'``, ``'S05'`` and (width 0) ``'S'``, as NumPy reads them; ``None``
        for any other code."""
        digits = code[1:] or "0"
        if code[:1] != cls._kind or not (digits.isascii() and digits.isdecimal()) or len(digits) > 10:
            return None
        return f"{cls._kind}{int(digits)}"

    @property
    def width(self) -> "int":
        """The width NumPy names it by: characters for ``U``, bytes for ``S`` and ``V``."""
        return self.itemsize // self._unit

    def _constructor(self) -> "str":
        return f"{self._factory}({self.width})"

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], T]":
        """As :meth:`Element.reader`; a ``U`` item holding a code above U+10FFFF raises
        :class:`NpyFormatError` naming ``path``."""
        size, decode = self.itemsize, self._decode
        return lambda i: decode(flat[i * size : (i + 1) * size].tobytes(), path)

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        """As :meth:`Element.read`; the items are unpacked from the data in C (:meth:`read_runs`)."""
        return self.read_runs(data, [start], count, 1, path)[0]

    def read_runs(self, data: "memoryview", starts: "list[int]", count: "int", step: "int", path: "str | None" = None) -> "list[list[T]]":
        """As :meth:`Element.read_runs`; the items are unpacked straight from the data by
        :mod:`struct`, then made values a chunk at a time (:meth:`_values`)."""
        return self._struct_runs(data, starts, count, step, self._values)

    def _values(self, raw: "tuple[bytes, ...]") -> "Iterable[T]":
        """The values of items from their bytes, as struct unpacked them."""
        raise NotImplementedError

    def writer(self, flat: "memoryview") -> "Callable[[int, T], None]":
        size = self.itemsize

        def store_text(i: "int", value: "T") -> "None":
            flat[i * size : (i + 1) * size] = self._encode(value)

        return store_text

    def pack(self, values: "list[Any]") -> "bytes":
        """As :meth:`Element.pack`: values of the exact type that fit are padded and joined in C;
        any other list goes value by value, which takes ``bytearray`` and ``memoryview`` too and
        words the first value that does not fit."""
        try:
            if max(map(len, values), default=0) <= self.width:
                return self._join(values)
        except TypeError:
            pass
        return b"".join(map(self._encode, values))

    def _join(self, values: "list[Any]") -> "bytes":
        """The items of ``values``, each of at most ``width`` units, padded and joined in C;
        ``TypeError`` for any value not of the kind's exact type."""
        raise NotImplementedError

    def struct_codes(self, count: "int") -> "str":
        return f"{self.itemsize}s" * count

    def from_struct(self, parts: "Any", path: "str | None") -> "T":
        return self._decode(next(parts), path)

    def to_struct(self, value: "Any") -> "tuple[Any, ...]":
        return (self._encode(value),)

    def field_ctype(self, swapped: "bool", field: "str") -> "Any":
        import ctypes

        return ctypes.c_char * self.itemsize

    def _decode(self, raw: "bytes", path: "str | None" = None) -> "T":
        """One item's value from its bytes."""
        raise NotImplementedError

    def _raw(self, value: "Any") -> "bytes":
        """The bytes a value stores, unpadded; ``TypeError`` for a value of the wrong type."""
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value)
        raise self._bad_value(value)

    def _encode(self, value: "Any") -> "bytes":
        """One item's bytes, padded with NULs; ``ValueError`` for a value too long to fit."""
        raw = self._raw(value)
        if len(raw) > self.itemsize:
            size = f"{self.width} characters" if self._unit > 1 else f"{self.itemsize} bytes"
            raise ValueError(f"{value!r:.40} does not fit a {self.descr} item ({size})")
        return raw.ljust(self.itemsize, b"\0")

    def _bad_value(self, value: "object") -> "Exception":
        return TypeError(f"cannot store {type(value).__name__} {value!r:.40} in a {self.name} array")


class BytesElement(TextElement[T]):
    """NumPy's ``S<width>``: bytes of at most ``width``, NUL-padded; read with trailing NULs
    stripped."""

    __slots__ = ()
    _kind = "S"
    _factory = "bytes_"

    def _decode(self, raw: "bytes", path: "str | None" = None) -> "T":
        return raw.rstrip(b"\0")  # type: ignore[return-value]

    def _values(self, raw: "tuple[bytes, ...]") -> "Iterable[T]":
        return map(bytes.rstrip, raw, repeat(b"\0"))  # type: ignore[arg-type]

    def _join(self, values: "list[Any]") -> "bytes":
        return b"".join(map(bytes.ljust, values, repeat(self.itemsize), repeat(b"\0")))

    def _encode(self, value: "Any") -> "bytes":
        if value.__class__ is bytes and len(value) <= self.itemsize:
            return value.ljust(self.itemsize, b"\0")
        return super()._encode(value)


class VoidElement(TextElement[T]):
    """NumPy's ``V<width>``: raw items of exactly ``width`` bytes, read as they are."""

    __slots__ = ()
    _kind = "V"
    _factory = "void"

    def _decode(self, raw: "bytes", path: "str | None" = None) -> "T":
        return raw  # type: ignore[return-value]

    def _values(self, raw: "tuple[bytes, ...]") -> "Iterable[T]":
        return raw  # type: ignore[return-value]

    def _join(self, values: "list[Any]") -> "bytes":
        if min(map(len, values), default=self.itemsize) != self.itemsize:
            raise TypeError("not all of the item's width")
        return b"".join(values)

    def _encode(self, value: "Any") -> "bytes":
        raw = self._raw(value)
        if len(raw) != self.itemsize:
            raise ValueError(f"{value!r:.40} does not fit a {self.descr} item (exactly {self.itemsize} bytes)")
        return raw


class StrElement(TextElement[T]):
    """NumPy's ``U<width>``: ``str`` of at most ``width`` characters as UTF-32 in either byte
    order. Lone surrogates are characters too, read and stored as NumPy does; a code above
    U+10FFFF, which no ``str`` holds, is :class:`NpyFormatError` naming the file."""

    __slots__ = ()
    _kind = "U"
    _unit = 4
    _factory = "str_"

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        """As :meth:`Element.read`; the text is decoded as one block, then cut."""
        size = self.itemsize
        text = self._decode_block(data[start * size : (start + count) * size].tobytes(), path)
        return cut(text, self.width, count)  # type: ignore[return-value]

    def read_runs(self, data: "memoryview", starts: "list[int]", count: "int", step: "int", path: "str | None" = None) -> "list[list[T]]":
        """As :meth:`Element.read_runs`: the runs' bytes copied together, then decoded as one
        block (one decode beats one per item)."""
        return Element.read_runs(self, data, starts, count, step, path)

    def _join(self, values: "list[Any]") -> "bytes":
        return self._utf32()[0]("".join(map(str.ljust, values, repeat(self.width), repeat("\0"))), "surrogatepass")[0]

    def _encode(self, value: "Any") -> "bytes":
        if value.__class__ is str and len(value) <= self.width:
            return self._utf32()[0](value.ljust(self.width, "\0"), "surrogatepass")[0]
        return super()._encode(value)

    def check_items(self, raw: "bytes", path: "str | None") -> "None":
        """Every item decodes: no code above U+10FFFF."""
        self._decode_block(raw, path)

    def field_ctype(self, swapped: "bool", field: "str") -> "Any":
        import ctypes

        return ctypes.c_uint32 * self.width

    def _decode(self, raw: "bytes", path: "str | None" = None) -> "T":
        return self._decode_block(raw, path).rstrip("\0")  # type: ignore[return-value]

    def _decode_block(self, raw: "bytes", path: "str | None") -> "str":
        try:
            return self._utf32()[1](raw, "surrogatepass", True)[0]
        except UnicodeDecodeError as error:
            reason = f"{self.descr} item holds {raw[error.start:error.end]!r}, not a Unicode character"
            raise NpyFormatError(reason, path) from None

    def _raw(self, value: "Any") -> "bytes":
        if not isinstance(value, str):
            raise self._bad_value(value)
        return self._utf32()[0](value, "surrogatepass")[0]  # as NumPy stores them

    def _utf32(self) -> "tuple[Callable[..., tuple[bytes, int]], Callable[..., tuple[str, int]]]":
        """The UTF-32 encoder and decoder of this byte order, called directly: ``str.encode``
        would look the codec up by name on every call (0.3 us of a 0.45 us decode)."""
        return _UTF32_BE if self.byteorder == ">" else _UTF32_LE


def bytes_(width: "int") -> "Element[bytes]":
    """NumPy's ``S<width>``: byte strings of at most ``width`` bytes, NUL-padded in the file;
    items read as ``bytes`` with trailing NULs stripped. ``ValueError`` for a negative width; a
    width of 0 holds only ``b''``, as NumPy's ``S0``."""
    element: "Element[bytes]" = interned(BytesElement, f"S{_width(width)}", "|")
    return element


def str_(width: "int") -> "Element[str]":
    """NumPy's ``U<width>``: strings of at most ``width`` characters stored as UTF-32 (either byte
    order); items read as ``str`` with trailing NULs stripped. ``ValueError`` for a negative width."""
    element: "Element[str]" = interned(StrElement, f"U{_width(width)}", NATIVE_ORDER)
    return element


def void(width: "int") -> "Element[bytes]":
    """NumPy's ``V<width>``: raw items of exactly ``width`` bytes, read as ``bytes`` (``V0``, which
    NumPy writes for an array of empty records, holds only ``b''``)."""
    element: "Element[bytes]" = interned(VoidElement, f"V{_width(width)}", "|")
    return element


def _width(width: "int") -> "int":
    if type(width) is not int or width < 0:
        raise ValueError(f"width must be a non-negative int, got {width!r}")
    return width
