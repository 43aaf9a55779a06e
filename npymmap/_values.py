"""The element and shape of a new array to hold given values, chosen as ``numpy.asarray``
chooses a dtype and shape: for adding values to an archive in one call
(:meth:`~npymmap._npz_writer.NpzWriter.add`)."""

from ._array import NpyArray
from ._base import TYPE_CHECKING, NpyError, flatten
from ._buffers import has_buffer, structured_descr
from ._numbers import bool_, complex128, float64, int64, number_of_format
from ._registry import lookup
from ._text import bytes_, str_

if TYPE_CHECKING:
    from typing import Any

    from ._element import Element

# Plain values of numbers, in NumPy's order of promotion, and the element a list of them gets.
_NUMBER_ELEMENTS: "tuple[tuple[type, Element[Any]], ...]" = ((bool, bool_), (int, int64), (float, float64), (complex, complex128))


def layout_of(values: "Any", element: "Element[Any] | None") -> "tuple[Element[Any], tuple[int, ...]]":
    """``(element, shape)`` of an array to hold ``values``, the shape ``values``' own and the
    element ``element`` when given, else the one ``values`` has:

    - an npymmap array: its element;
    - an object with NumPy's ``__array_interface__``: its descr (records, byte order and all);
    - any other buffer: the number its format names (``'d'``, ``'<i4'``, ...);
    - nested lists or tuples (a tuple is one record's value when ``element`` is a record), or one
      plain value: NumPy's choice for plain values, ``bool_`` if all are bools, else ``int64``
      for ints, ``float64`` if one is a float (and for no values), ``complex128`` if one is
      complex; ``str_``/``bytes_`` of the longest for all ``str``/``bytes``.

    Raises ``TypeError`` (asking for ``element=``) for values whose element cannot be told,
    ``ValueError`` for nested lists that are not rectangular (when the element is inferred; a
    given element leaves that to the store). O(1), but O(size) for inferring from lists.
    """
    if isinstance(values, NpyArray):
        return values.element if element is None else element, values.shape
    interface = getattr(values, "__array_interface__", None)
    if isinstance(interface, dict):
        return _interface_element(values, interface) if element is None else element, tuple(interface["shape"])
    if has_buffer(values):
        with memoryview(values) as view:
            return _format_element(view.format) if element is None else element, tuple(view.shape or ())
    shape = _nested_shape(values, element is not None and element.is_record)
    return _inferred(flatten(values, shape)) if element is None else element, shape


def _interface_element(values: "Any", interface: "dict[str, Any]") -> "Element[Any]":
    descr = structured_descr(values)
    try:
        return lookup(interface["typestr"] if descr is None else descr)
    except NpyError as error:
        raise TypeError(f"cannot tell the element of {type(values).__name__} values ({error.reason}); pass element=") from None


def _format_element(format: "str") -> "Element[Any]":
    element = number_of_format(format)
    if element is None:
        raise TypeError(f"cannot tell the element of a buffer of format {format!r}; pass element=")
    return element


def _nested_shape(values: "Any", is_record: "bool") -> "tuple[int, ...]":
    """The shape of nested lists, read down their first items (``flatten`` checks the rest)."""
    shape = []
    while isinstance(values, list) or isinstance(values, tuple) and not is_record:
        shape.append(len(values))
        if not values:
            break
        values = values[0]
    return tuple(shape)


def _inferred(items: "list[Any]") -> "Element[Any]":
    """NumPy's element for these plain values (see :func:`layout_of`). O(len(items))."""
    types = set(map(type, items))
    for kind, make in ((str, str_), (bytes, bytes_)):
        if types and all(issubclass(each, kind) for each in types):
            return make(max(1, max(map(len, items))))
    rank = 0 if types else 2  # no values: float64, as NumPy's
    for each in types:
        ranks = [position for position, (kind, _) in enumerate(_NUMBER_ELEMENTS) if issubclass(each, kind)]
        if not ranks:
            names = ", ".join(sorted(each.__name__ for each in types))
            raise TypeError(f"cannot tell the element of values of types {names}; pass element=")
        rank = max(rank, ranks[0])
    return _NUMBER_ELEMENTS[rank][1]
