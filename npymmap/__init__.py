"""Map NumPy ``.npy`` files into memory as typed, zero-copy arrays, with the standard library only.

>>> import npymmap
>>> with npymmap.open("table.npy", npymmap.float64) as table:   # doctest: +SKIP
...     table[0, 1]
"""

from ._array import NpyArray, WritableNpyArray
from ._elements import (
    Element,
    bool_,
    complex64,
    complex128,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    lookup,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._base import DtypeMismatchError, Header, NpyError, NpyFormatError, UnsupportedDtypeError
from ._open import create, open, read_header

__version__ = "0.1.0"

__all__ = [
    "DtypeMismatchError",
    "Element",
    "Header",
    "NpyArray",
    "NpyError",
    "NpyFormatError",
    "UnsupportedDtypeError",
    "WritableNpyArray",
    "bool_",
    "complex64",
    "complex128",
    "create",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "lookup",
    "open",
    "read_header",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
]
