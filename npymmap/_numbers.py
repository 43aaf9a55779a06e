"""Numbers: NumPy's bool, ints, floats, complex, and datetime64/timedelta64 (int64 counts).

Items go through a memoryview cast when their bytes are a native format memoryview knows (the C
fast path), else through :mod:`struct` with an explicit byte order (float16, complex, the other
byte order). A float too large for float16/float32 is stored as an infinity, as NumPy's cast does;
an int out of range is an ``OverflowError``, never wrapped.
"""

import sys
from _operator import attrgetter  # (operator, which re-exports it, costs 0.8 ms to import)

from ._base import PYPY, UnsupportedDtypeError, cached
from ._base import TYPE_CHECKING
from ._element import NATIVE_ORDER, Element, T, interned
from ._layout import UNSIGNED_FORMATS, cast, stop, units

if TYPE_CHECKING:
    import ctypes
    import struct
    from typing import Any, Callable, Iterable

_MEMORYVIEW_FORMATS = frozenset("?bBhHiIqQfd")
_REAL, _IMAG = attrgetter("real"), attrgetter("imag")
_PACKERS: "dict[str, struct.Struct]" = {}  # one per run length packed
# name: (kind, itemsize, struct code, ctypes name)
_NUMBERS = {
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
_DLPACK_CODES = {"i": 0, "u": 1, "f": 2, "c": 5, "b": 6}  # kDLInt, kDLUInt, kDLFloat, kDLComplex, kDLBool
# name: descr code without the byte order ('float64': 'f8'), and back
CODES = {name: f"{kind}{size}" for name, (kind, size, _, _) in _NUMBERS.items()}
_BY_CODE = {code: name for name, code in CODES.items()}
# The NumPy kind of each struct format code a buffer may report.
_FORMAT_KINDS = {
    "?": "b", "e": "f", "f": "f", "d": "f", "Zf": "c", "Zd": "c",
    "b": "i", "h": "i", "i": "i", "l": "i", "q": "i", "n": "i",
    "B": "u", "H": "u", "I": "u", "L": "u", "Q": "u", "N": "u",
}  # fmt: skip


class NumberElement(Element[T]):
    """NumPy's bool (``b``), signed and unsigned ints (``i``, ``u``) and floats (``f``) of every
    size it writes but long double."""

    __slots__ = ("_code", "_ctype", "_bits", "float_format")

    _parts = 1  # struct values per item
    struct_is_value = True

    def __init__(self, name: "str", byteorder: "str") -> "None":
        kind, itemsize, code, ctype = self._spec(name)
        byteorder = "|" if itemsize == 1 else byteorder
        native = byteorder in ("|", NATIVE_ORDER)
        memoryview_format = code if native and self._parts == 1 and code in _MEMORYVIEW_FORMATS else None
        super().__init__(name, kind, itemsize, byteorder, f"{byteorder}{kind}{itemsize}{self._descr_suffix(name)}", memoryview_format)
        self._code = code
        self._ctype = ctype
        self.float_format = code if kind in "fc" else ""
        self._bits: "tuple[str, Callable[[int], Any], Callable[[Any], int]] | None" = None  # made by the first bits_codec()

    @classmethod
    def parse(cls, code: "str") -> "str | None":
        """The name of the element of descr ``code`` (kind and size, no byte order: ``'f8'``)."""
        return _BY_CODE.get(code)

    @staticmethod
    def _spec(name: "str") -> "tuple[str, int, str, str]":
        return _NUMBERS[name]

    @staticmethod
    def _descr_suffix(name: "str") -> "str":
        return ""

    def same_format(self, format: "str") -> "bool":
        """True when buffer items of this struct ``format`` have exactly this element's bytes
        (kind, size and byte order; times are int64)."""
        found = _format_number(format)
        if found is None or found[:2] != ("i" if self.kind in "Mm" else self.kind, self.itemsize):
            return False
        return self.itemsize == 1 or found[2] == self.byteorder

    def _struct_format(self, count: "int") -> "str":
        order = "<" if self.byteorder == "|" else self.byteorder
        return f"{order}{self.struct_codes(count)}"

    def struct_codes(self, count: "int") -> "str":
        return f"{count * self._parts}{self._code}"

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], T]":
        if self.memoryview_format is not None:
            return flat.__getitem__  # type: ignore[return-value]
        import struct

        size, unpack_from = self.itemsize, struct.Struct(self._struct_format(1)).unpack_from
        if self._parts == 2:
            return lambda i: complex(*unpack_from(flat, i * size))  # type: ignore[return-value]
        return lambda i: unpack_from(flat, i * size)[0]

    def bits_codec(self) -> "tuple[str, Callable[[int], T], Callable[[Any], int]] | None":
        code = dict(UNSIGNED_FORMATS).get(self.itemsize)
        if self.memoryview_format is not None or code is None:
            return None
        if self._bits is None:
            import struct

            one = struct.Struct(self._struct_format(1))
            unpack, pack, size, order, from_bytes = one.unpack, one.pack, self.itemsize, sys.byteorder, int.from_bytes
            decode: "Callable[[int], Any]"
            encode: "Callable[[Any], int]"
            if self._parts == 2:  # .real and .imag: numbers have them, strings do not
                decode = lambda bits: complex(*unpack(bits.to_bytes(size, order)))  # noqa: E731
                encode = lambda value: from_bytes(pack(value.real, value.imag), order)  # noqa: E731
            else:
                decode = lambda bits: unpack(bits.to_bytes(size, order))[0]  # noqa: E731
                encode = lambda value: from_bytes(pack(value), order)  # noqa: E731
            self._bits = code, decode, encode
        return self._bits  # type: ignore[return-value]

    def writer(self, flat: "memoryview") -> "Callable[[int, T], None]":
        if self.memoryview_format is not None:

            def store_native(i: "int", value: "T") -> "None":
                try:
                    flat[i] = value  # type: ignore[call-overload]
                except (TypeError, ValueError):
                    raise self._bad_value(value) from None

            return store_native
        size = self.itemsize
        import struct

        pack, quick_parts = struct.Struct(self._struct_format(1)).pack, self._quick_parts

        def store(i: "int", value: "T") -> "None":
            # (packed apart, then stored: pack_into can write part of an int it then refuses)
            try:
                packed = pack(*quick_parts(value))
            except Exception:  # noqa: BLE001 - any value the quick parts do not take goes the long way
                try:
                    packed = pack(*self.to_struct(value))
                except (struct.error, ValueError):  # PyPy: ValueError for a negative unsigned
                    raise self._bad_value(value) from None
            flat[i * size : (i + 1) * size] = packed

        return store

    def _quick_parts(self, value: "Any") -> "tuple[Any, ...]":
        """What struct packs for one item of ``value`` when it takes it as it is (struct then
        refuses any other value, which :meth:`to_struct` converts or refuses with the right
        error), as :meth:`bits_codec`'s encoder and :meth:`_parts_of` take values."""
        return (value,)

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        size = self.itemsize
        if self.memoryview_format is not None:
            return cast(data[start * size : (start + count) * size], self.memoryview_format).tolist()  # type: ignore[return-value]
        if PYPY:  # (its JIT unpacks one format of one code fastest)
            import struct

            return self._values(struct.unpack_from(self._struct_format(count), data, start * size))
        return self.read_runs(data, [start], count, 1, path)[0]  # in chunks a cache holds

    def _values(self, parts: "tuple[Any, ...]") -> "list[T]":
        """The values of consecutive items from what struct unpacked for them."""
        return list(parts)

    def _parts_of(self, values: "list[Any]") -> "Iterable[Any]":
        """What struct packs for consecutive items of ``values``, taken as they are (in C);
        struct then refuses what :meth:`to_struct` would convert or word."""
        return values

    def read_runs(self, data: "memoryview", starts: "list[int]", count: "int", step: "int", path: "str | None" = None) -> "list[list[T]]":
        """As :meth:`Element.read_runs`; items memoryview reads are sliced from one cast of the
        data, a run per C call."""
        if self.memoryview_format is None:
            return self._struct_runs(data, starts, count, step, self._values)
        with units(data, self.itemsize, self.memoryview_format) as items:
            return [items[start : stop(start, count, step) : step].tolist() for start in starts]  # type: ignore[misc]

    def pack(self, values: "list[Any]") -> "bytes":
        import struct

        form = self._struct_format(len(values))
        try:
            return cached(_PACKERS, form, lambda: struct.Struct(form)).pack(*self._parts_of(values))
        except (struct.error, OverflowError, TypeError, ValueError, AttributeError):
            pass  # convert each value as one store would: floats too large become inf, others raise
        numbers = [part for value in values for part in self.to_struct(value)]
        try:
            return struct.pack(form, *numbers)
        except (struct.error, ValueError):  # PyPy: ValueError for a negative unsigned
            one = struct.Struct(self._struct_format(1))
            for value in values:  # find the culprit, for an error that names it
                try:
                    one.pack(*self.to_struct(value))
                except (struct.error, ValueError):
                    raise self._bad_value(value) from None
            raise

    def from_struct(self, parts: "Any", path: "str | None") -> "T":
        return next(parts)  # type: ignore[no-any-return]

    def to_struct(self, value: "Any") -> "tuple[Any, ...]":
        if isinstance(value, (str, bytes, bytearray)):
            raise self._bad_value(value)  # float("1.5") would take it; NumPy's typed stores do not
        try:
            if self.kind == "f":
                return (_fit_float(self._code, float(value)),)
            if self.kind == "b":
                return (bool(value),)
            return (value.__index__(),)
        except (TypeError, AttributeError, ValueError):
            raise self._bad_value(value) from None

    def _bad_value(self, value: "object") -> "Exception":
        if self.kind in "iuMm" and isinstance(value, int):
            bits = 8 * self.itemsize
            low, high = (0, (1 << bits) - 1) if self.kind == "u" else (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
            return OverflowError(f"{value} is out of range for {self.name} ({low} to {high})")
        return TypeError(f"cannot store {type(value).__name__} {value!r:.40} in a {self.name} array")

    def dlpack_type(self) -> "tuple[int, int] | None":
        code = _DLPACK_CODES.get(self.kind)
        return None if code is None or not self.is_native else (code, 8 * self.itemsize)

    def check_items(self, raw: "bytes", path: "str | None") -> "None":
        """For bools: every byte is 0 or 1, as NumPy writes them."""
        if self.kind == "b" and raw.translate(None, b"\x00\x01"):
            from ._base import NpyFormatError

            at = next(index for index, byte in enumerate(raw) if byte > 1)
            raise NpyFormatError(f"a bool item holds a byte other than 0 or 1 (item {at})", path)

    @property
    def swaps_as_unsigned(self) -> "bool":  # type: ignore[override]
        return self.kind in "iMm" and self.itemsize > 1

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
        if PYPY and self.swaps_as_unsigned:
            raise UnsupportedDtypeError(f"PyPy's ctypes reads byte-swapped {self.name} as unsigned; use tolist() or indexing")
        return getattr(base, "__ctype_be__" if self.byteorder == ">" else "__ctype_le__")  # type: ignore[no-any-return]

    def field_ctype(self, swapped: "bool", field: "str") -> "Any":
        """Native types (a swapped Structure swaps them itself); a swapped bool is ``c_uint8``
        (swapped Structures take no ``c_bool``) and a float16 its raw bits (``c_uint16``)."""
        import ctypes

        if self.kind == "b" and swapped:
            return ctypes.c_uint8
        if not self._ctype:
            return ctypes.c_uint16  # float16, which ctypes has no type for
        try:
            ctype = self.newbyteorder("=").ctype()
        except UnsupportedDtypeError as error:
            raise UnsupportedDtypeError(f"record field {field!r}: {error.reason}") from None
        return ctype * self.ctype_axes[0] if self.ctype_axes else ctype


class ComplexElement(NumberElement[T]):
    """NumPy's complex64 and complex128 (``c``): two floats, real then imaginary."""

    __slots__ = ()

    _parts = 2
    struct_is_value = False
    ctype_axes = (2,)

    def _values(self, parts: "tuple[Any, ...]") -> "list[T]":
        pairs = iter(parts)
        return list(map(complex, pairs, pairs))  # type: ignore[arg-type]

    def _quick_parts(self, value: "Any") -> "tuple[Any, ...]":
        return (value.real, value.imag)  # AttributeError for a string; OverflowError in struct for inf

    def _parts_of(self, values: "list[Any]") -> "Iterable[Any]":
        parts: "list[Any]" = [0.0] * (2 * len(values))
        parts[0::2] = map(_REAL, values)  # (AttributeError for a string)
        parts[1::2] = map(_IMAG, values)
        return parts

    def from_struct(self, parts: "Any", path: "str | None") -> "T":
        return complex(next(parts), next(parts))  # type: ignore[return-value]

    def to_struct(self, value: "Any") -> "tuple[Any, ...]":
        if isinstance(value, (str, bytes, bytearray)):
            raise self._bad_value(value)
        try:
            number = complex(value)
        except (TypeError, ValueError):
            raise self._bad_value(value) from None
        return (_fit_float(self._code, number.real), _fit_float(self._code, number.imag))


_TIME_UNITS = frozenset(["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"])
_TIME_NAMES = {"M": "datetime64", "m": "timedelta64"}


class TimeElement(NumberElement[T]):
    """NumPy's datetime64 (``M``) and timedelta64 (``m``): int64 counts of ``unit`` (since
    1970-01-01 for datetimes); NaT is the minimum int64. A ``str`` or ``bytes`` is one value to
    fill a view with (and refused), not a buffer of counts."""

    __slots__ = ("unit", "time_kind")

    scalar_types = (str, bytes, bytearray, memoryview)

    def __init__(self, name: "str", byteorder: "str") -> "None":
        super().__init__(name, byteorder)
        self.unit = self._descr_suffix(name)[1:-1]
        self.time_kind = "datetime" if self.kind == "M" else "timedelta"

    @classmethod
    def parse(cls, code: "str") -> "str | None":
        """``'M8'``, ``'M8[ns]'``, ``'m8[10s]'``: ``'datetime64[ns]'``...; ``None`` for any other."""
        if code[1:2] != "8" or code[:1] not in _TIME_NAMES:
            return None
        name = _TIME_NAMES[code[0]] + code[2:]
        try:
            cls._spec(name)
        except UnsupportedDtypeError:
            return None
        return name

    @staticmethod
    def _spec(name: "str") -> "tuple[str, int, str, str]":
        for kind, prefix in _TIME_NAMES.items():
            if name == prefix:
                return kind, 8, "q", "c_int64"
            unit = name[len(prefix) + 1 : -1] if name.startswith(prefix + "[") and name.endswith("]") else ""
            if unit.lstrip("0123456789") in _TIME_UNITS and unit[:1] != "0":
                return kind, 8, "q", "c_int64"
        raise UnsupportedDtypeError(f"no element named {name!r:.60}")

    @staticmethod
    def _descr_suffix(name: "str") -> "str":
        return name[name.index("[") :] if "[" in name else ""

    def _constructor(self) -> "str":
        return f"{_TIME_NAMES[self.kind]}({self.unit!r})" if self.unit else f"{_TIME_NAMES[self.kind]}()"

    @property
    def buffer_format(self) -> "str | None":
        """``None``: a buffer of int64 counts (``'q'``) would read back as int64, not as times."""
        return None


def _format_number(format: "str") -> "tuple[str, int, str] | None":
    """NumPy's kind, the item size and the byte order of the numbers a buffer of struct
    ``format`` holds (``'<i4'``, ``'d'``, NumPy's ``'Zd'`` for complex); ``None`` for a format
    of no single number."""
    order, code = (format[0], format[1:]) if format[:1] in ("<", ">", "!", "=", "@") else ("@", format)
    kind = _FORMAT_KINDS.get(code)
    if kind is None:
        return None
    import struct

    try:
        itemsize = struct.calcsize(order + code[-1]) * (2 if code[0] == "Z" else 1)
    except struct.error:
        return None
    return kind, itemsize, NATIVE_ORDER if order in ("@", "=") else ">" if order == "!" else order


def number_of_format(format: "str") -> "Element[Any] | None":
    """The number element whose items a buffer of struct ``format`` holds, in its byte order
    (``'d'``: float64; ``'>i'``: big-endian int32; ``'Zd'``: complex128); ``None`` when there is
    none."""
    found = _format_number(format)
    name = None if found is None else _BY_CODE.get(f"{found[0]}{found[1]}")
    if found is None or name is None:
        return None
    element: "Element[Any]" = _number(name).newbyteorder(found[2])
    return element


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


def datetime64(unit: "str" = "") -> "Element[int]":
    """NumPy's ``datetime64[unit]`` (``'ns'``, ``'s'``, ``'D'``, ``'10ms'``, ...): items are int
    counts of ``unit`` since 1970-01-01; NaT is the minimum int64. ``UnsupportedDtypeError`` for an
    unknown unit."""
    return _time("datetime64", unit)


def timedelta64(unit: "str" = "") -> "Element[int]":
    """NumPy's ``timedelta64[unit]``: items are int counts of ``unit``; NaT is the minimum int64."""
    return _time("timedelta64", unit)


def _time(prefix: "str", unit: "str") -> "Element[int]":
    name = f"{prefix}[{unit}]" if unit else prefix
    TimeElement._spec(name)
    element: "Element[int]" = interned(TimeElement, name, NATIVE_ORDER)
    return element


def _number(name: "str") -> "Any":
    return interned(ComplexElement if _NUMBERS[name][0] == "c" else NumberElement, name, NATIVE_ORDER)


bool_: "Element[bool]" = _number("bool_")
int8: "Element[int]" = _number("int8")
int16: "Element[int]" = _number("int16")
int32: "Element[int]" = _number("int32")
int64: "Element[int]" = _number("int64")
uint8: "Element[int]" = _number("uint8")
uint16: "Element[int]" = _number("uint16")
uint32: "Element[int]" = _number("uint32")
uint64: "Element[int]" = _number("uint64")
float16: "Element[float]" = _number("float16")
float32: "Element[float]" = _number("float32")
float64: "Element[float]" = _number("float64")
complex64: "Element[complex]" = _number("complex64")
complex128: "Element[complex]" = _number("complex128")
