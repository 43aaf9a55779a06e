"""Fuzz npymmap's reading of ``.npy`` files: mutate valid files, demand an answer or an NpyError.

Run as ``python tests/fuzz_header.py --iterations N [--seed S]``. Not a pytest module (the name
does not start with ``test_``); ``test_hostile_files.py`` runs a short round of it.

Each iteration takes a valid file (NumPy's header for one of several dtypes, shapes, orders and
versions, or an odd spelling NumPy also reads), applies one to four random mutations -- bit flips,
byte insertions and deletions, splices of header tokens (``(``, ``[``, ``'``, ``,``, digits,
``L``, ``True``, ...), chunk duplication, truncation, a lying length field, a changed version --
writes the result to a temporary file and calls :func:`npymmap.read_header` and
:func:`npymmap.open` (mode ``r``, ``r+`` or ``c`` in turn). A call must return or raise an
:class:`npymmap.NpyError` whose message starts with the path, within one second. Anything else
is a failure: any other exception, a slow call, an NpyError without the path, ``open`` accepting a
file whose header ``read_header`` refuses, or an opened array disagreeing with its header. Each
failure prints the input as ``repr``; the exit status is then 1.

Standard library only (besides npymmap), deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Literal

import npymmap

MAGIC = b"\x93NUMPY"
SLOW = 1.0  # seconds: a slower call is a failure
HANG = 10.0  # seconds: a call still running is interrupted and reported
Mode = Literal["r", "r+", "c"]
MODES: tuple[Mode, ...] = ("r", "r+", "c")
SHOWN_FAILURES = 20

TOKENS: list[bytes] = [
    b"(", b")", b"[", b"]", b"{", b"}", b"'", b'"', b",", b":", b" ", b"\n", b"\r", b"\t", b"\x00",
    b"\\", b"L", b"l", b"u", b"-", b"+", b"_", b".", b"#", b"0", b"1", b"3", b"7", b"9", b"00", b"10",
    b"True", b"False", b"None", b"descr", b"shape", b"fortran_order", b"'descr'", b"'shape'",
    b"'fortran_order'", b"'<f8'", b"'|O'", b"'<U3'", b"[('a', '<f8')]", b"(((((", b")))))", b"[[[[",
    b"]]]]", b"9" * 30, b"1" * 25, b"18446744073709551616", b"9223372036854775807", b"4294967296",
    b"\\x41", b"\\u00e9", b"\\0", b"\\", b"\xc3\xa9", b"\xff", b"\x80", b"\xed\xa0\x80", MAGIC,
    b"__import__('os')", b"lambda", b"3L", b"(3,)", b"()", b", }", b"{}", b"\n  ",
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Valid starting points


@dataclass(frozen=True)
class Seed:
    version: bytes  # the two version bytes
    text: bytes  # the header, padding included
    data: bytes


def _frame(text: bytes, version: tuple[int, int], *, pad: bool = True) -> bytes:
    width = 2 if version == (1, 0) else 4
    if pad:
        text += b" " * (-(len(MAGIC) + 2 + width + len(text) + 1) % 64) + b"\n"
    return text


def _seeds() -> list[Seed]:
    itemsizes = {"<f8": 8, ">f8": 8, "<f4": 4, "<f2": 2, ">i4": 4, "|u1": 1, "|b1": 1, "<c16": 16, "<i8": 8, "<U3": 12, "|O": 8}
    shapes: list[tuple[int, ...]] = [(), (0,), (3,), (2, 3), (1, 1, 2), (4, 0, 2)]
    seeds = []
    number = 0
    for descr, itemsize in itemsizes.items():
        for shape in shapes:
            for fortran_order in (False, True):
                number += 1
                version = ((1, 0), (2, 0), (3, 0))[number % 3]
                text = f"{{'descr': {descr!r}, 'fortran_order': {fortran_order!r}, 'shape': {shape!r}, }}"
                if shape:
                    growth = shape[-1] if fortran_order else shape[0]
                    text += " " * (21 - len(repr(growth)))
                count = 1
                for n in shape:
                    count *= n
                data = bytes((i * 37 + number) % 256 for i in range(count * itemsize))
                seeds.append(Seed(bytes(version), _frame(text.encode(), version), data))
    odd = [
        "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3,)}",
        "{'shape': (3L,), 'fortran_order': False, 'descr': '<f8'}",
        "{ 'descr' : '<f8' ,\n 'fortran_order' : False ,\n 'shape' : ( 3 , ) }\n",
        "{u'descr': u'<f8', 'fortran_order': False, 'shape': ((3),)}",
        "{'d\\x65scr': '\\x3cf8', 'fortran_order': False, 'shape': (+3,)}",
        "{'descr': [('a', '<f8'), ('b', '<i4', (2,))], 'fortran_order': False, 'shape': (3,), }",
        "{'descr': 'float64', 'fortran_order': True, 'shape': (1, 3), }",
    ]
    for i, text in enumerate(odd):
        version = ((1, 0), (2, 0), (3, 0))[i % 3]
        seeds.append(Seed(bytes(version), _frame(text.encode(), version, pad=i % 2 == 0), bytes(range(24, 48))))
    return seeds


# ---------------------------------------------------------------------------------------------
# Mutations


def _mutate_text(rng: random.Random, text: bytes, seeds: list[Seed]) -> bytes:
    kind = rng.randrange(9)
    at = rng.randrange(len(text) + 1)
    if kind == 0 and text:  # flip one bit
        at = min(at, len(text) - 1)
        return text[:at] + bytes([text[at] ^ (1 << rng.randrange(8))]) + text[at + 1 :]
    if kind == 1 and text:  # replace one byte
        at = min(at, len(text) - 1)
        return text[:at] + bytes([rng.randrange(256)]) + text[at + 1 :]
    if kind in (2, 3):  # insert a token
        return text[:at] + rng.choice(TOKENS) + text[at:]
    if kind == 4:  # delete a few bytes
        return text[:at] + text[at + rng.randrange(1, 9) :]
    if kind == 5:  # replace a few bytes with a token
        return text[:at] + rng.choice(TOKENS) + text[at + rng.randrange(1, 6) :]
    if kind == 6 and text:  # duplicate a chunk
        end = min(len(text), at + rng.randrange(1, 40))
        return text[:end] + text[at:end] * rng.randrange(1, 4) + text[end:]
    if kind == 7:  # splice in a chunk of another header
        other = rng.choice(seeds).text
        start = rng.randrange(len(other))
        return text[:at] + other[start : start + rng.randrange(1, 30)] + text[at:]
    return text[:at]  # truncate the header


def _mutate_file(rng: random.Random, data: bytes) -> bytes:
    """Changes to the framing or the data, after the length field is set."""
    kind = rng.randrange(6)
    if kind == 0 and data:  # flip a bit anywhere
        at = rng.randrange(len(data))
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == 1:  # truncate anywhere
        return data[: rng.randrange(len(data) + 1)]
    if kind == 2:  # append trailing bytes
        return data + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    if kind == 3 and len(data) >= 12:  # lie in the length field
        width = 2 if data[6:8] == b"\x01\x00" else 4
        old = int.from_bytes(data[8 : 8 + width], "little")
        new = rng.choice([0, 1, old - 1, old + 1, old + 64, rng.randrange(1 << (8 * width)), (1 << (8 * width)) - 1])
        return data[:8] + (new % (1 << (8 * width))).to_bytes(width, "little") + data[8 + width :]
    if kind == 4 and len(data) >= 8:  # another version
        version = rng.choice([b"\x00\x00", b"\x01\x01", b"\x04\x00", b"\xff\xff", b"\x01\x00", b"\x02\x00", b"\x03\x00"])
        return data[:6] + version + data[8:]
    at = rng.randrange(len(data) + 1)  # delete a few bytes anywhere
    return data[:at] + data[at + rng.randrange(1, 5) :]


def make_input(rng: random.Random, seeds: list[Seed]) -> bytes:
    seed = rng.choice(seeds)
    text = seed.text
    mutations = 1 + min(3, int(rng.expovariate(1.0)))
    framing = rng.random() < 0.25
    for _ in range(mutations - framing):
        text = _mutate_text(rng, text, seeds)
    version = seed.version
    width = 2 if version == b"\x01\x00" else 4
    length = min(len(text), (1 << (8 * width)) - 1)
    data = MAGIC + version + length.to_bytes(width, "little") + text + seed.data
    if rng.random() < 0.2:  # data a little short or long
        data = data[: len(data) - rng.randrange(1, 9)] if rng.random() < 0.5 else data + b"\0" * rng.randrange(1, 9)
    if framing:
        data = _mutate_file(rng, data)
    return data


# ---------------------------------------------------------------------------------------------
# Running


class _Hang(BaseException):
    """Raised by the alarm when a call runs for HANG seconds (not an Exception: nothing swallows it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


@dataclass
class Counts:
    iterations: int = 0
    ok: int = 0
    npy_errors: int = 0
    failures: int = 0
    examples: list[str] = field(default_factory=list)


def _call(call: Callable[[], Any], guard: bool) -> tuple[Any, BaseException | None, float]:
    start = time.perf_counter()
    if guard:
        signal.setitimer(signal.ITIMER_REAL, HANG)
    try:
        result = call()
    except (Exception, _Hang) as error:
        return None, error, time.perf_counter() - start
    finally:
        if guard:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return result, None, time.perf_counter() - start


def _judge(what: str, path: str, error: BaseException | None, seconds: float) -> str | None:
    """A failure description, or None when the call returned or raised a proper NpyError in time."""
    if isinstance(error, _Hang):
        return f"{what} still running after {HANG} s"
    if seconds > SLOW:
        return f"{what} took {seconds:.2f} s"
    if error is None:
        return None
    if not isinstance(error, npymmap.NpyError):
        return f"{what} raised {type(error).__name__}: {error}"
    if not str(error).startswith(f"{path}: ") or error.path != path:
        return f"{what} raised an NpyError not naming the file: {error}"
    return None


def check(data: bytes, path: str, mode: Mode, guard: bool) -> tuple[str, str | None]:
    """Write ``data`` to ``path``, read and open it; ``(outcome, failure or None)`` where outcome
    is ``"ok"`` (both calls returned) or ``"NpyError"``."""
    with open(path, "wb") as file:
        file.write(data)
    header, header_error, seconds = _call(lambda: npymmap.read_header(path), guard)
    failure = _judge("read_header", path, header_error, seconds)
    if failure:
        return "failure", failure
    array, open_error, seconds = _call(lambda: npymmap.open(path, mode=mode), guard)
    try:
        failure = _judge(f"open(mode={mode!r})", path, open_error, seconds)
        if failure:
            return "failure", failure
        if array is None:
            return "NpyError", None
        if header_error is not None:
            return "failure", f"open(mode={mode!r}) accepted a file read_header refuses: {header_error}"
        if array.shape != header.shape:
            return "failure", f"open(mode={mode!r}) gives shape {array.shape}, read_header {header.shape}"
        if array.shape:
            length, error, seconds = _call(lambda: len(array), guard)
            if error is not None or length != array.shape[0]:
                return "failure", f"len() of the opened array gives {error!r} / {length}, shape {array.shape}"
        count = 1
        for n in array.shape:
            count *= n
        if count <= 4096 and all(n <= 4096 for n in array.shape):
            _, error, seconds = _call(array.tolist, guard)
            failure = _judge("tolist", path, error, seconds)
            if failure:
                return "failure", failure
            if error is not None:  # items the element cannot hold, e.g. a U item that is not UTF-32
                return "NpyError", None
        return "ok", None
    finally:
        if array is not None:
            array.close()


def run(iterations: int, seed: int) -> Counts:
    rng = random.Random(seed)
    seeds = _seeds()
    counts = Counts()
    guard = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _alarm) if guard else None
    try:
        with tempfile.TemporaryDirectory(prefix="fuzz_header-") as folder:
            path = os.path.join(folder, "fuzz.npy")
            for i in range(iterations):
                data = make_input(rng, seeds)
                outcome, failure = check(data, path, MODES[i % 3], guard)
                counts.iterations += 1
                if failure is None:
                    if outcome == "ok":
                        counts.ok += 1
                    else:
                        counts.npy_errors += 1
                    continue
                counts.failures += 1
                if len(counts.examples) < SHOWN_FAILURES:
                    counts.examples.append(f"iteration {i}: {failure}\n  input: {data!r}")
    finally:
        if guard:
            signal.signal(signal.SIGALRM, previous)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=10000, help="inputs to try (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    options = parser.parse_args(argv)
    counts = run(options.iterations, options.seed)
    for example in counts.examples:
        print(f"FAILURE {example}")
    if counts.failures > len(counts.examples):
        print(f"... and {counts.failures - len(counts.examples)} more failures")
    print(
        f"fuzz_header: {counts.iterations} iterations, {counts.npy_errors} NpyError, {counts.ok} ok, "
        f"{counts.failures} failures, seed {options.seed}"
    )
    sys.stdout.flush()
    return 1 if counts.failures else 0


if __name__ == "__main__":
    sys.exit(main())
