"""Coverage-guided fuzzing of everything that reads bytes: the header parser, ``open_buffer`` (and
``tolist()``, ``tobytes()`` and a first item of what opens) and ``open_npz``, with atheris
(libFuzzer for Python). Each input is one ``.npy`` or ``.npz`` image; the rule checked is the
project's: every fault is an :class:`npymmap.NpyError`, never another exception, a hang or a crash.

Setup and use (CPython on Linux, where atheris has wheels)::

    python3 -m pip install -e ".[fuzz]"
    python3 tests/fuzz_coverage.py --seconds 600 [--corpus DIR] [--findings FILE]

The seed corpus is made at start: a small valid file of every element kind (numbers of each size
and byte order, float16, complex, ``S``/``U``/``V``, times, records with padding and sub-arrays,
C and Fortran order, 0-d and empty, header versions 1.0 to 3.0), archives of them (stored and
compressed), and every file of ``tests/data/other_writers``. ``--corpus`` keeps what the fuzzer
learns between runs. A foreign exception is written to ``--findings`` (the input, base64, and
the traceback) and the run goes on; libFuzzer itself stops on a crash and saves the input.
A ``fuzz_coverage:`` line at every power of two executions from 65,536 on counts them, and
libFuzzer's last lines give coverage (``cov:``) and executions, for the issue notes. Not collected by
pytest; each finding becomes a test in the suite.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path
from typing import Any, Callable

import atheris

with atheris.instrument_imports(include=["npymmap", "zipfile"]):
    import npymmap
    from npymmap import _array, _element, _grow, _header, _npz, _npz_writer, _numbers, _open, _records, _registry, _text  # noqa: F401

HERE = Path(__file__).resolve().parent
MAX_ITEMS = 1 << 16  # tolist() of a larger array is O(size) by contract, not a fault


class Counts:
    executions = 0
    accepted = 0
    refused = 0
    findings: list[str] = []
    seen: set[str] = set()


def _exercise(array: Any) -> None:
    """What a reader does with an array that opened: values, bytes, an item, a strided view."""
    try:
        if array.size <= MAX_ITEMS:
            array.tolist()
            array.tobytes()
            if array.ndim:
                array[::-2].tolist()
                array[(-1,) * array.ndim] if array.size else None
    finally:
        array.close()


def check_npy(data: bytes) -> None:
    _header.read_header_from(io.BytesIO(data).read, "<fuzz>", 10000)


def check_buffer(data: bytes) -> None:
    _exercise(npymmap.open_buffer(data))


def check_npz(data: bytes, folder: str) -> None:
    path = os.path.join(folder, "fuzz.npz")
    with open(path, "wb") as file:
        file.write(data)
    with npymmap.open_npz(path) as archive:
        for name in list(archive)[:8]:
            try:
                _exercise(archive[name])
            except npymmap.NpyError:
                pass
            try:
                _exercise(archive.read(name))
            except npymmap.NpyError:
                pass


def make_target(folder: str, findings: str | None) -> Callable[[bytes], None]:
    def one_input(data: bytes) -> None:
        Counts.executions += 1
        if Counts.executions & (Counts.executions - 1) == 0 and Counts.executions >= 1 << 16:
            print(
                f"fuzz_coverage: {Counts.executions} executions, {Counts.accepted} accepted, {Counts.refused} "
                f"refused, {len(Counts.findings)} distinct foreign exceptions {Counts.findings}",
                file=sys.stderr,
                flush=True,
            )
        checks: list[Callable[[], None]]
        if data[:2] == b"PK":
            checks = [lambda: check_npz(data, folder)]
        else:
            checks = [lambda: check_npy(data), lambda: check_buffer(data)]
        for check in checks:
            try:
                check()
                Counts.accepted += 1
            except npymmap.NpyError:
                Counts.refused += 1
            except Exception as error:  # a foreign exception: the fault this fuzzer looks for
                kind = f"{type(error).__name__}: {str(error)[:120]}"
                where = traceback.extract_tb(error.__traceback__)[-1]
                key = f"{kind.split(':')[0]} at {where.filename}:{where.lineno}"
                if key not in Counts.seen:
                    Counts.seen.add(key)
                    Counts.findings.append(key)
                    print(f"\nFINDING {key}: {kind}", file=sys.stderr, flush=True)
                    if findings:
                        with open(findings, "a") as out:
                            record = {"key": key, "error": kind, "input": base64.b64encode(data).decode(), "traceback": traceback.format_exc()}
                            out.write(json.dumps(record) + "\n")

    return one_input


def _seed_arrays() -> list[tuple[str, Any, tuple[int, ...], bool]]:
    """(name, element, shape, fortran_order) of the seeds: every element kind."""
    elements: list[Any] = [
        npymmap.bool_, npymmap.int8, npymmap.uint8, npymmap.int16, npymmap.uint16.newbyteorder(">"),
        npymmap.int32, npymmap.uint32, npymmap.int64.newbyteorder(">"), npymmap.uint64, npymmap.float16,
        npymmap.float32.newbyteorder(">"), npymmap.float64, npymmap.complex64, npymmap.complex128.newbyteorder(">"),
        npymmap.bytes_(3), npymmap.str_(2), npymmap.str_(2).newbyteorder(">"), npymmap.void(3), npymmap.void(0),
        npymmap.datetime64("ns"), npymmap.timedelta64("10s").newbyteorder(">"),
        npymmap.lookup([("a", "<i4"), ("", "|V4"), ("b", "<f8", (2,)), ("c", [("x", "|S2"), ("y", "<u2")])]),
        npymmap.lookup([("t", (">f4", (2,)), (3,)), ("u", ">U1")]),
    ]  # fmt: skip
    seeds = []
    for index, element in enumerate(elements):
        shape = [(2, 3), (3,), (), (0, 2)][index % 4]
        seeds.append((f"seed{index:02d}", element, shape, index % 3 == 0 and len(shape) > 1))
    return seeds


def write_seeds(folder: Path) -> None:
    """The seed corpus: valid files of every element kind, archives of them, the other writers' files."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, element, shape, fortran in _seed_arrays():
        for version in ((1, 0), (2, 0), (3, 0)):
            path = folder / f"{name}-v{version[0]}.npy"
            with npymmap.create(path, element, shape, fortran_order=fortran, version=version, overwrite=True) as array:
                nbytes, offset = array.nbytes, npymmap.read_header(path).data_offset
            pattern = b"A\0\0\0" if element.kind == "U" else b"\0\1" if element.kind == "b" else bytes(range(7, 250))
            with open(path, "r+b") as file:  # items that are not all zeros
                file.seek(offset)
                file.write((pattern * (nbytes // len(pattern) + 1))[:nbytes])
            made.append(path)
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zipfile.ZipFile(folder / f"archive-{compression}.npz", "w", compression) as archive:
            for path in made[::7]:
                archive.write(path, path.name)
    for path in (HERE / "data" / "other_writers").rglob("*"):
        if path.suffix in (".npy", ".npz"):
            (folder / f"other-{path.parent.name}-{path.name}").write_bytes(path.read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    parser.add_argument("--corpus", help="a folder that keeps what the fuzzer learns between runs")
    parser.add_argument("--findings", help="append each foreign exception (input and traceback) to this JSONL file")
    options, libfuzzer_options = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as scratch:
        seeds = Path(scratch) / "seeds"
        write_seeds(seeds)
        corpus = [options.corpus] if options.corpus else []
        if options.corpus:
            os.makedirs(options.corpus, exist_ok=True)
        arguments = [sys.argv[0], f"-max_total_time={options.seconds}", "-rss_limit_mb=4096", "-timeout=10", "-print_final_stats=1"]
        atheris.Setup(arguments + libfuzzer_options + corpus + [str(seeds)], make_target(scratch, options.findings))
        atheris.Fuzz()  # libFuzzer ends the process; the exit handler below reports
    return 0


if __name__ == "__main__":
    sys.exit(main())
