"""``npymmap head`` against NumPy printing the same values, per kind of element, in one run:
prints each time, the time per value and the ratio head ÷ NumPy.

Run from the project root: ``python tests/benchmarks/bench_head.py [--rows 300000] [--rounds 3]``.

For each kind a file of ``--rows`` items is written (seeded random values), then timed, the two
alternating round by round, best round reported:

- head: ``npymmap.__main__.main(["head", "-n", rows, path])``, in-process, its output (the
  aligned table) written to a sink;
- NumPy: ``numpy.load(path, mmap_mode="r")``, then ``str()`` of each item (the scalar text head
  prints), joined with newlines: NumPy's own way to the same text, without a table.
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from npymmap.__main__ import main  # noqa: E402

KINDS = ["<f8", "<f4", "<f2", "<i8", ">i4", "|b1", "<c16", "<U8", "|S8", "<M8[s]"]


class _Sink(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


def values(kind: str, rows: int) -> Any:
    """Seeded random items of ``kind``."""
    generator = np.random.default_rng(0)
    code = np.dtype(kind).kind
    if code in "f":
        return generator.standard_normal(rows).astype(kind)
    if code == "c":
        return (generator.standard_normal(rows) + 1j * generator.standard_normal(rows)).astype(kind)
    if code in "iu":
        return generator.integers(-(10**6), 10**6, rows).astype(kind)
    if code == "b":
        return generator.integers(0, 2, rows).astype(kind)
    if code in "US":
        return np.array([f"w{number}" for number in generator.integers(0, 10**6, rows)], dtype=kind)
    return generator.integers(0, 2 * 10**9, rows).astype(kind)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(rows: int, rounds: int) -> None:
    print(f"head -n {rows} against NumPy's str() of each item; Python {sys.version.split()[0]}, NumPy {np.__version__}")
    print(f"{'kind':8} {'head':>8} {'per value':>10} {'NumPy':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for kind in KINDS:
            path = os.path.join(folder, "values.npy")
            np.save(path, values(kind, rows))

            def head() -> None:
                with contextlib.redirect_stdout(_Sink()):
                    main(["head", "-n", str(rows), path])

            def numpy() -> None:
                "\n".join(map(str, np.load(path, mmap_mode="r")[:rows]))

            times: Dict[str, float] = {"head": float("inf"), "numpy": float("inf")}
            for _ in range(rounds):
                times["head"] = min(times["head"], timed(head))
                times["numpy"] = min(times["numpy"], timed(numpy))
            print(
                f"{kind:8} {times['head']:7.2f}s {times['head'] / rows * 1e6:8.2f}us {times['numpy']:7.2f}s "
                f"{times['head'] / times['numpy']:5.2f}x"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    run(arguments.rows, arguments.rounds)
