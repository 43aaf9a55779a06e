"""``npymmap stat`` against NumPy on the same files, measured in one run: prints each time and
the ratio stat ÷ NumPy (how many times longer stat takes).

Run from the project root: ``python tests/benchmarks/bench_stat.py [--mib 256] [--rounds 3]
[--kinds f8,f4,...]``.

For each kind a file of ``--mib`` MiB (256 by default) of random items is written (seeded; a
normal spread about 5 for floats and complex, integers over most of the range for ints), then
timed, the two alternating round by round so that machine noise falls on both, best round
reported (noise only ever adds time):

- stat: ``npymmap.__main__.main(["stat", path])``, in-process, its output thrown away;
- NumPy: ``numpy.load(path)``, then ``min()``, ``max()``, ``mean()``, ``std()``,
  ``isnan().sum()`` and ``isinf().sum()`` of the loaded array; three runs per round of stat's.

The file is read from the page cache in both (NumPy reads it once before the rounds). One file
is on disk at a time. The machine should be otherwise idle: the figures are wall times.
"""

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from npymmap.__main__ import main  # noqa: E402

# NumPy's time on files this size swings by 4x between runs on a small VM (its 256 MiB arrays are
# fresh memory, faulted in page by page, each time): it gets more runs than stat, which holds no
# more than a chunk.
NUMPY_RUNS = 3
KINDS = ["<f8", "<f4", "<i8", "<i2", ">f8", "<c16"]
NAMES = {"<f8": "float64", "<f4": "float32", "<i8": "int64", "<i2": "int16", ">f8": "float64 big-endian", "<c16": "complex128"}


def make(path: str, descr: str, mib: int) -> None:
    """A file of ``mib`` MiB of random items of ``descr``, written a slab at a time."""
    dtype = np.dtype(descr)
    count = mib * (1 << 20) // dtype.itemsize
    rng = np.random.default_rng(19)
    array = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=(count,))
    step = 1 << 22
    for start in range(0, count, step):
        size = min(step, count - start)
        if dtype.kind == "f":
            array[start : start + size] = rng.normal(5.0, 2.0, size)
        elif dtype.kind == "c":
            array[start : start + size] = rng.normal(5.0, 2.0, size) + 1j * rng.normal(-1.0, 3.0, size)
        else:
            info = np.iinfo(dtype)
            array[start : start + size] = rng.integers(info.min // 2, info.max // 2, size, dtype=dtype)
    array.flush()
    del array


def run_stat(path: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["stat", path])
    assert status == 0


def run_numpy(path: str) -> Tuple[Any, ...]:
    array = np.load(path)
    return array.min(), array.max(), array.mean(), array.std(), np.isnan(array).sum(), np.isinf(array).sum()


def timed(work: Callable[[], Any], times: List[float]) -> None:
    start = time.perf_counter()
    work()
    times.append(time.perf_counter() - start)


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS))
    options = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]} ({sys.implementation.name}), NumPy {np.__version__}, {options.mib} MiB files, "
        f"best of {options.rounds} (NumPy: of {NUMPY_RUNS * options.rounds})"
    )
    print(f"{'kind':22s} {'items':>11s} {'stat s':>8s} {'NumPy s':>8s} {'ratio':>6s} {'stat ns/item':>12s}")
    results: Dict[str, Tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="npymmap-bench-stat-") as folder:
        for descr in options.kinds.split(","):
            path = os.path.join(folder, "data.npy")
            make(path, descr, options.mib)
            run_numpy(path)  # into the page cache
            stat_times: List[float] = []
            numpy_times: List[float] = []
            for _ in range(options.rounds):
                timed(lambda: run_stat(path), stat_times)
                for _ in range(NUMPY_RUNS):
                    timed(lambda: run_numpy(path), numpy_times)
            ours, theirs = min(stat_times), min(numpy_times)
            results[descr] = ours, theirs
            items = options.mib * (1 << 20) // np.dtype(descr).itemsize
            print(f"{NAMES.get(descr, descr):22s} {items:11d} {ours:8.2f} {theirs:8.3f} {ours / theirs:6.1f} {ours / items * 1e9:12.1f}", flush=True)
            os.remove(path)


if __name__ == "__main__":
    main_bench()
