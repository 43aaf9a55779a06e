"""A process opening a file while another process appends to it sees the old or a new shape,
each with the right values, never a torn one: rows are written and fsynced before the header
names them, and ``open`` reads a header that is being rewritten again until it reads the same
twice."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import npymmap

ROOT = Path(__file__).resolve().parent.parent
APPENDS = 1200

WRITER = """
import sys, npymmap
with npymmap.append_to(sys.argv[1]) as grower:
    for row in range(1, {appends} + 1):
        grower.append([[row] * 8])
        grower.flush()  # the rows are durable, then the header names them
        if row in (9, 99, 999):
            print("crossing", row, flush=True)
print("done", flush=True)
"""


def test_a_reader_beside_an_appender_sees_whole_shapes(tmp_path: Path) -> None:
    path = tmp_path / "growing.npy"
    np.save(path, np.zeros((1, 8), "<i8"))
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER.format(appends=APPENDS)), str(path)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    opens = 0
    deadline = time.monotonic() + 120
    try:
        while writer.poll() is None and time.monotonic() < deadline:
            with npymmap.open(path, npymmap.int64) as array:
                opens += 1
                rows = array.shape[0]
                assert array.shape[1:] == (8,) and 1 <= rows <= APPENDS + 1
                assert array[rows - 1, 0] == rows - 1 and array[rows - 1, 7] == rows - 1
                if opens % 50 == 0:  # every value, now and then
                    assert array.tolist() == [[row] * 8 for row in range(rows)]
                seen.add(rows)
    finally:
        output, _ = writer.communicate(timeout=120)
    assert writer.returncode == 0 and output.split()[-1] == "done"
    assert opens > 100 and len(seen) > 20, (opens, len(seen))  # the reader saw the file grow
    assert np.load(path).tolist() == [[row] * 8 for row in range(APPENDS + 1)]
