"""Structured (record) elements: NumPy's list descrs, read as tuples or ctypes Structures.

A record's fields are packed one after another, as NumPy's descr lists them (padding included, as
``('', '|V4')`` fields), so one :mod:`struct` format reads a whole record: ``tolist()`` unpacks
every record in C and converts only the fields that need it (complex, strings, sub-arrays, nested
records). Items (``a[i]``) are ``ctypes.Structure`` instances (``_pack_ = 1``, offsets equal to
NumPy's): a live view of the map in writable modes, a copy in read-only ones. A field's values
move through its own element's ``struct_codes``, ``from_struct`` and ``to_struct``, so a record
holds any element kind. ``_registry`` parses a descr into the fields; imported only when a file
holds records.
"""

import struct
from itertools import chain

from ._base import PYPY, TYPE_CHECKING, UnsupportedDtypeError, cached, flatten, nested
from ._element import NATIVE_ORDER, Element
from ._text import VoidElement

if TYPE_CHECKING:
    import ctypes
    from typing import Any, Callable, Iterator


class Field:
    """One field of a record: its name, title, element (a nested record is one too) and
    sub-array shape (``shape``: all its axes; ``shapes``: as the descr nests them, outermost
    first)."""

    __slots__ = ("name", "title", "element", "shapes", "shape", "count", "padding")

    def __init__(self, name: "str", title: "str | None", element: "Element[Any]", shapes: "tuple[tuple[int, ...], ...]") -> "None":
        self.name = name
        self.title = title
        self.element = element
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
        self.padding = not name and title is None and (bool(shape) or isinstance(element, VoidElement))

    @property
    def itemsize(self) -> "int":
        return self.element.itemsize * self.count


class RecordElement(Element["Any"]):
    """A record element: ``descr`` is NumPy's list; values are tuples (``tolist``) or ctypes
    Structures (items). Raises :class:`UnsupportedDtypeError` naming the field for a descr it
    cannot honour: mixed byte orders, object fields, repeated names."""

    __slots__ = ("fields", "field_names", "field_elements", "_values", "_format", "_plain", "_structure")

    is_record = True

    def __init__(self, descr: "list[Any]", fields: "list[Field]", structure: "type[ctypes.Structure] | None" = None) -> "None":
        if not fields:
            raise UnsupportedDtypeError("a record with no fields holds nothing to map")
        names = [name for field in fields if not field.padding for name in (field.name, field.title) if name is not None]
        if len(set(names)) != len(names):
            raise UnsupportedDtypeError(f"record descr repeats a field name or title: {names}")
        orders = [field.element.byteorder for field in fields if field.element.byteorder != "|"]
        if len(set(orders)) > 1:
            mixed = next(field.name for field in fields if field.element.byteorder not in ("|", orders[0]))
            raise UnsupportedDtypeError(
                f"record mixes byte orders (field {mixed!r} is not {orders[0]!r}); npymmap maps one order per record"
            )
        super().__init__("record", "V", sum(field.itemsize for field in fields), orders[0] if orders else "|", descr)
        self.fields = fields
        self._values = [field for field in fields if not field.padding]
        self.field_names = tuple(field.name for field in self._values)
        self.field_elements = tuple(field.element for field in self._values)
        order = "<" if self.byteorder == "|" else self.byteorder
        self._format = order + "".join(_format(field) for field in fields)
        self._plain = all(_is_plain(field) for field in fields)  # no conversion, no padding
        self._structure = structure

    def __reduce__(self) -> "tuple[Callable[..., RecordElement], tuple[Any, ...]]":
        return (RecordElement, (self.descr, self.fields, self._structure))

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
                form = field.element.interface_descr()
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
            not field.name or (isinstance(field.element, RecordElement) and field.element._needs_dict_form())
            for field in self.fields
        )

    def structure(self) -> "type[ctypes.Structure]":
        """The ctypes Structure of one record (made on first use; imports ctypes)."""
        if self._structure is None:
            self._structure = _make_structure(self)
        return self._structure

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], Any]":
        structure = self.structure()
        size = self.itemsize
        if not flat.readonly:
            return lambda i: structure.from_buffer(flat, i * size)
        if PYPY:  # its ctypes copies with the GIL released: a close() in another thread could unmap mid-copy
            return lambda i: structure.from_buffer_copy(flat[i * size : (i + 1) * size].tobytes())
        return lambda i: structure.from_buffer_copy(flat, i * size)

    def writer(self, flat: "memoryview") -> "Callable[[int, Any], None]":
        """As :meth:`Element.writer`; a record of plain fields given as a tuple of as many values
        is packed in one C call."""
        size = self.itemsize

        def store(i: "int", value: "Any") -> "None":
            flat[i * size : (i + 1) * size] = self.pack([value])

        if not self._plain:
            return store
        pack, fields = struct.Struct(self._format).pack, len(self.fields)

        def store_plain(i: "int", value: "Any") -> "None":
            if value.__class__ is tuple and len(value) == fields:
                try:
                    packed = pack(*value)  # (not pack_into, which can write part of an int it then refuses)
                except (struct.error, ValueError, OverflowError, TypeError):
                    pass  # a value struct refuses: the general store converts or words it
                else:
                    flat[i * size : (i + 1) * size] = packed
                    return
            store(i, value)

        return store_plain

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
        """As :meth:`Element.pack`; records of plain fields, all given as tuples of as many
        values, are packed in one C call."""
        if self._plain and values and set(map(type, values)) == {tuple} and set(map(len, values)) == {len(self.fields)}:
            try:
                return _packer(self._format, len(values)).pack(*chain.from_iterable(values))
            except (struct.error, ValueError, OverflowError, TypeError):
                pass  # a value struct refuses: the record-by-record path below converts or words it
        pieces = []
        for value in values:
            if isinstance(value, tuple):
                if len(value) != len(self._values):
                    raise ValueError(f"a record of {len(self._values)} fields cannot take {len(value)} values")
                parts = self.to_struct(value)
                try:
                    pieces.append(struct.pack(self._format, *parts))
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

    # -- as a field of another record: its fields' values in line, the record a tuple of them.

    def struct_codes(self, count: "int") -> "str":
        return self._format[1:] * count

    def from_struct(self, parts: "Any", path: "str | None") -> "Any":
        return self._convert(parts, path)

    def to_struct(self, value: "Any") -> "tuple[Any, ...]":
        if not isinstance(value, tuple) or len(value) != len(self._values):
            raise TypeError(f"a record of {len(self._values)} fields takes a tuple of {len(self._values)} values, not {value!r:.40}")
        out: "list[Any]" = []
        parts = iter(value)
        for field in self.fields:
            _write_field(field, bytes(field.itemsize) if field.padding else next(parts), out)
        return tuple(out)

    def field_ctype(self, swapped: "bool", field: "str") -> "Any":
        return _make_structure(self)

    @property
    def swaps_as_unsigned(self) -> "bool":  # type: ignore[override]
        return any(field.element.swaps_as_unsigned for field in self.fields)


_PACKERS: "dict[tuple[str, int], struct.Struct]" = {}


def _packer(format: "str", count: "int") -> "struct.Struct":
    """The Struct of ``count`` records of ``format`` (cached)."""
    return cached(_PACKERS, (format, count), lambda: struct.Struct(format[0] + format[1:] * count))


def _format(field: "Field") -> "str":
    return field.element.struct_codes(field.count)


def _is_plain(field: "Field") -> "bool":
    """True for a field struct already reads as NumPy's tolist gives it."""
    element = field.element
    return not field.shape and element.struct_is_value and not field.padding


def _read_field(field: "Field", values: "Iterator[Any]", path: "str | None") -> "Any":
    if not field.shape:
        return field.element.from_struct(values, path)
    return nested([field.element.from_struct(values, path) for _ in range(field.count)], field.shape)


def _write_field(field: "Field", value: "Any", out: "list[Any]") -> "None":
    for part in flatten(value, field.shape):
        out.extend(field.element.to_struct(part))


def ctypes_module() -> "Any":
    """The ctypes module, or :class:`UnsupportedDtypeError` on an interpreter built without it."""
    try:
        import ctypes
    except ImportError as error:
        raise UnsupportedDtypeError(f"record items are ctypes Structures, and the ctypes module is missing: {error}") from None
    return ctypes


def _make_structure(record: "RecordElement") -> "type[ctypes.Structure]":
    ctypes = ctypes_module()

    big = record.byteorder == ">" if NATIVE_ORDER == "<" else record.byteorder != "<"
    signed = [field.name for field in record.fields if field.element.swaps_as_unsigned] if big and PYPY else []
    if signed:
        raise UnsupportedDtypeError(f"PyPy's ctypes reads byte-swapped signed integers as unsigned (field {signed[0]!r}); use tolist()")
    base = (ctypes.BigEndianStructure if NATIVE_ORDER == "<" else ctypes.LittleEndianStructure) if big else ctypes.Structure
    fields: "list[tuple[str, Any]]" = []
    for index, field in enumerate(record.fields):
        ctype = field.element.field_ctype(big, field.name)
        for size in reversed(field.shape):
            ctype = ctype * size
        fields.append((field.name or f"_padding{index}", ctype))

    def __repr__(item: "Any") -> "str":
        return _record_repr(record, item)

    try:
        structure = type("Record", (base,), {"_pack_": 1, "_fields_": fields, "__repr__": __repr__})
    except TypeError as error:  # PyPy's ctypes takes ASCII field names only
        raise UnsupportedDtypeError(f"ctypes cannot make a Structure of {record.descr!r:.60}: {error}") from None
    if ctypes.sizeof(structure) != record.itemsize:  # pragma: no cover - a ctypes layout surprise
        raise UnsupportedDtypeError(f"ctypes lays out {record.descr!r:.60} in {ctypes.sizeof(structure)} bytes, not {record.itemsize}")
    return structure


def _record_repr(record: "RecordElement", item: "ctypes.Structure") -> "str":
    """``Record(a=1, b=2.5)``: the record's fields (padding left out) with their values as
    ``tolist()`` gives them (strings decoded, sub-arrays as lists, nested records as tuples); a
    name that is no identifier shows as its repr (``Record('a b'=1)``)."""
    values = record.read(memoryview(bytes(item)), 0, 1)[0]
    shown = (f"{name if name.isidentifier() else repr(name)}={value!r}" for name, value in zip(record.field_names, values))
    return f"Record({', '.join(shown)})"
