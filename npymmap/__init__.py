"""Map NumPy ``.npy`` files into memory as typed, zero-copy arrays, with the standard library only.

>>> import npymmap
>>> with npymmap.open("table.npy", npymmap.float64) as table:   # doctest: +SKIP
...     table[0, 1]
"""

from ._base import TYPE_CHECKING
from ._elements import (
    Element,
    bool_,
    bytes_,
    complex64,
    complex128,
    datetime64,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    lookup,
    record,
    str_,
    timedelta64,
    uint8,
    uint16,
    uint32,
    uint64,
    void,
)
from ._base import ClosedError, DtypeMismatchError, Header, NpyError, NpyFormatError, UnsupportedDtypeError

if TYPE_CHECKING:
    from ._array import NpyArray, WritableNpyArray
    from ._open import append_to, create, create_npz, open, open_buffer, open_npz, read_header
else:
    # The array types and the functions that open files live in modules loaded on the first use
    # of one of these names (PEP 562), so that ``import npymmap`` costs only the elements.
    _FROM_ARRAY = ("NpyArray", "WritableNpyArray")
    _FROM_OPEN = ("append_to", "create", "create_npz", "open", "open_buffer", "open_npz", "read_header")
    _LOADED_ON_USE = frozenset(_FROM_ARRAY + _FROM_OPEN)

    def __getattr__(name):
        if name not in _LOADED_ON_USE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from . import _array, _open

        for module, names in ((_array, _FROM_ARRAY), (_open, _FROM_OPEN)):
            for loaded in names:
                globals()[loaded] = getattr(module, loaded)
        return globals()[name]

    def __dir__():
        return sorted(set(globals()) | _LOADED_ON_USE)

__version__ = "0.1.0"

__all__ = [
    "append_to",
    "ClosedError",
    "DtypeMismatchError",
    "Element",
    "Header",
    "NpyArray",
    "NpyError",
    "NpyFormatError",
    "UnsupportedDtypeError",
    "WritableNpyArray",
    "bool_",
    "bytes_",
    "complex64",
    "complex128",
    "create",
    "create_npz",
    "datetime64",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "lookup",
    "open",
    "open_buffer",
    "open_npz",
    "read_header",
    "record",
    "str_",
    "timedelta64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "void",
]
