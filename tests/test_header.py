"""The ``.npy`` header: writing byte-identical to NumPy, reading what NumPy reads, refusing the rest.

NumPy is the oracle for writing (``_write_array_header``) and for reading (its
``read_array_header_*``); Python's ``ast.literal_eval`` is the oracle for what a header's literal
means. Reading may refuse more than NumPy does, but whatever it accepts must have the values the
bytes say, and whatever it refuses must be refused with an ``NpyError`` naming the file.
"""

from __future__ import annotations

import ast
import importlib
import io
import struct
import sys
import tokenize
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from conftest import NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING

import npymmap
from npymmap._header import (
    format_header,
    parse_header,
    parse_literal,
    read_header_from,
    read_prefix,
)

# The property tests draw the same examples on every run (no random seed, no example database):
# a run's result must not depend on chance. tests/fuzz_header.py explores at random, at length.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.load_profile("deterministic")

MAGIC = b"\x93NUMPY"
VERSIONS = [(1, 0), (2, 0), (3, 0)]
FAST = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _numpy_format_module() -> Any:
    try:
        return importlib.import_module("numpy.lib._format_impl")  # NumPy 2.x
    except ImportError:  # pragma: no cover - NumPy 1.x
        return importlib.import_module("numpy.lib.format")


NPF: Any = _numpy_format_module()


# ---------------------------------------------------------------------------------------------
# Helpers: NumPy's writer and reader, a reference reader built on ast.literal_eval, raw headers


def numpy_header(descr: Any, fortran_order: bool, shape: tuple[int, ...], version: tuple[int, int] | None) -> bytes:
    """The header bytes NumPy writes (it warns when it picks version 2.0 or 3.0)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        NPF._write_array_header(buffer, {"descr": descr, "fortran_order": fortran_order, "shape": shape}, version)
    return buffer.getvalue()


def numpy_read(data: bytes, max_header_size: int = 10000) -> tuple[tuple[int, ...], bool, np.dtype[Any], int]:
    """``(shape, fortran_order, dtype, data_offset)`` as NumPy's reader sees ``data``."""
    fp = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the Python 2 'L' filter warns
        version = NPF.read_magic(fp)
        if version == (1, 0):
            shape, fortran_order, dtype = NPF.read_array_header_1_0(fp, max_header_size=max_header_size)
        elif version == (2, 0):
            shape, fortran_order, dtype = NPF.read_array_header_2_0(fp, max_header_size=max_header_size)
        else:
            shape, fortran_order, dtype = NPF._read_array_header(fp, version, max_header_size=max_header_size)
    return shape, fortran_order, dtype, fp.tell()


def raw_npy(text: str, version: tuple[int, int] = (1, 0), *, pad: bool = True) -> bytes:
    """A header with this literal text, as NumPy would frame it (or unpadded)."""
    body = text.encode("utf-8" if version == (3, 0) else "latin-1")
    width = 2 if version == (1, 0) else 4
    if pad:
        body += b" " * (-(len(MAGIC) + 2 + width + len(body) + 1) % 64) + b"\n"
    return MAGIC + bytes(version) + len(body).to_bytes(width, "little") + body


def _drop_long_suffixes(text: str) -> str | None:
    """``text`` without Python 2 ``L`` suffixes written right after a number (``l`` included),
    line ends made ``\\n`` (as Python reads them); ``None`` when ``text`` does not tokenize.

    NumPy's ``_filter_header`` drops them the same way but rebuilds the text with ``untokenize``,
    which fails on a bare ``\\r`` and turns form feeds into spaces: npymmap reads such headers as
    Python reads the text without the suffixes (no NumPy ever wrote them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    line_starts = [0]
    for line in text.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    suffixes = {
        line_starts[token.start[0] - 1] + token.start[1]
        for previous, token in zip(tokens, tokens[1:])
        if previous.type == tokenize.NUMBER
        and token.type == tokenize.NAME
        and token.string in ("L", "l")
        and token.start == previous.end
    }
    return "".join(char for pos, char in enumerate(text) if pos not in suffixes)


_REFUSED = object()


def reference_literal(text: str, legacy: bool = True) -> object:
    """What Python says the literal is (``_REFUSED`` when it is not a literal), as Python 3.10 and
    later say it: on 3.9 (PyPy 3.9, say) leading blanks are dropped and an indented last line is
    refused, as ``ast.literal_eval`` does from 3.10 on. With ``legacy`` (headers of versions 1.0
    and 2.0), what NumPy reads when that fails: the text through its Python 2 filter, which drops
    ``L`` suffixes and a last line of blanks without a line end."""
    if sys.version_info < (3, 10):
        text = text.lstrip(" \t")
    candidates = [text]
    if sys.version_info < (3, 10):
        last = text.rpartition("\n")[2]
        if "\n" in text and last and not last.strip(" \t\f"):
            candidates = []
    if legacy:
        candidates.append(_python2_filtered(text) or "")
    for candidate in candidates:
        try:
            return ast.literal_eval(candidate)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            continue
    return _REFUSED


def _python2_filtered(text: str) -> str | None:
    """``text`` as NumPy's ``_filter_header`` leaves it on Python 3.9 to 3.11, which npymmap
    follows on every Python: ``L`` suffixes dropped (see :func:`_drop_long_suffixes`) and a last
    line of only blanks cut off after its line end (Python 3.12's tokenizer keeps that line:
    ``conftest.NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING``)."""
    dropped = _drop_long_suffixes(text) if "L" in text or "l" in text else text.replace("\r\n", "\n").replace("\r", "\n")
    if dropped is None:
        return None
    head, end, last = dropped.rpartition("\n")
    return head + end if end and not last.strip(" \t\f") else dropped


def same(a: object, b: object) -> bool:
    """Equal values of the same types all the way down (``True == 1`` does not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def reference_header(data: bytes) -> npymmap.Header | None:
    """The header ``data`` holds, read with ``ast.literal_eval``; ``None`` when it holds none."""
    if len(data) < 8 or data[:6] != MAGIC:
        return None
    version = (data[6], data[7])
    if version not in VERSIONS:
        return None
    width = 2 if version == (1, 0) else 4
    if len(data) < 8 + width:
        return None
    length = int.from_bytes(data[8 : 8 + width], "little")
    raw = data[8 + width : 8 + width + length]
    if len(raw) < length:
        return None
    try:
        text = raw.decode("utf-8" if version == (3, 0) else "latin-1")
    except UnicodeDecodeError:
        return None
    value = reference_literal(text, version != (3, 0))
    if not isinstance(value, dict) or set(value) != {"descr", "fortran_order", "shape"}:
        return None
    shape, fortran_order, descr = value["shape"], value["fortran_order"], value["descr"]
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        return None
    if type(fortran_order) is not bool or not isinstance(descr, (str, list)):
        return None
    return npymmap.Header(descr, shape, fortran_order, version, 8 + width + length)


def assert_same_header(got: npymmap.Header, want: npymmap.Header) -> None:
    assert got == want
    assert same(got.descr, want.descr), (got.descr, want.descr)
    assert same(got.shape, want.shape) and type(got.fortran_order) is bool


# ---------------------------------------------------------------------------------------------
# Writing: byte-identical to NumPy

SIMPLE_DESCRS = [
    "<f8", ">f8", "<f4", ">f4", "<f2", "<i8", ">i4", "<i2", "|i1", "<u8", ">u4", "<u2", "|u1", "|b1",
    "<c16", ">c8", "|O", "<U7", "|S3", "<M8[ns]", ">m8[s]", "|V16",
]
STRUCTURED_DESCRS: list[list[tuple[Any, ...]]] = [
    [("a", "<f8"), ("b", "<i4")],
    [("a", "<f8"), ("", "|V4"), ("b", "<i4"), ("", "|V8")],
    [(("title", "nm"), "<f8"), ("p", [("x", "<f4"), ("y", "<f4")]), ("s", "<i2", (2, 3))],
    [("x", ">u2", (4,))],
]
SHAPES: list[tuple[int, ...]] = [
    (), (0,), (1,), (3,), (3, 4), (0, 5), (2, 3, 4, 5, 6, 7), (10**6,), (2**40, 3), (3, 2**40),
    (10**20,), (10**21 - 1,), (10**21,), (10**25, 2), (2, 10**25), (2**63 - 1,), (1,) * 32, (7,) * 64,
]


@pytest.mark.parametrize("version", [None, *VERSIONS])
@pytest.mark.parametrize("descr", [*SIMPLE_DESCRS, *STRUCTURED_DESCRS], ids=repr)
def test_format_header_is_byte_identical_to_numpy(descr: Any, version: tuple[int, int] | None) -> None:
    for shape in SHAPES:
        for fortran_order in (False, True):
            data, used = format_header(descr, fortran_order, shape, version)
            assert data == numpy_header(descr, fortran_order, shape, version), (shape, fortran_order)
            assert used == (version or (1, 0)) == (data[6], data[7])
            assert len(data) % 64 == 0 and data.endswith(b"\n")


@pytest.mark.parametrize("version", VERSIONS)
def test_format_header_padding_every_residue_including_a_full_64(version: tuple[int, int]) -> None:
    """A descr of each length mod 64 hits every padding from 1 to 64 bytes, byte-identical to NumPy."""
    paddings = set()
    prefix = 10 if version == (1, 0) else 12
    for size in range(64):
        descr = "x" * size
        data, _ = format_header(descr, False, (3,), version)
        assert data == numpy_header(descr, False, (3,), version)
        text = f"{{'descr': {descr!r}, 'fortran_order': False, 'shape': (3,), }}" + " " * 20
        assert data[prefix : prefix + len(text)] == text.encode()
        paddings.add(len(data) - prefix - len(text) - 1)  # the spaces before the final newline
    # Every padding occurs, including a full 64 when the unpadded header is already aligned.
    assert paddings == set(range(1, 65))


def test_format_header_picks_the_oldest_version_that_fits() -> None:
    assert format_header("<f8", False, (3, 4))[1] == (1, 0)
    # Just under and just over what version 1.0's 16-bit length field can hold.
    sizes = {}
    for size in range(65400, 65600):
        descr = "x" * size
        data, used = format_header(descr, False, (3,))
        assert data == numpy_header(descr, False, (3,), None)
        sizes[size] = used
    assert set(sizes.values()) == {(1, 0), (2, 0)}
    switch = min(size for size, used in sizes.items() if used == (2, 0))
    assert all(used == ((1, 0) if size < switch else (2, 0)) for size, used in sizes.items())
    # Many fields: a header too big for 1.0.
    fields = [(f"field_{i}", "<f8") for i in range(4000)]
    data, used = format_header(fields, False, (10,))
    assert used == (2, 0) and data == numpy_header(fields, False, (10,), None)
    # Text that latin-1 cannot encode needs 3.0 (UTF-8), however small.
    wide_descrs: list[Any] = [[("ā", "<f8")], [("名前", "<i4"), ("b", "<f8")], "ā"]
    for wide_descr in wide_descrs:
        data, used = format_header(wide_descr, True, (2, 3))
        assert used == (3, 0) and data == numpy_header(wide_descr, True, (2, 3), None)
    # Both: still 3.0.
    wide = [(f"ā{i}", "<f8") for i in range(4000)]
    data, used = format_header(wide, False, (1,))
    assert used == (3, 0) and data == numpy_header(wide, False, (1,), None)


@pytest.mark.parametrize(
    ("descr", "version"),
    [("ā", (1, 0)), ("ā", (2, 0)), ("x" * 70000, (1, 0)), ([(f"f{i}", "<f8") for i in range(5000)], (1, 0))],
    ids=["non-latin-1 in 1.0", "non-latin-1 in 2.0", "huge descr in 1.0", "many fields in 1.0"],
)
def test_format_header_refuses_a_version_that_cannot_hold_it(descr: Any, version: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        format_header(descr, False, (3,), version)
    with pytest.raises(ValueError):
        numpy_header(descr, False, (3,), version)


@pytest.mark.parametrize("version", [(0, 0), (1, 1), (4, 0), (3, 1)])
def test_format_header_refuses_unknown_versions(version: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        format_header("<f8", False, (3,), version)


# ---------------------------------------------------------------------------------------------
# Round trips (Hypothesis)

dimensions = st.one_of(
    st.integers(0, 10), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(2**31, 2**40)
)
shapes = st.lists(dimensions, max_size=6).map(tuple)
field_names = st.text(min_size=1, max_size=6)
structured = st.lists(
    st.one_of(
        st.tuples(field_names, st.sampled_from(SIMPLE_DESCRS[:16])),
        st.tuples(field_names, st.sampled_from(SIMPLE_DESCRS[:16]), st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda field: field[0],
).map(lambda fields: [tuple(field) for field in fields])
numpy_descrs: st.SearchStrategy[Any] = st.one_of(st.sampled_from(SIMPLE_DESCRS), structured)
# Any text at all: repr() escapes it, the parser must unescape it.
text_descrs: st.SearchStrategy[Any] = st.text(max_size=24)
versions = st.sampled_from([None, None, *VERSIONS])


def _check_round_trip(descr: Any, shape: tuple[int, ...], fortran_order: bool, version: tuple[int, int] | None, numpy_knows: bool) -> None:
    try:
        data, used = format_header(descr, fortran_order, shape, version)
    except ValueError:
        assert version is not None, "version=None must always find a version"
        with pytest.raises(ValueError):
            numpy_header(descr, fortran_order, shape, version)
        return
    assert data == numpy_header(descr, fortran_order, shape, version)
    assert used == (data[6], data[7]) and (version is None or used == version)
    trailing = b"\x00" * 16
    header = read_header_from(io.BytesIO(data + trailing).read, None)
    assert_same_header(header, npymmap.Header(descr, shape, fortran_order, used, len(data)))
    reference = reference_header(data)
    assert reference is not None
    assert_same_header(header, reference)
    if numpy_knows:
        numpy_shape, numpy_fortran, numpy_dtype, numpy_offset = numpy_read(data + trailing)
        assert (numpy_shape, numpy_fortran, numpy_offset) == (header.shape, header.fortran_order, header.data_offset)
        assert numpy_dtype == NPF.descr_to_dtype(descr)


@FAST
@given(descr=numpy_descrs, shape=shapes, fortran_order=st.booleans(), version=versions)
def test_round_trip_of_numpy_dtypes(descr: Any, shape: tuple[int, ...], fortran_order: bool, version: tuple[int, int] | None) -> None:
    _check_round_trip(descr, shape, fortran_order, version, numpy_knows=True)


@FAST
@given(descr=text_descrs, shape=shapes, fortran_order=st.booleans(), version=versions)
def test_round_trip_of_any_descr_text(descr: str, shape: tuple[int, ...], fortran_order: bool, version: tuple[int, int] | None) -> None:
    _check_round_trip(descr, shape, fortran_order, version, numpy_knows=False)


@settings(deadline=None, max_examples=30)
@given(descr=numpy_descrs, shape=shapes, fortran_order=st.booleans(), version=versions)
def test_round_trip_through_a_file(
    tmp_path_factory: pytest.TempPathFactory, descr: Any, shape: tuple[int, ...], fortran_order: bool, version: tuple[int, int] | None
) -> None:
    path = tmp_path_factory.getbasetemp() / "round_trip.npy"
    try:
        data, used = format_header(descr, fortran_order, shape, version)
    except ValueError:  # a field name latin-1 cannot encode, in an explicit 1.0 or 2.0
        data, used = format_header(descr, fortran_order, shape)
    path.write_bytes(data)
    assert_same_header(npymmap.read_header(path), npymmap.Header(descr, shape, fortran_order, used, len(data)))


# ---------------------------------------------------------------------------------------------
# Odd but valid headers: NumPy accepts them, so must npymmap, with the same values

TRAILING = bytes(range(24))  # (3,) float64 items, then more bytes after the data


@pytest.mark.parametrize(
    ("text", "version", "pad", "descr", "shape", "fortran_order"),
    [
        ("{'shape': (3, 4), 'fortran_order': True, 'descr': '<f8'}", (1, 0), True, "<f8", (3, 4), True),
        ("{'fortran_order': False, 'descr': '<i4', 'shape': (2,), }", (1, 0), True, "<i4", (2,), False),
        ('{"descr": "<i4", "fortran_order": False, "shape": (2,)}', (1, 0), True, "<i4", (2,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", (1, 0), True, "<f8", (3,), False),
        (
            "{\n  'descr' :\t'<f8' ,\r\n 'fortran_order' : False ,\n\n 'shape' : ( 3 ,\n 4 , ) ,\n}\n\n",
            (1, 0), True, "<f8", (3, 4), False,
        ),
        ("  {'descr':'<f8','fortran_order':False,'shape':(3,4)}", (1, 0), True, "<f8", (3, 4), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }", (1, 0), True, "<f8", (3, 4), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }", (2, 0), True, "<f8", (3,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", (1, 0), False, "<f8", (3,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", (2, 0), True, "<f8", (3,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", (3, 0), True, "<f8", (3,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", (3, 0), False, "<f8", (3,), False),
        ("{'descr': u'<f8', 'fortran_order': False, 'shape': (3,), }", (1, 0), True, "<f8", (3,), False),
        ("{u'descr': u\"<f8\", u'fortran_order': False, u'shape': (3,), }", (1, 0), True, "<f8", (3,), False),
        ("{'descr': '\\x3cf8', 'fortran_order': False, 'shape': (3,), }", (1, 0), True, "<f8", (3,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", (1, 0), True, "<f8", (5,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': ((5),), }", (1, 0), True, "<f8", (5,), False),
        ("{'descr': '<f8', 'fortran_order': True, 'shape': (), }", (1, 0), True, "<f8", (), True),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 0), }", (1, 0), True, "<f8", (0, 0), False),
        (
            "{'descr': [('a', '<f8'), ('b', '>i2', (2, 3))], 'fortran_order': False, 'shape': (2,), }",
            (1, 0), True, [("a", "<f8"), ("b", ">i2", (2, 3))], (2,), False,
        ),
        ("{'descr': [('ā', '<f8')], 'fortran_order': False, 'shape': (1,), }", (3, 0), True, [("ā", "<f8")], (1,), False),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (+3, 4), }", (1, 0), True, "<f8", (3, 4), False),
    ],
    ids=[
        "keys-in-any-order", "keys-in-another-order", "double-quotes", "no-trailing-comma", "whitespace-and-newlines",
        "no-spaces-leading-space", "python2-longs-v1", "python2-longs-v2", "no-padding", "v2-small", "v3-small",
        "v3-unpadded", "u-prefix", "u-prefix-keys-double-quotes", "hex-escape", "one-tuple", "parenthesised-int-in-tuple",
        "zero-d-fortran", "zero-size", "structured", "utf8-field-name-v3", "unary-plus",
    ],
)
def test_odd_but_valid_headers_read_as_numpy_reads_them(
    tmp_path: Path, text: str, version: tuple[int, int], pad: bool, descr: Any, shape: tuple[int, ...], fortran_order: bool
) -> None:
    data = raw_npy(text, version, pad=pad)
    path = tmp_path / "odd.npy"
    path.write_bytes(data + TRAILING)
    header = npymmap.read_header(path)
    assert_same_header(header, npymmap.Header(descr, shape, fortran_order, version, len(data)))
    if text[:1].isspace() and sys.version_info < (3, 10):
        return  # NumPy reads headers with ast.literal_eval, which takes a leading blank from 3.10 on
    numpy_shape, numpy_fortran, numpy_dtype, numpy_offset = numpy_read(data + TRAILING)
    assert (numpy_shape, numpy_fortran, numpy_offset) == (shape, fortran_order, len(data))
    assert numpy_dtype == NPF.descr_to_dtype(descr)


def test_trailing_bytes_after_the_data_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "trailing.npy"
    np.save(path, np.array([1.5, 2.5, 3.5]))
    with open(path, "ab") as file:
        file.write(b"trailing garbage, not part of the array")
    header = npymmap.read_header(path)
    assert header.shape == (3,) and header.data_offset == 128
    with npymmap.open(path, npymmap.float64) as array:
        assert array.tolist() == [1.5, 2.5, 3.5]
    assert np.load(path).tolist() == [1.5, 2.5, 3.5]


def test_parenthesised_int_is_not_a_tuple(tmp_path: Path) -> None:
    """``(5)`` is the int 5, so the shape is invalid; NumPy refuses it too."""
    data = raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5), }")
    path = tmp_path / "five.npy"
    path.write_bytes(data + bytes(40))
    with pytest.raises(npymmap.NpyFormatError, match="shape"):
        npymmap.read_header(path)
    with pytest.raises(ValueError):
        numpy_read(data)
    assert parse_literal("(5)") == 5 and parse_literal("(5,)") == (5,) and parse_literal("()") == ()


def test_headers_numpy_itself_wrote(tmp_path: Path) -> None:
    arrays = {
        "c.npy": np.arange(12, dtype="<f8").reshape(3, 4),
        "f.npy": np.asfortranarray(np.arange(12, dtype=">i4").reshape(3, 4)),
        "scalar.npy": np.array(7, dtype="|u1"),
        "record.npy": np.zeros(3, dtype=[("a", "<f8"), ("b", "<i2", (2,))]),
        "unicode.npy": np.zeros(2, dtype=[("名前", "<f4")]),
    }
    for name, array in arrays.items():
        path = tmp_path / name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            np.save(path, array)
        header = npymmap.read_header(path)
        shape, fortran_order, dtype, offset = numpy_read(path.read_bytes())
        assert (header.shape, header.fortran_order, header.data_offset) == (shape, fortran_order, offset)
        assert NPF.descr_to_dtype(header.descr) == dtype == array.dtype


# ---------------------------------------------------------------------------------------------
# Rejections


@pytest.mark.parametrize(
    "text",
    [
        "os", "None", "__import__('os')", "__import__('os').system('true')", "len([])", "print('x')",
        "{'descr': os.sep}", "a.b", "().__class__", "lambda: 0", "(lambda: 0)()", "[x for x in ()]",
        "1 + 2", "3.0", "1e3", "1j", "0x10", "1_000", "b'<f8'", "f'<f8'", "r'<f8'", "{1, 2}", "...",
        "{'a': 1", "{'a': 1}}", "[1, 2", "(1, 2]", "[1, 2)", "(1, 2", ")", "]", "}", "{", "(", "[", "",
        "   ", "'unterminated", "'a'  'b'", "{'a' 1}", "{'a': 1 'b': 2}", "(1 2)", "(,)", "[1,,2]", "{,}",
        "{'a': 1, 'a': 2}", "{1: 2}", "'\\N{BULLET}'", "'\\q'", "'\\x4'", "'\\U00110000'", "'a\nb'",
        "True False", "Truex", "--5", "- ", "3LL", "3 L", "#", "{} # comment",
    ],
)
def test_parse_literal_refuses_anything_but_plain_literals(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_literal(text)
    assert type(caught.value) is ValueError
    assert "header is not a valid literal" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10000 + "]" * 10000,
        "(" * 10000 + ")" * 10000,
        "{'a': " * 10000 + "1" + "}" * 10000,
        "[" * 10000,
        "{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 10000 + "3" + ")" * 10000 + "}",
        "1" * 5000,
        "-" + "9" * 5000,
        "(" + "1" * 5000 + ",)",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "7" * 5000 + "L,), }",
        "(" + "1, " * 10**5 + ")" * 2,
    ],
    ids=["list-10000-deep", "tuple-10000-deep", "dict-10000-deep", "unclosed-10000-deep", "shape-10000-deep",
         "int-5000-digits", "negative-int-5000-digits", "int-5000-digits-in-tuple", "long-5000-digits-in-header",
         "long-tuple-unbalanced"],
)
def test_parse_literal_refuses_hostile_input_quickly(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError) as caught:
        parse_literal(text)
    assert type(caught.value) is ValueError  # not RecursionError, MemoryError, ...
    assert time.perf_counter() - start < 0.5


def test_parse_literal_limits_are_where_documented() -> None:
    assert parse_literal("[" * 32 + "]" * 32) is not None
    with pytest.raises(ValueError, match="nesting"):
        parse_literal("[" * 33 + "]" * 33)
    assert parse_literal("9" * 24) == int("9" * 24)
    with pytest.raises(ValueError, match="24 digits"):
        parse_literal("9" * 25)


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "\x00{}",
        "{}\x00",
        "{'a': 1}\x00   ",
        "{'a':\x001}",
        "'<f8\x00'",
        "{'descr': '<f8\x00', 'fortran_order': False, 'shape': (3,), }",
        "{'descr': '\x00', 'fortran_order': False, 'shape': (3,), }",
        "{ 'descr': '<f8\x00', 'fortran_order': False, 'shape': (3,), }",
    ],
    ids=["nul", "nul-before", "nul-after", "nul-after-then-space", "nul-between", "nul-in-string",
         "nul-in-descr-canonical", "nul-only-descr-canonical", "nul-in-descr"],
)
def test_nul_bytes_are_refused(text: str) -> None:
    """Python refuses NUL anywhere in source, NumPy with it; so must the parser."""
    with pytest.raises((ValueError, SyntaxError)):  # ValueError up to Python 3.11
        ast.literal_eval(text)
    with pytest.raises(ValueError):
        parse_literal(text)
    with pytest.raises(npymmap.NpyFormatError):
        parse_header(text.encode("latin-1"), (1, 0), 128, "nul.npy", 10000)


@pytest.mark.parametrize(
    "text",
    [
        "'\\01'", "'\\012'", "'\\0'", "'\\08'", "'a\rb'", "'a\r\nb'", "\"a\rb\"", "'\\x41\\u0042\\U00000043'",
        "'\\\\'", "'\\''", "\"\\\"\"", "'\\t\\n\\r'", "(-0,)", "(- 3,)", "[True, False]", "{'a': {'b': [()]}}",
        "u'x'", "{'descr': '<f8\r', 'fortran_order': False, 'shape': (3,), }",
        "{'descr': '<f8\n', 'fortran_order': False, 'shape': (3,), }",
    ],
)
def test_parse_literal_agrees_with_python_or_refuses(text: str) -> None:
    """Where the parser accepts text, Python's own literal_eval gives the same value."""
    try:
        value = parse_literal(text)
    except ValueError:
        return
    reference = reference_literal(text)
    assert reference is not _REFUSED, f"parse_literal accepted {text!r} as {value!r}; Python refuses it"
    assert same(value, reference), f"parse_literal read {text!r} as {value!r}, Python as {reference!r}"


_LITERAL_ALPHABET = st.sampled_from(list("'\"\\,:()[]{} \n\r\t\f\x00-+0123456789LluxTrueFalse_.#"))


@FAST
@given(text=st.text(_LITERAL_ALPHABET, max_size=24))
@example(text="'\\01'")
@example(text="'\r'")
@example(text="\r 0")  # a blank line, then an indented one: Python refuses
@example(text="\n\f0")  # a form feed puts the column back to 0: Python accepts
@example(text="\r5L")
def test_parse_literal_fuzz_agrees_with_python(text: str) -> None:
    try:
        value = parse_literal(text)
    except ValueError as error:
        assert type(error) is ValueError
        return
    reference = reference_literal(text)
    assert reference is not _REFUSED, f"accepted {text!r} as {value!r}; Python refuses it"
    assert same(value, reference), f"read {text!r} as {value!r}, Python as {reference!r}"


@FAST
@given(
    descr=st.one_of(st.text(max_size=8), st.sampled_from(["<f8", "|b1", ">c16"])),
    fortran_order=st.sampled_from(["False", "True", "false", "0"]),
    shape=st.one_of(
        st.lists(st.integers(0, 10**30).map(str), max_size=4).map(", ".join),
        st.lists(st.integers(0, 99).map(str), min_size=1, max_size=2).map(lambda parts: ", ".join(parts) + ","),
        st.text(st.sampled_from(list("0123456789, L-+()\n")), max_size=10),
    ),
    tail=st.sampled_from(["), }", "), }\n", "), }" + " " * 40 + "\n", "),}", ")}", "), } x", "), }\x00"]),
)
@example(descr="<f8\n", fortran_order="False", shape="3,", tail="), }")
def test_fast_path_agrees_with_the_full_parser(descr: str, fortran_order: str, shape: str, tail: str) -> None:
    """Headers in the exact form NumPy writes may be read by a shortcut; it must agree with the
    full parser (reached by a leading space, which the shortcut does not take) and with Python."""
    text = "{'descr': '" + descr + "', 'fortran_order': " + fortran_order + ", 'shape': (" + shape + tail
    raw = text.encode("utf-8")
    outcomes: list[tuple[Any, tuple[int, ...], bool] | None] = []
    for candidate in (raw, b" " + raw):
        try:
            header = parse_header(candidate, (3, 0), 0, None, 10000)
        except npymmap.NpyFormatError:
            outcomes.append(None)
        else:
            outcomes.append((header.descr, header.shape, header.fortran_order))
    assert outcomes[0] == outcomes[1], f"shortcut gives {outcomes[0]}, full parser {outcomes[1]} for {text!r}"
    if outcomes[0] is not None:
        reference = reference_header(raw_npy(text, (3, 0)))
        assert reference is not None, f"accepted {text!r}; Python refuses it"
        assert same((reference.descr, reference.shape, reference.fortran_order), outcomes[0])


REJECTED_HEADERS = {
    "list": "[1, 2]",
    "string": "'<f8'",
    "tuple": "('<f8', False, (3,))",
    "int": "5",
    "missing-shape": "{'descr': '<f8', 'fortran_order': False}",
    "missing-descr": "{'fortran_order': False, 'shape': (3,)}",
    "empty-dict": "{}",
    "extra-key": "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
    "misspelt-key": "{'descr': '<f8', 'fortran_order': False, 'Shape': (3,)}",
    "duplicate-key": "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'shape': (4,)}",
    "bool-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': (True, 3)}",
    "negative-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
    "float-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': (3.0,)}",
    "str-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': ('3',)}",
    "none-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': (None,)}",
    "nested-dim": "{'descr': '<f8', 'fortran_order': False, 'shape': ((3,),)}",
    "list-shape": "{'descr': '<f8', 'fortran_order': False, 'shape': [3, 4]}",
    "int-shape": "{'descr': '<f8', 'fortran_order': False, 'shape': 3}",
    "65-dims": "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, " * 65 + ")}",
    "int-fortran-order": "{'descr': '<f8', 'fortran_order': 0, 'shape': (3,)}",
    "one-fortran-order": "{'descr': '<f8', 'fortran_order': 1, 'shape': (3,)}",
    "str-fortran-order": "{'descr': '<f8', 'fortran_order': 'False', 'shape': (3,)}",
    "none-fortran-order": "{'descr': '<f8', 'fortran_order': None, 'shape': (3,)}",
    "int-descr": "{'descr': 5, 'fortran_order': False, 'shape': (3,)}",
    "tuple-descr": "{'descr': ('<f8',), 'fortran_order': False, 'shape': (3,)}",
    "dict-descr": "{'descr': {'a': '<f8'}, 'fortran_order': False, 'shape': (3,)}",
    "bool-descr": "{'descr': True, 'fortran_order': False, 'shape': (3,)}",
    "not-a-literal": "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } junk",
    "code": "__import__('os').system('true')",
}


@pytest.mark.parametrize("text", REJECTED_HEADERS.values(), ids=REJECTED_HEADERS.keys())
def test_parse_header_refuses_invalid_contents(tmp_path: Path, text: str) -> None:
    with pytest.raises(npymmap.NpyFormatError) as caught:
        parse_header(text.encode("latin-1"), (1, 0), 128, None, 10000)
    assert caught.value.path is None and str(caught.value) == caught.value.reason
    path = tmp_path / "bad.npy"
    path.write_bytes(raw_npy(text) + bytes(64))
    with pytest.raises(npymmap.NpyFormatError) as caught:
        npymmap.read_header(path)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{path}: ") and caught.value.path == str(path)


def _sized_header(characters: int) -> str:
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
    return text + " " * (characters - len(text))


@pytest.mark.parametrize("version", VERSIONS)
def test_max_header_size(tmp_path: Path, version: tuple[int, int]) -> None:
    path = tmp_path / "big.npy"
    path.write_bytes(raw_npy(_sized_header(10000), version, pad=False))
    assert npymmap.read_header(path).shape == (3,)  # exactly the limit
    path.write_bytes(raw_npy(_sized_header(10001), version, pad=False))
    with pytest.raises(npymmap.NpyFormatError, match="max_header_size") as caught:
        npymmap.read_header(path)
    assert str(caught.value).startswith(str(path))
    assert npymmap.read_header(path, max_header_size=10001).shape == (3,)
    with pytest.raises(npymmap.NpyFormatError, match="max_header_size"):
        npymmap.read_header(path, max_header_size=100)
    with pytest.raises(ValueError):
        numpy_read(path.read_bytes())  # NumPy draws the line in the same place
    numpy_read(path.read_bytes(), max_header_size=10001)


def test_max_header_size_counts_characters_in_utf8_headers(tmp_path: Path) -> None:
    """Version 3.0's limit is in characters, as NumPy's, so 9000 two-byte characters fit."""
    text = "{'descr': [('" + "ā" * 9000 + "', '<f8')], 'fortran_order': False, 'shape': (1,), }"
    path = tmp_path / "wide.npy"
    path.write_bytes(raw_npy(text, (3, 0)))
    assert npymmap.read_header(path).descr == [("ā" * 9000, "<f8")]


def test_huge_length_field_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.npy"
    path.write_bytes(MAGIC + b"\x02\x00" + (2**32 - 1).to_bytes(4, "little") + b"{}")
    start = time.perf_counter()
    with pytest.raises(npymmap.NpyFormatError, match="max_header_size") as caught:
        npymmap.read_header(path)
    assert time.perf_counter() - start < 0.5 and str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "truncated"),
        (b"\x93NUM", "truncated"),
        (b"\x93NUMPY\x01", "truncated"),
        (b"\x93NUMPY\x01\x00", "truncated"),
        (b"\x93NUMPY\x01\x00\x76", "truncated"),
        (b"\x93NUMPY\x02\x00\x76\x00\x00", "truncated"),
        (b"\x93NUMPY\x01\x00\x76\x00{'descr'", "truncated"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00", "not a .npy file"),
        (b"\x93NUMPX\x01\x00\x76\x00{}", "not a .npy file"),
        (b"\x92NUMPY\x01\x00\x76\x00{}", "not a .npy file"),
        (b"\x93NUMPY\x01\x01\x76\x00{}", "version"),
        (b"\x93NUMPY\x04\x00\x76\x00{}", "version"),
        (b"\x93NUMPY\x00\x00\x76\x00{}", "version"),
        (b"\x93NUMPY\x03\x00\x04\x00\x00\x00\xff\xfe{}", "UTF-8"),
    ],
)
def test_read_header_refuses_bad_framing(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = tmp_path / "framing.npy"
    path.write_bytes(data)
    with pytest.raises(npymmap.NpyFormatError, match=fragment) as caught:
        npymmap.read_header(path)
    assert str(caught.value).startswith(f"{path}: ")
    with pytest.raises(npymmap.NpyFormatError):
        read_header_from(io.BytesIO(data).read, None)


def test_read_prefix() -> None:
    assert read_prefix(b"\x93NUMPY\x01\x00\x76\x00{'", None) == ((1, 0), 10, 0x76)
    assert read_prefix(b"\x93NUMPY\x02\x00\x76\x00\x01\x00", None) == ((2, 0), 12, 0x10076)
    assert read_prefix(b"\x93NUMPY\x03\x00\x00\x00\x00\x01", None) == ((3, 0), 12, 1 << 24)
    with pytest.raises(npymmap.NpyFormatError, match="^here.npy: "):
        read_prefix(b"nope", "here.npy")


def test_error_messages_name_a_path_given_as_pathlib(tmp_path: Path) -> None:
    path = tmp_path / "named.npy"
    path.write_bytes(raw_npy("{'descr': '<f8', 'fortran_order': False}"))
    with pytest.raises(npymmap.NpyFormatError) as caught:
        npymmap.read_header(path)
    assert str(caught.value).startswith(f"{path}: header keys")


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        npymmap.read_header(tmp_path / "missing.npy")


# ---------------------------------------------------------------------------------------------
# Mutations of valid files (Hypothesis): an NpyError or the header the bytes really hold

_INTERESTING = b"\x00\n\r\t \\'\",:(){}[]L0123456789-+u_.xTF\x93\xff\x80"
_byte_strings = st.one_of(
    st.binary(min_size=1, max_size=4),
    st.lists(st.sampled_from(list(_INTERESTING)), min_size=1, max_size=4).map(bytes),
)
MUTATION_KINDS = ["flip", "insert", "delete", "truncate", "cut-literal", "length"]
mutations = st.lists(
    st.tuples(st.sampled_from(MUTATION_KINDS), st.integers(0, 2**32 - 1), _byte_strings), min_size=1, max_size=3
)


@st.composite
def npy_files(draw: st.DrawFn) -> bytes:
    descr = draw(st.one_of(numpy_descrs, text_descrs))
    shape = draw(st.lists(st.integers(0, 10**6), max_size=4).map(tuple))
    fortran_order = draw(st.booleans())
    try:
        data, _ = format_header(descr, fortran_order, shape, draw(st.sampled_from([None, (2, 0), (3, 0)])))
    except ValueError:  # text latin-1 cannot encode, in an explicit 2.0
        data, _ = format_header(descr, fortran_order, shape)
    return data + draw(st.binary(max_size=32))


def mutate(data: bytes, changes: list[tuple[str, int, bytes]]) -> bytes:
    for kind, number, some in changes:
        at = number % (len(data) + 1)
        if kind == "flip" and data:
            at %= len(data)
            data = data[:at] + some[:1] + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + some + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 + some[0] % 8 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind in ("cut-literal", "length") and len(data) >= 12:
            width = 2 if data[6:8] == b"\x01\x00" else 4
            length = int.from_bytes(data[8 : 8 + width], "little")
            start = 8 + width
            if kind == "cut-literal":
                # End the literal early but keep the length field right: the parser meets the end.
                cut = number % (length + 1)
                data = data[:8] + cut.to_bytes(width, "little") + data[start : start + cut] + data[start + length :]
            else:
                data = data[:8] + (number % (1 << (8 * width))).to_bytes(width, "little") + data[start:]
    return data


_BASE = format_header("<f8", False, (3,))[0] + bytes(24)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=npy_files(), changes=mutations)
@example(data=_BASE, changes=[("cut-literal", 40, b" ")])
@example(data=_BASE, changes=[("flip", _BASE.index(b"}"), b" ")])
@example(data=_BASE, changes=[("flip", _BASE.index(b"<f8") + 2, b"\n")])
@example(data=_BASE, changes=[("flip", _BASE.index(b"<f8") + 2, b"\x00")])
def test_mutated_headers_raise_only_npy_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, changes: list[tuple[str, int, bytes]]
) -> None:
    path = tmp_path_factory.getbasetemp() / "mutated.npy"
    path.write_bytes(mutate(data, changes))
    try:
        npymmap.read_header(path)
    except npymmap.NpyError as error:
        assert isinstance(error, ValueError) and isinstance(error, npymmap.NpyFormatError)
        assert str(error).startswith(f"{path}: "), str(error)
    # Any other exception type fails the test.


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=npy_files(), changes=mutations)
@example(data=_BASE, changes=[("flip", _BASE.index(b"<f8") + 2, b"\n")])
@example(data=_BASE, changes=[("flip", _BASE.index(b"<f8") + 2, b"\x00")])
@example(data=_BASE, changes=[("flip", _BASE.index(b"<f8") + 2, b"\r")])
def test_mutated_headers_accepted_only_with_the_values_they_hold(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, changes: list[tuple[str, int, bytes]]
) -> None:
    mutated = mutate(data, changes)
    path = tmp_path_factory.getbasetemp() / "mutated-values.npy"
    path.write_bytes(mutated)
    try:
        header = npymmap.read_header(path)
    except npymmap.NpyError:
        return
    reference = reference_header(mutated)
    assert reference is not None, f"accepted a header Python cannot read: {mutated[:200]!r} as {header!r}"
    assert_same_header(header, reference)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("{'a': 1}\n    \n", True),
        ("{'a': 1}    \n", True),
        ("{'a': 1}  ", True),
        ("{'a': 1}\n ", False),
        ("{'a': 1}\n\t", False),
        ("{'a': 1}\n  \n  ", False),
    ],
)
def test_trailing_blank_lines_follow_python(text: str, accepted: bool) -> None:
    """Python reads a last line of blanks without a line end as an indent error, and so NumPy
    does in a version 3.0 header; in 1.0 and 2.0 its Python 2 filter drops that line first."""
    assert (reference_literal(text, legacy=False) is not _REFUSED) is accepted
    assert reference_literal(text, legacy=True) is not _REFUSED
    assert parse_literal(text, legacy=True) == {"a": 1}
    if accepted:
        assert parse_literal(text, legacy=False) == {"a": 1}
    else:
        with pytest.raises(ValueError, match="indented last line"):
            parse_literal(text, legacy=False)


@pytest.mark.parametrize("version", VERSIONS)
def test_a_newline_before_the_padding_reads_as_numpy_reads_it(tmp_path: Path, version: tuple[int, int]) -> None:
    """JavaScript's npyjs wrote ``{...}\\n`` and then the padding spaces: NumPy reads that in
    versions 1.0 and 2.0 on Python 3.9 to 3.11 (its Python 2 filter drops the blank last line)
    and refuses it in 3.0. npymmap reads it in 1.0 and 2.0 on every Python, also where NumPy no
    longer does (Python 3.12 on: ``conftest.NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING``), there
    against the values written."""
    body = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }\n"
    width = 2 if version == (1, 0) else 4
    body += " " * (-(len(MAGIC) + 2 + width + len(body)) % 64)
    path = tmp_path / "npyjs.npy"
    path.write_bytes(raw_npy(body, version, pad=False) + struct.pack("<3i", 7, 8, 9))
    if version == (3, 0):
        if sys.version_info >= (3, 10):  # Python 3.9's literal_eval takes the blank last line
            with pytest.raises(ValueError):
                numpy_read(path.read_bytes())
        with pytest.raises(npymmap.NpyFormatError, match="indented last line"):
            npymmap.open(path)
        return
    if NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING:
        numpy_shape, _, numpy_dtype, numpy_offset = numpy_read(path.read_bytes())
        assert numpy_dtype == np.dtype("<i4")
        expected = (numpy_shape, numpy_offset)
    else:
        with pytest.raises(ValueError, match="Cannot parse header"):
            numpy_read(path.read_bytes())
        expected = ((3,), len(path.read_bytes()) - 12)  # the three int32 written after the header
    with npymmap.open(path, npymmap.int32) as array:
        assert array.tolist() == [7, 8, 9]
        assert (array.shape, npymmap.read_header(path).data_offset) == expected


@pytest.mark.parametrize("version", VERSIONS)
def test_python2_long_suffixes_read_only_where_numpy_reads_them(tmp_path: Path, version: tuple[int, int]) -> None:
    """NumPy drops Python 2 ``L`` suffixes in 1.0 and 2.0 headers only; a 3.0 header never had them."""
    data = raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0L,), }", version, pad=True)
    path = tmp_path / "longs.npy"
    path.write_bytes(data)
    if version == (3, 0):
        with pytest.raises(ValueError):
            numpy_read(data)
        with pytest.raises(npymmap.NpyFormatError, match="not an integer"):
            npymmap.read_header(path)
    else:
        assert numpy_read(data)[0] == (0,) == npymmap.read_header(path).shape


def test_headers_seen_before_read_the_same_and_the_memory_of_them_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut remembers headers it has read, by their bytes, up to a bound: a header read
    again gives the same fields with its own version and data offset, and past the bound headers
    are still read, just not remembered."""
    from npymmap import _header

    monkeypatch.setattr(_header, "_CANONICAL_SEEN", {})
    monkeypatch.setattr(_header, "_CANONICAL_SEEN_MAX", 3)
    texts = [f"{{'descr': '<f8', 'fortran_order': {k % 2 == 0}, 'shape': ({k}, 7), }}   \n".encode() for k in range(6)]
    first = [parse_header(text, (1, 0), 128, None, 10000) for text in texts]
    again = [parse_header(text, (2, 0), 256, None, 10000) for text in texts]
    assert len(_header._CANONICAL_SEEN) == 3
    for k, (one, two) in enumerate(zip(first, again)):
        assert (one.descr, one.shape, one.fortran_order) == ("<f8", (k, 7), k % 2 == 0)
        assert (two.descr, two.shape, two.fortran_order) == (one.descr, one.shape, one.fortran_order)
        assert (one.version, one.data_offset, two.version, two.data_offset) == ((1, 0), 128, (2, 0), 256)
