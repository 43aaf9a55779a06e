"""Every kind of element × every everyday operation, npymmap against NumPy in one run.

Run from the project root: ``python tests/benchmarks/bench_matrix.py [--rounds N] [--size N]``
(under PyPy too, with NumPy installed there). Prints the ratio NumPy time ÷ npymmap time (higher
is better for npymmap) for each cell, then npymmap's own times, then how many cells meet the goals
of issue 15 and the median cell.

Each cell times the same work on the same ``size × size`` file (500 × 500 by default) in both
libraries, alternating the two round by round so that machine noise falls on both, and keeps the
best round of each (noise only ever adds time). NumPy's side is ``numpy.load(path,
mmap_mode=...)``, its arrays indexed and converted as a NumPy user would; stores on both sides are
plain Python values (what ``tolist`` gives).
"""

import os
import statistics
import sys
import tempfile
import timeit
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import npymmap  # noqa: E402

# (label, NumPy dtype, Fortran order)
KINDS: List[Tuple[str, Any, bool]] = [
    ("f8", "<f8", False),
    ("f8 Fortran", "<f8", True),
    (">f8", ">f8", False),
    ("f4", "<f4", False),
    ("f2", "<f2", False),
    ("i8", "<i8", False),
    ("u1", "|u1", False),
    ("b1", "|b1", False),
    ("c8", "<c8", False),
    ("c16", "<c16", False),
    ("U8", "<U8", False),
    ("S8", "|S8", False),
    ("M8[ns]", "<M8[ns]", False),
    ("record (i4, f8)", [("a", "<i4"), ("b", "<f8")], False),
]
OPERATIONS = ["a[i,j]", "row tolist", "column tolist", "tolist", "w[i,j]=v", "w[i,...]=row", "open"]
NATIVE = {"f8", "f8 Fortran", "f4", "i8", "u1", "b1", "M8[ns]"}
COMPLEX = {"c8", "c16"}
SCATTERED = 200  # items read by one a[i,j] round


def make_array(dtype: Any, size: int) -> Any:
    """A deterministic ``size × size`` NumPy array of ``dtype`` with varied values."""
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(7)
    count = size * size
    if dtype.names:
        values = np.zeros(count, dtype)
        values["a"] = rng.integers(-(10**6), 10**6, count)
        values["b"] = rng.standard_normal(count)
    elif dtype.kind == "U":
        values = np.array([f"w{n % 9973}é" for n in range(count)], dtype)
    elif dtype.kind == "S":
        values = np.array([b"b%d" % (n % 99991) for n in range(count)], dtype)
    elif dtype.kind == "M":
        values = rng.integers(0, 2**62, count).astype(dtype)
    elif dtype.kind == "b":
        values = rng.integers(0, 2, count).astype(dtype)
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, count, endpoint=True, dtype=dtype.newbyteorder("="))
    elif dtype.kind == "c":
        values = (rng.standard_normal(count) + 1j * rng.standard_normal(count)).astype(dtype)
    else:
        values = rng.standard_normal(count).astype(dtype)
    return values.reshape(size, size)


def best(statement: Callable[[], object], number: int) -> float:
    """Seconds per call of one round of ``number`` calls."""
    return timeit.timeit(statement, number=number) / number


def cell(numpy_call: Callable[[], object], ours: Callable[[], object], number: int, rounds: int) -> Tuple[float, float]:
    """Best seconds per call of NumPy's and npymmap's side, rounds alternating."""
    numpy_times: List[float] = []
    our_times: List[float] = []
    for _ in range(rounds):
        numpy_times.append(best(numpy_call, number))
        our_times.append(best(ours, number))
    return min(numpy_times), min(our_times)


def measure_kind(directory: str, label: str, dtype: Any, fortran: bool, size: int, rounds: int) -> Dict[str, Tuple[float, float]]:
    """``{operation: (NumPy seconds, npymmap seconds)}`` for one kind."""
    source = make_array(dtype, size)
    path = os.path.join(directory, f"{len(os.listdir(directory))}.npy")
    np.save(path, np.asfortranarray(source) if fortran else source)
    numpy_read = np.load(path, mmap_mode="r")
    numpy_write = np.load(path, mmap_mode="r+")
    ours = npymmap.open(path)
    writable = npymmap.open(path, mode="r+")
    step = max(1, size * size // SCATTERED)
    places = [(n // size, (n * 7) % size) for n in range(0, size * size, step)][:SCATTERED]
    middle = size // 2
    row_values = ours[middle : middle + 1].tolist()[0]
    value = row_values[1]

    def scattered(array: Any) -> Callable[[], object]:
        return lambda: [array[i, j] for i, j in places]

    def store_one(array: Any) -> Callable[[], object]:
        def store() -> None:
            array[middle, 1] = value

        return store

    def store_row(array: Any) -> Callable[[], object]:
        def store() -> None:
            array[middle, ...] = row_values

        return store

    cases: Dict[str, Tuple[Callable[[], object], Callable[[], object], int]] = {
        "a[i,j]": (scattered(numpy_read), scattered(ours), 20),
        "row tolist": (lambda: numpy_read[middle : middle + 1].tolist(), lambda: ours[middle : middle + 1].tolist(), 50),
        "column tolist": (lambda: numpy_read[:, middle].tolist(), lambda: ours[:, middle].tolist(), 50),
        "tolist": (numpy_read.tolist, ours.tolist, 1),
        "w[i,j]=v": (store_one(numpy_write), store_one(writable), 2000),
        "w[i,...]=row": (store_row(numpy_write), store_row(writable), 50),
        "open": (lambda: np.load(path, mmap_mode="r"), lambda: npymmap.open(path).close(), 100),
    }
    results = {name: cell(numpy_call, our_call, number, rounds) for name, (numpy_call, our_call, number) in cases.items()}
    ours.close()
    writable.close()
    del numpy_read, numpy_write
    return results


def meets_goal(label: str, operation: str, ratio: float) -> bool:
    """Issue 15's goal for one cell (NumPy time ÷ npymmap time)."""
    if label in COMPLEX and operation in ("row tolist", "column tolist", "tolist"):
        return ratio >= 0.12
    if label in NATIVE:
        return ratio >= (0.8 if operation == "column tolist" else 0.45)
    return ratio >= 0.25


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 7
    size = int(sys.argv[sys.argv.index("--size") + 1]) if "--size" in sys.argv else 500
    implementation = f"{sys.implementation.name} {sys.version.split()[0]}"
    print(f"npymmap ÷ NumPy {np.__version__} on {implementation}: {size}×{size} files, best of {rounds} alternating rounds")
    table: Dict[str, Dict[str, Tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for label, dtype, fortran in KINDS:
            table[label] = measure_kind(directory, label, dtype, fortran, size, rounds)
    print("\nNumPy time ÷ npymmap time (higher is better for npymmap; * misses its goal)\n")
    print("| kind | " + " | ".join(OPERATIONS) + " |")
    print("|---|" + "---:|" * len(OPERATIONS))
    ratios: List[float] = []
    missed: List[str] = []
    for label, row in table.items():
        cells = []
        for operation in OPERATIONS:
            numpy_time, our_time = row[operation]
            ratio = numpy_time / our_time
            ratios.append(ratio)
            good = meets_goal(label, operation, ratio)
            if not good:
                missed.append(f"{label} {operation} {ratio:.2f}")
            cells.append(f"{ratio:.2f}" + ("" if good else "*"))
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nnpymmap's times (us; a[i,j] per item)\n")
    print("| kind | " + " | ".join(OPERATIONS) + " |")
    print("|---|" + "---:|" * len(OPERATIONS))
    for label, row in table.items():
        times = [row[operation][1] / (SCATTERED if operation == "a[i,j]" else 1) * 1e6 for operation in OPERATIONS]
        print(f"| {label} | " + " | ".join(f"{time:.3g}" for time in times) + " |")
    met = len(ratios) - len(missed)
    print(f"\n{met} of {len(ratios)} cells meet their goal; median cell {statistics.median(ratios):.2f}×")
    if missed:
        print("missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
