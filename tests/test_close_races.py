"""Threads racing ``close()``: every operation either completes with the right values or raises
:class:`npymmap.ClosedError`; never another exception, never a crash. Arrays in every mode and
layout, ``.npz`` archives and their members, the ``.npz`` writer and the appender."""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pytest

import npymmap

TRIALS = 60
READERS = 3


@pytest.fixture(autouse=True)
def fast_switching() -> Iterator[None]:
    """Threads switch every microsecond, so that close() lands inside operations."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def race(open_target: Callable[[], Any], operations: list[Callable[[Any], object]], close: Callable[[Any], None]) -> tuple[int, int]:
    """``TRIALS`` times: open a target, let ``READERS`` threads loop over ``operations`` while
    this thread closes it after a random pause. Returns (operations completed, closed errors);
    fails on any other exception or a wrong value (an operation checks its own value)."""
    completed = closed = 0
    failures: list[str] = []
    lock = threading.Lock()
    random.seed(1234)
    for _ in range(TRIALS):
        target = open_target()
        start = threading.Barrier(READERS + 1)

        def reader(seed: int) -> None:
            nonlocal completed, closed
            order = random.Random(seed)
            start.wait()
            done = 0
            try:
                for _ in range(10_000):
                    operations[order.randrange(len(operations))](target)
                    done += 1
            except npymmap.ClosedError:
                with lock:
                    closed += 1
            except BaseException as error:  # the fault this test looks for
                with lock:
                    failures.append(f"{type(error).__name__}: {error}")
            with lock:
                completed += done

        threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(READERS)]
        for thread in threads:
            thread.start()
        start.wait()
        time.sleep(random.random() * 0.002)
        close(target)
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures[:5]
    return completed, closed


def _expect(value: object, expected: object) -> None:
    if value != expected:
        raise AssertionError(f"read {value!r:.80}, expected {expected!r:.80}")


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
@pytest.mark.parametrize("layout", ["C", "F", "big-endian", "records"])
def test_array_operations_racing_close(tmp_path: Path, mode: str, layout: str) -> None:
    reference = np.arange(60 * 40, dtype="<f8").reshape(60, 40)
    if layout == "F":
        reference = np.asfortranarray(reference)
    elif layout == "big-endian":
        reference = reference.astype(">f8")
    elif layout == "records":
        reference = np.rec.fromarrays([reference, -reference], dtype=[("a", "<f8"), ("b", "<f8")])
    path = tmp_path / "raced.npy"
    np.save(path, reference)
    rows, column, whole = reference[7].tolist(), reference[:, 3].tolist(), reference.tobytes()
    operations: list[Callable[[Any], object]] = [
        lambda a: _expect(a[7, 3], reference[7, 3].item()) if layout != "records" else a[7, 3],
        lambda a: _expect(a[7:8].tolist(), [rows]),
        lambda a: _expect(a[:, 3].tolist(), column),
        lambda a: _expect(a.tobytes(), whole),
        lambda a: _expect(len(a), 60),
        lambda a: _expect(a[5, ...].tolist(), reference[5].tolist()),
        lambda a: _expect([row.tolist() for row in a[:3].rows()], reference[:3].tolist()),
        lambda a: a.flush(),
        lambda a: a.check_file(),
    ]
    if mode != "r":
        value = reference[2, 2].item()
        operations.append(lambda a: a.__setitem__((2, 2), value))
        operations.append(lambda a: a.__setitem__((slice(2, 3), Ellipsis), reference[2:3].tolist()))
    completed, closed = race(lambda: npymmap.open(path, mode=mode), operations, lambda a: a.close())  # type: ignore[call-overload]
    assert completed > 0 and closed > 0


def test_archive_members_racing_close(tmp_path: Path) -> None:
    path = tmp_path / "raced.npz"
    x, y = np.arange(500, dtype="<i4"), np.arange(300.0).reshape(30, 10)
    np.savez(path, x=x, y=y)
    operations: list[Callable[[Any], object]] = [
        lambda z: _expect(z["x"][17], 17),
        lambda z: _expect(z["y"][:, 2].tolist(), y[:, 2].tolist()),
        lambda z: _expect(z["x"].tobytes(), x.tobytes()),
        lambda z: _expect(list(z), ["x", "y"]),
        lambda z: _expect(z.read("x").tolist()[-1], 499),
        lambda z: z.flush(),
    ]
    completed, closed = race(lambda: npymmap.open_npz(path), operations, lambda z: z.close())
    assert completed > 0 and closed > 0


def test_npz_writer_racing_close(tmp_path: Path) -> None:
    path = tmp_path / "written.npz"
    counter = iter(range(10**9))

    def add(writer: Any) -> None:
        member = writer.add(f"m{next(counter)}", npymmap.int16, (50,))
        member[:] = list(range(50))
        _expect(member[49], 49)

    completed, closed = race(lambda: npymmap.create_npz(path, overwrite=True), [add], lambda w: w.close())
    assert completed > 0 and closed > 0
    with np.load(path) as archive:  # the last archive: each member filled whole, or not at all (closed first)
        for name in archive.files:
            assert archive[name].tolist() in (list(range(50)), [0] * 50)


def test_appender_racing_close(tmp_path: Path) -> None:
    path = tmp_path / "grown.npy"

    def start() -> Any:
        np.save(path, np.zeros((1, 4), "<i8"))
        return npymmap.append_to(path)

    operations: list[Callable[[Any], object]] = [
        lambda g: g.append([[1, 2, 3, 4]]),
        lambda g: g.append(np.array([[1, 2, 3, 4]], "<i8")),
        lambda g: g.flush(),
        lambda g: g.shape,
    ]
    completed, closed = race(start, operations, lambda g: g.close())
    assert completed > 0 and closed > 0
    loaded = np.load(path)
    assert loaded[0].tolist() == [0, 0, 0, 0] and all(row == [1, 2, 3, 4] for row in loaded[1:].tolist())


def test_archive_reads_from_many_threads_at_once(tmp_path: Path) -> None:
    """NpzFile.read from several threads, no close: zipfile counts the readers of its file
    without a lock, so unserialised reads could close the file under one another."""
    path = tmp_path / "shared.npz"
    x = np.arange(2000, dtype="<i8")
    np.savez_compressed(path, x=x)
    failures: list[str] = []
    with npymmap.open_npz(path) as archive:
        start = threading.Barrier(4)

        def reader() -> None:
            start.wait()
            try:
                for _ in range(300):
                    _expect(archive.read("x")[1999], 1999)
            except BaseException as error:
                failures.append(f"{type(error).__name__}: {error}")

        threads = [threading.Thread(target=reader) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not failures, failures[:3]
