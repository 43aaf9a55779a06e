"""What a copy of npymmap without ``.pyc`` files costs at start-up, against one precompiled.

Run from the project root: ``python tests/benchmarks/bench_import.py [--rounds 31]``.

Two copies of the package go into a temporary folder, one precompiled (``python -m compileall``)
and one without ``__pycache__``; every round starts fresh interpreters (``python -S``, the copy
on ``PYTHONPATH``, ``PYTHONDONTWRITEBYTECODE=1`` so that the copy without bytecode stays without,
as on a read-only file system), alternating the two copies, and prints medians of: the
cumulative import time of ``import npymmap`` (``-X importtime``), and the wall time of import,
open and a first item (what the README's speed section calls the first-use cost).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from typing import Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def environment(folder: str) -> Dict[str, str]:
    variables = dict(os.environ)
    variables["PYTHONPATH"] = folder
    variables["PYTHONDONTWRITEBYTECODE"] = "1"
    return variables


def import_time_us(folder: str) -> float:
    result = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", "import npymmap"],
        env=environment(folder),
        cwd=folder,  # -c puts the working folder first on sys.path
        capture_output=True,
        text=True,
        check=True,
    )
    for line in reversed(result.stderr.splitlines()):
        fields = [field.strip() for field in line.split("|")]
        if len(fields) == 3 and fields[2] == "npymmap":
            return float(fields[1])
    raise RuntimeError(f"no import time for npymmap: {result.stderr[-500:]}")


def first_item_us(folder: str, path: str) -> float:
    program = (
        "import time\nt0 = time.perf_counter()\nimport npymmap\n"
        f"a = npymmap.open({path!r})\nx = a[500, 300]\nprint((time.perf_counter() - t0) * 1e6)"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", program],
        env=environment(folder),
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip())


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 31
    work = tempfile.mkdtemp(prefix="npymmap-import-")
    try:
        copies = {name: os.path.join(work, name) for name in ("precompiled", "no .pyc")}
        for folder in copies.values():
            shutil.copytree(os.path.join(ROOT, "npymmap"), os.path.join(folder, "npymmap"),
                            ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", os.path.join(copies["precompiled"], "npymmap")], check=True
        )
        path = os.path.join(work, "matrix.npy")
        sys.path.insert(0, copies["no .pyc"])
        import npymmap

        with npymmap.create(path, npymmap.float64, (1000, 1000)):
            pass
        imports: Dict[str, List[float]] = {name: [] for name in copies}
        firsts: Dict[str, List[float]] = {name: [] for name in copies}
        for _ in range(rounds + 2):  # the first two warm the page cache
            for name, folder in copies.items():
                imports[name].append(import_time_us(folder))
                firsts[name].append(first_item_us(folder, path))
        print(f"Python {sys.version.split()[0]} ({sys.implementation.name}), medians of {rounds} fresh interpreters")
        for name in copies:
            print(
                f"{name:12} import npymmap {statistics.median(imports[name][2:]) / 1e3:6.2f} ms, "
                f"import + open + first item {statistics.median(firsts[name][2:]) / 1e3:6.2f} ms"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
