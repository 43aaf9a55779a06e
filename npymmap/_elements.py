"""Element types: what one item of an array is, in bytes and as a Python value.

An :class:`Element` knows its NumPy name, kind, size and byte order, and how to move values
between file bytes and Python objects. Numbers (datetime64 and timedelta64 are int64 counts) go
through a memoryview cast when the bytes are a native format memoryview knows (the C fast path),
else through :mod:`struct` with an explicit byte order (float16, complex, the other byte order).
Fixed-width strings (``S``, ``U``, ``V``) are a :class:`TextElement`, whose items are sliced and
decoded; records are a ``RecordElement`` (``_records.py``). Elements are interned: there is one
object per (name, byte order), so ``is`` and ``==`` agree. Other modules ask an element what they
need (``is_record``, ``scalar_types``, ``same_format``, ...), never its kind letter.
"""

import sys

from ._base import PYPY, DtypeMismatchError, NpyError, NpyFormatError, UnsupportedDtypeError
from ._base import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    import ctypes
    from typing import Any, Callable

    from ._base import Descr

    StructureT = TypeVar("StructureT", bound=ctypes.Structure)

T = TypeVar("T")

NATIVE_ORDER = "<" if sys.byteorder == "little" else ">"
_MEMORYVIEW_FORMATS = frozenset("?bBhHiIqQfd")
# The native unsigned formats by size, widest first: how items memoryview cannot read are moved
# and found (bits_reader here, strided copies in _array).
UNSIGNED_FORMATS = ((8, "Q"), (4, "I"), (2, "H"), (1, "B"))
# name: (kind, itemsize, struct code, ctypes name) of the fixed-size elements
_SPECS = {
    "bool_": ("b", 1, "?", "c_bool"),
    "int8": ("i", 1, "b", "c_int8"),
    "int16": ("i", 2, "h", "c_int16"),
    "int32": ("i", 4, "i", "c_int32"),
    "int64": ("i", 8, "q", "c_int64"),
    "uint8": ("u", 1, "B", "c_uint8"),
    "uint16": ("u", 2, "H", "c_uint16"),
    "uint32": ("u", 4, "I", "c_uint32"),
    "uint64": ("u", 8, "Q", "c_uint64"),
    "float16": ("f", 2, "e", ""),
    "float32": ("f", 4, "f", "c_float"),
    "float64": ("f", 8, "d", "c_double"),
    "complex64": ("c", 8, "f", "c_float"),
    "complex128": ("c", 16, "d", "c_double"),
}


class Element(Generic[T]):
    """One item type of an array, with ``T`` the Python type of its values.

    ``name`` is NumPy's (``'float64'``), ``kind`` NumPy's kind letter (``b i u f c``), ``itemsize``
    the bytes per item, ``byteorder`` ``'<'``, ``'>'`` or ``'|'`` (one byte, no order) and
    ``descr`` the string a ``.npy`` header uses (``'<f8'``). The module-level elements
    (``npymmap.float64``, ...) are in native byte order; :meth:`newbyteorder` gives the others.
    """

    __slots__ = ("name", "kind", "itemsize", "byteorder", "descr", "unit", "_code", "_count", "_cast", "_ctype", "_bits")

    descr: "Descr"  # a str, or a list of fields for a record

    def __init__(self, name: "str", byteorder: "str") -> "None":
        kind, itemsize, code, ctype, unit = _spec(name)
        self.name = name
        self.kind = kind
        self.itemsize = itemsize
        self.byteorder = "|" if itemsize == 1 else byteorder
        self.unit = unit
        self.descr = f"{self.byteorder}{kind}{itemsize}{f'[{unit}]' if unit else ''}"
        self._code = code
        self._count = 2 if kind == "c" else 1
        native = self.byteorder in ("|", NATIVE_ORDER)
        self._cast = code if native and kind != "c" and code in _MEMORYVIEW_FORMATS else None
        self._ctype = ctype
        self._bits: "tuple[str, Callable[[int], Any]] | None | bool" = False  # made by bits_reader()

    def __repr__(self) -> "str":
        if self.kind in "Mm":
            unit = repr(self.unit) if self.unit else ""
            call = f"npymmap.{self.name.split('[')[0]}({unit})"
        else:
            call = f"npymmap.{self.name}"
        return call if self.byteorder in ("|", NATIVE_ORDER) else f"{call}.newbyteorder({self.byteorder!r})"

    def __reduce__(self) -> "tuple[Callable[[Descr], Element[Any]], tuple[Descr]]":
        return (lookup, (self.descr,))

    def newbyteorder(self, byteorder: "str") -> "Element[T]":
        """The same element in another byte order: ``'<'``, ``'>'``, ``'='`` (native) or ``'|'``.

        One-byte elements have no byte order and return themselves. Raises ``ValueError`` for any
        other string.
        """
        if byteorder in ("=", "|"):
            byteorder = NATIVE_ORDER
        if byteorder not in ("<", ">"):
            raise ValueError(f"byte order must be '<', '>', '=' or '|', got {byteorder!r}")
        element: "Element[T]" = _interned(self.name, byteorder)
        return element

    def accepts(self, other: "Element[Any]") -> "bool":
        """True when a file of element ``other`` can be opened as this element: the same NumPy
        type (kind and size), in either byte order."""
        return other.name == self.name

    def interface_descr(self) -> "Any":
        """This element as NumPy's ``__array_interface__`` describes it (records override it)."""
        return self.descr

    # -- what other modules ask of an element (they never read its kind letter) --------------------

    is_record = False  # records are tuples or Structures, and bytes of one record are one value

    @property
    def scalar_types(self) -> "tuple[type, ...]":
        """The types of a value that fills a view as one item, rather than being read as a
        buffer of items: bytes are a buffer of numbers, but one value for string and time items."""
        return _NUMBER_SCALARS if self.kind in "biufc" else _TEXT_SCALARS

    @property
    def ctype_axes(self) -> "tuple[int, ...]":
        """The axes :meth:`ctype` adds to an item: ``(2,)`` for complex (real, imaginary)."""
        return (2,) if self.kind == "c" else ()

    def same_format(self, format: "str") -> "bool":
        """True when buffer items of this struct ``format`` have exactly this element's bytes
        (kind, size and byte order; times are int64), so they are copied as they are."""
        order, code = (format[0], format[1:]) if format[:1] in ("<", ">", "!", "=", "@") else ("@", format)
        if _FORMAT_KINDS.get(code) != ("i" if self.kind in "Mm" else self.kind):
            return False
        import struct

        try:
            itemsize = struct.calcsize(order + code[-1]) * (2 if code[0] == "Z" else 1)
        except struct.error:
            return False
        if itemsize != self.itemsize:
            return False
        byteorder = NATIVE_ORDER if order in ("@", "=") else ">" if order == "!" else order
        return itemsize == 1 or byteorder == self.byteorder

    @property
    def is_native(self) -> "bool":
        """True when items are stored in this machine's byte order (always for one-byte items)."""
        return self.byteorder in ("|", NATIVE_ORDER)

    # -- moving values: every function takes the data region as a byte memoryview and positions
    #    counted in items from its start.

    def _struct_format(self, count: "int") -> "str":
        order = "<" if self.byteorder == "|" else self.byteorder
        return f"{order}{count * self._count}{self._code}"

    def flat(self, data: "memoryview") -> "memoryview":
        """The view :meth:`reader` and :meth:`writer` work on: ``data`` cast to the item format
        when that is a native one memoryview knows, else ``data`` itself."""
        return data if self._cast is None else cast(data, self._cast)

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], T]":
        """A function giving the value of item ``i`` of ``flat`` (from :meth:`flat`); O(1).
        (``path`` names the file in a fault of an item's bytes.)"""
        if self._cast is not None:
            return flat.__getitem__  # type: ignore[return-value]
        size = self.itemsize
        import struct

        unpack_from = struct.Struct(self._struct_format(1)).unpack_from
        if self._count == 2:
            return lambda i: complex(*unpack_from(flat, i * size))  # type: ignore[return-value]
        return lambda i: unpack_from(flat, i * size)[0]

    def bits_reader(self) -> "tuple[str, Callable[[int], T]] | None":
        """For numbers memoryview cannot read (another byte order, float16, complex64) of 2, 4 or
        8 bytes (one-byte numbers are all native): the native unsigned format of that size, and a function making the value from
        such an unsigned int (the item's bytes as this machine reads them). Else ``None``.
        Made once per element."""
        if self._bits is False:
            code = dict(UNSIGNED_FORMATS).get(self.itemsize)
            self._bits = None
            if self._cast is None and code is not None and self.kind in "iufcmM":
                import struct

                unpack, size, order = struct.Struct(self._struct_format(1)).unpack, self.itemsize, sys.byteorder
                decode: "Callable[[int], Any]"
                if self._count == 2:
                    decode = lambda bits: complex(*unpack(bits.to_bytes(size, order)))  # noqa: E731
                else:
                    decode = lambda bits: unpack(bits.to_bytes(size, order))[0]  # noqa: E731
                self._bits = code, decode
        return self._bits  # type: ignore[return-value]

    def writer(self, flat: "memoryview") -> "Callable[[int, T], None]":
        """A function storing a value as item ``i`` of ``flat`` (from :meth:`flat`); O(1).

        Raises ``TypeError`` for a value of the wrong type and ``OverflowError`` for an int out of
        range; floats too large for float16/float32 become infinities, as in NumPy.
        """
        if self._cast is not None:

            def store_native(i: "int", value: "T") -> "None":
                try:
                    flat[i] = value  # type: ignore[call-overload]
                except (TypeError, ValueError):
                    raise self._bad_value(value) from None

            return store_native
        size = self.itemsize
        import struct

        pack = struct.Struct(self._struct_format(1)).pack

        def store(i: "int", value: "T") -> "None":
            try:
                packed = pack(*self._flatten_one(value))  # before any byte is stored
            except (struct.error, ValueError):  # PyPy: ValueError for a negative unsigned
                raise self._bad_value(value) from None
            flat[i * size : (i + 1) * size] = packed

        return store

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        """Items ``start`` to ``start + count`` of ``data`` as a list; one C call, O(count).
        (``path`` names the file in a fault of an item's bytes.)"""
        size = self.itemsize
        if self._cast is not None:
            return cast(data[start * size : (start + count) * size], self._cast).tolist()  # type: ignore[return-value]
        import struct

        values = struct.unpack_from(self._struct_format(count), data, start * size)
        if self._count == 2:
            return list(map(complex, values[0::2], values[1::2]))  # type: ignore[arg-type]
        return list(values)

    def pack(self, values: "list[Any]") -> "bytes":
        """The bytes of ``values`` as consecutive items; raises for the first value that cannot be
        stored (``TypeError``, ``OverflowError`` or ``ValueError``) without storing anything."""
        import struct

        numbers = values if self._count == 1 else [part for value in values for part in self._flatten_one(value)]
        try:
            return struct.pack(self._struct_format(len(values)), *numbers)
        except (struct.error, OverflowError, TypeError, ValueError):
            pass  # convert each value as one store would: floats too large become inf, others raise
        numbers = [part for value in values for part in self._flatten_one(value)]
        try:
            return struct.pack(self._struct_format(len(values)), *numbers)
        except (struct.error, ValueError):  # PyPy: ValueError for a negative unsigned
            one = struct.Struct(self._struct_format(1))
            for value in values:  # find the culprit, for an error that names it
                try:
                    one.pack(*self._flatten_one(value))
                except (struct.error, ValueError):
                    raise self._bad_value(value) from None
            raise

    def _flatten_one(self, value: "Any") -> "tuple[Any, ...]":
        if isinstance(value, (str, bytes, bytearray)):
            raise self._bad_value(value)  # float("1.5") would take it; NumPy's typed stores do not
        try:
            if self._count == 2:
                number = complex(value)
                return (_fit_float(self._code, number.real), _fit_float(self._code, number.imag))
            if self.kind == "f":
                return (_fit_float(self._code, float(value)),)
            if self.kind == "b":
                return (bool(value),)
            return (value.__index__(),)
        except (TypeError, AttributeError, ValueError):
            raise self._bad_value(value) from None

    def _bad_value(self, value: "object") -> "Exception":
        if self.kind in "iuMm" and isinstance(value, int):
            low, high = _int_range(self)
            return OverflowError(f"{value} is out of range for {self.name} ({low} to {high})")
        return TypeError(f"cannot store {type(value).__name__} {value!r:.40} in a {self.name} array")

    def ctype(self) -> "type[ctypes._SimpleCData[Any]]":
        """The ctypes type of one item in this byte order (complex: of its real part).

        Imports :mod:`ctypes` on first use. Raises :class:`UnsupportedDtypeError` for float16,
        which ctypes has no type for, or when ctypes cannot be imported.
        """
        if not self._ctype:
            raise UnsupportedDtypeError(f"ctypes has no type for {self.name}")
        try:
            import ctypes
        except ImportError as error:
            raise UnsupportedDtypeError(f"{self.name} needs the ctypes module, which is missing: {error}") from None
        base = getattr(ctypes, self._ctype)
        if self.is_native:
            return base  # type: ignore[no-any-return]
        if PYPY and self.kind in "iMm":
            raise UnsupportedDtypeError(f"PyPy's ctypes reads byte-swapped {self.name} as unsigned; use tolist() or indexing")
        return getattr(base, "__ctype_be__" if self.byteorder == ">" else "__ctype_le__")  # type: ignore[no-any-return]


class TextElement(Element[T]):
    """NumPy's fixed-width strings: ``S`` (``bytes``, NUL-padded), ``U`` (``str`` as UTF-32 in
    either byte order) and ``V`` (raw ``bytes`` of exactly the width). Items are sliced from the
    data and decoded; trailing NULs are stripped on read and padded on write, as NumPy does."""

    __slots__ = ()

    def __init__(self, name: "str", byteorder: "str") -> "None":
        super().__init__(name, byteorder)
        if self.kind != "U":
            self.byteorder = "|"
        self.descr = f"{self.byteorder}{self.kind}{self.width}"

    @property
    def width(self) -> "int":
        """The width NumPy names it by: characters for ``U``, bytes for ``S`` and ``V``."""
        return self.itemsize // 4 if self.kind == "U" else self.itemsize

    def __repr__(self) -> "str":
        call = f"npymmap.{_TEXT_FACTORIES[self.kind]}({self.width})"
        return call if self.byteorder in ("|", NATIVE_ORDER) else f"{call}.newbyteorder({self.byteorder!r})"

    @property
    def scalar_types(self) -> "tuple[type, ...]":
        return _TEXT_SCALARS

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], T]":
        """As :meth:`Element.reader`; a ``U`` item holding a code above U+10FFFF raises
        :class:`NpyFormatError` naming ``path``."""
        size, decode = self.itemsize, self._decode
        return lambda i: decode(flat[i * size : (i + 1) * size].tobytes(), path)

    def writer(self, flat: "memoryview") -> "Callable[[int, T], None]":
        """As :meth:`Element.writer`: a value too long to fit is a ``ValueError``, never cut."""
        size = self.itemsize

        def store_text(i: "int", value: "T") -> "None":
            flat[i * size : (i + 1) * size] = self._encode(value)

        return store_text

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        """As :meth:`Element.read`; ``U`` text is decoded as one block, then cut."""
        size = self.itemsize
        raw = data[start * size : (start + count) * size].tobytes()
        if self.kind == "U":
            text = self._decode_unicode(raw, path)
            width = size // 4
            return [text[k * width : (k + 1) * width].rstrip("\0") for k in range(count)]  # type: ignore[misc]
        return [self._decode(raw[k * size : (k + 1) * size]) for k in range(count)]

    def pack(self, values: "list[Any]") -> "bytes":
        return b"".join(map(self._encode, values))

    def _decode(self, raw: "bytes", path: "str | None" = None) -> "Any":
        """One item's value from its bytes: trailing NULs stripped for ``S`` and ``U``, as NumPy."""
        if self.kind == "S":
            return raw.rstrip(b"\0")
        if self.kind == "V":
            return raw
        return self._decode_unicode(raw, path).rstrip("\0")

    def _decode_unicode(self, raw: "bytes", path: "str | None" = None) -> "str":
        """UTF-32 text as NumPy reads it: lone surrogates are characters of a ``str`` too; a code
        above U+10FFFF, which no ``str`` can hold, is :class:`NpyFormatError` naming ``path``."""
        try:
            return raw.decode("utf-32-be" if self.byteorder == ">" else "utf-32-le", "surrogatepass")
        except UnicodeDecodeError as error:
            reason = f"{self.descr} item holds {raw[error.start:error.end]!r}, not a Unicode character"
            raise NpyFormatError(reason, path) from None

    def _encode(self, value: "Any") -> "bytes":
        """One item's bytes: ``S`` and ``U`` padded with NULs; a value too long to fit is a
        ``ValueError``, never cut; ``V`` takes exactly ``itemsize`` bytes."""
        if self.kind == "U":
            if not isinstance(value, str):
                raise self._bad_value(value)
            raw = value.encode("utf-32-be" if self.byteorder == ">" else "utf-32-le", "surrogatepass")  # as NumPy stores them
        elif isinstance(value, (bytes, bytearray, memoryview)):
            raw = bytes(value)
        else:
            raise self._bad_value(value)
        if len(raw) > self.itemsize or (self.kind == "V" and len(raw) != self.itemsize):
            size = f"{self.itemsize // 4} characters" if self.kind == "U" else f"{self.itemsize} bytes"
            raise ValueError(f"{value!r:.40} does not fit a {self.descr} item ({'exactly ' if self.kind == 'V' else ''}{size})")
        return raw.ljust(self.itemsize, b"\0")


_NUMBER_SCALARS = (str, int, float, complex)
_TEXT_SCALARS = (str, bytes, bytearray, memoryview)
# The NumPy kind of each struct format code a buffer may report.
_FORMAT_KINDS = {
    "?": "b", "e": "f", "f": "f", "d": "f", "Zf": "c", "Zd": "c",
    "b": "i", "h": "i", "i": "i", "l": "i", "q": "i", "n": "i",
    "B": "u", "H": "u", "I": "u", "L": "u", "Q": "u", "N": "u",
}  # fmt: skip


def cast(data: "memoryview", code: "str", shape: "tuple[int, ...] | None" = None) -> "memoryview[Any]":
    """``data`` (bytes, C-contiguous) viewed as items of the native format ``code``, 1-d or
    with ``shape``; zero-copy."""
    if shape is None:
        return data.cast(code)  # type: ignore[call-overload, no-any-return]
    return data.cast(code, shape)  # type: ignore[call-overload, no-any-return]


def _fit_float(code: "str", value: "float") -> "float":
    """Clamp a float to infinity when it exceeds float16/float32, as NumPy's cast does."""
    if code == "d" or value != value:
        return value
    limit = 65504.0 if code == "e" else 3.4028234663852886e38
    if value > limit or value < -limit:
        import struct

        try:
            struct.pack("<" + code, value)  # standard size: raises where the format overflows
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    return value


def _int_range(element: "Element[Any]") -> "tuple[int, int]":
    bits = 8 * element.itemsize
    return (0, (1 << bits) - 1) if element.kind == "u" else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)


_TEXT_FACTORIES = {"S": "bytes_", "U": "str_", "V": "void"}
_TIME_UNITS = frozenset(["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", ""])


def _spec(name: "str") -> "tuple[str, int, str, str, str]":
    """``(kind, itemsize, struct code, ctypes name, time unit)`` for an element name: one of
    ``_SPECS``, ``'S5'``/``'U5'``/``'V8'``, or ``'datetime64[ns]'``/``'timedelta64[10s]'``."""
    if name in _SPECS:
        return (*_SPECS[name], "")
    if name[:1] in ("S", "U", "V") and name[1:].isdigit() and (name[1] != "0" or name == f"{name[0]}0"):
        width = int(name[1:])
        return name[0], 4 * width if name[0] == "U" else width, name[0], "", ""
    for kind, prefix in (("M", "datetime64"), ("m", "timedelta64")):
        if name == prefix:
            return kind, 8, "q", "c_int64", ""
        unit = name[len(prefix) + 1 : -1] if name.startswith(prefix + "[") and name.endswith("]") else ""
        if unit.lstrip("0123456789") in _TIME_UNITS - {""} and unit[:1] != "0":
            return kind, 8, "q", "c_int64", unit
    raise UnsupportedDtypeError(f"no element named {name!r:.60}")


_INTERNED: "dict[tuple[str, str], Element[Any]]" = {}


def _interned(name: "str", byteorder: "str") -> "Element[Any]":
    element = _INTERNED.get((name, byteorder))
    if element is None:
        element = (TextElement if name[:1] in _TEXT_FACTORIES else Element)(name, byteorder)
        element = _INTERNED.setdefault((name, element.byteorder), element)
        _INTERNED[(name, byteorder)] = element
    return element


_BY_CODE = {f"{kind}{size}": name for name, (kind, size, _, _) in _SPECS.items()}
_UNSUPPORTED = {
    "O": "object arrays hold Python pointers, which cannot be mapped from a file",
    "f12": "long double has no portable layout",
    "f16": "long double has no portable layout",
    "c24": "complex long double has no portable layout",
    "c32": "complex long double has no portable layout",
}


def lookup(descr: "str | list[Any]") -> "Element[Any]":
    """The element for a dtype description: ``'<f8'``, ``'>i4'``, ``'|u1'``, ``'=c16'``, ``'f8'``,
    a NumPy name such as ``'float64'`` (native order), or a record's list of fields as a header
    holds it (``[('x', '<f4'), ('y', '<f4')]``).

    ``'='`` and a missing order mean native order. Raises :class:`UnsupportedDtypeError` for a
    valid NumPy dtype npymmap cannot map (objects, long double, ...) and for anything else.
    """
    if isinstance(descr, list):
        key = repr(descr)
        record = _RECORDS.get(key)
        if record is None:
            from ._records import RecordElement

            record = _RECORDS[key] = RecordElement(descr)
        return record
    if not isinstance(descr, str):
        raise UnsupportedDtypeError(f"descr {descr!r:.80} is not a dtype description")
    element = _LOOKUPS.get(descr)
    if element is not None:
        return element
    if descr in _SPECS:
        element = _interned(descr, NATIVE_ORDER)
    else:
        byteorder, code = (descr[0], descr[1:]) if descr[:1] in ("<", ">", "|", "=") else ("=", descr)
        code = _spelled(code, byteorder == "=")
        name = _BY_CODE.get(code) or _name_of(code)
        if name is None:
            reason = _UNSUPPORTED.get(code, _UNSUPPORTED.get(code[:1], "not a dtype npymmap knows"))
            raise UnsupportedDtypeError(f"descr {descr!r:.80}: {reason}")
        element = _interned(name, NATIVE_ORDER if byteorder in ("=", "|") else byteorder)
    _LOOKUPS[descr] = element
    return element


_LOOKUPS: "dict[str, Element[Any]]" = {}
_RECORDS: "dict[str, Element[Any]]" = {}
# NumPy's other spellings of a type in a descr: one-letter type codes (with or without a byte
# order: '<d' is '<f8') and type names (alone: 'double'). The sizes of C's long and of a pointer
# ('l', 'p', 'int', ...) are this machine's, as NumPy reads them here.
_TYPE_CODES = {
    "?": "b1", "b": "i1", "B": "u1", "h": "i2", "H": "u2", "i": "i4", "I": "u4", "q": "i8", "Q": "u8",
    "e": "f2", "f": "f4", "d": "f8", "g": "f16", "F": "c8", "D": "c16", "G": "c32", "c": "S1", "M": "M8", "m": "m8",
}  # fmt: skip
_TYPE_NAMES = {
    "bool": "b1", "byte": "i1", "ubyte": "u1", "short": "i2", "ushort": "u2", "intc": "i4", "uintc": "u4",
    "longlong": "i8", "ulonglong": "u8", "half": "f2", "single": "f4", "double": "f8", "float": "f8",
    "csingle": "c8", "cdouble": "c16", "complex": "c16", "longdouble": "f16", "clongdouble": "c32",
    "bytes": "S0", "str": "U0", "void": "V0", "a": "S0",
}  # fmt: skip
_C_SIZED = {"l": ("l", "i"), "L": ("l", "u"), "p": ("P", "i"), "P": ("P", "u"), "n": ("P", "i"), "N": ("P", "u")}
_C_SIZED_NAMES = {"long": "l", "ulong": "L", "intp": "p", "uintp": "P", "int": "p", "uint": "P"}


def _spelled(code: "str", alone: "bool") -> "str":
    """``code`` (a descr without its byte order) in the kind-and-size spelling (``'f8'``) when it
    is another of NumPy's spellings: a type code, or a type name when ``alone`` (no byte order
    before it); else ``code`` itself. ``'a5'`` is NumPy's old name of ``'S5'``."""
    if alone and code in _TYPE_NAMES:
        return _TYPE_NAMES[code]
    if alone and code in _C_SIZED_NAMES:
        code = _C_SIZED_NAMES[code]
    if code in _TYPE_CODES:
        return _TYPE_CODES[code]
    if code in _C_SIZED:
        import struct

        c_type, kind = _C_SIZED[code]
        return f"{kind}{struct.calcsize(c_type)}"
    if code[:1] == "a" and code[1:].isdigit():
        return "S" + code[1:]
    for name, short in (("datetime64", "M8"), ("timedelta64", "m8")):
        if code.startswith(name):
            return short + code[len(name) :]
    return code


def _name_of(code: "str") -> "str | None":
    """The element name of a string or time descr without its byte order: ``'U5'`` stays (``'U'``
    and ``'U05'`` read as NumPy reads them, ``'U0'`` and ``'U5'``), ``'M8[ns]'`` is
    ``'datetime64[ns]'``; ``None`` for anything else."""
    if code[:1] in ("S", "U", "V"):
        digits = code[1:] or "0"  # NumPy reads 'S' as S0 and 'S05' as S5
        if not (digits.isascii() and digits.isdecimal()) or len(digits) > 10:
            return None
        name = f"{code[0]}{int(digits)}"
    elif code[:2] in ("M8", "m8"):
        name = ("datetime64" if code[0] == "M" else "timedelta64") + code[2:]
    else:
        return None
    try:
        _spec(name)
    except UnsupportedDtypeError:
        return None
    return name


def bytes_(width: "int") -> "Element[bytes]":
    """NumPy's ``S<width>``: byte strings of at most ``width`` bytes, NUL-padded in the file;
    items read as ``bytes`` with trailing NULs stripped. ``ValueError`` for a negative width; a
    width of 0 holds only ``b''``, as NumPy's ``S0``."""
    element: "Element[bytes]" = _interned(f"S{_width(width)}", "|")
    return element


def str_(width: "int") -> "Element[str]":
    """NumPy's ``U<width>``: strings of at most ``width`` characters stored as UTF-32 (either byte
    order); items read as ``str`` with trailing NULs stripped. ``ValueError`` for a negative width."""
    element: "Element[str]" = _interned(f"U{_width(width)}", NATIVE_ORDER)
    return element


def void(width: "int") -> "Element[bytes]":
    """NumPy's ``V<width>``: raw items of exactly ``width`` bytes, read as ``bytes`` (``V0``, which
    NumPy writes for an array of empty records, holds only ``b''``)."""
    element: "Element[bytes]" = _interned(f"V{_width(width)}", "|")
    return element


def datetime64(unit: "str" = "") -> "Element[int]":
    """NumPy's ``datetime64[unit]`` (``'ns'``, ``'s'``, ``'D'``, ``'10ms'``, ...): items are int
    counts of ``unit`` since 1970-01-01; NaT is the minimum int64. ``UnsupportedDtypeError`` for an
    unknown unit."""
    element: "Element[int]" = _interned(f"datetime64[{unit}]" if unit else "datetime64", NATIVE_ORDER)
    return element


def timedelta64(unit: "str" = "") -> "Element[int]":
    """NumPy's ``timedelta64[unit]``: items are int counts of ``unit``; NaT is the minimum int64."""
    element: "Element[int]" = _interned(f"timedelta64[{unit}]" if unit else "timedelta64", NATIVE_ORDER)
    return element


def record(structure: "type[StructureT]") -> "Element[StructureT]":
    """The record element of your ``ctypes.Structure`` subclass: a file opened with it must hold
    exactly its fields (names, types, offsets, byte order; gaps are NumPy's padding fields), and
    its items are instances of your class — live views of the map in writable modes, copies in
    read-only ones. ``create`` writes the matching NumPy record descr. Imports ctypes.

    Raises ``TypeError`` for anything but a Structure subclass and :class:`UnsupportedDtypeError`
    naming a field with no NumPy form (pointers, bit fields).
    """
    from ._records import record as record_of

    return record_of(structure)


def _width(width: "int") -> "int":
    if type(width) is not int or width < 0:
        raise ValueError(f"width must be a non-negative int, got {width!r}")
    return width


def check_element(element: "object") -> "None":
    """``TypeError`` unless ``element`` is an npymmap element (a caller's argument)."""
    if not isinstance(element, Element):
        raise TypeError(f"element must be an npymmap element such as npymmap.float64, not {element!r:.60}")


def element_of(descr: "Descr", element: "Element[Any] | None", name: "str") -> "Element[Any]":
    """The element of a header's descr, checked against the one the caller asked for (``None``:
    any); errors name the file ``name``."""
    try:
        found = lookup(descr)
    except NpyError as error:
        raise type(error)(error.reason, name) from None
    if element is None:
        return found
    if not element.accepts(found):
        raise DtypeMismatchError(f"file holds {found.descr} ({found.name}), not {element.descr}", name)
    return element if element.is_record else found  # record(MyStruct): items are the user's class


bool_: "Element[bool]" = _interned("bool_", NATIVE_ORDER)
int8: "Element[int]" = _interned("int8", NATIVE_ORDER)
int16: "Element[int]" = _interned("int16", NATIVE_ORDER)
int32: "Element[int]" = _interned("int32", NATIVE_ORDER)
int64: "Element[int]" = _interned("int64", NATIVE_ORDER)
uint8: "Element[int]" = _interned("uint8", NATIVE_ORDER)
uint16: "Element[int]" = _interned("uint16", NATIVE_ORDER)
uint32: "Element[int]" = _interned("uint32", NATIVE_ORDER)
uint64: "Element[int]" = _interned("uint64", NATIVE_ORDER)
float16: "Element[float]" = _interned("float16", NATIVE_ORDER)
float32: "Element[float]" = _interned("float32", NATIVE_ORDER)
float64: "Element[float]" = _interned("float64", NATIVE_ORDER)
complex64: "Element[complex]" = _interned("complex64", NATIVE_ORDER)
complex128: "Element[complex]" = _interned("complex128", NATIVE_ORDER)
