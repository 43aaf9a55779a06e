"""head's --slice and --all: what NumPy's index picks, labelled with the array's own indices,
read alone, with the usual faults (an index the array lacks: one stderr line, status 1)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
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


# ---------------------------------------------------------------------------------------------
# --format json and csv, --precision

KINDS = {
    "<f8": [0.1, -0.0, np.nan, np.inf, -np.inf, 1e-300, 1.7976931348623157e308],
    ">f4": [np.float32(0.1), np.float32(1 / 3), np.nan, -np.inf, np.float32(3.4e38)],
    "<f2": [np.float16(0.1), np.float16(65504), np.nan],
    "<i8": [-(2**63), 2**63 - 1, 0],
    ">u8": [2**64 - 1, 0],
    "|b1": [True, False],
    "<c8": [1 + 2j, complex(np.inf, -1), complex(0, np.nan)],
    "<U4": ["a,b", 'c"d', "é\n"],
    "|S2": [b"ab", b"\xff\x00"],
    "<M8[s]": ["2021-01-01T12:00:00", "NaT"],
    "<m8[D]": [5, "NaT"],
}


def json_of(*arguments: str) -> Any:
    status, out, err = head("--format", "json", *arguments)
    assert (status, err) == (0, "")
    return json.loads(out)


@pytest.mark.parametrize("descr", KINDS)
def test_json_values_are_numpys(tmp_path: Path, descr: str) -> None:
    values = np.array(KINDS[descr], dtype=descr)
    path = tmp_path / "values.npy"
    np.save(path, values)
    (entry,) = json_of(str(path), "--all")
    assert (entry["name"], entry["descr"], entry["shape"]) == (str(path), values.dtype.descr[0][1], [len(values)])
    for got, expected in zip(entry["values"], values.tolist()):
        kind = values.dtype.kind
        if kind in "fc":
            parts = got if kind == "c" else [got]
            numbers = [float(part) for part in parts]  # "nan", "inf", "-inf" are strings
            assert all(isinstance(part, float) or part in ("nan", "inf", "-inf") for part in parts)
            back = np.array(complex(*numbers) if kind == "c" else numbers[0], dtype=descr)
            assert back.tobytes() == np.array(expected, dtype=descr).tobytes() or np.isnan(back)
        elif kind in "Mm":
            assert got == str(np.array(expected, dtype=descr)[()]) if kind == "M" else got == str(np.timedelta64(expected, "D") if expected is not None else "NaT")
        elif kind == "S":
            assert got.encode("latin-1") == expected
        else:
            assert got == expected and type(got) is type(expected)


def test_json_lists_every_array_and_records_are_objects(tmp_path: Path) -> None:
    records = np.array([(1, [0.5, 1.5], b"x")], dtype=[("id", "<i4"), ("v", "<f8", (2,)), ("tag", "S1")])
    np.savez(tmp_path / "two.npz", r=records, m=np.arange(6).reshape(2, 3))
    np.save(tmp_path / "one.npy", np.float64(2.5))
    listed = json_of(str(tmp_path / "two.npz"), str(tmp_path / "one.npy"))
    assert [entry["name"] for entry in listed] == [f"{tmp_path / 'two.npz'}::r", f"{tmp_path / 'two.npz'}::m", str(tmp_path / "one.npy")]
    assert listed[0]["values"] == [{"id": 1, "v": [0.5, 1.5], "tag": "x"}]
    assert listed[1]["values"] == [[0, 1, 2], [3, 4, 5]] and listed[2]["values"] == 2.5
    assert json_of(f"{tmp_path / 'two.npz'}::m", "--slice", "1:, ::2")[0]["values"] == [[3, 5]]


def test_json_of_a_failing_file_is_still_a_list(tmp_path: Path) -> None:
    np.save(tmp_path / "good.npy", np.arange(3))
    status, out, err = head("--format", "json", str(tmp_path / "missing.npy"), str(tmp_path / "good.npy"))
    assert status == 1 and err.startswith(f"npymmap: {tmp_path / 'missing.npy'}: ")
    assert [entry["values"] for entry in json.loads(out)] == [[0, 1, 2]]
    assert head("--format", "json", str(tmp_path / "missing.npy")) [1] == "[\n]\n"


def csv_of(*arguments: str) -> list[list[str]]:
    status, out, err = head("--format", "csv", *arguments)
    assert (status, err) == (0, "")
    return list(csv.reader(io.StringIO(out)))


def test_csv_of_1d_2d_records_and_text_that_needs_quoting(tmp_path: Path) -> None:
    np.save(tmp_path / "m.npy", np.arange(12.0).reshape(3, 4))
    assert csv_of(str(tmp_path / "m.npy"), "--slice", "::2, 1:3") == [["1", "2"], ["1.0", "2.0"], ["9.0", "10.0"]]
    np.save(tmp_path / "v.npy", np.array([np.float32(0.1), np.nan], "<f4"))
    assert csv_of(str(tmp_path / "v.npy")) == [["value"], ["0.1"], ["nan"]]
    records = np.array([(1, 'a,"b"', 2.5), (2, "c\nd", np.inf)], dtype=[("id", "<i2"), ("name", "<U5"), ("x", "<f8")])
    np.save(tmp_path / "r.npy", records)
    assert csv_of(str(tmp_path / "r.npy")) == [["id", "name", "x"], ["1", 'a,"b"', "2.5"], ["2", "c\nd", "inf"]]
    np.save(tmp_path / "one.npy", np.int8(-3))
    assert csv_of(str(tmp_path / "one.npy")) == [["value"], ["-3"]]
    assert csv_of(str(tmp_path / "m.npy"), "-n", "0") == [["0", "1", "2", "3"]]


def test_csv_refuses_more_than_2_axes_and_more_than_one_array(tmp_path: Path) -> None:
    np.save(tmp_path / "cube.npy", CUBE)
    status, out, err = head("--format", "csv", str(tmp_path / "cube.npy"))
    assert (status, out) == (1, "") and "CSV holds 1-d and 2-d arrays, and this is 3-d" in err
    assert csv_of(str(tmp_path / "cube.npy"), "--slice", "..., 0", "-n", "1") == [["0", "1", "2", "3"], ["0.0", "3.0", "6.0", "9.0"]]
    np.savez(tmp_path / "two.npz", a=np.zeros(1), b=np.zeros(1))
    status, out, err = head("--format", "csv", str(tmp_path / "two.npz"))
    assert (status, out) == (1, "") and f"CSV holds one array and this archive has 2: name one, {tmp_path / 'two.npz'}::name" in err
    assert csv_of(f"{tmp_path / 'two.npz'}::b") == [["value"], ["0.0"]]


def test_precision_gives_that_many_significant_digits_in_every_format(tmp_path: Path) -> None:
    values = np.array([np.pi, 1 / 3 * 1e-7, 123456.789, np.nan], "<f8")
    np.save(tmp_path / "p.npy", values)
    expected = [f"{value:.3g}" if value == value else "nan" for value in values.tolist()]
    assert head(str(tmp_path / "p.npy"), "--precision", "3")[1].split()[3::2] == expected
    assert [row[0] for row in csv_of(str(tmp_path / "p.npy"), "--precision", "3")[1:]] == expected
    assert json_of(str(tmp_path / "p.npy"), "--precision", "3")[0]["values"] == [3.14, 3.33e-08, 123000.0, "nan"]
    assert head(str(tmp_path / "p.npy"), "--precision", "0")[0] == 2


def test_csv_and_json_print_rows_before_reading_the_rest(tmp_path: Path) -> None:
    """Streamed: a fault in the last item (a code point no str holds) stops the output after
    the rows before its chunk were printed, not before the first row."""
    image = bytearray(np.full(10_000, "a", "<U1").tobytes())
    image[-4:] = (0x110000).to_bytes(4, "little")
    path = tmp_path / "bad_end.npy"
    with open(path, "wb") as file:
        np.lib.format.write_array_header_1_0(file, {"descr": "<U1", "fortran_order": False, "shape": (10_000,)})
        file.write(bytes(image))
    for format in ("csv", "json"):
        status, out, err = head("--all", "--format", format, str(path))
        assert status == 1 and err.endswith("<U1 item holds b'\\x00\\x00\\x11\\x00', not a Unicode character\n")
        assert out.count("a") >= 8192  # two chunks of 4096 rows came out before the third failed


@pytest.mark.skipif(sys.implementation.name == "pypy", reason="PyPy has no tracemalloc; the test above shows the streaming there")
def test_csv_and_json_stream_in_constant_memory(tmp_path: Path) -> None:
    """All 150,000 values of a 1.2 MB file as CSV and JSON: the Python heap peaks far below what
    the values (or their text) would take whole."""
    import tracemalloc

    np.save(tmp_path / "big.npy", np.arange(150_000, dtype="<f8"))
    for format in ("csv", "json"):
        head("--format", format, str(tmp_path / "big.npy"))  # (modules loaded before measuring)
        tracemalloc.start()
        try:
            with contextlib.redirect_stdout(_Discard()):
                assert main(["head", "--all", "--format", format, str(tmp_path / "big.npy")]) == 0
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 1_500_000, (format, peak)  # whole, the values as floats and their list take 4.8 MB


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


def test_info_takes_format_json_as_it_takes_json(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.zeros((2, 3), ">i2"))
    outputs = []
    for option in (["--json"], ["--format", "json"]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["info", *option, str(tmp_path / "a.npy")]) == 0
        outputs.append(json.loads(out.getvalue()))
    assert outputs[0] == outputs[1] and outputs[0][0]["shape"] == [2, 3] and outputs[0][0]["descr"] == ">i2"
