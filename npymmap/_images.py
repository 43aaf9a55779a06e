"""An array over the ``.npy`` image held in a buffer (``open_buffer``, ``.npz`` members): the header
parsed from the bytes, the data a zero-copy slice of them."""

from ._array import NpyArray, WritableNpyArray
from ._region import Region
from ._base import TYPE_CHECKING, NpyFormatError, data_bytes
from ._registry import element_of
from ._header import read_fields

if TYPE_CHECKING:
    from typing import Any

    from ._element import Element


def array_in(
    view: "memoryview", name: "str", noun: "str", element: "Element[Any] | None", mode: "str", max_header_size: "int"
) -> "NpyArray[Any]":
    """The array whose ``.npy`` image is ``view`` (1-d bytes): the header parsed from it, the data
    a zero-copy slice of it, writable when ``mode`` is not ``'r'``. ``name`` is the path errors
    give, ``noun`` what the image is (``'buffer'``, ``'member'``)."""
    position = 0

    def read(count: "int") -> "bytes":
        nonlocal position
        chunk = view[position : position + count].tobytes()
        position += len(chunk)
        return chunk

    descr, shape, fortran_order, _, data_offset = read_fields(read, name, max_header_size)
    found = element_of(descr, element, name)
    nbytes = data_bytes(shape, found.itemsize, name)
    if len(view) < data_offset + nbytes:
        raise NpyFormatError(
            f"{noun} is truncated: the header's shape {shape} needs {data_offset + nbytes} bytes, the {noun} has {len(view)}",
            name,
        )
    data = view[data_offset : data_offset + nbytes]
    region = Region(data.toreadonly() if mode == "r" else data, found, name)
    cls = NpyArray if mode == "r" else WritableNpyArray
    return cls._root(region, shape, fortran_order, mode)
