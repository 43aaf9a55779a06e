"""A file truncated under a live map: the one way a map can kill a process, and the check for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import npymmap


def test_check_file_passes_while_the_file_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "whole.npy"
    np.save(path, np.arange(10_000, dtype=np.float64))
    with npymmap.open(path) as mapped:
        mapped.check_file()
        with open(path, "ab") as grow:
            grow.write(b"\0" * 100)  # longer is harmless
        mapped.check_file()


@pytest.mark.parametrize("mode", ["r", "r+", "c"])
def test_check_file_reports_a_file_truncated_under_the_map(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "shrinks.npy"
    np.save(path, np.arange(10_000, dtype=np.float64))
    mapped = npymmap.open(path, mode=mode)  # type: ignore[call-overload]
    os.truncate(path, 4096)
    with pytest.raises(npymmap.NpyFormatError, match="shrank to 4096 bytes") as caught:
        mapped.check_file()
    assert str(caught.value).startswith(str(path))
    mapped.close()
    with pytest.raises(ValueError, match="closed"):
        mapped.check_file()


def test_check_file_looks_at_the_mapped_file_not_its_name(tmp_path: Path) -> None:
    """A file replaced by rename leaves the old one mapped and whole: nothing to report."""
    path = tmp_path / "replaced.npy"
    np.save(path, np.arange(10_000, dtype=np.float64))
    with npymmap.open(path) as mapped:
        np.save(tmp_path / "small.npy", np.arange(3, dtype=np.float64))
        os.replace(tmp_path / "small.npy", path)
        mapped.check_file()
        assert mapped[9_999] == 9_999.0


def test_reading_past_a_truncated_end_kills_the_process_with_sigbus(tmp_path: Path) -> None:
    """Why check_file exists: without it, the read below ends the child process (Linux: SIGBUS)."""
    path = tmp_path / "hazard.npy"
    np.save(path, np.arange(100_000, dtype=np.float64))
    code = (
        "import os, sys, npymmap\n"
        f"a = npymmap.open({str(path)!r})\n"
        f"os.truncate({str(path)!r}, 4096)\n"
        "try:\n"
        "    a.check_file()\n"
        "except npymmap.NpyFormatError:\n"
        "    print('check_file caught it', flush=True)\n"
        "print(a[99_999])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.startswith("check_file caught it")
    if sys.platform.startswith("linux"):
        assert result.returncode == -signal.SIGBUS
