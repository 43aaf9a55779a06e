"""The static types: the whole project passes ``mypy --strict``, and every misuse is rejected.

``typings/check_public_types.py`` pins what each public call returns with ``assert_type``;
``typings/misuse_*.py`` hold code that must *not* type-check, each rejected line marked
``# expect: <code>[, <code>...]``. mypy runs twice in all: once over the project (the misuse files
are excluded by ``[tool.mypy] exclude`` in pyproject.toml) and once over every misuse file together,
its errors then split by file and line.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPINGS = ROOT / "typings"
MISUSE_FILES = sorted(TYPINGS.glob("misuse_*.py"))

_EXPECT = re.compile(r"#\s*expect:\s*([a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)\s*$")
_ERROR = re.compile(r"^(?P<path>.+?):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z][a-z-]*)\])?$")


def _type_checking_python() -> str:
    """The interpreter that runs mypy: this one, or on PyPy (where mypy does not run) the CPython
    named by ``NPYMMAP_TYPECHECK_PYTHON``, as .ci/run sets it."""
    interpreter = os.environ.get("NPYMMAP_TYPECHECK_PYTHON", "")
    if interpreter:
        return interpreter
    assert sys.implementation.name == "cpython", "mypy needs CPython: set NPYMMAP_TYPECHECK_PYTHON to one with the dev extras"
    return sys.executable


def _mypy(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [
        _type_checking_python(),
        "-m",
        "mypy",
        "--strict",
        "--no-pretty",
        "--no-color-output",
        "--show-error-codes",
        "--error-summary",
        *arguments,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


@functools.cache
def _misuse_run() -> subprocess.CompletedProcess[str]:
    """One mypy run over all misuse files; their errors are told apart by path."""
    return _mypy(*(str(path.relative_to(ROOT)) for path in MISUSE_FILES))


def _errors_by_file() -> dict[str, dict[int, list[str]]]:
    """``{relative path: {line: [error code, ...]}}`` from the misuse run."""
    result = _misuse_run()
    assert result.returncode in (0, 1), f"mypy crashed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    errors: dict[str, dict[int, list[str]]] = {}
    for text in result.stdout.splitlines():
        match = _ERROR.match(text)
        if match is None:
            assert ": error:" not in text, f"unparsed mypy error line: {text}"
            continue
        path = Path(match["path"]).as_posix()
        code = match["code"] or "<no code>"
        errors.setdefault(path, {}).setdefault(int(match["line"]), []).append(code)
    return errors


def _expected(path: Path) -> dict[int, list[str]]:
    expected: dict[int, list[str]] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECT.search(text)
        if match:
            expected[number] = sorted(code.strip() for code in match[1].split(","))
    return expected


def _source_files() -> list[Path]:
    files = [*(ROOT / "npymmap").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *TYPINGS.rglob("*.py")]
    return [path for path in files if not path.name.startswith("misuse_")]


def test_whole_project_passes_mypy_strict() -> None:
    assert (TYPINGS / "check_public_types.py").is_file()
    result = _mypy("npymmap", "tests", "typings")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Success" in output, output
    # Every source file was checked (check_public_types.py included), and no misuse file was.
    match = re.search(r"Success: no issues found in (\d+) source files?", output)
    assert match is not None, output
    assert int(match[1]) == len(_source_files()), output


def test_package_passes_mypy_strict_for_python_3_9() -> None:
    """The package type-checks against Python 3.9's standard library and typing rules."""
    result = _mypy("--python-version", "3.9", "npymmap")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_misuse_files_exist_and_mark_their_errors() -> None:
    assert MISUSE_FILES, "no typings/misuse_*.py files"
    for path in MISUSE_FILES:
        assert _expected(path), f"{path.name} marks no line with '# expect: <code>'"


def test_misuse_run_reports_only_misuse_files() -> None:
    """Errors outside the misuse files (say in npymmap, followed by import) would hide behind them."""
    misuse = {path.relative_to(ROOT).as_posix() for path in MISUSE_FILES}
    assert set(_errors_by_file()) <= misuse, _misuse_run().stdout


@pytest.mark.parametrize("path", MISUSE_FILES, ids=[path.name for path in MISUSE_FILES])
def test_misuse_is_rejected_exactly_where_marked(path: Path) -> None:
    expected = _expected(path)
    got = {line: sorted(codes) for line, codes in _errors_by_file().get(path.relative_to(ROOT).as_posix(), {}).items()}
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []
    for line in sorted(expected.keys() | got.keys()):
        want, have = expected.get(line), got.get(line)
        if want != have:
            problems.append(
                f"{path.name}:{line}: expected {want or 'no error'}, mypy gave {have or 'no error'}: "
                f"{lines[line - 1].strip()}"
            )
    assert not problems, "\n".join(problems) + "\n\nmypy output:\n" + _misuse_run().stdout
