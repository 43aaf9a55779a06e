"""Hostile and odd ``.npy`` files, whole files through the public API.

1. A corpus of several hundred malformed files, built here from files NumPy wrote: every one must
   be refused by ``read_header`` and ``open`` (modes ``r``, ``r+`` and ``c``) with an ``NpyError``
   (a ``ValueError``) that names the file and the fault, within a second, leaving the file as it
   was. Faults only ``open`` can see (short data, a dtype npymmap cannot map, a shape no file can
   hold) let ``read_header`` succeed with exactly the header the bytes hold.
2. Odd but valid headers NumPy reads must read with NumPy's values (``numpy.load``).
3. Operating-system faults stay ``OSError``.

The header parser itself is covered in depth by ``test_header.py``; this module feeds files.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.util
import io
import itertools
import re
import shutil
import signal
import struct
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import pytest

import npymmap
from conftest import assert_same

MAGIC = b"\x93NUMPY"
VERSIONS = [(1, 0), (2, 0), (3, 0)]
VALUES = [1.5, -2.25, 3.0]
DATA = struct.pack("<3d", *VALUES)  # what NumPy writes for np.array(VALUES)
TEXT = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"
LIMIT = 1.0  # seconds any one call may take
HANG = 10.0  # seconds after which a call is interrupted rather than waited for
MODES = ["r", "r+", "c"]
BIG = 2**64


# ---------------------------------------------------------------------------------------------
# Building files


def numpy_file(version: tuple[int, int]) -> bytes:
    """The bytes NumPy writes for ``np.array(VALUES)`` in this format version."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.lib.format.write_array(buffer, np.array(VALUES, dtype="<f8"), version=version)
    return buffer.getvalue()


def frame(
    body: str | bytes, version: tuple[int, int] = (1, 0), *, pad: bool = True, length: int | None = None
) -> bytes:
    """Magic, version, length field and header ``body`` (padded like NumPy's unless ``pad=False``);
    ``length`` overrides the length field (a lie)."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8" if version == (3, 0) else "latin-1")
    width = 2 if version == (1, 0) else 4
    if pad:
        raw += b" " * (-(len(MAGIC) + 2 + width + len(raw) + 1) % 64) + b"\n"
    field = len(raw) if length is None else length
    return MAGIC + bytes(version) + field.to_bytes(width, "little") + raw


def header_text(descr: str = "'<f8'", fortran_order: str = "False", shape: str = "(3,)") -> str:
    """NumPy's header text with the three values spelt as given (Python source)."""
    return f"{{'descr': {descr}, 'fortran_order': {fortran_order}, 'shape': {shape}, }}"


# ---------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Hostile:
    """One malformed file and what npymmap must say about it.

    ``error`` and ``fragment`` (a regex searched in the reason) are what ``open`` raises. When
    ``header`` is None, ``read_header`` raises the same; otherwise the fault is only visible to
    ``open`` and ``read_header`` returns exactly ``header``. ``header_may_fail`` also lets
    ``read_header`` refuse the file with ``error``/``fragment`` (where the check belongs is the
    library's choice).
    """

    id: str
    data: bytes
    error: type[npymmap.NpyError]
    fragment: str
    header: npymmap.Header | None = None
    header_may_fail: bool = False
    max_header_size: int = 10000


FORMAT = npymmap.NpyFormatError
UNSUPPORTED = npymmap.UnsupportedDtypeError
LITERAL = "header is not a valid literal"


def _truncations() -> list[Hostile]:
    cases = []
    for version in VERSIONS:
        full = numpy_file(version)
        width = 2 if version == (1, 0) else 4
        data_offset = len(full) - len(DATA)
        assert data_offset % 64 == 0 and full[data_offset:] == DATA
        header = npymmap.Header("<f8", (3,), False, version, data_offset)
        for size in range(0 if version == (1, 0) else 7, len(full)):  # the first 7 bytes are shared
            if size < 6:
                where, fragment = "magic", f"truncated: {size} bytes, too short for the magic string"
            elif size < 8:
                where, fragment = "version", f"truncated: {size} bytes, too short for the magic string"
            elif size < 8 + width:
                where, fragment = "length", f"truncated: {size} bytes, inside the header length field"
            elif size < data_offset:
                length = data_offset - 8 - width
                where, fragment = "header", f"truncated: header length field says {length} bytes, only {size - 8 - width} follow"
            else:
                where, fragment = "data", rf"truncated: the header's shape \(3,\) needs {len(full)} bytes, the file has {size}"
            cases.append(
                Hostile(
                    f"cut-v{version[0]}-{size:03d}-in-{where}",
                    full[:size],
                    FORMAT,
                    fragment,
                    header if where == "data" else None,
                )
            )
    return cases


def _relength(data: bytes, change: int) -> bytes:
    """``data`` with its header length field changed by ``change``."""
    width = 2 if data[6:8] == b"\x01\x00" else 4
    length = int.from_bytes(data[8 : 8 + width], "little") + change
    return data[:8] + length.to_bytes(width, "little") + data[8 + width :]


def _framing() -> list[Hostile]:
    full = numpy_file((1, 0))
    body = full[10:]
    not_npy = r"not a \.npy file: magic string"
    cases = [
        Hostile("magic-x-last", b"\x93NUMPX" + full[6:], FORMAT, not_npy),
        Hostile("magic-first-byte", b"\x92NUMPY" + full[6:], FORMAT, not_npy),
        Hostile("magic-lowercase", b"\x93numpy" + full[6:], FORMAT, not_npy),
        Hostile("magic-no-x93", b"NUMPY\x01\x00" + full[8:], FORMAT, not_npy),
        Hostile("magic-shifted", b" " + full, FORMAT, not_npy),
        Hostile("magic-zip-npz", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(100), FORMAT, not_npy),
        Hostile("magic-gzip", b"\x1f\x8b\x08\x00" + bytes(100), FORMAT, not_npy),
        Hostile("magic-zeros", bytes(200), FORMAT, not_npy),
        Hostile("magic-text", b"hello, this is not an array\n" * 4, FORMAT, not_npy),
        Hostile("magic-short-wrong", b"\x93NUX", FORMAT, not_npy),
        Hostile("magic-one-wrong-byte", b"x", FORMAT, not_npy),
        Hostile("magic-header-only", b"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", FORMAT, not_npy),
    ]
    versions = {(major, minor) for major in range(6) for minor in (0, 1, 2, 255)}
    versions |= {(255, 255), (128, 0), (0x93, 0x4E), (1, 0x80), (10, 0), (0, 10)}
    for version in sorted(versions - set(VERSIONS)):
        data = MAGIC + bytes(version) + body
        fragment = rf"unsupported format version {version[0]}\.{version[1]} \(1\.0, 2\.0 and 3\.0 are known\)"
        cases.append(Hostile(f"version-{version[0]}.{version[1]}", data, FORMAT, fragment))
    over = "over max_header_size=10000"
    for version in VERSIONS:
        v = f"v{version[0]}"
        width = 2 if version == (1, 0) else 4
        cases += [
            Hostile(f"length-zero-{v}", frame(TEXT, version, length=0) + DATA, FORMAT, f"{LITERAL}: unexpected end"),
            Hostile(f"length-zero-empty-{v}", frame(b"", version, pad=False), FORMAT, f"{LITERAL}: unexpected end"),
            Hostile(
                f"length-one-past-eof-{v}",
                frame(TEXT, version, pad=False, length=len(TEXT) + 1),
                FORMAT,
                rf"truncated: header length field says {len(TEXT) + 1} bytes, only {len(TEXT)} follow",
            ),
            Hostile(
                f"length-far-past-eof-{v}",
                frame(TEXT, version, pad=False, length=9999) + DATA,
                FORMAT,
                rf"truncated: header length field says 9999 bytes, only {len(TEXT) + 24} follow",
            ),
            Hostile(f"length-max-field-{v}", frame(TEXT, version, length=(1 << 8 * width) - 1) + DATA, FORMAT, over),
            Hostile(f"length-over-limit-{v}", frame(TEXT, version, length=40001 if v == "v3" else 10001) + DATA, FORMAT, over),
            # One short: the closing brace falls outside the header; one long: a data byte falls in.
            Hostile(
                f"length-one-short-{v}",
                frame(TEXT, version, pad=False, length=len(TEXT) - 1) + DATA,
                FORMAT,
                f"{LITERAL}: unexpected end",
            ),
            Hostile(
                f"length-one-long-{v}",
                frame(TEXT, version, pad=False, length=len(TEXT) + 1) + b"!" + DATA,
                FORMAT,
                f"{LITERAL}: unexpected text after the literal",
            ),
            Hostile(
                f"length-one-long-numpy-{v}",
                _relength(numpy_file(version), +1),
                FORMAT,
                f"{LITERAL}: unexpected text after the literal",
            ),
        ]
    cases.append(Hostile("max-header-size-100", numpy_file((1, 0)), FORMAT, "over max_header_size=100", max_header_size=100))
    for version in VERSIONS:
        padded = TEXT + " " * (10001 - len(TEXT))
        data = frame(padded, version, pad=False) + DATA
        cases.append(Hostile(f"header-10001-chars-v{version[0]}", data, FORMAT, "10001 (bytes|characters), over max_header_size=10000"))
    # Version 3.0 counts characters: 10001 of them in 10002 bytes.
    wide = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'é': 0}"
    wide += " " * (10001 - len(wide))
    data = frame(wide, (3, 0), pad=False) + DATA
    cases.append(Hostile("header-10001-chars-utf8-v3", data, FORMAT, "header is 10001 characters, over max_header_size=10000"))
    return cases


def _contents() -> list[Hostile]:
    """Headers that frame correctly but do not hold a valid header dict."""
    texts: list[tuple[str, str, str]] = [
        # Not a dict.
        ("list", "['<f8', False, (3,)]", "header is not a dict but a list"),
        ("tuple", "('<f8', False, (3,))", "header is not a dict but a tuple"),
        ("str", "'<f8'", "header is not a dict but a str"),
        ("int", "3", "header is not a dict but a int"),
        ("bool", "True", "header is not a dict but a bool"),
        ("empty-tuple", "()", "header is not a dict but a tuple"),
        # Keys.
        ("empty-dict", "{}", r"header keys are \[\]"),
        ("no-descr", "{'fortran_order': False, 'shape': (3,), }", "header keys"),
        ("no-fortran-order", "{'descr': '<f8', 'shape': (3,), }", "header keys"),
        ("no-shape", "{'descr': '<f8', 'fortran_order': False, }", "header keys"),
        ("extra-key", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1, }", "header keys.*'extra'"),
        ("misspelt-key", "{'descr': '<f8', 'fortran_order': False, 'Shape': (3,), }", "header keys.*'Shape'"),
        ("many-extra-keys", TEXT[:-1] + "".join(f"'k{i}': {i}, " for i in range(500)) + "}", "header keys"),
        ("duplicate-key", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'shape': (3,), }", f"{LITERAL}: duplicate key 'shape'"),
        ("int-key", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 1: 2}", f"{LITERAL}: dict key is not a string"),
        ("tuple-key", "{'descr': '<f8', 'fortran_order': False, ('shape',): (3,)}", f"{LITERAL}: dict key is not a string"),
        # Shapes.
        ("shape-list", header_text(shape="[3]"), r"shape \[3\] is not a tuple"),
        ("shape-int", header_text(shape="3"), "shape 3 is not a tuple"),
        ("shape-parenthesised-int", header_text(shape="(3)"), "shape 3 is not a tuple"),
        ("shape-str", header_text(shape="'3'"), "shape '3' is not a tuple"),
        ("shape-none", header_text(shape="None"), f"{LITERAL}: name 'None' is not a literal"),
        ("shape-dict", header_text(shape="{'n': 3}"), "is not a tuple"),
        ("shape-negative", header_text(shape="(-1,)"), r"shape \(-1,\) is not a tuple of non-negative ints"),
        ("shape-negative-second", header_text(shape="(3, -2)"), "non-negative ints"),
        ("shape-negative-huge", header_text(shape=f"(-{BIG},)"), "non-negative ints"),
        ("shape-float", header_text(shape="(3.0,)"), f"{LITERAL}: not an integer"),
        ("shape-exponent", header_text(shape="(3e2,)"), f"{LITERAL}: not an integer"),
        ("shape-str-dim", header_text(shape="('3',)"), "non-negative ints"),
        ("shape-bool-dim", header_text(shape="(True,)"), r"shape \(True,\) is not a tuple of non-negative ints"),
        ("shape-false-dim", header_text(shape="(3, False)"), "non-negative ints"),
        ("shape-none-dim", header_text(shape="(None,)"), f"{LITERAL}: name 'None' is not a literal"),
        ("shape-nested-dim", header_text(shape="((3,),)"), "non-negative ints"),
        ("shape-list-dim", header_text(shape="([3],)"), "non-negative ints"),
        ("shape-hex", header_text(shape="(0x3,)"), f"{LITERAL}: not an integer"),
        ("shape-underscore", header_text(shape="(1_0,)"), f"{LITERAL}: not an integer"),
        ("shape-leading-zero", header_text(shape="(03,)"), f"{LITERAL}: integer with a leading zero"),
        ("shape-65-dims", header_text(shape="(" + "1, " * 65 + ")"), "shape has 65 dimensions, more than 64"),
        ("shape-65-zero-dims", header_text(shape="(" + "0, " * 65 + ")"), "65 dimensions"),
        ("shape-2000-dims", header_text(shape="(" + "1, " * 2000 + ")"), "2000 dimensions"),
        # fortran_order.
        ("fortran-zero", header_text(fortran_order="0"), "fortran_order 0 is not a bool"),
        ("fortran-one", header_text(fortran_order="1"), "fortran_order 1 is not a bool"),
        ("fortran-str", header_text(fortran_order="'False'"), "fortran_order 'False' is not a bool"),
        ("fortran-none", header_text(fortran_order="None"), f"{LITERAL}: name 'None' is not a literal"),
        ("fortran-list", header_text(fortran_order="[]"), r"fortran_order \[\] is not a bool"),
        ("fortran-lowercase", header_text(fortran_order="false"), f"{LITERAL}: name 'false' is not a literal"),
        # descr that is not a description at all.
        ("descr-int", header_text(descr="5"), "descr 5 is not a dtype description"),
        ("descr-none", header_text(descr="None"), f"{LITERAL}: name 'None' is not a literal"),
        ("descr-bool", header_text(descr="True"), "descr True is not a dtype description"),
        ("descr-dict", header_text(descr="{'names': ['a'], 'formats': ['<f8']}"), "is not a dtype description"),
        ("descr-tuple", header_text(descr="('<f8',)"), "is not a dtype description"),
        ("descr-float", header_text(descr="8.0"), f"{LITERAL}: not an integer"),
        ("descr-bytes", header_text(descr="b'<f8'"), f"{LITERAL}: name 'b' is not a literal"),
    ]
    # Code, which must never run (the test also checks that nothing printed "pwned").
    code = [
        ("import-system", "__import__('os').system('echo pwned')", f"{LITERAL}: name '__import__'"),
        ("lambda", "lambda: 0", f"{LITERAL}: name 'lambda'"),
        ("os-system", "os.system", f"{LITERAL}: name 'os'"),
        ("open-call", "open('x')", f"{LITERAL}: name 'open'"),
        ("comprehension", "[x for x in ()]", f"{LITERAL}: name 'x'"),
        ("class-attribute", "().__class__", f"{LITERAL}: unexpected text after the literal"),
        ("f-string", "f'{1}'", f"{LITERAL}: name 'f'"),
        ("bare-name-float64", "float64", f"{LITERAL}: name 'float64'"),
        ("numpy-name", "np.float64", f"{LITERAL}: name 'np'"),
        ("dict-call", "dict(descr='<f8')", f"{LITERAL}: name 'dict'"),
        ("dict-unpacking", "{**{}}", f"{LITERAL}: unexpected '\\*'"),
        ("conditional", "1 if 1 else 0", f"{LITERAL}: unexpected text after the literal"),
        ("arithmetic", "1 + 2", f"{LITERAL}: unexpected text after the literal"),
        ("subscript", "{'a': 1}['a']", f"{LITERAL}: unexpected text after the literal"),
        ("walrus", "(x := 1)", f"{LITERAL}: name 'x'"),
        ("ellipsis", "...", f"{LITERAL}: unexpected '\\.'"),
        ("set", "{1, 2}", f"{LITERAL}: dict key is not a string"),
    ]
    for name, source, fragment in code:
        texts.append((f"code-{name}", source, fragment))
        texts.append((f"code-{name}-as-descr", header_text(descr=source), LITERAL))
        texts.append((f"code-{name}-as-shape", header_text(shape=source), LITERAL))
    texts += [
        ("code-after-dict", TEXT + "; __import__('os').system('echo pwned')", f"{LITERAL}: unexpected text after the literal"),
        ("code-as-key", "{__import__('os').system('echo pwned'): 1}", f"{LITERAL}: name '__import__'"),
        # Brackets and strings that do not close.
        ("unbalanced-open-shape", header_text(shape="(3,"), f"{LITERAL}: unexpected ','"),
        ("unbalanced-shape-close-bracket", header_text(shape="(3,]"), f"{LITERAL}: unexpected '\\]'"),
        ("unbalanced-no-close-brace", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), ", f"{LITERAL}: unexpected end"),
        ("unbalanced-extra-close-brace", TEXT + "}", f"{LITERAL}: unexpected text after the literal"),
        ("unbalanced-two-open-braces", "{" + TEXT, f"{LITERAL}: dict key is not a string"),
        ("unbalanced-lone-paren", "(", f"{LITERAL}: unexpected end"),
        ("unbalanced-lone-bracket", "[", f"{LITERAL}: unexpected end"),
        ("unbalanced-lone-brace", "{", f"{LITERAL}: unexpected end"),
        ("unbalanced-closer", ")", f"{LITERAL}: unexpected '\\)'"),
        ("unterminated-key", "{'descr: '<f8', 'fortran_order': False, 'shape': (3,), }", f"{LITERAL}: expected ':'"),
        ("unterminated-descr", "{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }", f"{LITERAL}: expected ','"),
        ("unterminated-at-end", "{'descr': '<f8", f"{LITERAL}: unterminated string"),
        ("newline-in-string", "{'descr': '<f\n8', 'fortran_order': False, 'shape': (3,), }", f"{LITERAL}: unterminated string"),
        ("bad-escape", header_text(descr="'\\q'"), f"{LITERAL}: unsupported escape"),
        ("escape-past-unicode", header_text(descr="'\\U00110000'"), f"{LITERAL}: unsupported escape"),
        ("comment", TEXT + " # comment", f"{LITERAL}: unexpected text after the literal"),
        # Depth and size.
        ("nesting-5000-parens", "(" * 5000, f"{LITERAL}: nesting deeper than 32"),
        ("nesting-5000-brackets", "[" * 5000, f"{LITERAL}: nesting deeper than 32"),
        ("nesting-5000-braces", "{" * 5000, f"{LITERAL}: nesting deeper than 32"),
        ("nesting-4900-balanced", "(" * 4900 + ")" * 4900, f"{LITERAL}: nesting deeper than 32"),
        ("nesting-4000-in-descr", header_text(descr="[" * 4000 + "]" * 4000), f"{LITERAL}: nesting deeper than 32"),
        ("nesting-3000-in-shape", header_text(shape="(" * 3000 + "3" + ",)" * 3000), f"{LITERAL}: nesting deeper than 32"),
        ("nesting-33-dict-values", "{'a': " * 33 + "1" + "}" * 33, f"{LITERAL}: nesting deeper than 32"),
        ("int-5000-digits-shape", header_text(shape="(" + "9" * 5000 + ",)"), f"{LITERAL}: integer longer than 24 digits"),
        ("int-4301-digits-shape", header_text(shape="(1" + "0" * 4300 + ",)"), f"{LITERAL}: integer longer than 24 digits"),
        ("int-25-digits-shape", header_text(shape=f"({10**24},)"), f"{LITERAL}: integer longer than 24 digits"),
        ("int-9000-digits-alone", "9" * 9000, f"{LITERAL}: integer longer than 24 digits"),
        ("int-5000-digits-fortran", header_text(fortran_order="1" * 5000), f"{LITERAL}: integer longer than 24 digits"),
        ("int-5000-digits-negative", header_text(shape="(-" + "7" * 5000 + ",)"), f"{LITERAL}: integer longer than 24 digits"),
        # NUL bytes.
        ("nul-first", "\0" + TEXT, f"{LITERAL}: unexpected '\\\\x00'"),
        ("nul-only", "\0" * 100, f"{LITERAL}: unexpected '\\\\x00'"),
        ("nul-in-descr", header_text(descr="'<f\0'"), f"{LITERAL}: NUL character inside a string"),
        ("nul-in-key", "{'des\0cr': '<f8', 'fortran_order': False, 'shape': (3,), }", f"{LITERAL}: NUL character inside a string"),
        ("nul-between-tokens", "{'descr':\0'<f8', 'fortran_order': False, 'shape': (3,), }", f"{LITERAL}: unexpected '\\\\x00'"),
        ("nul-in-shape", header_text(shape="(3\0,)"), f"{LITERAL}: expected ','"),
        ("nul-padding", TEXT + "\0" * 60, f"{LITERAL}: unexpected text after the literal"),
        ("nul-before-newline", TEXT + "   \0\n", f"{LITERAL}: unexpected text after the literal"),
    ]
    cases = []
    for name, text, fragment in texts:
        data = frame(text) + DATA
        if len(data) - len(DATA) - 10 > 65535:
            raise AssertionError(f"{name}: too long for version 1.0")
        cases.append(Hostile(f"header-{name}", data, FORMAT, fragment))
    # The same faults in the other versions, a sample.
    for version in [(2, 0), (3, 0)]:
        for name, text, fragment in texts[::7]:
            cases.append(Hostile(f"header-{name}-v{version[0]}", frame(text, version) + DATA, FORMAT, fragment))
    # Bytes that are not UTF-8 in a version 3.0 header (versions 1.0 and 2.0 are latin-1).
    not_utf8 = {
        "ff-in-descr": b"\xff",
        "lone-continuation": b"\x80",
        "truncated-sequence": b"\xc3",
        "overlong-slash": b"\xc0\xaf",
        "surrogate": b"\xed\xa0\x80",
        "past-unicode": b"\xf4\x90\x80\x80",
    }
    for name, bad in not_utf8.items():
        body = TEXT.encode().replace(b"<f8", b"<f" + bad)
        cases.append(Hostile(f"utf8-{name}-v3", frame(body, (3, 0)) + DATA, FORMAT, r"header is not valid UTF-8 \(byte 13\)"))
    cases.append(Hostile("header-indented-last-line-v3", frame(TEXT + "\n  ", (3, 0), pad=False) + DATA, FORMAT, f"{LITERAL}: indented last line"))
    odd_padding = TEXT.encode() + b"  \xfe\xff\n"
    cases.append(Hostile("utf8-in-padding-v3", frame(odd_padding, (3, 0), pad=False) + DATA, FORMAT, r"not valid UTF-8 \(byte 59\)"))
    cases.append(Hostile("latin1-in-padding-v1", frame(odd_padding, pad=False) + DATA, FORMAT, f"{LITERAL}: unexpected text after"))
    return cases


def _open_only() -> list[Hostile]:
    """Headers read_header accepts, whose files open refuses: dtype, size or data."""
    cases = []
    unsupported = [
        ("f7", "'<f7'", "descr '<f7': not a dtype npymmap knows"),
        ("x", "'x'", "descr 'x': not a dtype npymmap knows"),
        ("empty", "''", "descr '': not a dtype npymmap knows"),
        ("space-f8", "' <f8'", "not a dtype npymmap knows"),
        ("long-double", "'<f16'", "long double has no portable layout"),
        ("complex256", "'<c32'", "complex long double has no portable layout"),
        ("numpy-name-object", "'object'", "not a dtype npymmap knows"),
        ("object", "'|O'", r"descr '\|O': object arrays hold Python pointers"),
        ("object-O8", "'<O8'", "descr '<O8': object arrays"),
        ("object-bare", "'O'", "object arrays"),
        ("datetime-bad-unit", "'<M8[xs]'", "not a dtype npymmap knows"),
        ("timedelta-bare-number", "'<m8[10]'", "not a dtype npymmap knows"),
        ("long-garbage", repr("<" + "x" * 5000), "not a dtype npymmap knows"),
        ("record-object", "[('a', '|O')]", r"record field 'a': descr '\|O': object arrays hold Python pointers"),
        ("record-mixed-order", "[('a', '<f4'), ('b', '>f4')]", "record mixes byte orders \\(field 'b'"),
        ("record-nested-object", "[('a', [('b', '|O')])]", "record field 'a': record field 'b': .*object arrays"),
        ("record-empty", "[]", "a record with no fields"),
        ("record-code-like", "[('__import__', 'os')]", "record field '__import__': descr 'os': not a dtype npymmap knows"),
    ]
    for name, descr, fragment in unsupported:
        value: Any = ast.literal_eval(descr)
        data = frame(header_text(descr=descr)) + DATA
        header = npymmap.Header(value, (3,), False, (1, 0), len(data) - len(DATA))
        cases.append(Hostile(f"dtype-{name}", data, UNSUPPORTED, fragment, header))

    def sized(name: str, descr: str, shape: tuple[int, ...], fragment: str, extra: bytes = DATA, *, may_fail: bool = False) -> None:
        data = frame(header_text(descr=repr(descr), shape=repr(shape)))
        header = npymmap.Header(descr, shape, False, (1, 0), len(data))
        cases.append(Hostile(name, data + extra, FORMAT, fragment, header, header_may_fail=may_fail))

    too_big = "bytes, more than any file can"
    sized("size-2**40-by-2**40", "<f8", (2**40, 2**40), rf"shape \(1099511627776, 1099511627776\) holds \d+ {too_big}")
    sized("size-2**32-cubed", "|u1", (2**32, 2**32, 2**32), too_big)
    sized("size-2**64-items", "|u1", (BIG,), f"{too_big}|dimension over", may_fail=True)
    sized("size-2**61-doubles", "<f8", (2**61,), too_big)  # exactly 2**64 bytes
    sized("size-2**60-doubles", "<f8", (2**60,), too_big)  # exactly 2**63 bytes
    sized("size-64-dims-of-2**20", "<f8", (2**20,) * 64, too_big)
    sized("size-24-digit-dim", "<f8", (10**23,), f"{too_big}|dimension over", may_fail=True)
    # Fits in a signed 64-bit count, but not once the header is added: a truncated file.
    sized("size-2**63-1-bytes", "|u1", (2**63 - 1,), "truncated: the header's shape")
    sized("size-2**60-1-doubles", "<f8", (2**60 - 1,), "truncated: the header's shape")
    sized("size-2**62-bytes", "|u1", (2**62,), "truncated: the header's shape")
    # No items, but a dimension no index can reach: NumPy cannot make such an array either.
    huge_dim = r"shape|dimension|1844674407370955161[67]|9223372036854775808"
    sized("size-2**64-by-0", "<f8", (BIG, 0), huge_dim, b"", may_fail=True)
    sized("size-0-by-2**64", "<f8", (0, BIG), huge_dim, b"", may_fail=True)
    sized("size-2**63-by-0", "<f8", (2**63, 0), huge_dim, b"", may_fail=True)
    # Data shorter than the shape says.
    short = "truncated: the header's shape"
    sized("data-one-byte-short", ">f8", (3,), rf"{short} \(3,\) needs 152 bytes, the file has 151", DATA[:-1])
    sized("data-one-item-short", "<f8", (4,), rf"{short} \(4,\) needs 160 bytes, the file has 152")
    sized("data-missing", ">f8", (3,), rf"{short} \(3,\) needs 152 bytes, the file has 128", b"")
    sized("data-scalar-missing", "<f8", (), rf"{short} \(\) needs 136 bytes, the file has 128", b"")
    sized("data-million-short", "<f8", (10**6,), rf"{short} \(1000000,\) needs 8000128 bytes, the file has 152")
    sized("data-2d-one-byte-short", "<i4", (2, 3), rf"{short} \(2, 3\) needs 152 bytes, the file has 151", DATA[:-1])
    sized("data-big-endian-short", ">c16", (2,), short)
    sized("data-bool-short", "|b1", (25,), rf"{short} \(25,\) needs 153 bytes, the file has 152")
    sized("data-terabyte-claimed", "|u1", (2**40,), short)
    for version in [(2, 0), (3, 0)]:
        data = frame(header_text(shape="(4,)"), version)
        header = npymmap.Header("<f8", (4,), False, version, len(data))
        cases.append(Hostile(f"data-one-item-short-v{version[0]}", data + DATA, FORMAT, short, header))
    return cases


CORPUS: list[Hostile] = _truncations() + _framing() + _contents() + _open_only()


def test_corpus_is_large_and_distinct() -> None:
    assert len(CORPUS) >= 300
    assert len({case.id for case in CORPUS}) == len(CORPUS)
    assert len({case.data for case in CORPUS if case.max_header_size == 10000}) == sum(
        case.max_header_size == 10000 for case in CORPUS
    )


# ---------------------------------------------------------------------------------------------
# Running calls: time them, turn a hang into a failure


class Hang(Exception):
    """A call ran for HANG seconds; raised by the alarm handler so the test fails, not hangs."""


@contextlib.contextmanager
def hang_guard() -> Iterator[None]:
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:  # pragma: no cover - Windows or a worker thread
        yield
        return

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"call still running after {HANG} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    result: Any
    error: Exception | None
    seconds: float


def attempt(call: Callable[[], Any]) -> Outcome:
    start = time.perf_counter()
    try:
        with hang_guard():
            result = call()
    except Exception as error:  # everything but KeyboardInterrupt/SystemExit, judged by the caller
        return Outcome(None, error, time.perf_counter() - start)
    return Outcome(result, None, time.perf_counter() - start)


def assert_refused(outcome: Outcome, path: Path, error: type[npymmap.NpyError], fragment: str, what: str) -> None:
    assert outcome.seconds < LIMIT, f"{what} took {outcome.seconds:.3f} s"
    if outcome.error is None:
        if hasattr(outcome.result, "close"):
            outcome.result.close()
        raise AssertionError(f"{what} accepted the file: {outcome.result!r}")
    caught = outcome.error
    assert isinstance(caught, error), f"{what} raised {type(caught).__name__}, not {error.__name__}: {caught!r}"
    assert isinstance(caught, ValueError)
    assert caught.path == str(path), (caught.path, str(path))
    assert str(caught) == f"{path}: {caught.reason}", str(caught)
    assert re.search(fragment, caught.reason), f"{what}: reason {caught.reason!r} does not match {fragment!r}"


# ---------------------------------------------------------------------------------------------
# 1. The hostile corpus


# Each test gets conftest's npy_dir: a directory of its own, cheaper than tmp_path for hundreds.


def _open_in_mode(path: Path, mode: str, max_header_size: int) -> npymmap.NpyArray[Any]:
    """``npymmap.open`` in ``mode``, the path given as a str for "r" and "c", a Path for "r+"."""
    if mode == "r":
        return npymmap.open(str(path), mode="r", max_header_size=max_header_size)
    if mode == "r+":
        return npymmap.open(path, mode="r+", max_header_size=max_header_size)
    return npymmap.open(str(path), mode="c", max_header_size=max_header_size)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_hostile_file_is_refused(case: Hostile, npy_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    original = npy_dir / "hostile.npy"
    original.write_bytes(case.data)

    read = attempt(lambda: npymmap.read_header(original, max_header_size=case.max_header_size))
    if case.header is None or (case.header_may_fail and read.error is not None):
        assert_refused(read, original, FORMAT, case.fragment, "read_header")
    else:
        assert read.error is None, f"read_header raised {read.error!r}"
        assert read.seconds < LIMIT, f"read_header took {read.seconds:.3f} s"
        got: npymmap.Header = read.result
        assert got == case.header
        assert type(got.descr) is type(case.header.descr) and all(type(n) is int for n in got.shape)
    assert original.read_bytes() == case.data

    for mode in MODES:
        copy = npy_dir / f"copy-{mode.replace('+', 'plus')}.npy"
        shutil.copyfile(original, copy)
        outcome = attempt(lambda: _open_in_mode(copy, mode, case.max_header_size))
        assert_refused(outcome, copy, case.error, case.fragment, f"open(mode={mode!r})")
        assert copy.read_bytes() == case.data, f"open(mode={mode!r}) changed the file"
    assert "pwned" not in capfd.readouterr().out


# ---------------------------------------------------------------------------------------------
# 2. Odd but valid headers: the values NumPy loads


@dataclass(frozen=True)
class Odd:
    id: str
    data: bytes


def _odd_files() -> list[Odd]:
    floats = np.array(VALUES, dtype="<f8").tobytes()
    ints = np.arange(6, dtype="<i8").reshape(2, 3)
    cases: list[Odd] = []

    def add(name: str, text: str, data: bytes = floats, version: tuple[int, int] = (1, 0), *, pad: bool = True) -> None:
        cases.append(Odd(name, frame(text, version, pad=pad) + data))

    items = ["'descr': '<f8'", "'fortran_order': False", "'shape': (3,)"]
    for order in itertools.permutations(range(3)):
        add("keys-" + "".join(map(str, order)), "{" + ", ".join(items[i] for i in order) + ", }")
    add("double-quotes", '{"descr": "<f8", "fortran_order": False, "shape": (3,)}')
    add("mixed-quotes", "{\"descr\": '<f8', 'fortran_order': False, \"shape\": (3,)}")
    add("no-trailing-comma", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}")
    add("no-spaces", "{'descr':'<f8','fortran_order':False,'shape':(3,)}")
    add("extra-whitespace", "{  'descr'  :\t'<f8'  ,   'fortran_order' :False,'shape':(  3  ,  )  ,  }")
    add("multi-line", "{\n    'descr': '<f8',\n    'fortran_order': False,\n    'shape': (3,),\n}\n")
    add("crlf", "{'descr': '<f8',\r\n 'fortran_order': False,\r\n 'shape': (3,)}\r\n")
    add("python2-long", "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }")
    add("python2-long-v2", "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }", version=(2, 0))
    add("python2-long-2d", "{'descr': '<i8', 'fortran_order': False, 'shape': (2L, 3L), }", ints.tobytes())
    add("u-prefix", "{u'descr': u'<f8', u'fortran_order': False, u'shape': (3,)}")
    add("escapes", "{'d\\x65scr': '\\x3cf8', 'fortran_order': False, 'sh\\u0061pe': (3,)}")
    add("plus-sign", "{'descr': '<f8', 'fortran_order': False, 'shape': (+3,)}")
    add("parenthesised-dim", "{'descr': '<f8', 'fortran_order': False, 'shape': ((3),)}")
    add("minus-zero-dim", "{'descr': '<f8', 'fortran_order': False, 'shape': (-0,)}", b"")
    for version in VERSIONS:
        add(f"no-padding-v{version[0]}", TEXT, version=version, pad=False)
        add(f"small-v{version[0]}", "{'descr':'<f8','fortran_order':False,'shape':(3,)}", version=version, pad=False)
        add(f"exactly-max-header-size-v{version[0]}", TEXT + " " * (10000 - len(TEXT)), version=version, pad=False)
    add("trailing-byte", TEXT, floats + b"\x00")
    add("trailing-kilobyte", TEXT, floats + bytes(range(256)) * 4)
    add("trailing-v3", TEXT, floats + b"garbage", (3, 0))
    # NumPy's own file with the length field one short: the header loses its newline, the data
    # starts at byte 127 (unaligned) and the last byte of the file is left over.
    numpy_v1 = numpy_file((1, 0))
    cases.append(Odd("length-one-short-of-numpy", _relength(numpy_v1, -1)))
    fortran = np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3))
    add("fortran-2d-big-endian", "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 3), }", fortran.tobytes(order="F"))
    add("descr-numpy-name", "{'descr': 'float64', 'fortran_order': False, 'shape': (3,), }")
    add("descr-no-order", "{'descr': 'f8', 'fortran_order': False, 'shape': (3,), }")
    add("descr-native-order", "{'descr': '=f8', 'fortran_order': False, 'shape': (3,), }")
    add("descr-little-bool", "{'descr': '<b1', 'fortran_order': False, 'shape': (3,), }", b"\x01\x00\x01")
    add("descr-big-int8", "{'descr': '>i1', 'fortran_order': False, 'shape': (3,), }", b"\xff\x00\x7f")
    add("scalar", "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", floats[:8])
    add("empty", "{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }", b"")
    add("empty-2d", "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 0), }", b"")
    add("64-dims", "{'descr': '<f8', 'fortran_order': False, 'shape': (" + "1, " * 63 + "3), }")
    return cases


ODD = _odd_files()


@pytest.mark.parametrize("case", ODD, ids=[case.id for case in ODD])
def test_odd_but_valid_header_reads_as_numpy_loads_it(case: Odd, npy_dir: Path) -> None:
    path = npy_dir / "odd.npy"
    path.write_bytes(case.data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # NumPy warns about Python 2 headers
        expected = np.load(path)
    header = npymmap.read_header(path)
    assert header.shape == expected.shape
    for mode in MODES:
        with _open_in_mode(path, mode, 10000) as array:
            assert array.shape == expected.shape
            assert_same(array.tolist(), expected.tolist())
    assert path.read_bytes() == case.data


# ---------------------------------------------------------------------------------------------
# 3. Faults of the operating system stay OSError


def test_missing_file_is_file_not_found(npy_dir: Path) -> None:
    path = npy_dir / "missing.npy"
    calls: list[tuple[str, Callable[[], Any]]] = [("read_header", lambda: npymmap.read_header(path))]
    calls += [(f"open({mode!r})", functools.partial(_open_in_mode, path, mode, 10000)) for mode in MODES]
    for what, call in calls:
        with pytest.raises(FileNotFoundError) as caught:
            call()
        assert not isinstance(caught.value, npymmap.NpyError), what
        assert caught.value.filename == str(path) and str(path) in str(caught.value), (what, caught.value)
        assert not path.exists(), f"{what} created the file"


def test_directory_is_an_os_error(npy_dir: Path) -> None:
    path = npy_dir / "folder.npy"
    path.mkdir()
    calls: list[tuple[str, Callable[[], Any]]] = [("read_header", lambda: npymmap.read_header(path))]
    calls += [(f"open({mode!r})", functools.partial(_open_in_mode, path, mode, 10000)) for mode in MODES]
    for what, call in calls:
        with pytest.raises(OSError) as caught:
            call()
        assert not isinstance(caught.value, ValueError), what
        assert isinstance(caught.value, IsADirectoryError), (what, caught.value)
        assert str(path) in str(caught.value), (what, caught.value)
    assert path.is_dir() and not any(path.iterdir())


# ---------------------------------------------------------------------------------------------
# The fuzzer, briefly


def test_fuzz_header_runs_clean(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("fuzz_header", Path(__file__).with_name("fuzz_header.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    main: Callable[[list[str]], int] = module.main
    status = main(["--iterations", "300", "--seed", "7"])
    out = capsys.readouterr().out
    assert status == 0, out
    summary = out.strip().splitlines()[-1]
    assert re.fullmatch(r"fuzz_header: 300 iterations, \d+ NpyError, \d+ ok, 0 failures, seed 7", summary), summary
