"""``npymmap stat``: NumPy the oracle of every figure, for every number kind in both byte orders,
C and Fortran order, in ``.npy`` files, archives and ``archive::member``; chunk boundaries; NaN,
infinities, signed zeros and extreme ints; empty and 0-d arrays; records and times; the output
formats; the command line's fault rules; constant memory."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_cli import ROOT, run, run_into_closed_pipe

from npymmap import _cli_stat
from npymmap.__main__ import main

NUMBER_KINDS = ["b1", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "c8", "c16"]
COLUMNS = ["name", "dtype", "count", "min", "max", "mean", "std", "nan", "inf"]


def stat(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(["stat", *arguments])
    out, err = capsys.readouterr()
    return status, out, err


def stat_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> list[dict[str, Any]]:
    status, out, err = stat(capsys, "--format", "json", *arguments)
    assert (status, err) == (0, ""), err
    report: list[dict[str, Any]] = json.loads(out)
    return report


def number(value: Any) -> Any:
    """A JSON figure back as a Python number: "nan", "inf", "-inf" as floats, [re, im] as complex."""
    if isinstance(value, list):
        return complex(number(value[0]), number(value[1]))
    if isinstance(value, str):
        return float(value)
    return value


def same(ours: Any, theirs: Any) -> bool:
    """Equal, NaN equal to NaN (part by part for complex); the sign of a zero is not compared."""
    if isinstance(theirs, complex) or isinstance(ours, complex):
        ours, theirs = complex(ours), complex(theirs)
        return same(ours.real, theirs.real) and same(ours.imag, theirs.imag)
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    return bool(ours == theirs)


def close(ours: Any, theirs: Any, tolerance: float, scale: float) -> bool:
    """Within ``tolerance`` of ``max(|theirs|, scale)``; NaN and infinities exactly."""
    ours, theirs = complex(ours), complex(theirs)
    for a, b in ((ours.real, theirs.real), (ours.imag, theirs.imag)):
        if not math.isfinite(b) or not math.isfinite(a):
            if not same(a, b):
                return False
        elif abs(a - b) > tolerance * max(abs(b), scale):
            return False
    return True


# Relative error allowed against NumPy's mean and std: NumPy sums float16 in float32 and rounds
# each 8,192 items to float16, float32 in float32 pairwise; float64 pairwise; stat exactly.
TOLERANCE = {2: 4e-3, 4: 2e-6, 8: 1e-12}  # (by the size of a float: a complex's part)


def expected(values: np.ndarray[Any, Any]) -> dict[str, Any]:
    """NumPy's figures of ``values``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        empty = values.size == 0
        kind = values.dtype.kind
        return {
            "count": values.size,
            "min": None if empty else values.min().item(),
            "max": None if empty else values.max().item(),
            "mean": values.mean().item(),
            "std": values.std().item(),
            "nan": int(np.isnan(values).sum()) if kind in "fc" else 0,
            "inf": int(np.isinf(values).sum()) if kind in "fc" else 0,
        }


def check(entry: dict[str, Any], values: np.ndarray[Any, Any]) -> None:
    """``stat``'s JSON entry against NumPy's figures of ``values``: counts and extremes exactly,
    mean and std within the tolerance of the item's precision."""
    theirs = expected(values)
    assert entry["dtype"] == values.dtype.str
    for key in ("count", "nan", "inf"):
        assert entry[key] == theirs[key], key
    for key in ("min", "max"):
        ours = number(entry[key])
        if values.dtype.kind in "fc" and ours is not None:  # (printed at the item's precision)
            ours = np.array(ours).astype(values.dtype.newbyteorder("=")).item()
        assert same(ours, theirs[key]), (key, ours, theirs[key])
    kind, size = values.dtype.kind, values.dtype.itemsize // (2 if values.dtype.kind == "c" else 1)
    tolerance = TOLERANCE[size] if kind in "fc" else 1e-12
    finite = values[np.isfinite(values)] if kind in "fc" else values
    scale = float(np.abs(finite.astype(np.complex128 if kind == "c" else np.float64)).max()) if finite.size else 1.0
    assert close(number(entry["mean"]), theirs["mean"], tolerance, scale), (entry["mean"], theirs["mean"])
    assert close(number(entry["std"]), theirs["std"], tolerance, 0.0), (entry["std"], theirs["std"])
    if kind in "biu" and values.size:  # the mean of ints is exact, then rounded once
        assert number(entry["mean"]) == float(Fraction(sum(values.ravel().tolist()), values.size))


def random_values(kind: str, shape: tuple[int, ...], seed: int) -> np.ndarray[Any, Any]:
    """Seeded items of ``kind`` (native order): ints over their whole range, the extremes among
    them; floats spread about 3 with -0.0 and 0.0; complex from two such."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(kind)
    size = int(np.prod(shape))
    if dtype.kind == "b":
        return rng.random(shape) < 0.3
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        values = rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)
        values[: min(size, 3)] = [info.max, info.min, info.max][: min(size, 3)]
        return values.reshape(shape)
    real = rng.normal(3.0, 2.0, size)
    real[: min(size, 2)] = [-0.0, 0.0][: min(size, 2)]
    if dtype.kind == "c":
        real = real + 1j * rng.normal(-1.0, 0.5, size)
    return real.astype(dtype).reshape(shape)


def containers(tmp_path: Path, values: np.ndarray[Any, Any]) -> list[str]:
    """``values`` as a .npy file, as the one member of a stored archive, and as that member named."""
    npy, npz = tmp_path / "values.npy", tmp_path / "archive.npz"
    np.save(npy, values)
    np.savez(npz, x=values)
    return [str(npy), str(npz), f"{npz}::x"]


# ---------------------------------------------------------------------------------------------
# Every kind, both byte orders, C and Fortran order, in each container


@pytest.mark.parametrize("kind", NUMBER_KINDS)
def test_every_number_kind_in_each_order_and_container_agrees_with_numpy(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    for seed, order in enumerate("<>"):
        for fortran in (False, True):
            values = random_values(kind, (40, 75), seed).astype(np.dtype(order + kind))
            if fortran:
                values = np.asfortranarray(values)
            for name in containers(tmp_path, values):
                [entry] = stat_json(capsys, name)
                check(entry, values)


@pytest.mark.parametrize("kind", ["f2", "f4", "f8", "c8", "c16"])
@pytest.mark.parametrize("order", "<>")
def test_nan_infinities_and_signed_zeros_as_numpy_says(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, order: str) -> None:
    dtype = np.dtype(order + kind)
    nan, inf = float("nan"), float("inf")
    cases: list[list[complex]] = [
        [1.5, -0.0, 0.0, 2.0],
        [1.0, inf, 3.0],
        [1.0, -inf, 3.0],
        [inf, -inf, 1.0],
        [1.0, nan, inf, 2.0],
        [nan, nan],
        [inf, inf],
    ]
    if dtype.kind == "c":
        cases += [
            [1 + 1j, complex(inf, 1), 2], [complex(1, inf), 3], [complex(1, -inf), complex(-inf, 1)],
            [5 + 5j, complex(nan, 2), complex(1, nan)], [complex(1, nan), complex(nan, 2), 5 + 5j],
            [2 + 1j, 2 + 3j, 2 - 1j, 1 + 9j], [complex(0.0, -0.0), complex(-0.0, 0.0)], [complex(inf, nan), 1],
        ]  # fmt: skip
    for case in cases:
        with np.errstate(invalid="ignore"):
            values = np.array(case, dtype=dtype)
        npy = tmp_path / "special.npy"
        np.save(npy, values)
        [entry] = stat_json(capsys, str(npy))
        check(entry, values)


def test_ignore_nan_gives_numpys_nan_functions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nan, inf = float("nan"), float("inf")
    for kind in ("f2", ">f4", "f8", "c8", ">c16"):
        for case in ([1.0, nan, 4.0, -2.0], [nan, nan], [nan, inf, 1.0], [complex(nan, 1), 2 + 2j, complex(3, nan), 1 + 5j]):
            if np.dtype(kind).kind == "f" and any(isinstance(value, complex) for value in case):
                continue
            values = np.array(case, dtype=kind)
            np.save(tmp_path / "x.npy", values)
            [entry] = stat_json(capsys, "--ignore-nan", str(tmp_path / "x.npy"))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = [np.nanmin(values).item(), np.nanmax(values).item(), np.nanmean(values).item(), np.nanstd(values).item()]
            ours = [number(entry[key]) for key in ("min", "max", "mean", "std")]
            tolerance = TOLERANCE[np.dtype(kind).itemsize // (2 if np.dtype(kind).kind == "c" else 1)]
            assert all(same(a, b) or close(a, b, tolerance, 1.0) for a, b in zip(ours, theirs)), (kind, case, ours, theirs)
            assert entry["nan"] == int(np.isnan(values).sum())


def test_extreme_ints_have_an_exact_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    high, low = 2**63 - 1, -(2**63)
    cases = [
        np.array([high, high, high - 1], dtype="<i8"), np.array([low, high, low, 7], dtype=">i8"),
        np.array([2**64 - 1] * 5 + [2**64 - 2], dtype="<u8"), np.array([2**64 - 1, 0, 1], dtype=">u8"),
    ]  # fmt: skip
    for values in cases:
        np.save(tmp_path / "ints.npy", values)
        [entry] = stat_json(capsys, str(tmp_path / "ints.npy"))
        assert entry["mean"] == float(Fraction(sum(values.tolist()), values.size))
        assert (entry["min"], entry["max"]) == (values.min().item(), values.max().item())
        check(entry, values)


def test_where_numpys_float_sum_overflows_stat_gives_the_true_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """NumPy sums float32 items in float32 and float64 items in float64: past the largest float
    its mean is inf and its std nan. stat's sums are exact: the true figures."""
    for values, mean in ((np.array([3e38, 3e38, 2e38], dtype="<f4"), "2.6666667e+38"), (np.array([1.5e308, 1.7e308, 1.6e308]), "1.6e+308")):
        np.save(tmp_path / "big.npy", values)
        with np.errstate(over="ignore"):
            assert values.mean() == np.inf
        [entry] = stat_json(capsys, str(tmp_path / "big.npy"))
        assert number(entry["mean"]) == float(mean) and entry["inf"] == 0
        assert close(entry["std"], float(np.std(values.astype(np.longdouble))), TOLERANCE[values.dtype.itemsize], 0.0)


# ---------------------------------------------------------------------------------------------
# Chunks: figures merged across chunk boundaries, in every container


@pytest.mark.parametrize("kind", ["b1", "u1", "i2", ">i8", "f2", "f8", ">f4", "c8", ">c16"])
def test_chunk_boundaries(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """Arrays of one item less, as many and one more than a chunk, and of many chunks, with a
    NaN, an infinity and a complex NaN item (NumPy's min and max) in a later chunk."""
    monkeypatch.setattr(_cli_stat, "CHUNK", 64)
    itemsize = np.dtype(kind).itemsize
    per_chunk = 64 // itemsize
    for size in (per_chunk - 1, per_chunk, per_chunk + 1, 2 * per_chunk, 7 * per_chunk + 3):
        values = random_values(kind.lstrip("<>"), (size,), size).astype(kind)
        for name in containers(tmp_path, values):
            [entry] = stat_json(capsys, name)
            check(entry, values)
    if np.dtype(kind).kind in "fc":
        values = random_values(kind.lstrip("<>"), (5 * per_chunk,), 1).astype(kind)
        values[per_chunk + 1] = np.nan
        values[3 * per_chunk] = (complex(2, np.nan) if values.dtype.kind == "c" else np.inf)
        for name in containers(tmp_path, values):
            [entry] = stat_json(capsys, name)
            check(entry, values)


def test_the_real_chunk_size_and_a_compressed_member(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    per_chunk = _cli_stat.CHUNK // 8
    archive = tmp_path / "packed.npz"
    arrays = {f"n{size}": random_values("f8", (size,), size) for size in (per_chunk - 1, per_chunk, per_chunk + 1, 3 * per_chunk + 5)}
    arrays["sorted"] = np.sort(random_values("f8", (3 * per_chunk,), 9))  # each chunk's mean far from the others'
    save: Any = np.savez_compressed  # (NumPy's stubs take a ** of arrays for its allow_pickle flag)
    save(archive, **arrays)
    report = stat_json(capsys, str(archive))
    assert [entry["name"] for entry in report] == [f"{archive}::{name}" for name in arrays]
    for entry, values in zip(report, arrays.values()):
        check(entry, values)


# ---------------------------------------------------------------------------------------------
# Empty and 0-d arrays, times, records, arrays of no numbers


def test_empty_and_zero_dimensional_arrays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for values in (np.zeros(0), np.zeros((3, 0), dtype=">i2"), np.zeros((0, 2), dtype="c8"), np.zeros(0, dtype="?")):
        np.save(tmp_path / "empty.npy", values)
        [entry] = stat_json(capsys, str(tmp_path / "empty.npy"))
        assert entry["count"] == 0 and entry["min"] is None and entry["max"] is None
        assert (entry["mean"], entry["std"], entry["nan"], entry["inf"]) in ((["nan", "nan"], "nan", 0, 0), ("nan", "nan", 0, 0))
    status, out, _ = stat(capsys, str(tmp_path / "empty.npy"))
    assert status == 0 and out.splitlines()[1].split()[2:] == ["0", "-", "-", "nan", "nan", "0", "0"]
    for scalar in (np.float32(0.1), np.int64(-7), np.complex64(1 - 2j), np.bool_(True)):
        np.save(tmp_path / "scalar.npy", scalar)
        [entry] = stat_json(capsys, str(tmp_path / "scalar.npy"))
        check(entry, np.asarray(scalar))


def test_times_give_count_min_max_and_nat_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from npymmap._cli_values import datetime_text, timedelta_text

    cases = [
        np.array(["2021-03-04", "NaT", "1969-12-31", "2400-01-01"], dtype=">M8[D]"),
        np.array([5, -3, "NaT", 10**15], dtype="<m8[ns]"),
        np.array(["NaT", "NaT"], dtype="<M8[s]"),
    ]
    for values in cases:
        np.save(tmp_path / "times.npy", values)
        [entry] = stat_json(capsys, str(tmp_path / "times.npy"))
        kept = values[~np.isnat(values)]
        unit = np.datetime_data(values.dtype)[0]
        show = datetime_text if values.dtype.kind == "M" else timedelta_text
        low, high = (kept.min(), kept.max()) if kept.size else (values[0], values[0])
        assert entry["min"] == show(int(low.view("i8")), unit) and entry["max"] == show(int(high.view("i8")), unit)
        if kept.size:
            assert entry["min"] == str(np.nanmin(values)) or values.dtype.kind == "m"
        assert (entry["count"], entry["nan"], entry["mean"], entry["std"], entry["inf"]) == (values.size, int(np.isnat(values).sum()), None, None, None)


def test_records_get_a_row_per_field_of_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli_stat, "CHUNK", 100)  # (not a multiple of the record size)
    kinds = [("id", ">i4"), ("name", ">U3"), ("x", ">f8"), ("pair", ">f2", (2,)), ("inner", [("a", ">u2")]), ("z", ">c8")]
    rng = np.random.default_rng(3)
    values = np.zeros(57, dtype=kinds)
    values["id"] = rng.integers(-1000, 1000, 57)
    values["x"] = rng.normal(3, 2, 57)
    values["x"][5] = np.nan
    values["pair"] = rng.normal(0, 1, (57, 2))
    values["z"] = rng.normal(0, 1, 57) + 1j
    np.save(tmp_path / "records.npy", values)
    report = stat_json(capsys, str(tmp_path / "records.npy"))
    assert [entry["name"] for entry in report] == [f"{tmp_path / 'records.npy'}[{name!r}]" for name in ("id", "x", "pair", "z")]
    for entry, name in zip(report, ("id", "x", "pair", "z")):
        field = values[name]
        check(dict(entry, dtype=field.dtype.str), field)
    assert report[2]["dtype"] == ">f2 (2,)"


def test_arrays_of_no_numbers_are_a_fault_and_the_others_are_done(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "text.npy", np.array(["a", "bc"]))
    np.save(tmp_path / "names.npy", np.zeros(2, dtype=[("name", "S3")]))
    np.save(tmp_path / "good.npy", np.arange(4.0))
    missing = tmp_path / "missing.npy"
    arguments = [str(tmp_path / "text.npy"), str(missing), str(tmp_path / "good.npy"), str(tmp_path / "names.npy")]
    status, out, err = stat(capsys, *arguments)
    assert status == 1
    assert err.splitlines() == [
        f"npymmap: {tmp_path / 'text.npy'}: stat is for arrays of numbers (bool, int, uint, float, complex, "
        "datetime64 or timedelta64); this one holds '<U2' items",
        f"npymmap: {missing}: No such file or directory",
        f"npymmap: {tmp_path / 'names.npy'}: stat is for arrays of numbers (bool, int, uint, float, complex, "
        "datetime64 or timedelta64); this one holds records of no number field",
    ]
    assert out.splitlines()[1].split() == [str(tmp_path / "good.npy"), "<f8", "4", "0.0", "3.0", "1.5", "1.118033988749895", "0", "0"]


# ---------------------------------------------------------------------------------------------
# Output: text, JSON, CSV, --precision


def test_text_json_and_csv_say_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = {"a": np.array([1 / 3, 2.0, float("nan")], dtype="<f4"), "b": np.array([1 + 2j, -1j]), "c": np.arange(5, dtype=">u2")}
    save: Any = np.savez  # (as above)
    save(tmp_path / "mixed.npz", **values)
    name = str(tmp_path / "mixed.npz")
    status, text, _ = stat(capsys, name)
    assert status == 0
    lines = text.splitlines()
    assert lines[0].split() == COLUMNS
    assert lines[1].split() == [f"{name}::a", "<f4", "3", "nan", "nan", "nan", "nan", "1", "0"]
    assert lines[2].split() == [f"{name}::b", "<c16", "2", "(-0-1j)", "(1+2j)", "(0.5+0.5j)", "1.5811388300841898", "0", "0"]
    assert lines[3].split() == [f"{name}::c", ">u2", "5", "0", "4", "2.0", "1.4142135623730951", "0", "0"]
    assert len({len(line) for line in lines}) == 1 or all(line == line.rstrip() for line in lines)
    _, out, _ = stat(capsys, "--format", "csv", "--ignore-nan", name)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == COLUMNS
    assert rows[1] == [f"{name}::a", "<f4", "3", "0.33333334", "2.0", "1.1666666", "0.8333333", "1", "0"]
    report = stat_json(capsys, "--ignore-nan", name)
    assert [entry["name"] for entry in report] == [row[0] for row in rows[1:]]
    assert report[0]["min"] == 0.33333334 and report[1]["mean"] == [0.5, 0.5] and report[2]["max"] == 4
    assert report[0]["nan"] == 1 and json.loads(stat(capsys, "--format", "json", name)[1])[0]["mean"] == "nan"


def test_precision_gives_significant_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "x.npy", np.array([1 / 3, 2 / 3, 1e20, -float("inf")]))
    np.save(tmp_path / "z.npy", np.array([1 / 3 - 1j / 7]))
    _, out, _ = stat(capsys, "--precision", "3", "--format", "csv", str(tmp_path / "x.npy"), str(tmp_path / "z.npy"))
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][3:] == ["-inf", "1e+20", "-inf", "nan", "0", "1"]
    assert rows[2][3:7] == ["(0.333-0.143j)", "(0.333-0.143j)", "(0.333-0.143j)", "0"]
    report = stat_json(capsys, "--precision", "2", str(tmp_path / "z.npy"))
    assert report[0]["min"] == [0.33, -0.14]
    for bad in ("0", "-1", "x"):
        with pytest.raises(SystemExit) as raised:
            main(["stat", "--precision", bad, str(tmp_path / "x.npy")])
        assert raised.value.code == 2
    capsys.readouterr()


# ---------------------------------------------------------------------------------------------
# As a user runs it: a fresh interpreter (no NumPy), a closed pipe, constant memory


def test_stat_loads_its_module_and_no_other_command_does(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.arange(3.0))
    code = """
import sys
from npymmap.__main__ import main
main(sys.argv[1:])
print(sorted(m for m in sys.modules if m.startswith("npymmap.")), "json" in sys.modules, "csv" in sys.modules, file=sys.stderr)
"""
    loaded = {}
    for command in ("stat", "info", "head", "validate"):
        result = run("-c", code, command, str(tmp_path / "x.npy"))
        assert result.returncode == 0, result.stderr
        loaded[command] = result.stderr
    assert loaded["stat"] == (
        "['npymmap.__main__', 'npymmap._access', 'npymmap._array', 'npymmap._base', 'npymmap._cli_files', "
        "'npymmap._cli_stat', 'npymmap._cli_values', 'npymmap._element', 'npymmap._files', 'npymmap._handoff', "
        "'npymmap._header', 'npymmap._layout', 'npymmap._numbers', 'npymmap._open', 'npymmap._region', "
        "'npymmap._registry', 'npymmap._text', 'npymmap._zip'] False False\n"
    )
    assert all("_cli_stat" not in loaded[command] for command in ("info", "head", "validate"))
    assert all("_cli_head" not in loaded[command] and "_cli_slices" not in loaded[command] for command in ("info", "stat", "validate"))
    assert "'npymmap._cli_head'" in loaded["head"] and loaded["head"].endswith("False False\n")  # text: no json, no csv


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
def test_a_closed_pipe_stops_stat_quietly(tmp_path: Path, unbuffered: bool) -> None:
    np.save(tmp_path / "x.npy", np.arange(10.0))
    status, _, stderr = run_into_closed_pipe(["stat", str(tmp_path / "x.npy")], 0, unbuffered)
    assert (status, stderr) == (141, "")
    many = [str(tmp_path / "x.npy")] * 1500  # some 150 KB of rows: more than a pipe holds
    status, lines, stderr = run_into_closed_pipe(["stat", *many], 1, unbuffered)
    assert lines[0].decode().split() == COLUMNS and (status, stderr) == (141, "")


def test_a_closed_pipe_into_head_c1(tmp_path: Path) -> None:
    np.save(tmp_path / "x.npy", np.arange(10.0))
    command = f"{sys.executable} -S -m npymmap stat --format csv" + f" {tmp_path / 'x.npy'}" * 1500 + "| head -c1; echo \" ${PIPESTATUS[0]}\""
    result = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert (result.stdout, result.stderr) == ("n 141\n", "")


def test_memory_stays_constant_on_a_large_file_and_member(tmp_path: Path) -> None:
    """A 64 MiB file and a compressed member of 64 MiB: the peak resident memory grows by a few
    MiB (a chunk's items), not by the data's size."""
    big = tmp_path / "big.npy"
    np.save(big, np.random.default_rng(0).normal(0, 1, 8 << 20))
    packed = tmp_path / "packed.npz"
    np.savez_compressed(packed, zeros=np.zeros(8 << 20))
    code = """
import resource, sys
from npymmap import _cli_stat, _cli_files, _cli_values
from npymmap.__main__ import main
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
status = main(["stat", "--format", "json"] + sys.argv[1:])
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(status, grown // 1024, file=sys.stderr)
"""
    result = run("-c", code, str(big), str(packed))
    status, grown_mib = map(int, result.stderr.split())
    assert status == 0 and grown_mib < 16, result.stderr
    report = json.loads(result.stdout)
    assert [entry["count"] for entry in report] == [8 << 20] * 2 and report[1]["std"] == 0.0
