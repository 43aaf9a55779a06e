"""The command line, run as a user would: a fresh interpreter in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    code = f"import sys, npymmap; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
