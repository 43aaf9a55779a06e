"""The command line, run as a user would: a fresh interpreter in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_cli_values import as_numpy_prints, oracle

ROOT = Path(__file__).resolve().parent.parent


def run(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages, so nothing installed (NumPy included) can be imported.
    return subprocess.run(
        [sys.executable, "-S", *arguments], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_demo_runs_with_the_standard_library_alone() -> None:
    result = run("-m", "npymmap", "demo")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "table[2, 3]         = 23.0" in result.stdout
    assert "table[:, 2] (view)  = [2.0, 12.0, 22.0]" in result.stdout
    assert "a read-only map refuses writes: TypeError" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = run("-m", "npymmap", "frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_import_loads_no_heavy_module() -> None:
    """import npymmap stays cheap: none of these is imported until a feature needs it."""
    heavy = ["typing", "ctypes", "zipfile", "json", "argparse", "numpy", "re", "enum", "struct", "mmap", "array", "npymmap._header"]
    # (Modules the interpreter itself loads before any import, as PyPy does array, do not count.)
    code = f"import sys; before = set(sys.modules); import npymmap; print(sorted(m for m in {heavy!r} if m in sys.modules and m not in before))"
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_element_array_and_opening_modules_load_on_first_use_of_their_names() -> None:
    """import npymmap loads the exceptions only; the first use of a name loads its module (an
    element's: the number elements, not records, nor ctypes; open: the arrays, the registry and
    the file helpers, not the buffer or archive modules), and every public name is there for
    dir(), import * and attribute use."""
    code = """
import sys, npymmap
def ours():
    return sorted(m for m in sys.modules if m.startswith("npymmap."))
print(ours())
assert set(npymmap.__all__) <= set(dir(npymmap))
npymmap.float64
print(ours())
assert "ctypes" not in sys.modules
open_ = npymmap.open
print(ours())
namespace = {}
exec("from npymmap import *", namespace)
assert all(namespace[name] is getattr(npymmap, name) for name in npymmap.__all__)
assert npymmap.NpyArray.__module__ == "npymmap._array" and open_.__module__ == "npymmap._open"
try:
    npymmap.no_such_name
except AttributeError as error:
    print(error)
"""
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['npymmap._base']",
        "['npymmap._base', 'npymmap._element', 'npymmap._layout', 'npymmap._numbers']",
        "['npymmap._access', 'npymmap._array', 'npymmap._base', 'npymmap._element', 'npymmap._files', 'npymmap._handoff', "
        "'npymmap._header', 'npymmap._layout', 'npymmap._numbers', 'npymmap._open', 'npymmap._region', 'npymmap._registry', "
        "'npymmap._text']",
        "module 'npymmap' has no attribute 'no_such_name'",
    ]


# ---------------------------------------------------------------------------------------------
# info, head, validate: run as a user would (under -S: no NumPy), on files NumPy wrote.


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "ints": tmp_path / "ints.npy",
        "records": tmp_path / "records.npy",
        "archive": tmp_path / "archive.npz",
        "bools": tmp_path / "bools.npy",
        "bad": tmp_path / "bad.npy",
    }
    np.save(made["ints"], np.arange(12, dtype=">i4").reshape(3, 4))
    np.save(made["records"], np.array([(1, 2.5), (2, -1.0)], dtype=[("id", "<i8"), ("x", "<f4")]))
    np.savez(made["archive"], a=np.arange(3.0), s=np.array(["x", "yz"]))
    np.save(made["bools"], np.array([True, False, True]))
    made["bad"].write_bytes(b"\x93NUMPY\x01\x00\x05\x00{abc}")
    return made


def test_info_describes_npy_files_and_npz_members(tmp_path: Path) -> None:
    made = files(tmp_path)
    result = run("-m", "npymmap", "info", str(made["ints"]), str(made["archive"]))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == str(made["ints"])
    assert "  descr        >i4  big-endian int32" in lines
    assert "  shape        (3, 4)" in lines
    assert f"{made['archive']}::a" in lines and f"{made['archive']}::s" in lines
    assert "  size         176 bytes" in lines


def test_info_json_is_a_list_of_objects(tmp_path: Path) -> None:
    made = files(tmp_path)
    result = run("-m", "npymmap", "info", "--json", str(made["records"]), str(made["archive"]))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [entry.get("member") for entry in report] == [None, "a", "s"]
    first = report[0]
    assert first["descr"] == [["id", "<i8"], ["x", "<f4"]]
    assert first["shape"] == [2] and first["fortran_order"] is False and first["version"] == [1, 0]
    assert first["data_offset"] == 128
    assert report[2]["descr"] == "<U2"


def test_head_prints_aligned_rows_and_named_columns(tmp_path: Path) -> None:
    made = files(tmp_path)
    result = run("-m", "npymmap", "head", str(made["ints"]), "-n", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["#  0  1  2  3", "0  0  1  2  3", "1  4  5  6  7"]
    records = run("-m", "npymmap", "head", str(made["records"]))
    assert records.stdout.splitlines() == ["#  id     x", "0   1   2.5", "1   2  -1.0"]


def test_validate_reports_one_line_per_file_and_fails_on_any(tmp_path: Path) -> None:
    made = files(tmp_path)
    raw = bytearray(made["bools"].read_bytes())
    raw[-1] = 2  # a bool that is neither 0 nor 1
    corrupt = tmp_path / "corrupt.npy"
    corrupt.write_bytes(bytes(raw))
    shallow = run("-m", "npymmap", "validate", str(made["ints"]), str(corrupt))
    assert shallow.returncode == 0
    assert shallow.stdout.splitlines() == [f"OK    {made['ints']}", f"OK    {corrupt}"]
    deep = run("-m", "npymmap", "validate", "--deep", str(made["ints"]), str(corrupt), str(made["bad"]))
    assert deep.returncode == 1
    lines = deep.stdout.splitlines()
    assert lines[0] == f"OK    {made['ints']}"
    assert lines[1].startswith(f"FAIL  {corrupt}: a bool item holds a byte other than 0 or 1")
    assert lines[2].startswith(f"FAIL  {made['bad']}: header is not a valid literal")


def test_errors_are_one_line_on_stderr_with_status_1(tmp_path: Path) -> None:
    made = files(tmp_path)
    for command in ("info", "head"):
        for target in (tmp_path / "missing.npy", made["bad"]):
            result = run("-m", "npymmap", command, str(target))
            assert result.returncode == 1
            assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"npymmap: {target}: ")
            assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["demo", "info", "head", "validate", "stat"])
def test_every_command_has_help(command: str) -> None:
    """Usage names the program as it was run: ``python3 -m npymmap`` (the interpreter's name)."""
    result = run("-m", "npymmap", command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: {Path(sys.executable).name} -m npymmap {command}")


def test_the_console_script_names_itself_in_usage() -> None:
    """The ``npymmap`` script (which calls main() with its path in argv[0]) says ``npymmap``."""
    code = "import sys; from npymmap.__main__ import main; sys.argv[0] = '/usr/local/bin/npymmap'; sys.exit(main())"
    result = run("-c", code, "head")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: npymmap head")


def test_a_missing_argument_is_a_usage_error() -> None:
    assert run("-m", "npymmap", "head").returncode == 2


# ---------------------------------------------------------------------------------------------
# .npz archives: every command takes an archive (each array) and archive.npz::member alike.


def archives(tmp_path: Path) -> dict[str, Path]:
    made = {"plain": tmp_path / "plain.npz", "packed": tmp_path / "packed.npz"}
    np.savez(made["plain"], x=np.arange(3, dtype=np.float32) / 3, when=np.array(["2021-01-01", "NaT"], "M8[ns]"))
    np.savez_compressed(made["packed"], x=np.arange(3, dtype=np.float32) / 3, f=np.asfortranarray(np.ones((2, 3))))
    return made


def test_validate_and_head_take_archives_and_members(tmp_path: Path) -> None:
    made = archives(tmp_path)
    plain = made["plain"]
    result = run("-m", "npymmap", "validate", str(plain))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [f"OK    {plain}::x", f"OK    {plain}::when"]
    # the very name info prints for a member, with .npy or without
    info = run("-m", "npymmap", "info", str(plain)).stdout.splitlines()
    assert f"{plain}::x" in info
    for name in (f"{plain}::x", f"{plain}::x.npy"):
        head = run("-m", "npymmap", "head", name)
        assert head.returncode == 0, head.stderr
        assert head.stdout.splitlines() == ["#       value", "0         0.0", "1  0.33333334", "2   0.6666667"]
    whole = run("-m", "npymmap", "head", str(plain), "-n", "1")
    assert whole.stdout.splitlines() == [
        f"==> {plain}::x <==", "#  value", "0    0.0", "",
        f"==> {plain}::when <==", "#                          value", "0  2021-01-01T00:00:00.000000000",
    ]  # fmt: skip
    missing = run("-m", "npymmap", "head", f"{plain}::nope")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == f"npymmap: {plain}::nope: no member 'nope' in the archive, which holds x, when\n"
    not_archive = tmp_path / "x.npy"
    np.save(not_archive, np.arange(2))
    result = run("-m", "npymmap", "validate", f"{not_archive}::x")
    assert result.returncode == 1 and result.stdout.startswith(f"FAIL  {not_archive}::x: not a .npz archive")


def test_compressed_members_are_said_so_and_read_from_their_stream(tmp_path: Path) -> None:
    packed = archives(tmp_path)["packed"]
    validate = run("-m", "npymmap", "validate", "--deep", str(packed))
    assert validate.returncode == 0, validate.stdout
    note = "(compressed with deflate: cannot be mapped; NpzFile.read loads it into memory)"
    assert validate.stdout.splitlines() == [f"OK    {packed}::x {note}", f"OK    {packed}::f {note}"]
    info = run("-m", "npymmap", "info", str(packed))
    assert info.returncode == 0, info.stderr
    assert info.stdout.count("  storage      compressed with deflate: cannot be mapped") == 2
    report = json.loads(run("-m", "npymmap", "info", "--json", str(packed), str(tmp_path / "plain.npz")).stdout)
    assert [(entry["member"], entry["compressed"], entry["fault"]) for entry in report] == [
        ("x", True, None), ("f", True, None), ("x", False, None), ("when", False, None),
    ]  # fmt: skip
    head = run("-m", "npymmap", "head", f"{packed}::x", "-n", "2")
    assert head.returncode == 0, head.stderr
    assert head.stdout.splitlines() == ["#       value", "0         0.0", "1  0.33333334"]
    fortran = run("-m", "npymmap", "head", f"{packed}::f")
    assert fortran.returncode == 1 and fortran.stdout == ""
    assert fortran.stderr.startswith(f"npymmap: {packed}::f: a compressed member in Fortran order") and fortran.stderr.count("\n") == 1


def test_head_reads_only_the_start_of_a_compressed_member(tmp_path: Path) -> None:
    """A member whose compressed bytes are damaged near their end: head of its first rows works
    (it never reaches them), validate --deep, which reads it all, fails."""
    import zipfile

    archive = tmp_path / "damaged.npz"
    np.savez_compressed(archive, x=np.arange(300_000, dtype=np.float64))
    with zipfile.ZipFile(archive) as opened:
        info = opened.getinfo("x.npy")
    raw = bytearray(archive.read_bytes())
    end = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size
    raw[end - 200 : end - 100] = bytes(100)
    archive.write_bytes(bytes(raw))
    head = run("-m", "npymmap", "head", str(archive), "-n", "3")
    assert head.returncode == 0, head.stderr
    assert head.stdout.splitlines()[1:] == ["#  value", "0    0.0", "1    1.0", "2    2.0"]
    deep = run("-m", "npymmap", "validate", "--deep", str(archive))
    assert deep.returncode == 1
    assert deep.stdout.startswith(f"FAIL  {archive}::x: cannot read member: ")
    assert run("-m", "npymmap", "validate", str(archive)).returncode == 0  # header and sizes only


def test_validate_deep_checks_the_items_of_compressed_and_stored_members(tmp_path: Path) -> None:
    import io
    import zipfile

    image = io.BytesIO()
    np.save(image, np.array([True, False, True]))
    bad = bytearray(image.getvalue())
    bad[-1] = 2
    archive = tmp_path / "bools.npz"
    with zipfile.ZipFile(archive, "w") as writing:
        writing.writestr("stored.npy", bytes(bad), compress_type=zipfile.ZIP_STORED)
        writing.writestr("packed.npy", bytes(bad), compress_type=zipfile.ZIP_DEFLATED)
        writing.writestr("short.npy", image.getvalue()[:-1], compress_type=zipfile.ZIP_DEFLATED)
    shallow = run("-m", "npymmap", "validate", str(archive))
    assert shallow.returncode == 1
    lines = shallow.stdout.splitlines()
    assert lines[0] == f"OK    {archive}::stored" and lines[1].startswith(f"OK    {archive}::packed (compressed")
    assert lines[2] == f"FAIL  {archive}::short: member is truncated: the header's shape (3,) needs 131 bytes, the member has 130"
    deep = run("-m", "npymmap", "validate", "--deep", f"{archive}::stored", f"{archive}::packed")
    assert deep.returncode == 1
    assert [line.split(": ", 1)[1] for line in deep.stdout.splitlines()] == ["a bool item holds a byte other than 0 or 1 (item 2)"] * 2


# ---------------------------------------------------------------------------------------------
# info of files open refuses


def test_info_shows_the_header_of_a_truncated_file_and_fails(tmp_path: Path) -> None:
    whole = tmp_path / "whole.npy"
    np.save(whole, np.arange(12.0).reshape(3, 4))
    cut = tmp_path / "cut.npy"
    cut.write_bytes(whole.read_bytes()[:-10])
    result = run("-m", "npymmap", "info", str(cut))
    assert result.returncode == 1
    assert "  shape        (3, 4)" in result.stdout.splitlines() and "  size         214 bytes" in result.stdout.splitlines()
    assert result.stderr == f"npymmap: {cut}: file is truncated: the header's shape (3, 4) needs 224 bytes, the file has 214\n"
    report = json.loads(run("-m", "npymmap", "info", "--json", str(cut), str(whole)).stdout)
    assert report[0]["fault"].startswith("file is truncated") and report[1]["fault"] is None
    assert report[0]["compressed"] is False
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([1, "a"], dtype=object), allow_pickle=True)
    refused = run("-m", "npymmap", "info", str(objects))
    assert refused.returncode == 1 and "(npymmap cannot map it: " in refused.stdout
    assert refused.stderr.startswith(f"npymmap: {objects}: descr '|O'") and refused.stderr.count("\n") == 1


# ---------------------------------------------------------------------------------------------
# head: values as NumPy prints them; -n 0, -n -K, empty arrays


def head_values(path: Path, *options: str) -> list[str]:
    """The value column of ``head`` of a 1-d array (cells may hold spaces: '5 seconds')."""
    result = run("-m", "npymmap", "head", str(path), *options)
    assert result.returncode == 0, result.stderr
    return [line.split(None, 1)[1].strip() for line in result.stdout.splitlines()[1:]]


@pytest.mark.parametrize(
    "dtype",
    ["<f4", ">f4", "<f2", "<f8", "<c8", ">c16", "<M8[ns]", ">M8[D]", "<M8[M]", "<M8[Y]", "<M8[10s]", "<M8[us]",
     "<M8[as]", "<m8[s]", ">m8[ns]", "<m8[25ms]", "<m8[W]", "<m8"],
)  # fmt: skip
def test_head_prints_values_as_numpy_str_does(tmp_path: Path, dtype: str) -> None:
    kind = np.dtype(dtype).kind
    if kind in "Mm":
        counts = [0, 1, -1, 86_399, 10**9, -(10**12), 2**62, 2**63 - 1, -(2**63) + 1, -(2**63), 18_628, -719_163]
        values = np.array(counts, dtype="<i8").view(np.dtype(dtype).newbyteorder("<")).astype(dtype)
    else:
        parts: list[complex] = [1 / 3, 0.1, -0.0, 1.0, 1e-5, 1e-4, 123456.789, 1e6, 1e20, 3e38, float("nan"), float("inf"), -float("inf"), 65504.0]
        if kind == "c":
            parts = [complex(real, imag) for real, imag in zip(parts, parts[::-1])] + [1j, -1j, complex(-0.0, 2)]
        with np.errstate(over="ignore"):
            values = np.array(parts, dtype=dtype)
    path = tmp_path / "values.npy"
    np.save(path, values)
    printed = head_values(path, "-n", "100")
    if kind in "Mm":  # (the formatter is checked against NumPy's str() at every count in test_cli_values)
        from npymmap._cli_values import datetime_text, timedelta_text

        base, number = np.datetime_data(np.dtype(dtype))
        unit = "" if base == "generic" else f"{number}{base}" if number > 1 else base
        text = datetime_text if kind == "M" else timedelta_text
        assert printed == [text(count, unit) for count in counts]
        assert [printed[k] for k, count in enumerate(counts) if abs(count) <= 10**12] == [
            str(value) for value, count in zip(values, counts) if abs(count) <= 10**12
        ]  # NumPy's own words where no NumPy overflows
    else:  # (what this NumPy prints as npymmap does: see as_numpy_prints)
        code = {2: "e", 4: "f", 8: "d"}[np.dtype(dtype).itemsize // (2 if kind == "c" else 1)]
        kept = [text for text, value in zip(printed, values.tolist()) if as_numpy_prints(value, code)]
        assert kept == oracle(values, code)[1]


def test_head_of_records_prints_each_field_as_numpy_does(tmp_path: Path) -> None:
    path = tmp_path / "records.npy"
    kinds = [("x", "<f4"), ("when", "<M8[D]"), ("pair", "<f2", (2,)), ("name", "<U3")]
    np.save(path, np.array([(1 / 3, "2021-03-04", (0.1, 2.5), "ab")], dtype=kinds))
    result = run("-m", "npymmap", "head", str(path))
    assert result.stdout.splitlines() == ["#           x        when        pair  name", "0  0.33333334  2021-03-04  [0.1, 2.5]  'ab'"]


def test_head_row_counts_and_empty_arrays(tmp_path: Path) -> None:
    rows = tmp_path / "rows.npy"
    np.save(rows, np.arange(5, dtype=np.int16))
    assert head_values(rows, "-n", "-2") == ["0", "1", "2"]
    assert head_values(rows, "-n", "3") == ["0", "1", "2"]
    assert head_values(rows, "-n", "99") == ["0", "1", "2", "3", "4"]
    for count in ("0", "-5", "-9"):
        result = run("-m", "npymmap", "head", str(rows), "-n", count)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    empty = tmp_path / "empty.npy"
    np.save(empty, np.zeros((0, 3)))
    flat = tmp_path / "flat.npy"
    np.save(flat, np.zeros((4, 0), dtype=np.int8))
    for path, shape in ((empty, "(0, 3)"), (flat, "(4, 0)")):
        result = run("-m", "npymmap", "head", str(path))
        assert (result.returncode, result.stdout) == (0, f"(empty array of shape {shape})\n")
    assert run("-m", "npymmap", "head", str(empty), "-n", "0").stdout == ""
    scalar = tmp_path / "scalar.npy"
    np.save(scalar, np.float32(0.1))
    assert run("-m", "npymmap", "head", str(scalar)).stdout == "0.1\n"


# ---------------------------------------------------------------------------------------------
# A closed stdout (| head -1): stop quietly, status 141, never a traceback nor a FAIL.


def run_into_closed_pipe(arguments: list[str], lines_read: int, unbuffered: bool) -> tuple[int, list[bytes], str]:
    """Run ``python -S -m npymmap *arguments`` with stdout a pipe the test closes after reading
    ``lines_read`` lines (0: closed before the command starts); its status, those lines, its stderr."""
    import os

    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-S", "-m", "npymmap", *arguments]
    if lines_read == 0:
        read_end, write_end = os.pipe()
        os.close(read_end)  # no reader at all: the first write fails
        try:
            done = subprocess.run(command, cwd=ROOT, env=env, stdout=write_end, stderr=subprocess.PIPE, timeout=60, check=False)
        finally:
            os.close(write_end)
        return done.returncode, [], done.stderr.decode()
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(lines_read)]
        process.stdout.close()
        stderr = process.stderr.read().decode()
        return process.wait(timeout=60), lines, stderr


@pytest.mark.parametrize(
    "format, first_line", [("text", b"    #         0         1         2\n"), ("json", b"[\n"), ("csv", b"0,1,2\n")]
)
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_a_closed_pipe_stops_head_quietly(tmp_path: Path, unbuffered: bool, format: str, first_line: bytes) -> None:
    big = tmp_path / "big.npy"
    np.save(big, np.arange(300_000.0).reshape(100_000, 3))  # some 3.6 MB of text: more than a pipe holds
    status, lines, stderr = run_into_closed_pipe(["head", str(big), "--all", "--format", format], 1, unbuffered)
    assert lines == [first_line]
    assert (status, stderr) == (141, "")


@pytest.mark.parametrize("command", ["demo", "validate", "info", "head", "stat"])
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_a_pipe_closed_from_the_start_stops_every_command_quietly(tmp_path: Path, command: str, unbuffered: bool) -> None:
    """(validate once caught the closed pipe as the file's fault: a FAIL, then a traceback.)"""
    made = files(tmp_path)
    arguments = [command] if command == "demo" else [command, str(made["ints"]), str(made["archive"])]
    if command == "stat":
        arguments.remove(str(made["archive"]))  # (it holds text, which stat says is no array of numbers)
    status, _, stderr = run_into_closed_pipe(arguments, 0, unbuffered)
    assert (status, stderr) == (141, "")
