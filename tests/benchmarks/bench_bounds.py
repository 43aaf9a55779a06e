"""Why some cells of ``bench_matrix.py`` stay under their goal: the least any Python code must do
per item, timed alone, against NumPy's time for the same cell, in one run.

Run from the project root: ``python tests/benchmarks/bench_bounds.py``. Each row prints NumPy's
time, the bound (the C calls or the Python frame an item cannot do without, with nothing else
around them) and npymmap's time, per item, and the best ratio the bound allows (NumPy ÷ bound).
When that best ratio is under the goal, no construction from the standard library reaches it.
"""

import os
import struct
import sys
import tempfile
import timeit
from typing import Any, Callable, List, Tuple

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import npymmap  # noqa: E402

SIZE = 500
ROUNDS = 7


def per_item(call: Callable[[], object], items: int, number: int) -> float:
    """Best seconds per item of ``call`` (which handles ``items`` items) over the rounds."""
    return min(timeit.repeat(call, number=number, repeat=ROUNDS)) / number / items


def main() -> None:
    rows: List[Tuple[str, float, float, float, str]] = []
    directory = tempfile.mkdtemp()
    count = SIZE * SIZE

    # complex tolist: one complex(re, im) per item, from floats already made
    values = np.random.default_rng(3).standard_normal(count) + 1j
    np.save(os.path.join(directory, "c16.npy"), values.reshape(SIZE, SIZE))
    numpy_c16 = np.load(os.path.join(directory, "c16.npy"), mmap_mode="r")
    ours_c16 = npymmap.open(os.path.join(directory, "c16.npy"))
    floats = values.view("<f8").tolist()

    def complexes() -> object:
        pairs = iter(floats)
        return list(map(complex, pairs, pairs))

    rows.append(
        (
            "c16 tolist: complex(re, im) per item",
            per_item(numpy_c16.tolist, count, 3),
            per_item(complexes, count, 3),
            per_item(ours_c16.tolist, count, 3),
            "0.12",
        )
    )

    # text tolist: two str per item (the item cut from the decoded block, and it NUL-stripped)
    words = np.array([f"w{n % 9973}é" for n in range(count)], "<U8")
    np.save(os.path.join(directory, "u8.npy"), words.reshape(SIZE, SIZE))
    numpy_u8 = np.load(os.path.join(directory, "u8.npy"), mmap_mode="r")
    ours_u8 = npymmap.open(os.path.join(directory, "u8.npy"))
    text = words.tobytes().decode("utf-32-le")

    def strings() -> object:
        return [text[k : k + 8].rstrip("\0") for k in range(0, len(text), 8)]

    rows.append(("U8 tolist: slice + rstrip per item", per_item(numpy_u8.tolist, count, 3), per_item(strings, count, 3), per_item(ours_u8.tolist, count, 3), "0.25"))
    raw = np.array([b"b%d" % (n % 99991) for n in range(count)], "S8")
    np.save(os.path.join(directory, "s8.npy"), raw.reshape(SIZE, SIZE))
    numpy_s8 = np.load(os.path.join(directory, "s8.npy"), mmap_mode="r")
    ours_s8 = npymmap.open(os.path.join(directory, "s8.npy"))
    block = raw.tobytes()
    unpack = struct.Struct("8s" * 1000).unpack

    def byte_strings() -> object:
        return [item.rstrip(b"\0") for start in range(0, len(block), 8000) for item in unpack(block[start : start + 8000])]

    rows.append(("S8 tolist: unpack + rstrip per item", per_item(numpy_s8.tolist, count, 3), per_item(byte_strings, count, 3), per_item(ours_s8.tolist, count, 3), "0.25"))

    # a column of bytes: NumPy's view and tolist against memoryview's tolist of the column alone
    np.save(os.path.join(directory, "u1.npy"), (np.arange(count) % 251).astype("u1").reshape(SIZE, SIZE))
    numpy_u1 = np.load(os.path.join(directory, "u1.npy"), mmap_mode="r")
    ours_u1 = npymmap.open(os.path.join(directory, "u1.npy"))
    column = memoryview(numpy_u1.tobytes())[SIZE // 2 :: SIZE]
    rows.append(
        (
            "u1 column tolist: the strided memoryview's tolist alone",
            per_item(lambda: numpy_u1[:, SIZE // 2].tolist(), SIZE, 2000),
            per_item(column.tolist, SIZE, 2000),
            per_item(lambda: ours_u1[:, SIZE // 2].tolist(), SIZE, 2000),
            "0.80",
        )
    )

    # one store through a Python-level __setitem__: the frame, the index, the encoding, the copy
    class Store:
        def __init__(self, data: memoryview, encode: Callable[[Any], bytes], itemsize: int) -> None:
            self.data, self.encode, self.itemsize = data, encode, itemsize
            self.rows, self.columns = range(0, SIZE * SIZE, SIZE), range(SIZE)

        def __setitem__(self, key: Tuple[int, int], value: Any) -> None:
            position = (self.rows[key[0]] + self.columns[key[1]]) * self.itemsize
            self.data[position : position + self.itemsize] = self.encode(value)

    pack_complex = struct.Struct("<dd").pack
    utf32 = __import__("_codecs").utf_32_le_encode
    pack_record = struct.Struct("<id").pack
    stores: List[Tuple[str, Any, Any, Callable[[Any], bytes], str]] = [
        ("c16 w[i,j]=v", "<c16", 1 + 2j, lambda value: pack_complex(value.real, value.imag), "0.25"),
        ("U8 w[i,j]=v", "<U8", "hello", lambda value: utf32(value.ljust(8, "\0"))[0], "0.25"),
        ("S8 w[i,j]=v", "|S8", b"hello", lambda value: value.ljust(8, b"\0"), "0.25"),
        ("record w[i,j]=v", [("a", "<i4"), ("b", "<f8")], (1, 2.5), lambda value: pack_record(*value), "0.25"),
    ]
    for name, dtype, value, encode, goal in stores:
        path = os.path.join(directory, f"store{len(rows)}.npy")
        np.save(path, np.zeros((SIZE, SIZE), dtype))
        numpy_write = np.load(path, mmap_mode="r+")
        ours_write = npymmap.open(path, mode="r+")
        bound = Store(memoryview(bytearray(SIZE * SIZE * numpy_write.itemsize)), encode, numpy_write.itemsize)

        def numpy_store(target: Any = numpy_write) -> None:
            target[250, 1] = value

        def bound_store(target: Any = bound) -> None:
            target[250, 1] = value

        def our_store(target: Any = ours_write) -> None:
            target[250, 1] = value

        rows.append((f"{name}: __setitem__ + index + encode + copy", per_item(numpy_store, 1, 20000), per_item(bound_store, 1, 20000), per_item(our_store, 1, 20000), goal))

    # a complex row fill: the real and imaginary part of each value, as two new floats
    complex_path = os.path.join(directory, "c16w.npy")
    np.save(complex_path, np.zeros((SIZE, SIZE), "<c16"))
    numpy_complex = np.load(complex_path, mmap_mode="r+")
    ours_complex = npymmap.open(complex_path, mode="r+")
    row = [complex(n, -n) for n in range(SIZE)]
    pack_row = struct.Struct(f"<{2 * SIZE}d").pack
    real, imag = __import__("_operator").attrgetter("real"), __import__("_operator").attrgetter("imag")

    def parts_packed() -> object:
        parts: List[Any] = [0.0] * (2 * SIZE)
        parts[0::2] = map(real, row)
        parts[1::2] = map(imag, row)
        return pack_row(*parts)

    def numpy_fill() -> None:
        numpy_complex[250, ...] = row

    def our_fill() -> None:
        ours_complex[250, ...] = row

    rows.append(("c16 w[i,...]=row: .real, .imag and pack", per_item(numpy_fill, SIZE, 200), per_item(parts_packed, SIZE, 200), per_item(our_fill, SIZE, 200), "0.25"))

    # a Fortran-order store: a Python __setitem__ that reverses the key for the memoryview
    fortran_path = os.path.join(directory, "fortran.npy")
    np.save(fortran_path, np.asfortranarray(np.zeros((SIZE, SIZE))))
    numpy_fortran = np.load(fortran_path, mmap_mode="r+")
    ours_fortran = npymmap.open(fortran_path, mode="r+")

    class Reversing:
        def __init__(self, items: Any) -> None:
            self.items = items

        def __setitem__(self, key: Tuple[int, int], value: float) -> None:
            self.items[key[::-1]] = value

    reversing = Reversing(memoryview(bytearray(8 * SIZE * SIZE)).cast("d", (SIZE, SIZE)))

    def numpy_fortran_store() -> None:
        numpy_fortran[250, 1] = 1.5

    def bound_fortran_store() -> None:
        reversing[250, 1] = 1.5

    def our_fortran_store() -> None:
        ours_fortran[250, 1] = 1.5

    rows.append(("f8 Fortran w[i,j]=v: __setitem__ + reversed key", per_item(numpy_fortran_store, 1, 20000), per_item(bound_fortran_store, 1, 20000), per_item(our_fortran_store, 1, 20000), "0.45"))

    print(f"per item, ns; best of {ROUNDS} rounds; NumPy {np.__version__}, {sys.implementation.name} {sys.version.split()[0]}\n")
    print("| cell: the bound | NumPy | bound | npymmap | NumPy ÷ bound | NumPy ÷ npymmap | goal |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, numpy_time, bound_time, our_time, goal in rows:
        print(f"| {name} | {numpy_time * 1e9:.1f} | {bound_time * 1e9:.1f} | {our_time * 1e9:.1f} | {numpy_time / bound_time:.2f} | {numpy_time / our_time:.2f} | {goal} |")


if __name__ == "__main__":
    main()
