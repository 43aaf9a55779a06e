"""npymmap against NumPy, measured in one run: prints each time and the ratio NumPy ÷ npymmap.

Run from the project root: ``python tests/benchmarks/bench_vs_numpy.py [--quick]``.

Every row times the same work on the same file in both libraries, alternating the two so that
machine noise falls on both. In-process rows report the best round (as ``timeit`` advises: noise
only ever adds time); the rows that start fresh interpreters report the median. The import row
runs them as in a clean environment (``python -S -X importtime``, site-packages on
``PYTHONPATH``, bytecode compiled beforehand for both) and reads the cumulative time of the
top-level package.
"""

import array
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import timeit
from typing import Callable, List, Tuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import npymmap  # noqa: E402

Row = Tuple[str, float, float, float, str]


def import_time_us(module: str) -> float:
    """Cumulative import time of ``module`` in a fresh ``python -S`` (microseconds)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([ROOT, sysconfig.get_paths()["purelib"]])
    result = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", f"import {module}"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in reversed(result.stderr.splitlines()):
        fields = [field.strip() for field in line.split("|")]
        if len(fields) == 3 and fields[2] == module:
            return float(fields[1])
    raise RuntimeError(f"no import time for {module}: {result.stderr[-500:]}")


def first_value_us(code: str) -> float:
    """Wall time of ``code`` (import, open, read one value) in a fresh ``python -S``."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([ROOT, sysconfig.get_paths()["purelib"]])
    program = f"import time\nt0 = time.perf_counter()\n{code}\nprint((time.perf_counter() - t0) * 1e6)"
    result = subprocess.run(
        [sys.executable, "-S", "-c", program], env=environment, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def per_call(statement: Callable[[], object], number: int, rounds: int) -> List[float]:
    return [timeit.timeit(statement, number=number) / number for _ in range(rounds)]


def compare(
    name: str, numpy_call: Callable[[], object], ours: Callable[[], object], number: int, rounds: int, unit: str
) -> Row:
    numpy_times: List[float] = []
    our_times: List[float] = []
    for _ in range(rounds):
        numpy_times += per_call(numpy_call, number, 1)
        our_times += per_call(ours, number, 1)
    numpy_best = min(numpy_times)
    our_best = min(our_times)
    return (name, numpy_best, our_best, numpy_best / our_best, unit)


def scale(seconds: float, unit: str) -> float:
    return seconds * {"ms": 1e3, "us": 1e6, "ns": 1e9}[unit]


def main() -> None:
    quick = "--quick" in sys.argv
    rounds = 3 if quick else 31
    folder = tempfile.mkdtemp(prefix="npymmap-bench-")
    path = os.path.join(folder, "matrix.npy")
    matrix = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000) / 7.0
    np.save(path, matrix)
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "npymmap")], check=True)
    import_time_us("numpy")  # warm the page cache and NumPy's bytecode
    rows: List[Row] = []

    numpy_imports, our_imports = [], []
    for _ in range(rounds + 2):
        numpy_imports.append(import_time_us("numpy"))
        our_imports.append(import_time_us("npymmap"))
    numpy_import = statistics.median(numpy_imports) / 1e6
    our_import = statistics.median(our_imports) / 1e6
    rows.append(("import (python -S -X importtime)", numpy_import, our_import, numpy_import / our_import, "ms"))

    numpy_first = [
        first_value_us(f"import numpy\na = numpy.load({path!r}, mmap_mode='r')\nx = a[500, 300]") for _ in range(rounds)
    ]
    our_first = [
        first_value_us(f"import npymmap\na = npymmap.open({path!r})\nx = a[500, 300]") for _ in range(rounds)
    ]
    numpy_start = statistics.median(numpy_first) / 1e6
    our_start = statistics.median(our_first) / 1e6
    rows.append(("import + open + first item (python -S)", numpy_start, our_start, numpy_start / our_start, "ms"))

    def numpy_open_close() -> None:
        mapped = np.load(path, mmap_mode="r")
        mapped._mmap.close()

    rows.append(
        compare("open + close", numpy_open_close, lambda: npymmap.open(path).close(), 200, rounds, "us")
    )

    # npymmap remembers the headers it has read (re-opening a file, or a set of equal chunks):
    # this row forgets them before every open, for the cost of a header never seen before.
    from npymmap import _header

    forget = _header._CANONICAL_SEEN.clear

    def numpy_open_close_forgetting() -> None:
        forget()
        numpy_open_close()

    def our_open_close_forgetting() -> None:
        forget()
        npymmap.open(path).close()

    rows.append(
        compare("open + close, header not seen before", numpy_open_close_forgetting, our_open_close_forgetting, 200, rounds, "us")
    )

    numpy_map = np.load(path, mmap_mode="r")
    our_map = npymmap.open(path, npymmap.float64)
    indices = [(i * 37 % 1000, i * 91 % 1000) for i in range(1000)]

    def item_row(name: str, item_path: str) -> Row:
        """a[i, j] at 1,000 scattered places, per item."""
        numpy_items, our_items = np.load(item_path, mmap_mode="r"), npymmap.open(item_path)

        def numpy_reads() -> None:
            for i, j in indices:
                numpy_items[i, j]

        def our_reads() -> None:
            for i, j in indices:
                our_items[i, j]

        name, numpy_time, our_time, ratio, _ = compare(name, numpy_reads, our_reads, 20, rounds, "ns")
        return (name, numpy_time / len(indices), our_time / len(indices), ratio, "ns")

    rows.append(item_row("a[i, j]", path))
    for name, variant in (
        ("a[i, j], Fortran order", np.asfortranarray(matrix)),
        ("a[i, j], big-endian (>f8)", matrix.astype(">f8")),
        ("a[i, j], float16", matrix.astype("<f2")),
    ):
        variant_path = os.path.join(folder, f"variant-{len(rows)}.npy")
        np.save(variant_path, variant)
        rows.append(item_row(name, variant_path))

    rows.append(
        compare(
            "a[i:i+1].tolist() (one row)",
            lambda: numpy_map[500:501].tolist(),
            lambda: our_map[500:501].tolist(),
            2000,
            rounds,
            "us",
        )
    )
    rows.append(compare("tolist() (whole file)", numpy_map.tolist, our_map.tolist, 1, rounds, "ms"))
    rows.append(
        compare(
            "a[:, j].tolist() (one column)",
            lambda: numpy_map[:, 300].tolist(),
            lambda: our_map[:, 300].tolist(),
            200,
            rounds,
            "us",
        )
    )

    records_path = os.path.join(folder, "records.npy")
    records = np.zeros(1_000_000, dtype=[("id", "<i8"), ("score", "<f8")])
    records["id"] = np.arange(1_000_000)
    records["score"] = np.arange(1_000_000) / 3.0
    np.save(records_path, records)
    numpy_records = np.load(records_path, mmap_mode="r")
    our_records = npymmap.open(records_path)
    rows.append(
        compare("records: tolist() (1M rows, 2 fields)", numpy_records.tolist, our_records.tolist, 1, rounds, "ms")
    )

    archive_path = os.path.join(folder, "archive.npz")
    np.savez(archive_path, big=np.zeros(32 * 1024 * 1024, dtype=np.float64))  # a 256 MiB member

    def numpy_member() -> None:
        with np.load(archive_path) as archive:
            archive["big"]

    def our_member() -> None:
        with npymmap.open_npz(archive_path) as archive:
            archive["big"]

    rows.append(compare(".npz: open a 256 MiB stored member", numpy_member, our_member, 1, 3, "ms"))

    grown_numpy = os.path.join(folder, "grown-numpy.npy")
    grown_ours = os.path.join(folder, "grown-ours.npy")
    gigabyte = np.ones((1024, 131072))  # 1 GiB of float64, 1 MiB a row
    chunk = gigabyte[:1].tobytes()

    def numpy_save() -> None:
        np.save(grown_numpy, gigabyte)
        descriptor = os.open(grown_numpy, os.O_RDONLY)
        os.fsync(descriptor)
        os.close(descriptor)

    def our_append() -> None:
        np.save(grown_ours, np.zeros((0, 131072)))
        with npymmap.append_to(grown_ours) as grower:
            for _ in range(1024):
                grower.append(chunk)

    rows.append(compare("grow 1 GiB: 1 MiB appends + fsync (np.save + fsync)", numpy_save, our_append, 1, 3, "ms"))
    os.unlink(grown_numpy)
    os.unlink(grown_ours)
    del gigabyte

    source = array.array("d", range(4_000_000))
    fill_numpy = os.path.join(folder, "fill-numpy.npy")
    fill_ours = os.path.join(folder, "fill-ours.npy")

    numpy_fills: List[float] = []
    our_fills: List[float] = []
    for _ in range(rounds):
        numpy_target = np.lib.format.open_memmap(fill_numpy, mode="w+", dtype=np.float64, shape=(4_000_000,))
        started = time.perf_counter()
        numpy_target[:] = source
        numpy_fills.append(time.perf_counter() - started)
        del numpy_target
        with npymmap.create(fill_ours, npymmap.float64, (4_000_000,), overwrite=True) as our_target:
            started = time.perf_counter()
            our_target[:] = source
            our_fills.append(time.perf_counter() - started)
    numpy_fill, our_fill = min(numpy_fills), min(our_fills)
    rows.append(("a[:] = array.array (4M float64, fresh map)", numpy_fill, our_fill, numpy_fill / our_fill, "ms"))
    assert open(fill_numpy, "rb").read() == open(fill_ours, "rb").read()

    print(
        f"npymmap {npymmap.__version__} vs NumPy {np.__version__}, Python {sys.version.split()[0]}: "
        f"best of {rounds} rounds in-process, median of {rounds + 2} (import) and {rounds} fresh interpreters"
    )
    print()
    print("| operation (1000×1000 float64) | NumPy | npymmap | NumPy ÷ npymmap |")
    print("|---|---:|---:|---:|")
    for name, numpy_time, our_time, ratio, unit in rows:
        print(
            f"| {name} | {scale(numpy_time, unit):.1f} {unit} | {scale(our_time, unit):.1f} {unit} | "
            f"{ratio:.2f}× |"
        )


if __name__ == "__main__":
    main()
