"""Handing the map to other libraries by protocol, NumPy as the consumer and oracle: DLPack
(``numpy.from_dlpack``) and PEP 688 buffers (Python 3.12+; before it, arrays are no buffers and
nothing changes)."""

from __future__ import annotations

import array
import gc
import hashlib
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

import npymmap

if TYPE_CHECKING:
    from typing_extensions import CapsuleType

PYPY = sys.implementation.name == "pypy"
BUFFERS = sys.version_info >= (3, 12) or PYPY  # PEP 688; PyPy has long called __buffer__ itself
NATIVE_KINDS = ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16"]
VIEWS: list[Any] = [(), (slice(None), 1), (slice(None, None, -1),), (slice(1, None, 2), slice(None, None, -2)), (0, ...)]


def saved(tmp_path: Path, source: Any, name: str = "a.npy") -> str:
    path = str(tmp_path / name)
    np.save(path, source)
    return path


def values(dtype: str, shape: tuple[int, ...]) -> Any:
    count = int(np.prod(shape))
    return ((np.arange(count) % 2) if dtype == "|b1" else (np.arange(count) * (1 + 1j if "c" in dtype else 1))).astype(dtype).reshape(shape)


class Legacy:
    """A consumer that asks for the older, unversioned capsule (as DLPack 0.x consumers do)."""

    def __init__(self, array: npymmap.NpyArray[Any], copy: bool | None = None) -> None:
        self.array = array
        self.copy = copy

    def __dlpack__(self) -> CapsuleType:
        return self.array.__dlpack__(copy=self.copy)

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.array.__dlpack_device__()


def numpy_asks_versioned_capsules() -> bool:
    """True when NumPy's ``from_dlpack`` asks for DLPack 1.0 capsules (NumPy 2.1 on); older
    NumPy asks for the unversioned form only, which cannot carry a read-only map."""
    asked: list[Any] = []

    class Probe:
        def __dlpack__(self, **keywords: Any) -> CapsuleType:
            asked.append(keywords.get("max_version"))
            raise BufferError("probe")

        def __dlpack_device__(self) -> tuple[int, int]:
            return (1, 0)

    with pytest.raises(BufferError):
        np.from_dlpack(Probe())
    return asked[0] is not None


def live_exports() -> int:
    import npymmap._dlpack as dlpack

    gc.collect()
    return len(dlpack._LIVE)


@pytest.mark.skipif(PYPY, reason="PyPy has no ctypes.pythonapi: its refusal is tested below")
@pytest.mark.parametrize("fortran", [False, True])
@pytest.mark.parametrize("dtype", NATIVE_KINDS)
def test_from_dlpack_takes_every_native_kind_and_view_zero_copy(tmp_path: Path, dtype: str, fortran: bool) -> None:
    source = values(dtype, (4, 6))
    source = np.asfortranarray(source) if fortran else source
    path = saved(tmp_path, source)
    versioned = numpy_asks_versioned_capsules()
    for mode in ("r", "c"):
        with npymmap.open(path, mode=mode) as a:
            if mode == "r" and not versioned:
                with pytest.raises(BufferError, match="cannot say read-only"):
                    np.from_dlpack(a)
                continue
            for key in VIEWS:
                window = a[key] if key else a
                taken = np.from_dlpack(window)
                expected = source[key] if key else source
                assert (taken.dtype, taken.shape, taken.tolist()) == (expected.dtype, expected.shape, expected.tolist())
                assert taken.flags.writeable == (mode == "c" and versioned)  # (older NumPy: always read-only)
                del taken
    with npymmap.open(path, mode="r+") as w:
        taken = np.from_dlpack(w[1, ...])
        assert taken.flags.writeable == versioned
        w[1, 2] = source[0, 0]
        assert taken[2] == source[0, 0]  # the same memory
        del taken
    assert np.load(path)[1, 2] == source[0, 0]
    assert live_exports() == 0


@pytest.mark.skipif(PYPY, reason="PyPy has no ctypes.pythonapi: its refusal is tested below")
def test_dlpack_capsules_keep_the_map_until_their_consumer_is_done(tmp_path: Path) -> None:
    source = values("<f8", (3, 5))
    path = saved(tmp_path, source)
    a = npymmap.open(path, mode="c")
    taken = np.from_dlpack(a[:, 2])
    a.close()
    assert taken.tolist() == source[:, 2].tolist()  # still mapped after close()
    with pytest.raises(npymmap.ClosedError):
        a.__dlpack__(max_version=(1, 0))
    del taken
    assert live_exports() == 0
    with npymmap.open(path) as b:
        unused = b.__dlpack__(max_version=(1, 0))
        assert live_exports() == 1
        del unused  # never consumed: the capsule deletes its tensor itself
        assert live_exports() == 0


@pytest.mark.skipif(PYPY, reason="PyPy has no ctypes.pythonapi: its refusal is tested below")
def test_the_older_capsule_form_serves_writable_maps_and_refuses_read_only_ones(tmp_path: Path) -> None:
    path = saved(tmp_path, values("<i4", (2, 3)))
    with npymmap.open(path) as a:
        with pytest.raises(BufferError, match="cannot say read-only"):
            np.from_dlpack(Legacy(a))  # type: ignore[arg-type]
    with npymmap.open(path, mode="r+") as w:
        taken = np.from_dlpack(Legacy(w))  # type: ignore[arg-type]
        assert taken.tolist() == values("<i4", (2, 3)).tolist()
        del taken
    assert live_exports() == 0


@pytest.mark.parametrize("dtype", [">f8", ">i4", "<U3", "|S2", "<M8[s]", "<m8[D]", [("a", "<i4"), ("b", "<f8")]])
def test_dlpack_refuses_elements_it_cannot_express(tmp_path: Path, dtype: Any) -> None:
    path = saved(tmp_path, np.zeros(3, dtype))
    with npymmap.open(path) as a:
        with pytest.raises(BufferError, match="DLPack has no type"):
            a.__dlpack__(max_version=(1, 0))


@pytest.mark.skipif(PYPY, reason="PyPy has no ctypes.pythonapi: its refusal is tested below")
def test_a_dlpack_copy_is_a_writable_c_order_copy_the_map_never_sees(tmp_path: Path) -> None:
    source = np.asfortranarray(values("<i8", (3, 4)))
    path = saved(tmp_path, source)
    with npymmap.open(path) as a:
        for versioned in (True, False) if numpy_asks_versioned_capsules() else (False,):  # (from_dlpack's copy: NumPy 2.1 on)
            window = a[:, ::2]
            made = np.from_dlpack(window, copy=True) if versioned else np.from_dlpack(Legacy(window, copy=True))  # type: ignore[arg-type]
            assert made.tolist() == source[:, ::2].tolist()
            if versioned:
                made[0, 0] = -5
        assert a[0, 0] == source[0, 0]
        del made
    assert np.load(path).tolist() == source.tolist()
    assert live_exports() == 0


def test_dlpack_refuses_streams_and_other_devices(tmp_path: Path) -> None:
    path = saved(tmp_path, values("<f8", (3,)))
    with npymmap.open(path) as a:
        assert a.__dlpack_device__() == (1, 0)
        refusals: list[tuple[dict[str, Any], str]] = [({"stream": 1}, "stream"), ({"dl_device": (2, 0)}, "device")]
        for arguments, words in refusals:
            with pytest.raises(BufferError, match=words):
                a.__dlpack__(max_version=(1, 0), **arguments)


@pytest.mark.skipif(not PYPY, reason="CPython's DLPack export is tested above")
def test_dlpack_on_pypy_is_a_clear_buffer_error(tmp_path: Path) -> None:
    path = saved(tmp_path, values("<f8", (3,)))
    with npymmap.open(path) as a:
        with pytest.raises(BufferError, match="C API"):
            a.__dlpack__(max_version=(1, 0))


@pytest.mark.parametrize("dtype", ["<f8", "<i2", "|b1", "<f2", "<c16", ">f8", "<U2", "<M8[s]", "<m8[D]", [("a", "<i4"), ("b", "<f8")]])
def test_an_array_is_a_buffer_on_python_3_12_and_nothing_changes_before(tmp_path: Path, dtype: Any) -> None:
    source = values(dtype, (3, 4)) if isinstance(dtype, str) and dtype[1] not in "U" else np.zeros((3, 4), dtype)
    path = saved(tmp_path, source)
    with npymmap.open(path) as a:
        if not BUFFERS:
            with pytest.raises(TypeError):
                memoryview(a)
            assert np.asarray(a).tolist() == source.tolist()  # through __array_interface__, as before
            return
        assert hashlib.sha256(a).digest() == hashlib.sha256(source.tobytes()).digest()
        with open(tmp_path / "out", "wb") as out:
            out.write(a)
        assert (tmp_path / "out").read_bytes() == source.tobytes()
        left, right = socket.socketpair()
        with left, right:
            left.sendall(a)
            assert right.recv(source.nbytes, socket.MSG_WAITALL) == source.tobytes()
        copied = array.array("B")
        copied.frombytes(a)
        assert copied.tobytes() == source.tobytes()
        taken = np.asarray(a)
        assert (taken.dtype, taken.tolist()) == (source.dtype, source.tolist())  # never uint8 bytes
        del taken
        if a.element.buffer_format is None:
            with pytest.raises(BufferError, match="no buffer format"):
                memoryview(a)
            return
        view = memoryview(a)
        assert (view.format, view.shape, view.readonly, view.tolist()) == (a.element.memoryview_format, (3, 4), True, source.tolist())
        assert bytes(a) == source.tobytes()
        a.close()
        assert view.tolist() == source.tolist()  # a buffer handed out outlives close()
        view.release()


@pytest.mark.skipif(not BUFFERS, reason="before Python 3.12 an array is no buffer (tested above)")
@pytest.mark.parametrize("shape", [(0,), (3, 0, 2), (0, 4)])
def test_empty_arrays_keep_their_shape_in_numpy_and_give_their_bytes(tmp_path: Path, shape: tuple[int, ...]) -> None:
    source = np.zeros(shape, "<f4")
    with npymmap.open(saved(tmp_path, source)) as a:
        taken = np.asarray(a)
        assert (taken.dtype, taken.shape) == (source.dtype, shape)
        assert hashlib.sha256(a).digest() == hashlib.sha256(b"").digest()
        if len(shape) != 1:
            with pytest.raises(BufferError, match="empty shape"):
                memoryview(a)


@pytest.mark.skipif(not BUFFERS, reason="before Python 3.12 an array is no buffer (tested above)")
def test_buffers_are_writable_in_writable_modes_and_refused_for_windows_not_contiguous(tmp_path: Path) -> None:
    source = values("<f8", (3, 4))
    path = saved(tmp_path, source)
    with npymmap.open(path, mode="r+") as w:
        view: Any = memoryview(w)
        assert not view.readonly
        view[1, 2] = -1.0
        assert w[1, 2] == -1.0
        view.release()
        for window in (w[:, 1], w.T, w[::2]):
            with pytest.raises(BufferError, match="not C-contiguous"):
                memoryview(window)
            assert np.asarray(window).tolist() == window.tolist()  # NumPy falls back to __array_interface__
    with npymmap.open(path) as a:
        view = memoryview(a)
        assert view.readonly
        with pytest.raises(TypeError, match="read-only"):
            view[0, 0] = 1.0
        view.release()
