"""The command line, run as a user would: a fresh interpreter in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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
        "['npymmap._access', 'npymmap._array', 'npymmap._base', 'npymmap._element', 'npymmap._files', 'npymmap._header', "
        "'npymmap._layout', 'npymmap._numbers', 'npymmap._open', 'npymmap._region', 'npymmap._registry', 'npymmap._text']",
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


@pytest.mark.parametrize("command", ["demo", "info", "head", "validate"])
def test_every_command_has_help(command: str) -> None:
    result = run("-m", "npymmap", command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: python -m npymmap {command}")


def test_a_missing_argument_is_a_usage_error() -> None:
    assert run("-m", "npymmap", "head").returncode == 2
