"""Map NumPy ``.npy`` files into memory as typed, zero-copy arrays, with the standard library only.

>>> import npymmap
>>> with npymmap.open("table.npy", npymmap.float64) as table:   # doctest: +SKIP
...     table[0, 1]
"""

from ._base import TYPE_CHECKING
from ._base import ClosedError, DtypeMismatchError, Header, NpyError, NpyFormatError, UnsupportedDtypeError

if TYPE_CHECKING:
    from ._array import NpyArray, WritableNpyArray
    from ._element import Element
    from ._grow import Appender
    from ._npz import NpzFile
    from ._npz_writer import NpzWriter
    from ._numbers import bool_, complex64, complex128, datetime64, float16, float32, float64, int8, int16, int32
    from ._numbers import int64, timedelta64, uint8, uint16, uint32, uint64
    from ._open import append_to, create, create_npz, open, open_buffer, open_npz, read_header
    from ._registry import lookup
    from ._structures import record
    from ._text import bytes_, str_, void
else:
    # Everything but the exceptions lives in modules loaded on the first use of one of their
    # names (PEP 562), so that ``import npymmap`` costs one small module, and using an element
    # loads the element modules only, not the arrays and the file functions.
    _MODULE_OF = {
        name: module
        for module, names in {
            "_element": ("Element",),
            "_numbers": ("bool_", "complex64", "complex128", "datetime64", "float16", "float32", "float64", "int8",
                         "int16", "int32", "int64", "timedelta64", "uint8", "uint16", "uint32", "uint64"),
            "_registry": ("lookup",),
            "_structures": ("record",),
            "_text": ("bytes_", "str_", "void"),
            "_array": ("NpyArray", "WritableNpyArray"),
            "_open": ("append_to", "create", "create_npz", "open", "open_buffer", "open_npz", "read_header"),
            "_npz": ("NpzFile",),
            "_npz_writer": ("NpzWriter",),
            "_grow": ("Appender",),
        }.items()
        for name in names
    }  # fmt: skip

    def __getattr__(name):
        module_name = _MODULE_OF.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # What "from . import <module_name>" does, with the name in a variable.
        module = getattr(__import__("", globals(), None, (module_name,), 1), module_name)
        for loaded, home in _MODULE_OF.items():
            if home == module_name:
                globals()[loaded] = getattr(module, loaded)
        return globals()[name]

    def __dir__():
        return sorted(set(globals()) | set(_MODULE_OF))

__version__ = "0.1.0"

__all__ = [
    "append_to",
    "Appender",
    "ClosedError",
    "DtypeMismatchError",
    "Element",
    "Header",
    "NpyArray",
    "NpyError",
    "NpyFormatError",
    "NpzFile",
    "NpzWriter",
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
