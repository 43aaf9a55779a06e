"""head's --slice and --all: what NumPy's index picks, labelled with the array's own indices,
read alone, with the usual faults (an index the array lacks: one stderr line, status 1)."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from npymmap.__main__ import main


def head(*arguments: str) -> tuple[int, str, str]:
    """``npymmap head ...`` in this process: status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(["head", *arguments])
        except SystemExit as leaving:  # argparse's usage errors
            status = leaving.code if isinstance(leaving.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def table(text: str) -> tuple[list[str], list[int], list[list[float]]]:
    """The column labels, row labels and values of a table head printed."""
    lines = [line.split() for line in text.splitlines()]
    return lines[0][1:], [int(line[0]) for line in lines[1:]], [[float(cell) for cell in line[1:]] for line in lines[1:]]


CUBE = np.arange(5 * 4 * 3, dtype="<f8").reshape(5, 4, 3)
# --slice text: NumPy's key, and the array's indices along the axes shown (rows, then columns)
KEYS: dict[str, tuple[tuple[Any, ...], list[int], list[str]]] = {
    "0:5, :, -1": ((slice(0, 5), slice(None), -1), [0, 1, 2, 3, 4], ["0", "1", "2", "3"]),
    "..., 2": ((Ellipsis, 2), [0, 1, 2, 3, 4], ["0", "1", "2", "3"]),
    "::-2, 0": ((slice(None, None, -2), 0), [4, 2, 0], ["0", "1", "2"]),
    "[1:3, 1, ::2]": ((slice(1, 3), 1, slice(None, None, 2)), [1, 2], ["0", "2"]),
    "-1": ((-1,), [0, 1, 2, 3], ["0", "1", "2"]),
    "4:-9:-1, 1:, 0": ((slice(4, -9, -1), slice(1, None), 0), [4, 3, 2, 1, 0], ["1", "2", "3"]),
    "1, :, 0": ((1, slice(None), 0), [0, 1, 2, 3], ["value"]),
}


@pytest.fixture
def cube_files(tmp_path: Path) -> list[str]:
    np.save(tmp_path / "cube.npy", CUBE)
    np.savez(tmp_path / "stored.npz", cube=CUBE)
    np.savez_compressed(tmp_path / "packed.npz", cube=CUBE)
    return [str(tmp_path / "cube.npy"), f"{tmp_path / 'stored.npz'}::cube", f"{tmp_path / 'packed.npz'}::cube"]


@pytest.mark.parametrize("text", KEYS)
@pytest.mark.parametrize("rows", [None, 2, -1])
def test_a_slice_shows_what_numpy_picks_labelled_with_the_arrays_indices(cube_files: list[str], text: str, rows: int | None) -> None:
    key, row_labels, column_labels = KEYS[text]
    picked: Any = CUBE[key]
    if rows is not None:
        picked, row_labels = picked[:rows], row_labels[:rows]
    for file in cube_files:
        status, out, err = head(file, f"--slice={text}", *(["-n", str(rows)] if rows is not None else []))
        assert (status, err) == (0, "")
        assert table(out) == (column_labels, row_labels, (picked if picked.ndim == 2 else picked[:, None]).tolist())


def test_one_item_prints_alone_and_an_empty_slice_says_so(cube_files: list[str]) -> None:
    for file in cube_files:
        assert head(file, "--slice", "1, 2, 0") == (0, f"{CUBE[1, 2, 0]}\n", "")
        assert head(file, "--slice", "3:1") == (0, "(the slice picks no items: shape (0, 4, 3))\n", "")
        assert head(file, "--slice", "1:3", "-n", "0") == (0, "", "")


def test_an_index_the_array_lacks_is_its_fault_and_the_others_are_still_done(cube_files: list[str], tmp_path: Path) -> None:
    np.save(tmp_path / "long.npy", np.arange(10.0))
    status, out, err = head(cube_files[0], str(tmp_path / "long.npy"), "--slice", "7")
    assert status == 1
    assert err == f"npymmap: {cube_files[0]}: index 7 is out of bounds for axis 0 with size 5\n"
    assert out.endswith(f"==> {tmp_path / 'long.npy'} <==\n7.0\n")
    status, _, err = head(cube_files[2], "--slice", "0, 0, 0, 0")
    assert (status, err) == (1, f"npymmap: {cube_files[2]}: too many indices for array: array is 3-dimensional, but 4 were indexed\n")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--slice", "a"], "'a' is not an index"),
        (["--slice", "1:2:0"], "slice step cannot be zero"),
        (["--slice", "..., ..."], "a single ellipsis"),
        (["--slice", "1:2:3:4"], "start:stop:step at most"),
        (["--slice", "__import__('os')"], "is not an index"),
        (["-n", "2", "--all"], "not allowed with argument -n"),
    ],
)
def test_a_bad_slice_is_a_usage_error(cube_files: list[str], arguments: list[str], message: str) -> None:
    status, out, err = head(cube_files[0], *arguments)
    assert (status, out) == (2, "")
    assert message in err


def test_all_prints_every_row_and_a_huge_table_is_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "rows.npy", np.arange(30.0).reshape(15, 2))
    status, out, _ = head(str(tmp_path / "rows.npy"), "--all")
    assert status == 0 and table(out)[1] == list(range(15))
    assert len(head(str(tmp_path / "rows.npy"))[1].splitlines()) == 11  # still 10 rows by default
    np.save(tmp_path / "big.npy", np.zeros((500_001, 2), "<f4"))
    status, out, err = head(str(tmp_path / "big.npy"), "--all")
    assert (status, out) == (1, "")
    assert err.startswith(f"npymmap: {tmp_path / 'big.npy'}: 1000002 values are more than head aligns in a table (1,000,000)")
    assert head(str(tmp_path / "big.npy"), "--slice=-2:")[1].splitlines()[1:] == ["499999  0.0  0.0", "500000  0.0  0.0"]


def test_a_slice_of_a_compressed_member_reads_only_the_rows_it_shows(tmp_path: Path) -> None:
    """A compressed member is read from its start: the first rows come from a stream whose end
    is damaged, and only a slice reaching that end finds the damage."""
    values = np.arange(400_000, dtype="<i8")
    path = tmp_path / "damaged.npz"
    np.savez_compressed(path, x=values)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("x.npy")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    image = bytearray(path.read_bytes())
    end = start + info.compress_size
    image[end - 200 : end - 100] = bytes(100)  # the last part of the deflate stream
    path.write_bytes(bytes(image))
    assert head(f"{path}::x", "--slice", "2:5") == (0, "#  value\n2      2\n3      3\n4      4\n", "")
    status, _, err = head(f"{path}::x", "--slice", "-1")
    assert status == 1 and err.startswith(f"npymmap: {path}::x: cannot read member")
