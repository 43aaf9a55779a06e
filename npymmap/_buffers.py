"""Items from other libraries' buffers: a buffer, a NumPy array (structured ones included) read
as an element's bytes in C order, converted when its format is not the element's own."""

from ._base import PYPY, TYPE_CHECKING, NpyError, flatten
from ._element import NATIVE_ORDER
from ._registry import lookup

if TYPE_CHECKING:
    from typing import Any

    from ._element import Element


def has_buffer(value: "object") -> "bool":
    """True when ``value`` exports a buffer with its format (an npymmap array that refuses one,
    PEP 688, is read as an array instead)."""
    try:
        memoryview(value).release()  # type: ignore[arg-type]
    except (TypeError, BufferError):
        return False
    return True


def is_one_value(value: "object", element: "Element[Any]", nbytes: "int") -> "bool":
    """True when ``value`` (not an npymmap array) assigned to a view of ``nbytes`` bytes is one
    item to fill it with, not an array of items: anything but a buffer; for strings and times
    also a ``str`` or ``bytes``; for records also a Structure or the bytes of one record (bytes of
    the whole view are its records)."""
    if not element.is_record:
        return isinstance(value, element.scalar_types) or not has_buffer(value)
    if structured_descr(value) is not None:
        return False
    if not has_buffer(value):
        return True
    with memoryview(value) as view:  # type: ignore[arg-type]
        return not (view.format in BYTE_FORMATS and view.nbytes == nbytes != element.itemsize)


def buffer_items(value: "Any", element: "Element[Any]") -> "tuple[tuple[int, ...], bytes]":
    """The shape of an array or buffer ``value`` and its items as ``element``'s bytes, in C order.

    ``value`` is a NumPy structured array (read field by field through its
    ``__array_interface__`` descr, so another byte order or layout is converted, by position);
    or any buffer: copied as is when its format is the element's own (byte order included),
    plain bytes (format ``B``) as items already in the element's format when the element is a
    record, else read item by item and converted. Raises ``TypeError`` for a value that is none
    of these or whose items cannot be read or stored, ``OverflowError``/``ValueError`` as
    :meth:`Element.pack`. O(size).
    """
    descr = structured_descr(value)
    if descr is not None:
        return _records_of(value, descr, element)
    try:
        view = memoryview(value)
    except (TypeError, ValueError):  # ValueError: NumPy refuses to export some dtypes (datetime64)
        raise TypeError(f"cannot read {type(value).__name__} as items; give a buffer, an array or nested lists") from None
    with view:
        if element.is_record and view.format in BYTE_FORMATS:
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
BYTE_FORMATS = frozenset(["B", "c"])


def structured_descr(value: "object") -> "list[Any] | None":
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
