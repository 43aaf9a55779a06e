"""Map NumPy ``.npy`` files into memory as typed, zero-copy arrays, with the standard library only.

>>> import npymmap
>>> with npymmap.open("table.npy", npymmap.float64) as table:   # doctest: +SKIP
...     table[0, 1]
"""

from ._array import NpyArray, WritableNpyArray
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
from ._base import DtypeMismatchError, Header, NpyError, NpyFormatError, UnsupportedDtypeError
from ._open import append_to, create, create_npz, open, open_buffer, open_npz, read_header

__version__ = "0.1.0"

__all__ = [
    "append_to",
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
