"""Structured (record) elements: NumPy's list descrs, read as tuples or ctypes Structures.

A record's fields are packed one after another, as NumPy's descr lists them (padding included, as
``('', '|V4')`` fields), so one :mod:`struct` format reads a whole record: ``tolist()`` unpacks
every record in C and converts only the fields that need it (complex, strings, sub-arrays, nested
records). Items (``a[i]``) are ``ctypes.Structure`` instances (``_pack_ = 1``, offsets equal to
NumPy's): a live view of the map in writable modes, a copy in read-only ones. Imported only when a
file holds records.
"""

import struct

from ._base import PYPY, TYPE_CHECKING, UnsupportedDtypeError, flatten, is_shape, nested
from ._elements import NATIVE_ORDER, Element, TextElement, lookup

if TYPE_CHECKING:
    import ctypes
    from typing import Any, Callable, Iterator, TypeVar

    StructureT = TypeVar("StructureT", bound=ctypes.Structure)

_CTYPES_OF_KIND = {("b", 1): "c_bool", ("M", 8): "c_int64", ("m", 8): "c_int64"}


class _Field:
    """One field of a record: its name, title, element or nested record, and sub-array shape
    (``shape``: all its axes; ``shapes``: as the descr nests them, outermost first)."""

    __slots__ = ("name", "title", "element", "record", "shapes", "shape", "count", "padding")

    def __init__(
        self,
        name: "str",
        title: "str | None",
        element: "Element[Any] | None",
        record: "RecordElement | None",
        shapes: "tuple[tuple[int, ...], ...]",
    ) -> "None":
        self.name = name
        self.title = title
        self.element = element
        self.record = record
        self.shapes = shapes
        shape: "tuple[int, ...]" = ()
        for axes in shapes:
            shape += axes
        self.shape = shape
        count = 1
        for n in shape:
            count *= n
        self.count = count
        # NumPy reads an unnamed field as padding (no value of its own, zeros when written) when
        # its dtype is a plain void or a sub-array: not a number, a string or a nested record.
        self.padding = not name and title is None and (bool(shape) or element is not None and element.kind == "V")

    @property
    def itemsize(self) -> "int":
        one = self.record.itemsize if self.record is not None else self.element.itemsize  # type: ignore[union-attr]
        return one * self.count


class RecordElement(Element["Any"]):
    """A record element: ``descr`` is NumPy's list; values are tuples (``tolist``) or ctypes
    Structures (items). Raises :class:`UnsupportedDtypeError` naming the field for a descr it
    cannot honour: mixed byte orders, object fields, repeated names."""

    __slots__ = ("fields", "_values", "_format", "_plain", "_structure")

    is_record = True

    def __init__(self, descr: "list[Any]", structure: "type[ctypes.Structure] | None" = None) -> "None":
        if not descr:
            raise UnsupportedDtypeError("a record with no fields holds nothing to map")
        fields = [_parse_field(entry) for entry in descr]
        names = [name for field in fields if not field.padding for name in (field.name, field.title) if name is not None]
        if len(set(names)) != len(names):
            raise UnsupportedDtypeError(f"record descr repeats a field name or title: {names}")
        orders = [order for field in fields for order in _orders(field) if order != "|"]
        if len(set(orders)) > 1:
            mixed = next(field.name for field in fields if set(_orders(field)) - {"|", orders[0]})
            raise UnsupportedDtypeError(
                f"record mixes byte orders (field {mixed!r} is not {orders[0]!r}); npymmap maps one order per record"
            )
        self.name = "record"
        self.kind = "V"
        self.itemsize = sum(field.itemsize for field in fields)
        self.byteorder = orders[0] if orders else "|"
        self.descr = descr
        self.unit = ""
        self._code = "V"
        self._count = 1
        self._cast = None
        self._ctype = ""
        self._bits = None
        self.fields = fields
        self._values = [field for field in fields if not field.padding]
        order = "<" if self.byteorder == "|" else self.byteorder
        self._format = order + "".join(_format(field) for field in fields)
        self._plain = all(_is_plain(field) for field in fields)  # no conversion, no padding
        self._structure = structure

    def __repr__(self) -> "str":
        return f"npymmap.lookup({self.descr!r})"

    def __eq__(self, other: "object") -> "bool":
        return isinstance(other, RecordElement) and other.descr == self.descr and other._structure is self._structure

    def __hash__(self) -> "int":
        return hash(repr(self.descr))

    def newbyteorder(self, byteorder: "str") -> "RecordElement":
        raise UnsupportedDtypeError("a record's byte order is its fields'; write the descr you need")

    def accepts(self, other: "Element[Any]") -> "bool":
        """True when a file of element ``other`` can be opened as this record: the same fields,
        formats, offsets and byte order."""
        return isinstance(other, RecordElement) and other.descr == self.descr

    # -- values -----------------------------------------------------------------------------------

    def interface_descr(self) -> "Any":
        """The record for ``__array_interface__``: NumPy's list descr when every field has a
        name and a plain format, else NumPy's dict form (names, formats, offsets, itemsize,
        titles; nested records alike), which keeps padding as gaps and unnamed fields unnamed.
        NumPy turns every unnamed field of a list descr into a field of its own named 'f1', ...,
        so the list cannot carry them."""
        if not self._needs_dict_form():
            return self.descr
        names: "list[str]" = []
        formats: "list[Any]" = []
        offsets: "list[int]" = []
        titles: "list[str | None]" = []
        offset = 0
        for field in self.fields:
            if not field.padding:
                form = field.record.interface_descr() if field.record is not None else field.element.descr  # type: ignore[union-attr]
                for axes in reversed(field.shapes):  # the innermost sub-array first, as NumPy nests them
                    form = (form, axes) if axes else form
                names.append(field.name)
                formats.append(form)
                offsets.append(offset)
                titles.append(field.title)
            offset += field.itemsize
        spec = {"names": names, "formats": formats, "offsets": offsets, "itemsize": self.itemsize}
        if any(titles):
            spec["titles"] = titles
        return spec

    def _needs_dict_form(self) -> "bool":
        return any(
            not field.name or (field.record is not None and field.record._needs_dict_form())
            for field in self.fields
        )

    def structure(self) -> "type[ctypes.Structure]":
        """The ctypes Structure of one record (made on first use; imports ctypes)."""
        if self._structure is None:
            self._structure = _make_structure(self)
        return self._structure

    def flat(self, data: "memoryview") -> "memoryview":
        return data

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], Any]":
        structure = self.structure()
        size = self.itemsize
        if not flat.readonly:
            return lambda i: structure.from_buffer(flat, i * size)
        if PYPY:  # its ctypes copies with the GIL released: a close() in another thread could unmap mid-copy
            return lambda i: structure.from_buffer_copy(flat[i * size : (i + 1) * size].tobytes())
        return lambda i: structure.from_buffer_copy(flat, i * size)

    def writer(self, flat: "memoryview") -> "Callable[[int, Any], None]":
        size = self.itemsize

        def store(i: "int", value: "Any") -> "None":
            flat[i * size : (i + 1) * size] = self.pack([value])

        return store

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[Any]":
        size = self.itemsize
        if size:
            rows: "Iterator[tuple[Any, ...]]" = struct.iter_unpack(self._format, data[start * size : (start + count) * size])
        else:  # fields of no bytes (V0, S0, U0, shapes with a 0): iter_unpack takes no empty format
            rows = iter([struct.unpack(self._format, b"")] * count)
        if self._plain:
            return list(rows)
        convert = self._convert
        return [convert(iter(row), path) for row in rows]

    def _convert(self, values: "Iterator[Any]", path: "str | None") -> "tuple[Any, ...]":
        items = tuple(_read_field(field, values, path) for field in self.fields)
        if len(self._values) == len(self.fields):
            return items
        return tuple(item for field, item in zip(self.fields, items) if not field.padding)

    def pack(self, values: "list[Any]") -> "bytes":
        pieces = []
        for value in values:
            if isinstance(value, tuple):
                if len(value) != len(self._values):
                    raise ValueError(f"a record of {len(self._values)} fields cannot take {len(value)} values")
                parts = iter(value)
                flat: "list[Any]" = []
                for field in self.fields:
                    _write_field(field, bytes(field.itemsize) if field.padding else next(parts), flat)
                try:
                    pieces.append(struct.pack(self._format, *flat))
                except (struct.error, ValueError) as error:  # PyPy: ValueError for a negative unsigned
                    raise TypeError(f"cannot store {value!r:.60} as a record: {error}") from None
            else:
                try:
                    raw = memoryview(value).cast("B")
                except TypeError:
                    raise TypeError(f"cannot store {type(value).__name__} as a record; give a tuple or a Structure") from None
                if raw.nbytes != self.itemsize:
                    raise ValueError(f"a record is {self.itemsize} bytes, not {raw.nbytes}")
                pieces.append(raw.tobytes())
        return b"".join(pieces)


def _parse_field(entry: "Any") -> "_Field":
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
        if isinstance(form, list):
            return _Field(name, title, None, RecordElement(form), shapes)
        return _Field(name, title, lookup(form), None, shapes)
    except UnsupportedDtypeError as error:
        raise UnsupportedDtypeError(f"record field {name!r}: {error.reason}") from None


def _field_shape(shape: "Any", name: "str") -> "tuple[int, ...]":
    """A field's sub-array shape as NumPy reads it: a tuple of non-negative ints, or one int."""
    if type(shape) is int:
        shape = (shape,)
    if not is_shape(shape):
        raise UnsupportedDtypeError(f"record field {name!r}: shape {shape!r:.40} is not a tuple of ints")
    return shape


def _orders(field: "_Field") -> "list[str]":
    if field.record is not None:
        return [order for inner in field.record.fields for order in _orders(inner)]
    return [field.element.byteorder]  # type: ignore[union-attr]


def _format(field: "_Field") -> "str":
    if field.record is not None:
        return field.record._format[1:] * field.count
    element = field.element
    assert element is not None
    if element.kind in "SUV":
        return f"{element.itemsize}s" * field.count
    return f"{field.count * element._count}{element._code}"


def _is_plain(field: "_Field") -> "bool":
    """True for a field struct already reads as NumPy's tolist gives it."""
    element = field.element
    return field.record is None and not field.shape and element is not None and element.kind in "biufMm" and element._count == 1 and not field.padding


def _read_field(field: "_Field", values: "Iterator[Any]", path: "str | None") -> "Any":
    def one() -> "Any":
        if field.record is not None:
            return field.record._convert(values, path)
        element = field.element
        assert element is not None
        if element._count == 2:
            return complex(next(values), next(values))
        if isinstance(element, TextElement):
            return element._decode(next(values), path)
        return next(values)

    if not field.shape:
        return one()
    return nested([one() for _ in range(field.count)], field.shape)


def _write_field(field: "_Field", value: "Any", out: "list[Any]") -> "None":
    parts = flatten(value, field.shape)
    for part in parts:
        if field.record is not None:
            named = field.record._values
            if not isinstance(part, tuple) or len(part) != len(named):
                raise TypeError(f"field {field.name!r} takes a tuple of {len(named)} values")
            inner_values = iter(part)
            for inner in field.record.fields:
                _write_field(inner, bytes(inner.itemsize) if inner.padding else next(inner_values), out)
            continue
        element = field.element
        assert element is not None
        if isinstance(element, TextElement):
            out.append(element._encode(part))
        else:
            out.extend(element._flatten_one(part))


def _ctypes() -> "Any":
    """The ctypes module, or :class:`UnsupportedDtypeError` on an interpreter built without it."""
    try:
        import ctypes
    except ImportError as error:
        raise UnsupportedDtypeError(f"record items are ctypes Structures, and the ctypes module is missing: {error}") from None
    return ctypes


def _make_structure(record: "RecordElement") -> "type[ctypes.Structure]":
    ctypes = _ctypes()

    big = record.byteorder == ">" if NATIVE_ORDER == "<" else record.byteorder != "<"
    signed = [field.name for field in record.fields if _has_signed(field)] if big and PYPY else []
    if signed:
        raise UnsupportedDtypeError(f"PyPy's ctypes reads byte-swapped signed integers as unsigned (field {signed[0]!r}); use tolist()")
    base = (ctypes.BigEndianStructure if NATIVE_ORDER == "<" else ctypes.LittleEndianStructure) if big else ctypes.Structure
    fields: "list[tuple[str, Any]]" = []
    for index, field in enumerate(record.fields):
        if field.record is not None:
            ctype: "Any" = _make_structure(field.record)
        else:
            element = field.element
            assert element is not None
            ctype = _field_ctype(element, big, field.name)
        for size in reversed(field.shape):
            ctype = ctype * size
        fields.append((field.name or f"_padding{index}", ctype))
    try:
        structure = type("Record", (base,), {"_pack_": 1, "_fields_": fields})
    except TypeError as error:  # PyPy's ctypes takes ASCII field names only
        raise UnsupportedDtypeError(f"ctypes cannot make a Structure of {record.descr!r:.60}: {error}") from None
    if ctypes.sizeof(structure) != record.itemsize:  # pragma: no cover - a ctypes layout surprise
        raise UnsupportedDtypeError(f"ctypes lays out {record.descr!r:.60} in {ctypes.sizeof(structure)} bytes, not {record.itemsize}")
    return structure


def _has_signed(field: "_Field") -> "bool":
    if field.record is not None:
        return any(_has_signed(inner) for inner in field.record.fields)
    return field.element is not None and field.element.kind in "iMm" and field.element.itemsize > 1


def _field_ctype(element: "Element[Any]", swapped: "bool", name: "str") -> "Any":
    import ctypes

    if element.kind in "SV":
        return ctypes.c_char * element.itemsize
    if element.kind == "U":
        return ctypes.c_uint32 * (element.itemsize // 4)
    if element.kind == "b":
        return ctypes.c_uint8 if swapped else ctypes.c_bool  # swapped structures take no c_bool
    if element.kind == "f" and element.itemsize == 2:
        return ctypes.c_uint16  # ctypes has no float16: the item's attribute is the raw half bits
    special = _CTYPES_OF_KIND.get((element.kind, element.itemsize))
    if special is not None:
        return getattr(ctypes, special)
    try:
        ctype = element.newbyteorder("=").ctype()
    except UnsupportedDtypeError as error:
        raise UnsupportedDtypeError(f"record field {name!r}: {error.reason}") from None
    return ctype * 2 if element.kind == "c" else ctype


_SIGNED = "bhilqn"
_UNSIGNED = "BHILQN"


def record(structure: "type[StructureT]") -> "Element[StructureT]":
    """The record element of a ``ctypes.Structure`` subclass of yours: a file opened with it must
    hold exactly these fields (names, types, offsets, byte order), and its items are instances of
    your class (live views in writable modes, copies in read-only ones).

    Gaps between fields become padding, as NumPy writes aligned records. Raises
    :class:`UnsupportedDtypeError` naming a field npymmap cannot describe (pointers, bit fields).
    """
    ctypes = _ctypes()
    bases = (ctypes.Structure, ctypes.BigEndianStructure, ctypes.LittleEndianStructure)
    if not (isinstance(structure, type) and issubclass(structure, ctypes.Structure)) or structure in bases:
        raise TypeError(f"record() takes a ctypes.Structure subclass, not {structure!r:.60}")
    element: "Element[StructureT]" = RecordElement(_descr_of(structure), structure)
    return element


def _descr_of(structure: "type[ctypes.Structure]") -> "list[Any]":
    import ctypes

    little = ctypes.LittleEndianStructure
    big = ctypes.BigEndianStructure
    order = "<" if issubclass(structure, little) and little is not ctypes.Structure else ">" if issubclass(structure, big) and big is not ctypes.Structure else NATIVE_ORDER
    fields = [entry for cls in reversed(structure.__mro__) for entry in cls.__dict__.get("_fields_", ())]
    if not fields:
        raise UnsupportedDtypeError(f"{structure.__name__} has no fields to map")
    descr: "list[Any]" = []
    end = 0
    for entry in fields:
        if len(entry) != 2:
            raise UnsupportedDtypeError(f"record field {entry[0]!r}: bit fields have no NumPy form")
        name: "str" = entry[0]
        ctype: "Any" = entry[1]
        offset = getattr(structure, name).offset
        if offset > end:
            descr.append(("", f"|V{offset - end}"))
        shape: "list[int]" = []
        while isinstance(ctype, type) and issubclass(ctype, ctypes.Array) and getattr(ctype, "_type_") is not ctypes.c_char:
            shape.append(getattr(ctype, "_length_"))
            ctype = getattr(ctype, "_type_")
        form = _form_of(ctype, order, name)
        descr.append((name, form, tuple(shape)) if shape else (name, form))
        end = offset + ctypes.sizeof(entry[1])
    if ctypes.sizeof(structure) > end:
        descr.append(("", f"|V{ctypes.sizeof(structure) - end}"))
    return descr


def _form_of(ctype: "Any", order: "str", name: "str") -> "Any":
    import ctypes

    if isinstance(ctype, type) and issubclass(ctype, ctypes.Structure):
        return _descr_of(ctype)
    if isinstance(ctype, type) and issubclass(ctype, ctypes.Array) and getattr(ctype, "_type_") is ctypes.c_char:
        return f"|S{getattr(ctype, '_length_')}"
    code = getattr(ctype, "_type_", None)
    size = ctypes.sizeof(ctype) if isinstance(ctype, type) else 0
    if code == "c":
        return "|S1"
    if code == "?":
        return "|b1"
    if not isinstance(code, str) or len(code) != 1:
        raise UnsupportedDtypeError(f"record field {name!r}: ctypes type {ctype!r:.60} has no NumPy form")
    kind = "i" if code in _SIGNED else "u" if code in _UNSIGNED else "f" if code in ("f", "d") else None
    if kind is None:
        raise UnsupportedDtypeError(f"record field {name!r}: ctypes type {ctype!r:.60} has no NumPy form")
    return f"{'|' if size == 1 else order}{kind}{size}"
