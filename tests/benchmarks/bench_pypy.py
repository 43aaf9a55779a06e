"""npymmap under PyPy against npymmap under CPython, measured in one run: prints each time and
the ratio PyPy time ÷ CPython time (above 1: PyPy is slower on that path).

Run from the project root: ``python3 tests/benchmarks/bench_pypy.py [PYPY]`` (default ``pypy3``).
Each interpreter runs this file with ``--child`` and reports the best of 11 rounds per row; the
two alternate round by round so that machine noise falls on both. NumPy is not used.
"""

import array
import json
import os
import subprocess
import sys
import tempfile
import timeit
from typing import Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import npymmap  # noqa: E402

ROWS = ["open + close", "a[i, j]", "a[i:i+1].tolist() (one row)", "tolist() (whole file)", "a[:] = array.array (1M float64)"]


def child(folder: str) -> Dict[str, float]:
    """Seconds per call of each row, best of one round (the parent takes the best of rounds)."""
    path = os.path.join(folder, "matrix.npy")
    a = npymmap.open(path, npymmap.float64)
    target = npymmap.open(os.path.join(folder, "fill.npy"), npymmap.float64, mode="r+")
    source = array.array("d", range(1_000_000))
    indices = [(i * 37 % 1000, i * 91 % 1000) for i in range(1000)]

    def items() -> None:
        for i, j in indices:
            a[i, j]

    def fill() -> None:
        target[:] = source

    calls: Dict[str, Callable[[], object]] = {
        ROWS[0]: lambda: npymmap.open(path).close(),
        ROWS[1]: items,
        ROWS[2]: lambda: a[500:501].tolist(),
        ROWS[3]: a.tolist,
        ROWS[4]: fill,
    }
    numbers = {ROWS[0]: 200, ROWS[1]: 20, ROWS[2]: 500, ROWS[3]: 1, ROWS[4]: 3}
    for call in calls.values():
        call()  # warm up (PyPy's JIT, the page cache)
    result = {name: timeit.timeit(call, number=numbers[name]) / numbers[name] for name, call in calls.items()}
    result[ROWS[1]] /= len(indices)
    return result


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2])))
        return
    pypy = sys.argv[1] if len(sys.argv) > 1 else "pypy3"
    folder = tempfile.mkdtemp(prefix="npymmap-pypy-bench-")
    with npymmap.create(os.path.join(folder, "matrix.npy"), npymmap.float64, (1000, 1000)) as matrix:
        for i in range(1000):
            matrix[i, ...] = [(i * 1000 + j) / 7.0 for j in range(1000)]
    npymmap.create(os.path.join(folder, "fill.npy"), npymmap.float64, (1_000_000,)).close()
    best: Dict[str, Dict[str, float]] = {"cpython": {}, "pypy": {}}
    for _ in range(11):
        for name, interpreter in (("cpython", sys.executable), ("pypy", pypy)):
            output = subprocess.run(
                [interpreter, os.path.abspath(__file__), "--child", folder], capture_output=True, text=True, check=True
            ).stdout
            for row, seconds in json.loads(output).items():
                best[name][row] = min(best[name].get(row, seconds), seconds)
    version = subprocess.run([pypy, "-c", "import sys; print(sys.version.split()[0], sys.pypy_version_info[:3])"], capture_output=True, text=True).stdout.strip()
    print(f"npymmap {npymmap.__version__}: CPython {sys.version.split()[0]} vs PyPy {version}, best of 11 rounds")
    print()
    print("| operation (1000×1000 float64) | CPython | PyPy | PyPy ÷ CPython |")
    print("|---|---:|---:|---:|")
    lines: List[str] = []
    for row in ROWS:
        c, p = best["cpython"][row], best["pypy"][row]
        scale, unit = (1e9, "ns") if c < 1e-6 else (1e6, "us") if c < 1e-3 else (1e3, "ms")
        lines.append(f"| {row} | {c * scale:.1f} {unit} | {p * scale:.1f} {unit} | {p / c:.2f}× |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
