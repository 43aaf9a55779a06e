"""DLPack export (the array API's exchange protocol): an array's items handed to NumPy, PyTorch,
JAX or any DLPack consumer zero-copy, built with :mod:`ctypes` only when asked for.

A capsule holds a managed tensor: the items' address, shape and strides (in items), the element
as DLPack's type code and bits, and a deleter the consumer calls when it is done. The address
comes from a buffer export of the map (``PyObject_GetBuffer``) that the deleter releases: while a
consumer holds the items, the map cannot be unmapped under it (``close()`` then leaves the
unmapping to the last export, as for NumPy's ``__array_interface__``). A capsule never consumed
runs the deleter itself when it goes. Needs CPython's C API through ``ctypes.pythonapi``.
"""

import ctypes

from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import CapsuleType

    from ._element import Element

_CPU = 1  # kDLCPU
_READ_ONLY, _IS_COPIED = 1, 2  # DLPACK_FLAG_BITMASK_READ_ONLY, DLPACK_FLAG_BITMASK_IS_COPIED
VERSION = (1, 0)
_LEGACY_NAME, _VERSIONED_NAME = b"dltensor", b"dltensor_versioned"


class _Device(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _Tensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", _Device),
        ("ndim", ctypes.c_int32),
        ("dtype", _DataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


class _Managed(ctypes.Structure):
    """DLPack 0.x's ``DLManagedTensor`` (capsule ``"dltensor"``)."""


class _Version(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class _ManagedVersioned(ctypes.Structure):
    """DLPack 1.0's ``DLManagedTensorVersioned`` (capsule ``"dltensor_versioned"``), which has
    room for the read-only flag."""


_LegacyDeleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(_Managed))
_VersionedDeleter = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ManagedVersioned))
_Managed._fields_ = [("dl_tensor", _Tensor), ("manager_ctx", ctypes.c_void_p), ("deleter", _LegacyDeleter)]
_ManagedVersioned._fields_ = [
    ("version", _Version),
    ("manager_ctx", ctypes.c_void_p),
    ("deleter", _VersionedDeleter),
    ("flags", ctypes.c_uint64),
    ("dl_tensor", _Tensor),
]


class _Buffer(ctypes.Structure):
    """CPython's ``Py_buffer``."""

    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


class _Export:
    """What one capsule keeps alive until its deleter runs: the managed tensor, its shape and
    strides, and the buffer export of the map."""

    __slots__ = ("managed", "shape", "strides", "buffer")

    def __init__(self, managed: "Any", shape: "Any", strides: "Any", buffer: "_Buffer") -> "None":
        self.managed, self.shape, self.strides, self.buffer = managed, shape, strides, buffer


_LIVE: "dict[int, _Export]" = {}  # managed tensor's address: its export, until the deleter runs


def _release(address: "int") -> "None":
    export = _LIVE.pop(address, None)
    if export is not None:
        _api().PyBuffer_Release(ctypes.byref(export.buffer))


def _delete(managed: "Any") -> "None":
    """A managed tensor's deleter (either form), which its consumer calls when done."""
    _release(ctypes.addressof(managed.contents))


def _capsule_gone(capsule: "int") -> "None":
    """A capsule's destructor: a capsule no consumer took (its name unchanged) deletes its tensor."""
    api = _api()
    for name in (_LEGACY_NAME, _VERSIONED_NAME):
        if api.PyCapsule_IsValid(capsule, name):
            _release(api.PyCapsule_GetPointer(capsule, name))
            return


# C function pointers, kept for the life of the module (a consumer may call them at any time)
_DELETE_LEGACY, _DELETE_VERSIONED = _LegacyDeleter(_delete), _VersionedDeleter(_delete)
_CAPSULE_GONE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(_capsule_gone)


def _api() -> "Any":
    """``ctypes.pythonapi`` with the signatures used here (set once)."""
    api = ctypes.pythonapi
    if api.PyCapsule_New.restype is not ctypes.py_object:
        api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
        api.PyCapsule_New.restype = ctypes.py_object
        api.PyCapsule_IsValid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        api.PyCapsule_IsValid.restype = ctypes.c_int
        api.PyCapsule_GetPointer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        api.PyCapsule_GetPointer.restype = ctypes.c_void_p
        api.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(_Buffer), ctypes.c_int]
        api.PyObject_GetBuffer.restype = ctypes.c_int
        api.PyBuffer_Release.argtypes = [ctypes.POINTER(_Buffer)]
        api.PyBuffer_Release.restype = None
    return api


def data_type(element: "Element[Any]") -> "tuple[int, int]":
    """DLPack's (type code, bits) of ``element``; :class:`BufferError` for an element DLPack
    cannot express (another byte order, times, text, records)."""
    found = element.dlpack_type()
    if found is None:
        order = "" if element.is_native else f" in {'big' if element.byteorder == '>' else 'little'}-endian order"
        raise BufferError(f"DLPack has no type for {element.name}{order}; use tolist() or __array_interface__")
    return found


def capsule(
    data: "memoryview",
    start: "int",
    shape: "tuple[int, ...]",
    strides: "tuple[int, ...]",
    element: "Element[Any]",
    read_only: "bool",
    versioned: "bool",
    copied: "bool" = False,
) -> "CapsuleType":
    """A DLPack capsule of the items of ``data`` (a region's bytes, or a copy of the items when
    ``copied``) from item ``start``, of ``shape`` and ``strides`` (in items); ``versioned``:
    DLPack 1.0's, flagged read-only when ``read_only`` (and copied when ``copied``), else the
    older form, which cannot say read-only (:class:`BufferError` then, as NumPy does). O(ndim)."""
    code, bits = data_type(element)
    if read_only and not versioned:
        raise BufferError("a read-only map cannot be handed out as an old (unversioned) DLPack capsule, which cannot say read-only")
    try:
        api = _api()
    except AttributeError:
        raise BufferError("DLPack export needs CPython's C API (ctypes.pythonapi)") from None
    buffer = _Buffer()
    api.PyObject_GetBuffer(data, ctypes.byref(buffer), 0)  # (raises for a released view)
    ndim = len(shape)
    dims, steps = (ctypes.c_int64 * max(ndim, 1))(*shape), (ctypes.c_int64 * max(ndim, 1))(*strides)
    managed: "Any" = _ManagedVersioned() if versioned else _Managed()
    tensor = managed.dl_tensor
    tensor.data = (buffer.buf or 0) + start * element.itemsize
    tensor.device = _Device(_CPU, 0)
    tensor.ndim = ndim
    tensor.dtype = _DataType(code, bits, 1)
    tensor.shape = ctypes.cast(dims, ctypes.POINTER(ctypes.c_int64))
    tensor.strides = ctypes.cast(steps, ctypes.POINTER(ctypes.c_int64))
    if versioned:
        managed.version = _Version(*VERSION)
        managed.flags = (_READ_ONLY if read_only else 0) | (_IS_COPIED if copied else 0)
        managed.deleter = _DELETE_VERSIONED
    else:
        managed.deleter = _DELETE_LEGACY
    address = ctypes.addressof(managed)
    _LIVE[address] = _Export(managed, dims, steps, buffer)
    try:
        return api.PyCapsule_New(address, _VERSIONED_NAME if versioned else _LEGACY_NAME, ctypes.cast(_CAPSULE_GONE, ctypes.c_void_p))  # type: ignore[no-any-return]
    except BaseException:
        _release(address)
        raise
