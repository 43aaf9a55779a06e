"""Growing a .npy file in place with append_to(): NumPy reads every result."""

from __future__ import annotations

import array
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap


@pytest.mark.parametrize("descr", ["<f8", ">i4", "|b1", "<c8", "<U3", "|S2", ">M8[ns]"])
def test_append_rows_to_a_c_order_file(tmp_path: Path, descr: str) -> None:
    path = tmp_path / "grow.npy"
    start = np.zeros((2, 3), dtype=descr)
    np.save(path, start)
    more = np.ones((3, 3), dtype=descr)
    with npymmap.append_to(path) as grower:
        assert grower.append(more[:1].tolist() if descr[1] not in "M" else more[:1].view(descr[0] + "i8").tolist()) == 1
        rest = more[1:] if descr[1] != "M" else more[1:].view(descr[0] + "i8")  # NumPy exports no 'M' buffer
        assert grower.append(rest) == 2
        assert grower.shape == (5, 3)
    loaded = np.load(path)
    assert loaded.dtype == np.dtype(descr)
    assert loaded.shape == (5, 3)
    assert loaded.tobytes() == np.concatenate([start, more]).astype(descr).tobytes()


def test_append_columns_to_a_fortran_file_and_items_to_a_1d_file(tmp_path: Path) -> None:
    fortran = tmp_path / "f.npy"
    np.save(fortran, np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)))
    with npymmap.append_to(fortran) as grower:
        grower.append([[100, 101], [102, 103]])  # two columns of two
    assert np.load(fortran).tolist() == [[0, 1, 2, 100, 102], [3, 4, 5, 101, 103]]
    flat = tmp_path / "flat.npy"
    np.save(flat, np.arange(3.0))
    with npymmap.append_to(flat) as grower:
        grower.append([3.0, 4.0])
        grower.append(array.array("d", [5.0]))
        grower.append(np.array([6.0]).tobytes())
    assert np.load(flat).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_bytes_must_be_whole_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.npy"
    np.save(path, np.zeros((1, 2), dtype="<f4"))
    with npymmap.append_to(path) as grower:
        with pytest.raises(ValueError, match="not whole rows of 8 bytes"):
            grower.append(b"\0" * 12)
    assert np.load(path).shape == (1, 2)


def test_append_records(tmp_path: Path) -> None:
    dtype = np.dtype([("id", "<i8"), ("x", "<f4")])
    path = tmp_path / "records.npy"
    np.save(path, np.zeros(1, dtype))
    with npymmap.append_to(path) as grower:
        grower.append([(7, 1.5), (8, 2.5)])
    assert np.load(path).tolist() == [(0, 0.0), (7, 1.5), (8, 2.5)]


def test_a_bad_value_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ints.npy"
    np.save(path, np.arange(3, dtype="<i1"))
    before = path.read_bytes()
    with npymmap.append_to(path) as grower:
        with pytest.raises(OverflowError):
            grower.append([1, 2, 300])
        with pytest.raises(TypeError):
            grower.append([[1, 2], [3]])  # a 1-d file's rows are single values
        assert grower.append(b"") == 0
        with pytest.raises(TypeError, match="cannot read ndarray as items"):
            grower.append(np.array(["2020-01-01"], dtype="M8[D]"))
    assert path.read_bytes() == before


def test_a_crash_before_flush_leaves_the_old_array_and_the_next_appender_cuts_the_rows_off(tmp_path: Path) -> None:
    path = tmp_path / "crash.npy"
    np.save(path, np.arange(4.0))
    code = (
        "import os, signal, npymmap\n"
        f"g = npymmap.append_to({str(path)!r})\n"
        "g.append([9.0, 9.0])\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # no flush, no close\n"
    )
    died = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert died.returncode == -9
    assert np.load(path).tolist() == [0.0, 1.0, 2.0, 3.0]  # the new rows are ignored bytes
    assert path.stat().st_size == 128 + 6 * 8
    with npymmap.append_to(path) as grower:
        assert grower.discarded == 16  # the unfinished append, cut off
        assert path.stat().st_size == 128 + 4 * 8
        grower.append([4.0])
    assert np.load(path).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


KILLED_APPENDER = """
import array, sys, npymmap
with npymmap.append_to(sys.argv[1]) as grower:
    count = grower.shape[0]
    while True:
        grower.append(array.array("d", [float(count + i // 64) for i in range(64 * 256)]))  # row k holds k
        grower.flush()
        count += 256
        print(count, flush=True)  # acknowledged: these rows are committed
"""


def test_sigkill_at_any_moment_loses_no_committed_row_and_the_file_grows_again(tmp_path: Path) -> None:
    """20 appenders killed at random moments (seeded), each growing the file the last left: every
    acknowledged row is there with its values, and the next appender cuts off what the killed one
    left unfinished, if anything, and goes on."""
    import random
    import signal
    import time

    path = tmp_path / "killed.npy"
    np.save(path, np.zeros((0, 64)))
    for trial in range(20):
        child = subprocess.Popen([sys.executable, "-c", KILLED_APPENDER, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        acknowledged = int(child.stdout.readline())
        time.sleep(random.Random(trial).uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        acknowledged = max([acknowledged] + [int(line) for line in child.stdout.read().split()])
        assert child.wait(timeout=60) == -signal.SIGKILL
        loaded: Any = np.load(path, mmap_mode="r")
        assert loaded.shape[0] >= acknowledged
        assert (loaded == np.arange(loaded.shape[0], dtype=float)[:, None]).all()
        with npymmap.append_to(path) as grower:
            assert grower.shape == loaded.shape
        assert path.stat().st_size == 128 + loaded.nbytes
        del loaded
    assert np.load(path).shape[0] >= 20 * 256


def tight_file(path: Path, count: int, spare: int) -> bytes:
    """A 1-d float64 file of ``count`` zeros whose header has ``spare`` bytes of padding, as
    writers other than NumPy (and NumPy before 1.24) make them; its bytes."""
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({count},), }}".encode() + b" " * spare + b"\n"
    image = b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + bytes(8 * count)
    path.write_bytes(image)
    return image


def test_a_header_without_room_refuses_before_writing(tmp_path: Path) -> None:
    tight = tmp_path / "tight.npy"
    image = tight_file(tight, 9, 0)  # not one spare byte: 9 is the most rows its header can name
    with npymmap.append_to(tight) as grower:
        assert grower.max_rows == 9
        with pytest.raises(npymmap.NpyFormatError, match=r"tight.npy: the header has room for at most 9 rows, not 10: .*make_room=True"):
            grower.append([1.0])
        assert grower.append([]) == 0
    assert tight.read_bytes() == image
    roomy = tmp_path / "roomy.npy"
    tight_file(roomy, 5, 1)  # one spare byte: up to 99 rows
    with npymmap.append_to(roomy) as grower:
        assert grower.max_rows == 99
        assert grower.append(np.arange(94.0)) == 94
        with pytest.raises(npymmap.NpyFormatError, match="room for at most 99 rows, not 100"):
            grower.append([1.0])
    assert np.load(roomy).tolist() == [0.0] * 5 + list(np.arange(94.0))


def test_make_room_rewrites_a_tight_file_with_numpys_header_once(tmp_path: Path) -> None:
    tight = tmp_path / "tight.npy"
    tight_file(tight, 9, 0)
    tight.chmod(0o640)
    inode = tight.stat().st_ino
    with npymmap.open(tight) as reader:  # a reader of the old file keeps it
        with npymmap.append_to(tight, make_room=True) as grower:
            assert grower.max_rows >= 10**21 - 1  # NumPy leaves room for 21 digits at least
            grower.append(np.arange(1000.0))
        assert reader.shape == (9,)
    assert tight.stat().st_ino != inode and tight.stat().st_mode & 0o777 == 0o640
    expected = np.concatenate([np.zeros(9), np.arange(1000.0)])
    np.save(tmp_path / "numpy.npy", expected)
    assert tight.read_bytes() == (tmp_path / "numpy.npy").read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["numpy.npy", "tight.npy"]  # no temporary left
    with npymmap.append_to(tight, make_room=True):  # room enough: nothing rewritten
        pass
    assert tight.read_bytes() == (tmp_path / "numpy.npy").read_bytes()


def test_rows_of_the_wrong_shape_are_refused_whatever_their_byte_count(tmp_path: Path) -> None:
    path = tmp_path / "rows.npy"
    np.save(path, np.zeros((2, 3)))
    before = path.read_bytes()
    with npymmap.append_to(path) as grower:
        for wrong in (np.ones((1, 6)), np.ones((3, 2)), np.ones(6), np.ones(3), np.float64(1.0), np.ones((3, 2)).data):
            with pytest.raises(ValueError, match=r"rows must have shape \(count,\) \+ \(3,\)"):
                grower.append(wrong)
        np.save(tmp_path / "six.npy", np.ones(6))
        with npymmap.open(tmp_path / "six.npy") as six:
            with pytest.raises(ValueError, match=r"rows must have shape \(count,\) \+ \(3,\) to grow this file, not \(6,\)"):
                grower.append(six)
        for wrong_list in ([[1.0] * 6], [[1.0, 2.0]] * 3, [1.0] * 6):
            with pytest.raises(ValueError, match=r"not of shape \(3,\)"):
                grower.append(wrong_list)
    assert path.read_bytes() == before
    with npymmap.append_to(path) as grower:  # flat buffers of items laid out as in the file
        assert grower.append(array.array("d", range(6))) == 2
        assert grower.append(np.arange(3.0).data) == 1
        assert grower.append(np.arange(6.0).reshape(2, 3)) == 2
    assert np.load(path)[2:].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    fortran = tmp_path / "fortran.npy"
    np.save(fortran, np.asfortranarray(np.zeros((3, 2))))
    with npymmap.append_to(fortran) as grower:
        with pytest.raises(ValueError, match="rows must have shape"):
            grower.append(np.ones((1, 6)))
        assert grower.append(np.ones((1, 3))) == 1  # one column of three
    assert np.load(fortran).tolist() == [[0.0, 0.0, 1.0]] * 3


def test_append_to_makes_a_missing_file_when_told_its_element(tmp_path: Path) -> None:
    path = tmp_path / "log.npy"
    with pytest.raises(FileNotFoundError):
        npymmap.append_to(path)
    with pytest.raises(FileNotFoundError):
        npymmap.append_to(path, row_shape=(3,))
    assert not path.exists()
    with npymmap.append_to(path, npymmap.float32, (3,)) as grower:
        np.save(tmp_path / "empty.npy", np.zeros((0, 3), "<f4"))
        assert path.read_bytes() == (tmp_path / "empty.npy").read_bytes()  # NumPy's header, no rows
        grower.append([[1, 2, 3]])
    with npymmap.append_to(path, npymmap.float32, 3) as grower:  # it exists now: grown, not made
        grower.append(np.ones((1, 3), "<f4"))
    assert np.load(path).tolist() == [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]
    with npymmap.append_to(tmp_path / "items.npy", npymmap.int64) as grower:  # no row shape: a 1-d file
        grower.append([1, 2])
    assert np.load(tmp_path / "items.npy").tolist() == [1, 2]
    before = path.read_bytes()
    with pytest.raises(npymmap.DtypeMismatchError, match="log.npy: file holds <f4"):
        npymmap.append_to(path, npymmap.int32, (3,))
    with pytest.raises(ValueError, match=r"log.npy: the file's rows have shape \(3,\), not \(4,\)"):
        npymmap.append_to(path, npymmap.float32, (4,))
    with pytest.raises(TypeError, match="npymmap element"):
        npymmap.append_to(path, "<f4", (3,))  # type: ignore[arg-type]
    assert path.read_bytes() == before


def test_a_0d_file_has_no_axis_to_grow(tmp_path: Path) -> None:
    scalar = tmp_path / "scalar.npy"
    np.save(scalar, np.float64(1.0))
    with pytest.raises(npymmap.NpyFormatError, match="0-d array has no axis to grow"):
        npymmap.append_to(scalar)


def test_one_appender_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "locked.npy"
    np.save(path, np.zeros(2))
    code = f"import npymmap\ntry:\n    npymmap.append_to({str(path)!r})\nexcept BlockingIOError as error:\n    print(error)\n"
    with npymmap.append_to(path) as grower:
        with pytest.raises(BlockingIOError, match="another appender is writing this file"):
            npymmap.append_to(path)
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        assert child.stdout.strip() == f"[Errno 11] another appender is writing this file: {str(path)!r}"
        grower.append([1.0])
    with npymmap.append_to(path) as grower:  # free again once closed
        grower.append([2.0])
    assert np.load(path).tolist() == [0.0, 0.0, 1.0, 2.0]


def test_growing_a_file_numpy_appended_to_before(tmp_path: Path) -> None:
    """NumPy's spare header space takes shapes up to 21 digits."""
    path = tmp_path / "many.npy"
    np.save(path, np.zeros((1, 2)))
    with npymmap.append_to(path) as grower:
        for _ in range(5):
            grower.append(np.zeros((1000, 2)))
            grower.flush()
    loaded: Any = np.load(path)
    assert loaded.shape == (5001, 2)


def test_a_file_system_without_locks_still_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    path = tmp_path / "nfs.npy"
    np.save(path, np.zeros(1))
    with npymmap.append_to(path) as grower:
        grower.append([1.0])
    assert np.load(path).tolist() == [0.0, 1.0]
