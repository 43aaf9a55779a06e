"""``stat``: the count, min, max, mean, std (population), NaN and infinity counts of each numeric
array, as NumPy's ``a.min()``, ``a.max()``, ``a.mean()`` and ``a.std()`` give them, read a chunk
(:data:`CHUNK` bytes) at a time: the memory used is the same for any size of array.

- Each chunk's items are decoded in one C call (a cached :class:`struct.Struct` in the file's
  byte order, float16 and complex too), then C builtins summarise the tuple: ``min``, ``max``,
  ``math.fsum`` (exact sums; ``sum`` for ints), ``math.dist`` (the root of the sum of squares
  about the chunk's mean, in extended precision). Chunks combine as Chan et al.'s parallel
  variance does, on roots with ``math.hypot``, so no square overflows. A chunk holding NaN or
  infinities (``fsum`` says so) sorts them out first. On PyPy, :mod:`array` decodes and a loop
  its JIT compiles replaces ``dist``.
- **Mean**: exact, then rounded once: the sum of the items is kept as an int (of units of
  ``2**-1074`` for floats), each chunk's ``fsum`` exactly rounded (ints exactly). NumPy's float
  sum is pairwise and rounds; where it overflows (float32 items summing past 3.4e38) NumPy says
  ``inf`` and stat the true mean. The mean and std of float16, float32 and complex64 items are
  rounded to the item's precision, as NumPy's are (so they print as NumPy's ``str()`` does).
- **std**: of ints as of floats, in float64 about the mean, as NumPy computes it.
- **NaN**: NumPy's min, max, mean and std of an array holding one are ``nan`` (of complex: min
  and max are the first item holding a NaN, mean ``nan+nanj``); with ``ignore_nan`` they are
  those of the other items, as ``nanmin``, ``nanmax``, ``nanmean``, ``nanstd``. An infinity
  makes the std ``nan`` (and a complex mean ``inf+nanj``, ...), as in NumPy.
- **datetime64, timedelta64**: count, min, max and the NaT count (in the ``nan`` column); NaT
  is left out of min and max, as ``nanmin`` does; no mean nor std.
- **Records**: a row per field of numbers (``name['x']``), a sub-array field's items together;
  fields of text and nested records are left out.

The sign of a min or max that is zero is the first such zero's (NumPy's depends on its loop).
Imported by the command line only.
"""

import math
from itertools import compress, repeat
from math import dist, fsum, hypot, isinf, sqrt
from operator import eq, ne, or_

from . import NpyError, lookup
from ._base import PYPY, TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable, Sequence

    from ._cli_files import Source
    from ._element import Element

CHUNK = 1 << 18  # bytes read and summarised at a time
_NAN, _INF = math.nan, math.inf
_ONE = 1 << 1074  # a float is an int count of 2**-1074: the exact sums are kept so
_SCALE = 64  # an fsum that overflows is redone on the items times 2**-64
_NAT = -(1 << 63)
_WORDS = "bool, int, uint, float, complex, datetime64 or timedelta64"


class Figures:
    """One row of ``stat``: ``low`` and ``high`` are NumPy's min and max (``None`` for no
    items), ``mean`` and ``std`` its mean and std (``None`` for times); ``extreme_code`` is the
    float format min and max print at (the items', ``''`` for no floats), ``code`` the one mean
    and std print at (float64 for bools and ints); ``time_kind`` and ``unit`` the times'."""

    __slots__ = ("name", "dtype", "count", "low", "high", "mean", "std", "nan", "inf", "code", "extreme_code", "time_kind", "unit")

    def __init__(self, name: "str", dtype: "str", element: "Element[Any]") -> "None":
        self.name = name
        self.dtype = dtype
        self.count = self.nan = self.inf = 0
        self.low: "Any" = None
        self.high: "Any" = None
        self.mean: "Any" = None
        self.std: "float | None" = None
        self.extreme_code = element.float_format
        self.code = element.float_format or "d"
        self.time_kind = element.time_kind
        self.unit = element.unit


def statistics(source: "Source", ignore_nan: "bool") -> "list[Figures]":
    """The rows ``stat`` prints for one array: one, or one per field of numbers of a record.
    :class:`NpyError` for an array of no numbers (text, raw bytes, a record of no number field)."""
    element = lookup(source.header().descr)
    rows = _summaries(source.name, element, ignore_nan)
    if not rows:
        held = "records of no number field" if element.is_record else f"{_descr_text(element.descr)!r} items"
        raise NpyError(f"stat is for arrays of numbers ({_WORDS}); this one holds {held}", source.name)
    adders = [add for _, _, _, add in rows]

    def consume(chunk: "memoryview") -> "None":
        for add in adders:
            add(chunk)

    source.each_chunk(CHUNK, consume)
    return [summary.figures(name, dtype) for name, dtype, summary, _ in rows]


def _summaries(name: "str", element: "Element[Any]", ignore_nan: "bool") -> "list[tuple[str, str, _Summary, Callable[[memoryview], None]]]":
    """For each row of an array: its name, its dtype's text, its summary and the function each
    chunk is given to (the summary's ``add``; for a record's field, one cutting the field out)."""
    if not element.is_record:
        summary = _summary(element, ignore_nan)
        return [] if summary is None else [(name, _descr_text(element.descr), summary, summary.add)]
    from ._records import RecordElement

    assert isinstance(element, RecordElement)
    rows = []
    offset = 0
    for field in element.fields:
        summary = None if field.padding else _summary(field.element, ignore_nan)
        if summary is not None:
            dtype = _descr_text(field.element.descr) + (f" {field.shape}" if field.shape else "")
            rows.append((f"{name}[{field.name!r}]", dtype, summary, _cut_field(summary.add, offset, field.itemsize, element.itemsize)))
        offset += field.itemsize
    return rows


def _descr_text(descr: "Any") -> "str":
    return descr if isinstance(descr, str) else repr(descr)


def _cut_field(add: "Callable[[memoryview], None]", offset: "int", size: "int", stride: "int") -> "Callable[[memoryview], None]":
    """``add`` taking chunks of whole records and given the bytes of one field of each: byte
    ``k`` of the field of every record is one strided slice, copied in C."""

    def add_field(chunk: "memoryview") -> "None":
        records = len(chunk) // stride
        cut = bytearray(records * size)
        for k in range(size):
            cut[k::size] = chunk[offset + k :: stride]
        with memoryview(cut) as view:
            add(view)

    return add_field


# ---------------------------------------------------------------------------------------------
# Decoding a chunk's items, by family


def _family(element: "Element[Any]") -> "str":
    """``'bool'``, ``'int'``, ``'float'``, ``'complex'``, ``'time'``, or ``''`` for items of no
    number (asked of the element: its native memoryview format, float format, axes)."""
    if element.is_record:
        return ""
    if element.time_kind:
        return "time"
    if element.float_format:
        return "complex" if element.ctype_axes else "float"
    code = element.newbyteorder("=").memoryview_format
    if code == "?":
        return "bool"
    return "int" if code else ""


def _decoder(element: "Element[Any]") -> "Callable[[memoryview], Sequence[Any]]":
    """The function giving the values of a chunk's items as a tuple, unpacked by one cached
    :class:`struct.Struct` in the file's byte order (the fastest C path; a tuple goes to
    ``math.dist`` as it is): floats for floats (real and imaginary parts in turn for complex),
    ints for ints and times."""
    import struct

    code = element.float_format or element.newbyteorder("=").memoryview_format
    assert code
    if PYPY and code != "e":  # (PyPy's array reads a chunk in a third of struct's time)
        from array import array

        swapped = not element.is_native

        def decode_array(chunk: "memoryview") -> "list[Any]":
            values = array(code)
            values.frombytes(chunk)
            if swapped:
                values.byteswap()
            return values.tolist()

        return decode_array
    size = struct.calcsize(code)
    order = "<" if element.byteorder == "|" else element.byteorder
    unpackers: "dict[int, Callable[[memoryview], tuple[Any, ...]]]" = {}

    def decode(chunk: "memoryview") -> "tuple[Any, ...]":
        count = len(chunk) // size
        unpack = unpackers.get(count)
        if unpack is None:
            unpack = unpackers[count] = struct.Struct(f"{order}{count}{code}").unpack
        return unpack(chunk)

    return decode


def _summary(element: "Element[Any]", ignore_nan: "bool") -> "_Summary | None":
    """The summary of items of ``element``, ``None`` for items of no number (and records)."""
    family = _family(element)
    if family == "bool":
        return _Bools(element)
    if family in ("int", "time"):
        return _Ints(element)
    if family in ("float", "complex"):
        return _Floats(element, ignore_nan)
    return None


# ---------------------------------------------------------------------------------------------
# Summaries: each takes chunks of raw items (add) and gives the row (figures).


class _Summary:
    """What ``stat`` gathers of an array's items, given chunks of them by :meth:`add`."""

    def add(self, chunk: "memoryview") -> "None":
        """Take the items of ``chunk`` (whole items, in the file's byte order)."""
        raise NotImplementedError

    def figures(self, name: "str", dtype: "str") -> "Figures":
        """The row of the items taken."""
        raise NotImplementedError


class _Bools(_Summary):
    """Bools: counted with ``bytes.count`` (a nonzero byte is True, as in NumPy)."""

    def __init__(self, element: "Element[Any]") -> "None":
        self.element = element
        self.count = self.true = 0

    def add(self, chunk: "memoryview") -> "None":
        self.count += len(chunk)
        self.true += len(chunk) - bytes(chunk).count(0)

    def figures(self, name: "str", dtype: "str") -> "Figures":
        row = Figures(name, dtype, self.element)
        count, true = self.count, self.true
        row.count = count
        if count:
            row.low, row.high = true == count, true > 0
            row.mean = true / count
            row.std = _root_mean(true * (count - true), count * count)  # (exact: the variance is true * false / count**2)
        else:
            row.mean = row.std = _NAN
        return row


class _Ints(_Summary):
    """Ints (and datetime64, timedelta64 counts, NaT left out): exact sum, min and max; the
    spread about each chunk's mean from ``math.dist``."""

    def __init__(self, element: "Element[Any]") -> "None":
        self.element = element
        self.decode = _decoder(element)
        self.times = bool(element.time_kind)
        self.count = self.nat = self.kept = self.total = 0
        self.low: "int | None" = None
        self.high: "int | None" = None
        self.center = self.spread = 0.0

    def add(self, chunk: "memoryview") -> "None":
        values = self.decode(chunk)
        self.count += len(values)
        if self.times:
            nat = values.count(_NAT)
            if nat:
                self.nat += nat
                values = list(filter(_NAT.__ne__, values))
                if not values:
                    return
            low, high = min(values), max(values)
        else:
            low, high = min(values), max(values)
            total = sum(values)
            merged = _merge(self.kept, self.center, self.spread, len(values), total / len(values), values)
            self.kept, self.center, self.spread = merged
            self.total += total
        self.low = low if self.low is None or low < self.low else self.low
        self.high = high if self.high is None or high > self.high else self.high

    def figures(self, name: "str", dtype: "str") -> "Figures":
        row = Figures(name, dtype, self.element)
        row.count, row.nan, row.low, row.high = self.count, self.nat, self.low, self.high
        if self.count and self.low is None:  # only NaT: nanmin says NaT
            row.low = row.high = _NAT
        if not self.times:
            row.mean = self.total / self.count if self.count else _NAN  # (int / int: exactly rounded)
            row.std = _root_mean_of(self.spread, self.kept) if self.kept else _NAN
        return row


def _merge(count: "int", center: "float", spread: "float", more: "int", mean: "float", values: "Sequence[Any]") -> "tuple[int, float, float]":
    """Chan et al.'s merge of the items so far (``count`` of them, mean ``center``, root of the
    sum of squares about it ``spread``) with ``values`` (``more`` items of mean ``mean``; for
    complex, ``values`` holds their parts in turn, ``mean`` a complex). The root is combined
    with ``hypot``, which neither overflows nor underflows."""
    root = _root(values, mean, more)
    if not count:
        return more, mean, root
    total = count + more
    delta = mean - center
    center += delta * more / total
    return total, center, hypot(spread, root, abs(delta) * sqrt(count * more / total))


def _root(values: "Sequence[Any]", mean: "Any", count: "int") -> "float":
    """The root of the sum of the squares of ``values`` about ``mean`` (``count`` items; a
    complex mean: ``values`` holds the parts in turn): ``math.dist``, in C and extended
    precision; on PyPy a loop its JIT compiles, Neumaier-compensated (dist there is slow)."""
    centers = (mean.real, mean.imag) if isinstance(mean, complex) else (mean,)
    if PYPY:
        total = error = 0.0
        for k, center in enumerate(centers):
            for value in values[k :: len(centers)]:
                square = (value - center) * (value - center)
                running = total + square
                error += (total - running) + square if total >= square else (square - running) + total
                total = running
        total += error
        if total - total == 0:
            return sqrt(total)
    return dist(values, centers * count)


class _Floats(_Summary):
    """Floats and complex: the chunks free of NaN and infinity go the fast way (``fsum``, then
    ``min``, ``max``, ``dist`` on the list); the others sort their items out first."""

    def __init__(self, element: "Element[Any]", ignore_nan: "bool") -> "None":
        self.element = element
        self.decode = _decoder(element)
        self.ignore_nan = ignore_nan
        self.parts = 2 if element.ctype_axes else 1
        self.count = self.nan = self.inf = 0
        self.first_nan: "Any" = None  # the first item holding a NaN (NumPy's complex min and max)
        self.low: "tuple[float, ...] | None" = None  # lexicographic: (real,) or (real, imag)
        self.high: "tuple[float, ...] | None" = None
        self.positive = [False] * self.parts  # a +inf seen in a part of an item holding no NaN
        self.negative = [False] * self.parts
        self.units = [0] * self.parts  # the exact sums of the items free of NaN and infinity
        self.kept = 0
        self.center: "Any" = 0.0
        self.spread = 0.0

    def add(self, chunk: "memoryview") -> "None":
        values = self.decode(chunk)
        parts = [values] if self.parts == 1 else [values[0::2], values[1::2]]
        count = len(parts[0])
        self.count += count
        try:
            sums = [fsum(part) for part in parts]
        except (OverflowError, ValueError):  # an overflow, or inf - inf
            sums = [_NAN]
        if all(total - total == 0 for total in sums):
            self._extremes(parts)
            self._gather(values, parts, sums)
        else:
            self._sort_out(values, parts)

    def _extremes(self, parts: "list[Sequence[float]]") -> "None":
        """Merge the chunk's min and max (lexicographic for complex) into the running ones."""
        if len(parts) == 1:
            low: "tuple[float, ...]" = (min(parts[0]),)
            high: "tuple[float, ...]" = (max(parts[0]),)
        else:
            real, imag = parts
            low, high = (_lowest(real, imag, min), _lowest(real, imag, max))
        if self.low is None or low < self.low:
            self.low = low
        if self.high is None or high > self.high:
            self.high = high

    def _gather(self, values: "Sequence[float]", parts: "list[Sequence[float]]", sums: "list[float]") -> "None":
        """Add finite items: exact sums, and the spread merged."""
        count = len(parts[0])
        units = [_units(part, total) for part, total in zip(parts, sums)]
        for k, exact in enumerate(units):
            self.units[k] += exact
        means = [exact / (count << 1074) for exact in units]  # (exactly rounded; never overflows)
        mean: "Any" = means[0] if len(means) == 1 else complex(*means)
        self.kept, self.center, self.spread = _merge(self.kept, self.center, self.spread, count, mean, values)

    def _sort_out(self, values: "Sequence[float]", parts: "list[Sequence[float]]") -> "None":
        """A chunk holding NaN or infinities (or whose sum overflows): count them, leave out the
        items holding NaN, merge the rest's extremes; gather them if they are finite."""
        flags = list(map(ne, parts[0], parts[0])) if len(parts) == 1 else list(map(or_, *(map(ne, part, part) for part in parts)))
        self.inf += sum(map(isinf, parts[0])) if len(parts) == 1 else sum(map(or_, *(map(isinf, part) for part in parts)))
        nan = sum(flags)
        if nan:
            self.nan += nan
            if self.first_nan is None:
                at = flags.index(True)
                self.first_nan = tuple(part[at] for part in parts)
            keep = [not flag for flag in flags]
            parts = [list(compress(part, keep)) for part in parts]
            if not parts[0]:
                return
        self._extremes(parts)
        if any(_INF in part or -_INF in part for part in parts):
            for k, part in enumerate(parts):
                self.positive[k] = self.positive[k] or _INF in part
                self.negative[k] = self.negative[k] or -_INF in part
            return
        values = parts[0] if len(parts) == 1 else [x for pair in zip(*parts) for x in pair]
        self._gather(values, parts, [_NAN] * len(parts))

    def figures(self, name: "str", dtype: "str") -> "Figures":
        row = Figures(name, dtype, self.element)
        row.count, row.nan, row.inf = self.count, self.nan, self.inf
        complex_items = self.parts == 2
        if self.nan and not self.ignore_nan:  # NumPy: nan everywhere (complex: the first NaN item)
            first = self.first_nan
            row.low = row.high = complex(*first) if complex_items else _NAN
            row.mean = complex(_NAN, _NAN) if complex_items else _NAN
            row.std = _NAN
            return row
        if self.low is not None and self.high is not None:
            row.low, row.high = (complex(*self.low), complex(*self.high)) if complex_items else (self.low[0], self.high[0])
        elif self.count:  # only NaN items, left out: nanmin says nan (of complex: the first item)
            row.low = row.high = complex(*self.first_nan) if complex_items else _NAN
        sums = [_NAN if up and down else _INF if up else -_INF if down else None for up, down in zip(self.positive, self.negative)]
        if any(total is not None for total in sums):
            # An infinite sum: NumPy divides (s + 0j) by the count as complex / complex, where
            # inf * 0 is nan: a part is nan when the other part is not finite.
            if complex_items:
                real, imag = sums
                row.mean = complex(_NAN if imag is not None else real, _NAN if real is not None else imag)  # type: ignore[arg-type]
            else:
                row.mean = sums[0]
            row.std = _NAN
        elif self.kept:
            means = [exact / (self.kept << 1074) for exact in self.units]
            row.mean = complex(*(_fit(part, row.code) for part in means)) if complex_items else _fit(means[0], row.code)
            row.std = _fit(_root_mean_of(self.spread, self.kept), row.code)
        else:
            row.mean = complex(_NAN, _NAN) if complex_items else _NAN
            row.std = _NAN
        return row


def _lowest(real: "Sequence[float]", imag: "Sequence[float]", least: "Callable[[Any], float]") -> "tuple[float, float]":
    """The lexicographic min (``least`` = ``min``) or max (``max``) of complex items holding no
    NaN, as NumPy orders them: the real part's, then the imaginary part's among the items of
    that real part, found with ``index`` (in C; a tie is rare, and scanned for in C too)."""
    first = least(real)
    at = real.index(first)
    try:
        real.index(first, at + 1)
    except ValueError:
        return first, imag[at]
    return first, least(compress(imag, map(eq, real, repeat(first))))


def _units(values: "Sequence[float]", total: "float") -> "int":
    """The exact sum of finite ``values`` (``total`` their ``fsum``, or NaN when it has not been
    made or overflowed) as an int count of ``2**-1074``."""
    if total - total != 0:
        try:
            total = fsum(values)
        except OverflowError:
            numerator, denominator = fsum([value * 2.0**-_SCALE for value in values]).as_integer_ratio()
            return numerator * (_ONE << _SCALE) // denominator
    numerator, denominator = total.as_integer_ratio()
    return numerator * (_ONE // denominator)


def _root_mean_of(root: "float", count: "int") -> "float":
    """``sqrt(root**2 / count)`` exactly rounded (``root`` the root of a sum of squares): a
    variance whose root is a float prints as that float (the std of [2.5, -1.0] is 1.75)."""
    if root - root != 0:
        return root
    numerator, denominator = root.as_integer_ratio()
    return _root_mean(numerator * numerator, denominator * denominator * count)


def _root_mean(numerator: "int", denominator: "int") -> "float":
    """``sqrt(numerator / denominator)`` exactly rounded: an integer root of 55 bits or more,
    its last bit set when inexact (so it rounds to 53 bits as the exact root does), then one
    exactly rounded int division (as the statistics module of Python 3.12 does it)."""
    from math import isqrt

    shift = (numerator.bit_length() - denominator.bit_length() - 109) // 2
    if shift >= 0:
        denominator <<= 2 * shift
    else:
        numerator <<= -2 * shift
    root = isqrt(numerator // denominator)
    root |= root * root * denominator != numerator
    return float(root << shift) if shift >= 0 else root / (1 << -shift)


def _fit(value: "float", code: "str") -> "float":
    """``value`` rounded to a float of struct format ``code`` (``'e'``, ``'f'``, ``'d'``)."""
    if code == "d" or value - value != 0:
        return value
    import struct

    try:
        return struct.unpack(code, struct.pack(code, value))[0]  # type: ignore[no-any-return]
    except OverflowError:
        return math.copysign(_INF, value)



# ---------------------------------------------------------------------------------------------
# Printing

COLUMNS = ["name", "dtype", "count", "min", "max", "mean", "std", "nan", "inf"]


def stat_lines(rows: "list[Figures]", format: "str", precision: "int | None") -> "list[str]":
    """The lines ``stat`` prints for ``rows`` as ``format`` (``'text'``, ``'json'``, ``'csv'``):
    floats as NumPy's ``str()`` prints them, or with ``precision`` significant digits."""
    from ._cli_values import table_lines

    return table_lines(COLUMNS, [_cells(row, precision) for row in rows], format, left=2)


def _cells(row: "Figures", precision: "int | None") -> "list[tuple[str | None, Any]]":
    from ._cli_values import datetime_text, json_number, number_text, timedelta_text

    def extreme(value: "Any") -> "tuple[str | None, Any]":
        if value is None:
            return None, None
        if row.time_kind:
            text = (datetime_text if row.time_kind == "datetime" else timedelta_text)(value, row.unit)
            return text, text
        if isinstance(value, (bool, int)):
            return str(value), value
        return number_text(value, row.extreme_code, precision), json_number(value, row.extreme_code, precision)

    def figure(value: "Any") -> "tuple[str | None, Any]":
        if value is None:
            return None, None
        return number_text(value, row.code, precision), json_number(value, row.code, precision)

    infinities = (None, None) if row.time_kind else (str(row.inf), row.inf)
    return [
        (row.name, row.name), (row.dtype, row.dtype), (str(row.count), row.count), extreme(row.low), extreme(row.high),
        figure(row.mean), figure(row.std), (str(row.nan), row.nan), infinities,
    ]  # fmt: skip
