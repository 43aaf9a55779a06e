"""How the command line prints values: as NumPy's ``str()`` prints the scalar of each item.

- floats (float16, float32, float64) in the fewest digits that read back as the same value *at
  their own precision* (``0.33333334`` for a float32, not float64's ``0.3333333432674408``),
  picked as NumPy's Dragon4 picks them, positional from 1e-4 up to 1e3 (float16), 1e6 (float32)
  or 1e16 (float64) and scientific (``1e-05``, ``1.2345679e+08``) outside, as NumPy 2.3 and
  later do (before 2.3, NumPy printed float16 and float32 positional up to 1e16); complex as
  NumPy's ``(0.33333334+1j)``, ``1j``, ``(nan+infj)``;
- datetime64 as NumPy's ISO text in the item's unit (``2021-01-01T00:00:00.000000000`` for ns,
  ``2021-01`` for M, ``-001`` for year -1), timedelta64 as ``5 seconds``, both ``NaT`` for NaT.
  Computed on Python ints with NumPy's own steps, so exact at every count: where NumPy's int64
  arithmetic overflows (counts near the int64 limits, scaled by a unit multiple such as
  ``10s``, or weeks turned into days) this prints the true value, as NumPy 2.5 does for a day
  near the smallest count, where NumPy wraps around (or, from 2.5, refuses a scaled datetime);
- bools and ints as ``str``; text, bytes and raw bytes as ``repr`` (``'a b'``, so a cell shows
  where its text ends); a record as a tuple of its fields' values, a sub-array as a list.

Nothing here evaluates anything it reads. Imported by the command line only.
"""

from datetime import date
from math import copysign, floor, frexp, ldexp, log10

from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable

    from ._element import Element

_NAT = -(1 << 63)  # NumPy's NaT: the minimum int64
# Below these, NumPy prints float16, float32, float64 positional (else scientific)
_POSITIONAL_BELOW = {"e": 1e3, "f": 1e6, "d": 1e16}
# float16, float32: bits of significand (the implicit one too), exponent of the smallest subnormal
_SIGNIFICANDS = {"e": (11, -24), "f": (24, -149)}
_MOST_DIGITS = {"e": 5, "f": 9}  # that any value needs to read back
_INFINITY = float("inf")


def formatter(element: "Element[Any]", precision: "int | None" = None, style: "str" = "text") -> "Callable[[Any], str]":
    """The function printing a value of ``element`` as ``tolist()`` gives it (an item's value,
    or nested lists of them for a sub-array). ``style``: ``'text'``, as NumPy's ``str()`` prints
    the item's scalar; ``'csv'``, the same but text and bytes bare (bytes as Latin-1, one
    character a byte); ``'json'``, JSON text (see :func:`json_number`; records as objects, text
    as strings, times as their text, bytes as Latin-1 strings; imports :mod:`json`).
    ``precision``: floats with that many significant digits (:func:`number_text`)."""
    one = _item_formatter(element, precision, style)

    def show(value: "Any") -> "str":
        if isinstance(value, list):
            return "[" + ", ".join(map(show, value)) + "]"
        return one(value)

    return show


def _item_formatter(element: "Element[Any]", precision: "int | None", style: "str") -> "Callable[[Any], str]":
    """The function printing one item's value of ``element`` (see :func:`formatter`)."""
    quoted: "Callable[[str], str]" = repr
    if style == "json":
        import json

        quoted = json.dumps
    if element.field_elements:
        fields = [formatter(field, precision, style) for field in element.field_elements]
        if style == "json":
            keys = [quoted(name) + ": " for name in element.field_names]
            return lambda value: "{" + ", ".join(key + show(part) for key, show, part in zip(keys, fields, value)) + "}"
        return lambda value: "(" + ", ".join(show(part) for show, part in zip(fields, value)) + ")"
    code = element.float_format
    if code:
        if style == "json":
            return lambda value: quoted(json_number(value, code, precision))
        return lambda value: number_text(value, code, precision)
    unit = element.unit
    time_text = {"datetime": datetime_text, "timedelta": timedelta_text}.get(element.time_kind)
    if time_text is not None:
        if style == "json":
            return lambda count: '"' + time_text(count, unit) + '"'
        return lambda count: time_text(count, unit)
    if style == "csv":
        return lambda value: value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if style == "json":
        return lambda value: (
            ("true" if value else "false") if isinstance(value, bool) else str(value) if isinstance(value, int)
            else quoted(value.decode("latin-1") if isinstance(value, bytes) else value)
        )  # fmt: skip
    return lambda value: str(value) if isinstance(value, int) else repr(value)  # (bools are ints)


# ---------------------------------------------------------------------------------------------
# Floats


def float_text(value: "float", code: "str") -> "str":
    """NumPy's ``str()`` of a float of struct format ``code`` (``'e'``, ``'f'``, ``'d'``) whose
    value is ``value``: ``0.33333334``, ``1.0``, ``-0.0``, ``1e+16``, ``nan``, ``-inf``."""
    return _real_text(value, code, True, False)


def complex_text(value: "complex", code: "str") -> "str":
    """NumPy's ``str()`` of a complex of float format ``code``: ``(0.33333334+1j)``, ``1j`` (a
    real part of +0 is left out), ``(-0+1j)``, ``(nan+infj)``; its parts print no ``.0``."""
    real, imag = value.real, value.imag
    if real == 0 and not _negative(real):
        return _real_text(imag, code, False, False) + "j"
    return f"({_real_text(real, code, False, False)}{_real_text(imag, code, False, True)}j)"


def _negative(value: "float") -> "bool":
    """The sign bit: true for -0.0 too."""
    return copysign(1.0, value) < 0


def _real_text(value: "float", code: "str", keep_zero: "bool", signed: "bool") -> "str":
    """One float as NumPy's Dragon4 prints it for ``str()``: positional when 0 or when 1e-4 <=
    |value| < the format's limit (``keep_zero``: ``1.0``, else ``1``), else scientific with a
    two-digit exponent at least; ``signed``: a ``+`` before a value that has no ``-``.

    A float64 prints as Python's ``repr`` prints it: the same digits, positional from 1e-4 up
    to 1e16, scientific outside. A float16 or float32 positional is the ``repr`` of the float64
    holding its shortest digits (``repr`` prints those digits; the bounds are decided here on
    the value itself, as NumPy decides them, not on its digits: float32 1e-4 is below 1e-4)."""
    size = abs(value)
    if code != "d" and (_POSITIONAL_BELOW[code] <= size < _INFINITY or 0 < size < 1e-4):
        digits, exponent = _trimmed(*_digits(_shortest(size, code)))
        text = str(digits)
        power = exponent + len(text) - 1
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        text = f"{'-' if value < 0 else ''}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    else:
        finite = 0 < size < _INFINITY
        text = repr(copysign(float(_shortest(size, code)), value) if code != "d" and finite else value)
        if not keep_zero and text.endswith(".0"):
            text = text[:-2]
    return "+" + text if signed and text[0] != "-" else text


def _shortest(size: "float", code: "str") -> "str":
    """The decimal text (``'3.3333334e-01'``, ``'1e-5'``) of the fewest significant digits that
    read back as ``size`` (positive, finite, a float16 or float32 value of format ``code``): it
    lies between the midpoints from ``size`` to its neighbours in that format, a midpoint itself
    included when ``size``'s bits are even (round half to even); of two such (rounded down and
    up) the closer, the even on a tie. This is what NumPy's Dragon4 prints in its "unique" mode,
    and what Python's ``repr`` gives for a float64.

    Some decimal of n digits reads back for every n from the fewest up, so the fewest is
    searched for, starting where the decimals' spacing comes near the gap between neighbours:
    two probes for nearly every value."""
    bits, smallest = _SIGNIFICANDS[code]
    fraction, power = frexp(size)
    gap = ldexp(1.0, max(power - bits, smallest))  # to the next float up (past the largest too)
    lopsided = fraction == 0.5 and power - bits > smallest  # a power of two: half that gap below
    # (float16 and float32 values, their midpoints and these sums are exact float64s)
    bounds = (size - (gap / 4 if lopsided else gap / 2), size + gap / 2, lopsided, size / gap % 2 == 0)
    most = _MOST_DIGITS[code]
    # The digits whose spacing is the gap's power of ten, less one: the fewest, or one fewer.
    guess = min(max(1, floor(log10(size)) - floor(log10(gap))), most)
    best = _found(size, guess, bounds)
    fewest, most, probe = (guess + 1, most, guess + 1) if best is None else (1, guess, guess - 1)
    while fewest < most:
        result = _found(size, probe, bounds)
        if result is None:
            fewest = probe + 1
        else:
            best, most = result, probe
        probe = (fewest + most) // 2
    if best is None:  # every probe failed: the most digits, which always read back
        best = _found(size, most, bounds)
    assert best is not None
    return best


def _found(size: "float", count: "int", bounds: "tuple[float, float, bool, bool]") -> "str | None":
    """The decimal of ``count`` significant digits closest to ``size`` that reads back as it,
    if one does, as text: between ``low`` and ``high`` of ``bounds`` (``low, high, lopsided,
    even``: the midpoints to its neighbours, whether the gap below is half the gap above,
    whether a midpoint reads back as ``size``)."""
    low, high, lopsided, even = bounds
    text = f"{size:.{count - 1}e}"  # the nearest: correctly rounded, half to even
    value = float(text)
    if low < value < high:  # inside: so is the decimal (rounding to float64 is monotonic)
        return text
    if value not in (low, high) and not lopsided:
        return None  # outside, and the other decimal around size is farther out
    nearest, exponent = _digits(text)
    for digits in (nearest, nearest + 1 if value < size else nearest - 1):
        if _reads_back(digits, exponent, low, high, even):
            return f"{digits}e{exponent}"
    return None


def _digits(text: "str") -> "tuple[int, int]":
    """``'1.250e-03'`` -> ``(1250, -6)``, ``'0.0125'`` -> ``(125, -4)``: the digits of a decimal
    as written and the power of ten they are counted in."""
    mantissa, _, power = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    return int(whole + fraction), int(power or "0") - len(fraction)


def _trimmed(digits: "int", exponent: "int") -> "tuple[int, int]":
    """The same number without trailing zeros in ``digits``: ``(1250, -6)`` -> ``(125, -5)``."""
    while digits and digits % 10 == 0:
        digits, exponent = digits // 10, exponent + 1
    return digits, exponent


def _reads_back(digits: "int", exponent: "int", low: "float", high: "float", inclusive: "bool") -> "bool":
    """True when ``digits * 10**exponent`` lies between ``low`` and ``high`` (the ends too when
    ``inclusive``). Decided on its nearest float64 but where that is an end (rounding is
    monotonic), then exactly."""
    value = float(f"{digits}e{exponent}")
    if low < value < high or value < low or value > high:
        return low < value < high
    from fractions import Fraction

    exact = Fraction(digits) * Fraction(10) ** exponent
    return low <= exact <= high if inclusive else low < exact < high


def number_text(value: "float | complex", code: "str", precision: "int | None" = None) -> "str":
    """A float or complex of float format ``code``: as NumPy's ``str()`` prints it, or with
    ``precision`` significant digits (``%g``: ``0.333``, ``1.23e+20``, ``(1+0.5j)``)."""
    if precision is None:
        return complex_text(value, code) if isinstance(value, complex) else float_text(value, code)
    if not isinstance(value, complex):
        return _digits_text(value, precision)
    imag = _digits_text(value.imag, precision)
    return f"({_digits_text(value.real, precision)}{'' if imag[0] == '-' else '+'}{imag}j)"


def _digits_text(value: "float", precision: "int") -> "str":
    return "nan" if value != value else f"{value:.{precision}g}"


def json_number(value: "float | complex", code: "str", precision: "int | None" = None) -> "Any":
    """A float as JSON takes it: the number :func:`number_text` prints (so that JSON shows the
    same digits), or the string ``"nan"``, ``"inf"``, ``"-inf"``, since JSON has no such
    numbers; a complex as the list of its two parts."""
    if isinstance(value, complex):
        return [json_number(value.real, code, precision), json_number(value.imag, code, precision)]
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return float(number_text(value, code, precision))


# ---------------------------------------------------------------------------------------------
# Tables: what a command prints as --format text, json or csv

def table_lines(columns: "list[str]", rows: "list[list[tuple[str | None, Any]]]", format: "str", left: "int" = 1) -> "list[str]":
    """The lines of a table whose cells are ``(text, value)`` pairs (``text`` ``None`` for no
    value): ``'text'``, aligned columns (the first ``left`` to the left, the others to the
    right, ``-`` for no value), no line for no row; ``'json'``, a list of objects of the values
    (imports :mod:`json`); ``'csv'``, a header line and a line per row of the texts (empty for no
    value; imports :mod:`csv`)."""
    if format == "json":
        import json

        return json.dumps([dict(zip(columns, (value for _, value in row))) for row in rows], indent=2).splitlines()
    head: "list[str | None]" = list(columns)
    texts = [head] + [[text for text, _ in row] for row in rows]
    if format == "csv":
        import csv
        import io

        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([[text or "" for text in line] for line in texts])
        return out.getvalue().split("\n")[:-1]  # (a quoted name may hold a line end)
    if not rows:
        return []
    shown = [[text if text is not None else "-" for text in line] for line in texts]
    widths = [max(len(line[column]) for line in shown) for column in range(len(columns))]
    return [
        "  ".join(cell.ljust(width) if at < left else cell.rjust(width) for at, (cell, width) in enumerate(zip(line, widths))).rstrip()
        for line in shown
    ]


# ---------------------------------------------------------------------------------------------
# Times

_TIME_WORDS = {
    "Y": "years", "M": "months", "W": "weeks", "D": "days", "h": "hours", "m": "minutes", "s": "seconds",
    "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds", "ps": "picoseconds",
    "fs": "femtoseconds", "as": "attoseconds", "": "generic time units",
}  # fmt: skip
# Units under a day: (counts per day, digits after the seconds' point; -1 hours only, -2 minutes).
_DAY_PARTS = {
    "h": (24, -2), "m": (24 * 60, -1), "s": (86400, 0), "ms": (86400 * 10**3, 3), "us": (86400 * 10**6, 6),
    "ns": (86400 * 10**9, 9), "ps": (86400 * 10**12, 12), "fs": (86400 * 10**15, 15), "as": (86400 * 10**18, 18),
}  # fmt: skip
# datetime.date's days: date(1970, 1, 1).toordinal(), and the days from 1970 to 0001-01-01 and 9999-12-31
_ORDINAL_OF_1970 = 719163
_FIRST_ORDINAL_DAY, _LAST_ORDINAL_DAY = 1 - _ORDINAL_OF_1970, 3652059 - _ORDINAL_OF_1970
_MONTH_DAYS = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


def _split_unit(unit: "str") -> "tuple[int, str]":
    """``'10s'`` -> ``(10, 's')``; ``'D'`` -> ``(1, 'D')``; the generic ``''`` -> ``(1, '')``."""
    split = _SPLIT_UNITS.get(unit)
    if split is None:
        base = unit.lstrip("0123456789")
        number = unit[: len(unit) - len(base)]
        split = _SPLIT_UNITS[unit] = (int(number) if number else 1, base)
    return split


_SPLIT_UNITS: "dict[str, tuple[int, str]]" = {}  # each unit split once


def timedelta_text(count: "int", unit: "str") -> "str":
    """NumPy's ``str()`` of ``timedelta64(count, unit)``: ``5 seconds``, ``50 seconds`` for 5 of
    ``'10s'``, ``5 generic time units``, ``NaT``; a multiple past int64 prints exactly (2**62 of
    ``'10s'`` is ``46116860184273879040 seconds``, where every NumPy wraps to -2**63)."""
    if count == _NAT:
        return "NaT"
    number, base = _split_unit(unit)
    return f"{count * number} {_TIME_WORDS[base]}"


def datetime_text(count: "int", unit: "str") -> "str":
    """NumPy's ``str()`` of ``datetime64(count, unit)``: ISO 8601 text down to the unit
    (``2021``, ``2021-01``, ``2021-01-01``, ``2021-01-01T00``, ... ``.000000000`` for ns; a week
    prints its first day), years as ``%04d`` (``-001``, ``12021``), ``NaT`` for NaT. A generic
    datetime (no unit), which NumPy holds only as NaT, prints its count."""
    if count == _NAT:
        return "NaT"
    number, base = _split_unit(unit)
    if not base:
        return str(count)
    moment = count * number  # (exact: NumPy 2.4 wrapped a multiple past int64, 2.5 refuses it;
    # both wrap weeks past int64 days and a year past int64, which this prints exactly too)
    if base == "Y":
        return f"{1970 + moment:04d}"
    if base == "M":
        years, month = divmod(moment, 12)
        return f"{1970 + years:04d}-{month + 1:02d}"
    if base in ("W", "D"):
        return _date(moment * 7 if base == "W" else moment)
    per_day, digits = _DAY_PARTS[base]
    days, rest = divmod(moment, per_day)
    if digits < 0:  # hours, or hours and minutes
        return _date(days) + (f"T{rest:02d}" if digits == -2 else f"T{rest // 60:02d}:{rest % 60:02d}")
    seconds, fraction = divmod(rest, 10**digits)
    text = f"{_date(days)}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text + (f".{fraction:0{digits}d}" if digits else "")


def _date(days: "int") -> "str":
    """``YYYY-MM-DD`` of ``days`` since 1970-01-01, by NumPy's steps (``days_to_yearsdays``: 400,
    100, 4 and 1-year cycles from 2000-01-01), exact for any count (NumPy 2.5's answer; 2.4
    wrapped the shift to 2000 in int64 near the smallest counts). Years 1 to 9999 by the
    standard library's calendar, the same proleptic Gregorian one, in C."""
    if _FIRST_ORDINAL_DAY <= days <= _LAST_ORDINAL_DAY:
        return date.fromordinal(days + _ORDINAL_OF_1970).isoformat()
    days = days - (365 * 30 + 7)
    cycles, days = divmod(days, 400 * 365 + 100 - 4 + 1)
    year = 2000 + 400 * cycles
    if days >= 366:
        year += 100 * ((days - 1) // (100 * 365 + 25 - 1))
        days = (days - 1) % (100 * 365 + 25 - 1)
        if days >= 365:
            year += 4 * ((days + 1) // (4 * 365 + 1))
            days = (days + 1) % (4 * 365 + 1)
            if days >= 366:
                year += (days - 1) // 365
                days = (days - 1) % 365
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month = 0
    for month, length in enumerate(_MONTH_DAYS[leap], 1):
        if days < length:
            break
        days -= length
    return f"{year:04d}-{month:02d}-{days + 1:02d}"
