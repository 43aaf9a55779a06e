"""The descr grammar: every way NumPy writes a dtype in a ``.npy`` header, read into an element.

A descr is a byte order (``<``, ``>``, ``|``, ``=`` or none: native) and a code: kind and size
(``'f8'``, ``'S5'``, ``'M8[ns]'``), or one of NumPy's other spellings (type codes ``'d'``, type
names ``'double'``, ``'a5'``), or a record's list of fields ``[(name, format[, shape]), ...]``
whose formats are descrs again, nested records and sub-arrays included. :data:`KINDS` maps NumPy's
kind letter to the element class that reads it: adding a kind is one class and one entry there
(see ``_element``).
"""

from ._base import TYPE_CHECKING, DtypeMismatchError, NpyError, UnsupportedDtypeError, is_shape
from ._element import NATIVE_ORDER, interned
from ._numbers import CODES as NUMBER_CODES
from ._numbers import ComplexElement, NumberElement, TimeElement
from ._text import BytesElement, StrElement, VoidElement

if TYPE_CHECKING:
    from typing import Any

    from ._base import Descr
    from ._element import Element
    from ._records import Field

# Every element kind, by NumPy's kind letter (the first letter of its code).
KINDS: "dict[str, Any]" = {
    "b": NumberElement,
    "i": NumberElement,
    "u": NumberElement,
    "f": NumberElement,
    "c": ComplexElement,
    "M": TimeElement,
    "m": TimeElement,
    "S": BytesElement,
    "U": StrElement,
    "V": VoidElement,
}
_UNSUPPORTED = {
    "O": "object arrays hold Python pointers, which cannot be mapped from a file",
    "f12": "long double has no portable layout",
    "f16": "long double has no portable layout",
    "c24": "complex long double has no portable layout",
    "c32": "complex long double has no portable layout",
}
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

_LOOKUPS: "dict[str, Element[Any]]" = {}
_RECORDS: "dict[str, Element[Any]]" = {}


def lookup(descr: "str | list[Any]") -> "Element[Any]":
    """The element for a dtype description: ``'<f8'``, ``'>i4'``, ``'|u1'``, ``'=c16'``, ``'f8'``,
    a NumPy name such as ``'float64'`` (native order), or a record's list of fields as a header
    holds it (``[('x', '<f4'), ('y', '<f4')]``).

    ``'='`` and a missing order mean native order. Raises :class:`UnsupportedDtypeError` for a
    valid NumPy dtype npymmap cannot map (objects, long double, ...) and for anything else.
    O(1) for a descr seen before.
    """
    if isinstance(descr, list):
        key = repr(descr)
        record = _RECORDS.get(key)
        if record is None:
            record = _RECORDS[key] = record_of(descr)
        return record
    if not isinstance(descr, str):
        raise UnsupportedDtypeError(f"descr {descr!r:.80} is not a dtype description")
    element = _LOOKUPS.get(descr)
    if element is None:
        byteorder, code = (descr[0], descr[1:]) if descr[:1] in ("<", ">", "|", "=") else ("=", descr)
        code = _spelled(code, byteorder == "=")
        cls = KINDS.get(code[:1])
        name = cls.parse(code) if cls is not None else None
        if cls is None or name is None:
            reason = _UNSUPPORTED.get(code, _UNSUPPORTED.get(code[:1], "not a dtype npymmap knows"))
            raise UnsupportedDtypeError(f"descr {descr!r:.80}: {reason}")
        element = _LOOKUPS[descr] = interned(cls, name, NATIVE_ORDER if byteorder in ("=", "|") else byteorder)
    return element


def _spelled(code: "str", alone: "bool") -> "str":
    """``code`` (a descr without its byte order) in the kind-and-size spelling (``'f8'``) when it
    is another of NumPy's spellings: a type code, or a type name when ``alone`` (no byte order
    before it); else ``code`` itself. ``'a5'`` is NumPy's old name of ``'S5'``."""
    if alone and code in _TYPE_NAMES:
        return _TYPE_NAMES[code]
    if alone and code in NUMBER_CODES:  # npymmap's own names: 'float64'
        return NUMBER_CODES[code]
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


def record_of(descr: "list[Any]", structure: "Any" = None) -> "Element[Any]":
    """The record element of a list descr (its items ``structure``'s instances when given).
    :class:`UnsupportedDtypeError` naming the field for a descr npymmap cannot honour."""
    from ._records import RecordElement

    return RecordElement(descr, [_field(entry) for entry in descr], structure)


def _field(entry: "Any") -> "Field":
    """One ``(name, format[, shape])`` entry of a record descr; a name may be ``(title, name)``
    and a format a sub-array ``(format, shape)`` or a nested record's list."""
    from ._records import Field

    if not isinstance(entry, tuple) or len(entry) not in (2, 3):
        raise UnsupportedDtypeError(f"record field {entry!r:.60} is not (name, format) or (name, format, shape)")
    name, title = entry[0], None
    if isinstance(name, tuple) and len(name) == 2 and all(isinstance(part, str) for part in name):
        title, name = name
    if not isinstance(name, str):
        raise UnsupportedDtypeError(f"record field name {name!r:.60} is not a str")
    shapes: "tuple[tuple[int, ...], ...]" = (_field_shape(entry[2] if len(entry) == 3 else (), name),)
    form = entry[1]
    while isinstance(form, tuple):  # NumPy's sub-array format (format, shape): its axes follow the field's
        if len(form) != 2:
            raise UnsupportedDtypeError(f"record field {name!r}: format {form!r:.60} is not (format, shape)")
        form, inner = form
        shapes += (_field_shape(inner, name),)
    try:
        return Field(name, title, record_of(form) if isinstance(form, list) else lookup(form), shapes)
    except UnsupportedDtypeError as error:
        raise UnsupportedDtypeError(f"record field {name!r}: {error.reason}") from None


def _field_shape(shape: "Any", name: "str") -> "tuple[int, ...]":
    """A field's sub-array shape as NumPy reads it: a tuple of non-negative ints, or one int."""
    if type(shape) is int:
        shape = (shape,)
    if not is_shape(shape):
        raise UnsupportedDtypeError(f"record field {name!r}: shape {shape!r:.40} is not a tuple of ints")
    return shape


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
