"""What every element is: one item of an array, in bytes and as a Python value.

:class:`Element` is the contract; each family of NumPy's types is one subclass that owns how its
items move between file bytes and Python values:

- ``_numbers``: ``NumberElement`` (``b i u f``: bool, ints, floats), ``ComplexElement`` (``c``)
  and ``TimeElement`` (``M m``: datetime64 and timedelta64, int counts);
- ``_text``: ``BytesElement`` (``S``, bytes), ``StrElement`` (``U``, str), ``VoidElement`` (``V``,
  raw bytes);
- ``_records``: ``RecordElement`` (a list descr: tuples, or ctypes Structures as items).

``_registry`` reads descrs (``'<f8'``, ``'|S5'``, ``'float64'``, a record's list) into elements.
No other module asks an element its kind letter or name: they ask it what they need (``is_record``,
``scalar_types``, ``memoryview_format``, ``same_format``, ...).

**How to add an element kind.** Write one subclass of :class:`Element` (in the family module it
belongs to, or a new one) whose ``__init__(name, byteorder)`` calls ``Element.__init__`` with the
kind's facts, and which implements the methods below marked *each kind*; give it a
``parse(code)`` classmethod that names the element of a descr code (``'f8'`` is ``'float64'``) and
add one entry, kind letter to class, to ``KINDS`` in ``_registry``. Nothing else changes: arrays,
files, archives and records reach the new kind only through these methods. The oracle tests
(``tests/oracle_families.py``) then take a case for the new family.

Elements are interned: there is one object per (class, name, byte order), so ``is`` and ``==``
agree (records, which are not interned, compare by descr).
"""

import sys

from ._base import PYPY, TYPE_CHECKING, Generic, TypeVar, UnsupportedDtypeError, cached
from ._layout import cast, gather

if TYPE_CHECKING:
    import ctypes
    from typing import Any, Callable, Iterable

    from ._base import Descr

T = TypeVar("T")

NATIVE_ORDER = "<" if sys.byteorder == "little" else ">"
CHUNK = 1024  # items one C call reads at a time (a cached Struct or itemgetter): they stay in cache
_RUN_STRUCTS: "dict[tuple[str, int, int], Callable[[memoryview, int], tuple[Any, ...]]]" = {}
_NUMBER_SCALARS = (str, int, float, complex)


class Element(Generic[T]):
    """One item type of an array, with ``T`` the Python type of its values.

    ``name`` is NumPy's (``'float64'``), ``kind`` NumPy's kind letter (``b i u f c M m S U V``),
    ``itemsize`` the bytes per item, ``byteorder`` ``'<'``, ``'>'`` or ``'|'`` (no order: one
    byte, text, raw bytes) and ``descr`` the string a ``.npy`` header uses (``'<f8'``; a list for
    a record). ``memoryview_format`` is the native struct format memoryview reads the items in
    (``'d'``), or ``None`` when memoryview cannot read them (another byte order, float16, complex,
    text, records). The module-level elements (``npymmap.float64``, ...) are in native byte order;
    :meth:`newbyteorder` gives the others.
    """

    __slots__ = ("name", "kind", "itemsize", "byteorder", "descr", "memoryview_format")

    descr: "Descr"

    # -- what other modules ask of an element ---------------------------------------------------

    is_record = False
    """True for records: values are tuples or Structures, and the bytes of one record are one value."""
    scalar_types: "tuple[type, ...]" = _NUMBER_SCALARS
    """The types of a value that fills a view as one item, rather than being read as a buffer of
    items: bytes are a buffer of numbers, but one value of a string or time item."""
    ctype_axes: "tuple[int, ...]" = ()
    """The axes :meth:`ctype` adds to an item: ``(2,)`` for complex (real, imaginary)."""
    field_names: "tuple[str, ...]" = ()
    """The names of a record's fields that hold values (padding left out); ``()`` for the others."""
    field_elements: "tuple[Element[Any], ...]" = ()
    """The elements of the fields :attr:`field_names` names, in that order; ``()`` for the others."""
    unit = ""
    """The unit of datetime64 and timedelta64 counts (``'ns'``, ``'10s'``); ``''`` for the others."""
    time_kind = ""
    """``'datetime'`` for datetime64 items, ``'timedelta'`` for timedelta64 (int counts of
    :attr:`unit`); ``''`` for the others."""
    float_format = ""
    """The struct code of the floats an item is made of: ``'e'`` for float16, ``'f'`` for float32
    and complex64, ``'d'`` for float64 and complex128 (what a value is printed at the precision
    of); ``''`` for the others."""

    def __init__(
        self, name: "str", kind: "str", itemsize: "int", byteorder: "str", descr: "Descr", memoryview_format: "str | None" = None
    ) -> "None":
        self.name = name
        self.kind = kind
        self.itemsize = itemsize
        self.byteorder = byteorder
        self.descr = descr
        self.memoryview_format = memoryview_format

    def __repr__(self) -> "str":
        call = f"npymmap.{self._constructor()}"
        return call if self.is_native else f"{call}.newbyteorder({self.byteorder!r})"

    def _constructor(self) -> "str":
        """How the native element is written in Python, after ``npymmap.``: ``float64``, ``str_(5)``."""
        return self.name

    def __reduce__(self) -> "tuple[Callable[..., Element[Any]], tuple[Any, ...]]":
        return (interned, (type(self), self.name, self.byteorder))

    def newbyteorder(self, byteorder: "str") -> "Element[T]":
        """The same element in another byte order: ``'<'``, ``'>'``, ``'='`` (native) or ``'|'``.

        Elements with no byte order (one byte, ``S``, ``V``) return themselves. Raises
        ``ValueError`` for any other string.
        """
        if byteorder in ("=", "|"):
            byteorder = NATIVE_ORDER
        if byteorder not in ("<", ">"):
            raise ValueError(f"byte order must be '<', '>', '=' or '|', got {byteorder!r}")
        element: "Element[T]" = interned(type(self), self.name, byteorder)
        return element

    def accepts(self, other: "Element[Any]") -> "bool":
        """True when a file of element ``other`` can be opened as this element: the same NumPy
        type (kind and size), in either byte order."""
        return other.name == self.name

    def interface_descr(self) -> "Any":
        """This element as NumPy's ``__array_interface__`` describes it."""
        return self.descr

    def same_format(self, format: "str") -> "bool":
        """True when buffer items of this struct ``format`` have exactly this element's bytes, so
        they are copied as they are; else they are read as values and stored one by one."""
        return False

    @property
    def is_native(self) -> "bool":
        """True when items are stored in this machine's byte order (always for one-byte items)."""
        return self.byteorder in ("|", NATIVE_ORDER)

    # -- moving values, each kind: every method takes the data region as a byte memoryview and
    #    positions counted in items from its start.

    @property
    def buffer_format(self) -> "str | None":
        """The format a PEP 688 buffer of the items carries: ``memoryview_format`` when that
        format alone says what the items are (NumPy reads such a buffer back as this element),
        else ``None``."""
        return self.memoryview_format

    def flat(self, data: "memoryview") -> "memoryview":
        """The view :meth:`reader` and :meth:`writer` work on: ``data`` cast to
        ``memoryview_format`` when there is one, else ``data`` itself."""
        return data if self.memoryview_format is None else cast(data, self.memoryview_format)

    def reader(self, flat: "memoryview", path: "str | None" = None) -> "Callable[[int], T]":
        """*Each kind.* A function giving the value of item ``i`` of ``flat`` (from :meth:`flat`);
        O(1). (``path`` names the file in a fault of an item's bytes.)"""
        raise NotImplementedError

    def writer(self, flat: "memoryview") -> "Callable[[int, T], None]":
        """*Each kind.* A function storing a value as item ``i`` of ``flat``; O(1). Raises
        ``TypeError`` for a value of the wrong type, ``OverflowError`` for an int out of range
        and ``ValueError`` for text too long, before any byte is stored."""
        raise NotImplementedError

    def read(self, data: "memoryview", start: "int", count: "int", path: "str | None" = None) -> "list[T]":
        """*Each kind.* Items ``start`` to ``start + count`` of ``data`` as a list, converted in
        as few C calls as the kind allows; O(count)."""
        raise NotImplementedError

    def read_runs(self, data: "memoryview", starts: "list[int]", count: "int", step: "int", path: "str | None" = None) -> "list[list[T]]":
        """The items of each run of ``count`` items ``step`` apart from each of ``starts`` (a
        strided window, see ``_layout``), a list per run. Only those items are read: one the
        window skips may not even decode. This one copies the runs' bytes together in C, then
        :meth:`read` s them; kinds memoryview reads slice them instead. O(items)."""
        size = len(starts) * count
        values = self.read(memoryview(gather(data, self.itemsize, starts, count, step)), 0, size, path)
        return [values[k : k + count] for k in range(0, size, count)] if count else [[] for _ in starts]

    def _struct_runs(
        self, data: "memoryview", starts: "list[int]", count: "int", step: "int", values: "Callable[[tuple[Any, ...]], Iterable[T]]"
    ) -> "list[list[T]]":
        """:meth:`read_runs` for kinds :mod:`struct` reads (``struct_codes``): each run is
        unpacked straight from ``data`` by a cached ``Struct`` whose pad bytes skip the items
        between (no copy first), at most 1,024 items a call; ``values`` makes the items of what
        one call unpacked. O(items), in C but for ``values``."""
        if step == 0 or not count or PYPY and step != 1:
            # (PyPy's JIT is slow on formats of many codes: strided runs are copied together first)
            return Element.read_runs(self, data, starts, count, step)
        import struct

        size, stride = self.itemsize, abs(step)
        order, item = "<" if self.byteorder == "|" else self.byteorder, self.struct_codes(1)

        def make(chunk: "int") -> "Callable[[memoryview, int], tuple[Any, ...]]":
            spaced = f"{item}{(stride - 1) * size}x" * (chunk - 1) + item if stride > 1 else self.struct_codes(chunk)
            return struct.Struct(order + spaced).unpack_from

        result = []
        for start in starts:
            low = start if step > 0 else start + (count - 1) * step
            items: "list[T]" = []
            for begin in range(0, count, CHUNK):
                chunk = min(CHUNK, count - begin)
                unpack = cached(_RUN_STRUCTS, (order + item, stride * size, chunk), lambda: make(chunk))
                items += values(unpack(data, (low + begin * stride) * size))
            if step < 0:
                items.reverse()
            result.append(items)
        return result

    def pack(self, values: "list[Any]") -> "bytes":
        """*Each kind.* The bytes of ``values`` as consecutive items; raises for the first value
        that cannot be stored (as :meth:`writer`) without storing anything."""
        raise NotImplementedError

    def bits_codec(self) -> "tuple[str, Callable[[int], T], Callable[[Any], int]] | None":
        """For numbers memoryview cannot read (another byte order, float16, complex64) of 2, 4 or
        8 bytes: the native unsigned format of that size, a function making the value from such
        an unsigned int (the item's bytes as this machine reads them) and one making that int of
        a value, raising for any value it does not take as it is (the element's writer then
        stores it, or words the error). Else ``None``."""
        return None

    def dlpack_type(self) -> "tuple[int, int] | None":
        """DLPack's (type code, bits) of this element, or ``None`` when DLPack has none (all
        but native bools, ints, floats and complex)."""
        return None

    def check_items(self, raw: "bytes", path: "str | None") -> "None":
        """Raise :class:`NpyFormatError` naming ``path`` when ``raw``, whole items, holds bytes
        that are no value NumPy writes (a bool other than 0 or 1, a character above U+10FFFF).
        Nothing to check for most kinds."""

    def ctype(self) -> "type[ctypes._SimpleCData[Any]]":
        """*Each kind that has one.* The ctypes type of one item in this byte order (complex: of
        its real part). Imports :mod:`ctypes`. :class:`UnsupportedDtypeError` when there is none."""
        raise UnsupportedDtypeError(f"ctypes has no type for {self.name}")

    # -- as a field of a record, each kind: one struct format reads a whole record.

    struct_is_value = False
    """True when what :mod:`struct` unpacks for one item is its value as NumPy's ``tolist`` gives
    it (a record of only such fields needs no conversion)."""

    def struct_codes(self, count: "int") -> "str":
        """*Each kind.* The struct format (no byte order) of ``count`` consecutive items."""
        raise NotImplementedError

    def from_struct(self, parts: "Any", path: "str | None") -> "T":
        """*Each kind.* One item's value from the iterator ``parts`` of what struct unpacked."""
        raise NotImplementedError

    def to_struct(self, value: "Any") -> "tuple[Any, ...]":
        """*Each kind.* What struct packs for one item of ``value``; raises as :meth:`writer`."""
        raise NotImplementedError

    def field_ctype(self, swapped: "bool", field: "str") -> "Any":
        """*Each kind.* The ctypes type of one item as a field of a record Structure (``swapped``:
        of the other byte order), whose attribute gives NumPy's value or its raw bytes."""
        raise NotImplementedError

    swaps_as_unsigned = False
    """True for signed integers of more than one byte, which PyPy's ctypes reads as unsigned
    when byte-swapped."""


_INTERNED: "dict[tuple[type, str, str], Element[Any]]" = {}


def interned(cls: "type[Element[Any]]", name: "str", byteorder: "str") -> "Element[Any]":
    """The one element of class ``cls`` named ``name`` in ``byteorder`` (made on first use)."""
    element = _INTERNED.get((cls, name, byteorder))
    if element is None:
        element = cls(name, byteorder)  # type: ignore[call-arg]
        element = _INTERNED.setdefault((cls, name, element.byteorder), element)
        _INTERNED[(cls, name, byteorder)] = element
    return element


def check_element(element: "object") -> "None":
    """``TypeError`` unless ``element`` is an npymmap element (a caller's argument)."""
    if not isinstance(element, Element):
        raise TypeError(f"element must be an npymmap element such as npymmap.float64, not {element!r:.60}")
