"""How the command line prints values (npymmap._cli_values), NumPy's ``str()`` of each scalar
the oracle: every float16, float32 and float64 drawn from all bit patterns and edge values,
complex of each, datetime64 and timedelta64 of every unit and multiples over all int64 counts."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from npymmap import _cli_values as values

INT64 = st.integers(-(2**63), 2**63 - 1)
# NumPy 2.3 (numpy/numpy#28703) prints float16 from 1e3 and float32 from 1e6 in scientific
# notation, as npymmap does; older NumPy from 1e16, as for float64.
NEW_CUTOFFS = np.lib.NumpyVersion(np.__version__) >= "2.3.0"


def as_numpy_prints(value: complex, code: str) -> bool:
    """True when this NumPy prints a float (or complex) of format ``code`` holding ``value`` as
    npymmap does: always from NumPy 2.3, before only outside the sizes where the cutoffs moved."""
    limit = {"e": 1e3, "f": 1e6, "d": 1e16}[code]
    return NEW_CUTOFFS or all(not limit <= abs(part) < 1e16 for part in (value.real, value.imag))


def oracle(numbers: Any, code: str) -> tuple[list[str], list[str]]:
    """npymmap's and NumPy's text of each of ``numbers`` (a NumPy array of floats or complex of
    format ``code``) this NumPy prints as npymmap does."""
    with np.errstate(invalid="ignore"):  # (signalling NaNs)
        as_python = numbers.astype(np.complex128 if numbers.dtype.kind == "c" else np.float64).tolist()
    show = values.complex_text if numbers.dtype.kind == "c" else values.float_text
    kept = [(show(value, code), str(number)) for value, number in zip(as_python, numbers) if as_numpy_prints(value, code)]
    return [ours for ours, _ in kept], [theirs for _, theirs in kept]


def test_every_float16_prints_as_numpy_does() -> None:
    ours, theirs = oracle(np.arange(1 << 16, dtype=np.uint16).view(np.float16), "e")
    assert ours == theirs


@settings(max_examples=3000, deadline=None)
@given(st.integers(0, 2**32 - 1))
@example(0x4B800000)  # 2**24
@example(0x7F7FFFFF)  # the largest float32
@example(0x00000001)  # the smallest subnormal
@example(0x38D1B717)  # 1e-4 rounded: just under it, so scientific
def test_float32_prints_as_numpy_does(bits: int) -> None:
    ours, theirs = oracle(np.array([bits], dtype=np.uint32).view(np.float32), "f")
    assert ours == theirs


def test_float32_powers_of_two_and_decades_print_as_numpy_does() -> None:
    """Powers of two have a gap below half the one above; decades cross the positional limits."""
    cases = [2.0**k for k in range(-149, 128)] + [10.0**k for k in range(-45, 39)]
    cases += [np.nextafter(np.float32(case), np.float32(np.inf)) for case in cases[-84:]]
    numbers = np.array(cases, dtype=np.float32)
    ours, theirs = oracle(np.concatenate([numbers, -numbers]), "f")
    assert ours == theirs


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 2**64 - 1))
@example(0x4350000000000001)  # 2**54 + 4: digits at a midpoint
@example(0x7FEFFFFFFFFFFFFF)
def test_float64_prints_as_numpy_does(bits: int) -> None:
    ours, theirs = oracle(np.array([bits], dtype=np.uint64).view(np.float64), "d")
    assert ours == theirs


def test_float32_and_float64_sample_prints_as_numpy_does() -> None:
    for unsigned, floating, code in ((np.uint32, np.float32, "f"), (np.uint64, np.float64, "d")):
        drawn = np.random.default_rng(16).integers(0, np.iinfo(unsigned).max, 20_000, dtype=unsigned, endpoint=True)
        ours, theirs = oracle(drawn.view(floating), code)
        assert ours == theirs


SPECIAL = [0.0, -0.0, 1.0, -2.5, 1 / 3, 1e-5, 1e20, float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize("kind, code", [("<c8", "f"), ("<c16", "d")])
def test_complex_prints_as_numpy_does(kind: str, code: str) -> None:
    ours, theirs = oracle(np.array([complex(real, imag) for real in SPECIAL for imag in SPECIAL], dtype=kind), code)
    assert ours == theirs


def numpy_text(kind: str, count: int, unit: str) -> str:
    """NumPy's ``str()`` of the datetime64 (``kind`` M) or timedelta64 (m) item of that count."""
    with np.errstate(all="ignore"):
        return str(np.array([count], dtype=np.int64).view(f"{kind}8[{unit}]" if unit else f"{kind}8")[0])


UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "10s", "3D", "2M", "7Y", "25ns", "6h", "100as"]
COUNTS = [0, 1, -1, 59, -61, 10**4, -(10**5), 2**62, -(2**62), 2**63 - 1, -(2**63) + 1, -(2**63), 10957, -719163, 2932896]


NUMPY_DATES_EXACT = np.lib.NumpyVersion(np.__version__) >= "2.5.0"  # 2.4 wrapped near the extremes
NAT = -(2**63)
PER_DAY = {"W": 1, "D": 1, "h": 24, "m": 1440, "s": 86400, "ms": 864 * 10**5, "us": 864 * 10**8, "ns": 864 * 10**11}
PER_DAY.update(ps=864 * 10**14, fs=864 * 10**17, **{"as": 864 * 10**20})


def split_unit(unit: str) -> tuple[int, str]:
    """``'10s'`` -> ``(10, 's')``, ``'D'`` -> ``(1, 'D')``."""
    base = unit.lstrip("0123456789")
    return int(unit[: len(unit) - len(base)] or 1), base


def calendar_date(days: int) -> str:
    """``YYYY-MM-DD`` of ``days`` since 1970-01-01 for any int, by the stdlib's calendar: the
    proleptic Gregorian calendar repeats every 400 years (146097 days)."""
    from datetime import date, timedelta

    cycles, rest = divmod(days, 146097)
    day = date(1970, 1, 1) + timedelta(days=rest)
    return f"{day.year + 400 * cycles:04d}-{day.month:02d}-{day.day:02d}"


def check_datetime(count: int, unit: str) -> None:
    """npymmap prints the exact moment, at every count: checked against the stdlib's calendar
    (and NumPy's time of day) always, and against NumPy's ``str()`` where NumPy gets it right —
    where the moment in days (weeks are 7), or the year, fits int64 once scaled by the unit's
    multiple (every NumPy wraps weeks and years past int64; 2.4 wrapped a scaled multiple, 2.5
    refuses it) and, before NumPy 2.5, a day not near the smallest count (2.4 wrapped its shift
    to 2000). No assertion is NumPy's wrapped text."""
    text = values.datetime_text(count, unit)
    if count == NAT:
        assert text == numpy_text("M", count, unit) == "NaT"
        return
    number, base = split_unit(unit)
    moment = count * number
    scaled = moment * (7 if base == "W" else 1)
    in_int64 = NAT < scaled < 2**63 and (base != "Y" or scaled + 1970 < 2**63)
    if in_int64 and (NUMPY_DATES_EXACT or base not in "WD" or scaled - 10957 > NAT):
        assert text == numpy_text("M", count, unit)
    if base == "Y":
        assert text == f"{1970 + moment:04d}"
        return
    if base == "M":
        assert text == f"{1970 + moment // 12:04d}-{moment % 12 + 1:02d}"
        return
    days, rest = divmod(scaled, PER_DAY[base])
    date, _, time = text.partition("T")
    assert date == calendar_date(days)
    if base not in "WD" and rest < 2**63:  # the time of day, as NumPy prints it on 1970-01-01
        assert "T" + time == numpy_text("M", rest, base)[len("1970-01-01") :]


def check_timedelta(count: int, unit: str) -> None:
    """npymmap prints the exact count of the base unit: as NumPy's ``str()`` where the scaled
    count fits int64, else (every NumPy wraps it) the exact product, in NumPy's word."""
    text = values.timedelta_text(count, unit)
    number, base = split_unit(unit)
    if count == NAT or NAT < count * number < 2**63:
        assert text == numpy_text("m", count, unit)
    else:
        assert text == f"{count * number} {numpy_text('m', 1, base).split(' ', 1)[1]}"


@pytest.mark.parametrize("unit", UNITS)
def test_times_of_every_unit_print_as_numpy_does(unit: str) -> None:
    for count in COUNTS:
        check_datetime(count, unit)
        check_timedelta(count, unit)


def test_extreme_times_print_the_exact_value() -> None:
    assert values.datetime_text(-(2**63) + 1, "D") == "-25252734927764585-06-08"  # NumPy 2.5's (2.4 wrapped)
    assert values.datetime_text(2**63 - 1, "D") == "25252734927768524-07-27"  # every NumPy's
    assert values.datetime_text(-(2**62), "W") == "-88384572247180971-01-01"  # every NumPy wraps the days
    assert values.datetime_text(2**62, "10s") == "1461385125104-08-22T05:30:40"  # 2.5 refuses, 2.4 wrapped
    assert values.datetime_text(2**63 - 1, "Y") == "9223372036854777777"  # every NumPy wraps the year
    assert values.timedelta_text(2**62, "10s") == "46116860184273879040 seconds"  # every NumPy: -2**63
    assert values.timedelta_text(2**62, "100as") == "461168601842738790400 attoseconds"  # every NumPy: 0


def test_days_on_both_sides_of_the_standard_librarys_calendar_print_as_numpy_does() -> None:
    """Years 1 to 9999 are printed by datetime.date, the others by NumPy's own steps."""
    for days in (-719164, -719163, -719162, -719161, 0, 2932895, 2932896, 2932897, 2932898):
        assert values.datetime_text(days, "D") == str(np.datetime64(days, "D"))
        assert values.datetime_text(days * 86400 + 3661, "s") == str(np.datetime64(days * 86400 + 3661, "s"))


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(UNITS), st.one_of(INT64, st.integers(-(10**13), 10**13)))
@example("W", -(2**62))
@example("100as", 2**62)
@example("7Y", 2**63 - 1)
def test_times_print_as_numpy_does(unit: str, count: int) -> None:
    check_datetime(count, unit)
    check_timedelta(count, unit)


def test_generic_times() -> None:
    assert values.timedelta_text(5, "") == numpy_text("m", 5, "") == "5 generic time units"
    assert values.datetime_text(-(2**63), "") == values.timedelta_text(-(2**63), "") == "NaT"


def test_formatter_nests_sub_arrays_and_records() -> None:
    import npymmap

    record = npymmap.lookup([("x", "<f4"), ("when", "<M8[D]"), ("inner", [("b", "|b1"), ("s", "<U2")])])
    show = values.formatter(record)
    third = struct.unpack("<f", struct.pack("<f", 1 / 3))[0]
    assert show((third, 0, (True, "ab"))) == "(0.33333334, 1970-01-01, (True, 'ab'))"
    assert values.formatter(npymmap.float16)([[0.1, 2.0], [65504.0, -0.0]]) == "[[0.1, 2.0], [6.55e+04, -0.0]]"
