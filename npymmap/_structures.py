"""Records of your own ``ctypes.Structure`` classes (``npymmap.record``): the Structure's fields
read as NumPy's record descr, so a file is checked against it and its items are your class."""

from ._base import TYPE_CHECKING, UnsupportedDtypeError
from ._element import NATIVE_ORDER
from ._registry import record_of

if TYPE_CHECKING:
    import ctypes
    from typing import Any, TypeVar

    from ._element import Element

    StructureT = TypeVar("StructureT", bound=ctypes.Structure)

_SIGNED = "bhilqn"
_UNSIGNED = "BHILQN"


def record(structure: "type[StructureT]") -> "Element[StructureT]":
    """The record element of a ``ctypes.Structure`` subclass of yours: a file opened with it must
    hold exactly these fields (names, types, offsets, byte order), and its items are instances of
    your class (live views in writable modes, copies in read-only ones).

    Gaps between fields become padding, as NumPy writes aligned records. Raises
    :class:`UnsupportedDtypeError` naming a field npymmap cannot describe (pointers, bit fields).
    """
    from ._records import ctypes_module  # records load when the first one is made

    ctypes = ctypes_module()
    bases = (ctypes.Structure, ctypes.BigEndianStructure, ctypes.LittleEndianStructure)
    if not (isinstance(structure, type) and issubclass(structure, ctypes.Structure)) or structure in bases:
        raise TypeError(f"record() takes a ctypes.Structure subclass, not {structure!r:.60}")
    element: "Element[StructureT]" = record_of(_descr_of(structure), structure)
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
