"""The ``.npy`` header: the format, its strict reader and its exact writer.

The format, as NumPy's ``numpy/lib/format.py`` documents it:

- The first 6 bytes are the magic string ``b"\\x93NUMPY"``.
- The next 2 bytes are the major and minor version, ``\\x01\\x00`` for 1.0.
- Version 1.0: the next 2 bytes are a little-endian unsigned short, ``HEADER_LEN``. Version 2.0:
  a little-endian unsigned int of 4 bytes, for headers of 64 KiB and more. Version 3.0: as 2.0,
  the header encoded in UTF-8 instead of latin-1 (for field names outside latin-1).
- The next ``HEADER_LEN`` bytes are the header: the ``repr`` of a Python dict literal with
  exactly the keys ``"descr"`` (the dtype as ``numpy.lib.format.dtype_to_descr`` gives it: a str
  such as ``'<f8'``, or a list of fields for records), ``"fortran_order"`` (a bool: the data is
  in Fortran order) and ``"shape"`` (a tuple of ints), then spaces and a final ``"\\n"``. The
  total of magic, version, length field and header is a multiple of 64 (``ARRAY_ALIGN``), so the
  data is aligned; NumPy writes the keys sorted, a trailing ``", "`` before ``"}"``, and
  ``GROWTH_AXIS_MAX_DIGITS`` (21) spare spaces minus the digits of the growth axis (axis 0, or the
  last in Fortran order), so the shape can be rewritten in place as the file grows.
- The data follows: ``prod(shape) * itemsize`` bytes, in C or Fortran order.

NumPy reads the header with ``ast.literal_eval`` (after a filter for Python 2 headers in versions
1.0 and 2.0) and refuses headers over 10,000 characters unless told otherwise.

Reading here never evaluates anything: :func:`parse_literal` accepts only the small grammar NumPy's
writers produce (a dict with str keys whose values are str, int, bool, tuple, list or dict, with
optional trailing commas) and refuses the rest with a message naming the offending position.
Headers of versions 1.0 and 2.0 may also hold what NumPy reads after its Python 2 filter: ``L``
suffixes on integers and a last line of blanks without a line end (JavaScript's npyjs wrote
one). Writing produces the exact bytes ``numpy.lib.format`` writes, including the spare spaces
and the padding to 64 bytes.
"""

from ._base import MAX_DATA_BYTES, MAX_DIMENSIONS, TYPE_CHECKING, Header, NpyFormatError, is_shape

if TYPE_CHECKING:
    from typing import Any, Callable, Union

    from ._base import Descr

    Fields = tuple[Descr, tuple[int, ...], bool, tuple[int, int], int]

    Literal = Union[str, int, bool, "tuple[Any, ...]", "list[Any]", "dict[str, Any]"]

MAGIC = b"\x93NUMPY"
ARRAY_ALIGN = 64
GROWTH_AXIS_MAX_DIGITS = 21
MAX_NESTING = 32
MAX_INT_DIGITS = 24
FIRST_READ = 4096  # holds every header NumPy writes for a simple dtype
SUPPORTED_VERSIONS = ((1, 0), (2, 0), (3, 0))
_EXPECTED_KEYS = ("descr", "fortran_order", "shape")


# ---------------------------------------------------------------------------------------------
# The literal parser: functions taking the text and a position, returning (value, next position).
# The text always ends in _END, which no rule accepts, so no rule needs a bounds check.


class _LiteralError(Exception):
    """Raised inside the parser; parse_literal turns it into a ValueError."""

    def __init__(self, what: "str", position: "int") -> None:
        super().__init__(f"header is not a valid literal: {what} at character {position}")


_END = "\0"
_WHITESPACE = " \t\r\n\f"
_DIGITS = "0123456789"
_HEX_DIGITS = "0123456789abcdefABCDEF"
_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
}  # fmt: skip
_OCTAL_DIGITS = "01234567"
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_NAMES = {"True": True, "False": False}
_CLOSERS = {"(": ")", "[": "]"}


def _skip_blanks(text: "str", pos: "int") -> "int":
    while text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _value(text: "str", pos: "int", depth: "int", legacy: "bool") -> "tuple[Any, int]":
    pos = _skip_blanks(text, pos)
    char = text[pos]
    if char == "'" or char == '"':
        return _string(text, pos, char)
    if char in _DIGITS or char == "-" or char == "+":
        return _integer(text, pos, legacy)
    if char == "{" or char == "(" or char == "[":
        if depth >= MAX_NESTING:
            raise _LiteralError(f"nesting deeper than {MAX_NESTING}", pos)
        if char == "{":
            return _dict(text, pos + 1, depth + 1, legacy)
        return _sequence(text, pos + 1, depth + 1, _CLOSERS[char], legacy)
    if char == "u" and text[pos + 1] in "'\"":
        return _string(text, pos + 1, text[pos + 1])
    if char.isalpha() or char == "_":
        end = pos
        while text[end].isalnum() or text[end] == "_":
            end += 1
        word = text[pos:end]
        if word not in _NAMES:
            raise _LiteralError(f"name {word[:40]!r} is not a literal", pos)
        return _NAMES[word], end
    raise _LiteralError("unexpected end" if char == _END and pos == len(text) - 1 else f"unexpected {char!r}", pos)


def _string(text: "str", pos: "int", quote: "str") -> "tuple[str, int]":
    start = pos + 1
    end = text.find(quote, start)
    if end < 0:
        raise _LiteralError("unterminated string", pos)
    body = text[start:end]
    if "\\" not in body and "\n" not in body and "\r" not in body and _END not in body:
        return body, end + 1
    pieces: "list[str]" = []
    pos = start
    while True:
        char = text[pos]
        if char == quote:
            return "".join(pieces), pos + 1
        if char == "\n" or char == "\r" or (char == _END and pos == len(text) - 1):
            raise _LiteralError("unterminated string", start - 1)
        if char == _END:
            raise _LiteralError("NUL character inside a string", pos)
        if char != "\\":
            pieces.append(char)
            pos += 1
            continue
        code = text[pos + 1]
        if code in _ESCAPES:
            pieces.append(_ESCAPES[code])
            pos += 2
            continue
        if code in _OCTAL_DIGITS:
            width = 1
            while width < 3 and text[pos + 1 + width] in _OCTAL_DIGITS:
                width += 1
            pieces.append(chr(int(text[pos + 1 : pos + 1 + width], 8)))
            pos += 1 + width
            continue
        width = _HEX_ESCAPES.get(code, 0)
        digits = text[pos + 2 : pos + 2 + width]
        if not width or len(digits) != width or not all(c in _HEX_DIGITS for c in digits) or int(digits, 16) > 0x10FFFF:
            raise _LiteralError("unsupported escape in string", pos)
        pieces.append(chr(int(digits, 16)))
        pos += 2 + width


def _integer(text: "str", pos: "int", legacy: "bool") -> "tuple[int, int]":
    start = pos
    if text[pos] in "+-":
        pos += 1
        while text[pos] in " \t\f":  # not a line end: Python reads "-\n0" as two lines
            pos += 1
    digits_start = pos
    while text[pos] in _DIGITS:
        pos += 1
    count = pos - digits_start
    if not count:
        raise _LiteralError("sign without a number", start)
    if count > MAX_INT_DIGITS:
        raise _LiteralError(f"integer longer than {MAX_INT_DIGITS} digits", start)
    if count > 1 and text[digits_start] == "0":
        raise _LiteralError("integer with a leading zero", start)
    number = int(text[digits_start:pos])
    if legacy and text[pos] in "lL":  # Python 2's long integers
        pos += 1
    if text[pos].isalnum() or text[pos] in "._":
        raise _LiteralError("not an integer", start)
    return (-number if text[start] == "-" else number), pos


def _sequence(text: "str", pos: "int", depth: "int", closer: "str", legacy: "bool") -> "tuple[Any, int]":
    items: "list[Any]" = []
    while True:
        pos = _skip_blanks(text, pos)
        char = text[pos]
        if char == closer:
            return (items if closer == "]" else tuple(items)), pos + 1
        item, pos = _value(text, pos, depth, legacy)
        items.append(item)
        pos = _skip_blanks(text, pos)
        char = text[pos]
        if char == ",":
            pos += 1
        elif char == closer:
            if closer == ")" and len(items) == 1:
                return item, pos + 1  # "(x)" is x in parentheses, not a tuple
            return (items if closer == "]" else tuple(items)), pos + 1
        else:
            raise _LiteralError(f"expected ',' or {closer!r}", pos)


def _dict(text: "str", pos: "int", depth: "int", legacy: "bool") -> "tuple[dict[str, Any], int]":
    result: "dict[str, Any]" = {}
    while True:
        pos = _skip_blanks(text, pos)
        char = text[pos]
        if char == "}":
            return result, pos + 1
        key_at = pos
        key, pos = _value(text, pos, depth, legacy)
        if not isinstance(key, str):
            raise _LiteralError("dict key is not a string", key_at)
        if key in result:
            raise _LiteralError(f"duplicate key {key!r}", key_at)
        pos = _skip_blanks(text, pos)
        char = text[pos]
        if char != ":":
            raise _LiteralError("expected ':'", pos)
        result[key], pos = _value(text, pos + 1, depth, legacy)
        pos = _skip_blanks(text, pos)
        char = text[pos]
        if char == ",":
            pos += 1
        elif char == "}":
            return result, pos + 1
        else:
            raise _LiteralError("expected ',' or '}'", pos)


def _first_line_indent(text: "str") -> "int":
    """Where the literal starts when Python would read its line as indented, else 0.

    As ``ast.literal_eval`` (3.10 on) reads it: spaces and tabs before the first line are
    dropped; after that, lines of blanks are skipped, and the first other line must start in
    column 0, counting a tab to the next multiple of 8 and a form feed back to 0.
    """
    start = len(text) - len(text.lstrip(" \t"))
    column = 0
    for pos in range(start, len(text)):
        char = text[pos]
        if char == " ":
            column += 1
        elif char == "\t":
            column = column // 8 * 8 + 8
        elif char in "\f\r\n":
            column = 0
        else:
            return pos if column else 0
    return 0


def parse_literal(text: "str", legacy: "bool" = True) -> "Literal":
    """Parse one literal (the header dict, in practice) with nothing after it but whitespace.

    As ``ast.literal_eval`` reads it; with ``legacy`` (headers of versions 1.0 and 2.0), also
    as NumPy reads it after its Python 2 filter: integers may carry an ``L`` suffix and the last
    line may be blanks without a line end. Raises ``ValueError`` naming the fault and the
    character position. Linear in the length of ``text``; nesting is capped at 32 levels and
    integers at 24 digits, so no input recurses deeply or builds a huge number.
    """
    stripped = text.rstrip(_WHITESPACE)
    trailing = text[len(stripped) :]
    if not legacy and trailing[-1:] not in ("", "\n", "\r") and ("\n" in trailing or "\r" in trailing):
        # Python reads a last line of blanks without a line end as an unexpected indent.
        raise ValueError(f"header is not a valid literal: indented last line at character {len(text) - 1}")
    indent = _first_line_indent(text)
    if indent:
        raise ValueError(f"header is not a valid literal: indented first line at character {indent}")
    text = stripped + _END
    try:
        value, pos = _value(text, 0, 0, legacy)
        if pos != len(text) - 1:
            raise _LiteralError("unexpected text after the literal", pos)
    except _LiteralError as error:
        raise ValueError(str(error)) from None
    return value  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Reading


def _fault(path: "str | None", reason: "str") -> "NpyFormatError":
    return NpyFormatError(reason, path)


_PREFIXES = {MAGIC + bytes(version): (version, 2 if version == (1, 0) else 4) for version in SUPPORTED_VERSIONS}


def read_prefix(prefix: "bytes", path: "str | None") -> "tuple[tuple[int, int], int, int]":
    """Read magic, version and header length from the first bytes of a file.

    Returns ``(version, header_start, header_length)``. Needs at least 12 bytes (fewer only when
    the file itself is shorter, which is then reported as truncated).
    """
    known = _PREFIXES.get(prefix[:8])
    if known is None:
        if prefix[:6] != MAGIC[: len(prefix)] or len(prefix) >= 6 and prefix[:6] != MAGIC:
            raise _fault(path, f"not a .npy file: magic string is {bytes(prefix[:6])!r}, expected {MAGIC!r}")
        if len(prefix) < 8:
            raise _fault(path, f"file is truncated: {len(prefix)} bytes, too short for the magic string")
        raise _fault(path, f"unsupported format version {prefix[6]}.{prefix[7]} (1.0, 2.0 and 3.0 are known)")
    version, width = known
    if len(prefix) < 8 + width:
        raise _fault(path, f"file is truncated: {len(prefix)} bytes, inside the header length field")
    return version, 8 + width, int.from_bytes(prefix[8 : 8 + width], "little")


_CANONICAL_ORDERS = {b"False": False, b"True": True}
# Headers already read by the shortcut, by their bytes: re-opening a file, or opening another of
# the same dtype, order and shape (a set of equal chunks), skips the parse. Bounded, like the
# caches of struct formats and re patterns.
_CANONICAL_SEEN: "dict[bytes, tuple[str, tuple[int, ...], bool]]" = {}
_CANONICAL_SEEN_MAX = 1024


def _parse_canonical(raw: "bytes", version: "tuple[int, int]", data_offset: "int") -> "Fields | None":
    """The fields when the header bytes have exactly the form NumPy's writer gives a simple dtype
    (ASCII, spaces then one newline at the end), found with a few bytes operations; ``None`` for
    any other form, which the full parser then reads. Wherever this gives a result, the full
    parser gives the same (a tested property). O(1) for a header seen before.
    """
    seen = _CANONICAL_SEEN.get(raw)
    if seen is not None:
        return seen[0], seen[1], seen[2], version, data_offset
    # b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }   \n" cut at its three joints:
    # b"{'descr': '<f8" | b"False" | b"(3, 4)" | b"   \n"
    head, _, rest = raw.partition(b"', 'fortran_order': ")
    order, _, rest = rest.partition(b", 'shape': ")
    shape_text, _, tail = rest.partition(b", }")
    fortran_order = _CANONICAL_ORDERS.get(order)
    if fortran_order is None or tail.lstrip(b" ") != b"\n":
        return None
    descr = _canonical_descr(head)
    if descr is None:
        return None
    numbers = shape_text[1:-1].split(b",")
    if numbers[-1] == b"":
        del numbers[-1]  # "(5,)" and "()"
    try:
        shape = tuple(map(int, numbers))
    except ValueError:
        return None
    # int() also takes signs, blanks and "_": only NumPy's own spelling of the tuple is taken here.
    # (bytes.find, not "in": "in" first tries the argument as an int, raising and clearing an error.)
    if b"%r" % (shape,) != shape_text or shape_text.find(b"-") >= 0 or len(shape) > MAX_DIMENSIONS:
        return None
    if len(shape_text) > 20 and max(shape) > MAX_DATA_BYTES:
        return None
    if len(_CANONICAL_SEEN) < _CANONICAL_SEEN_MAX:
        _CANONICAL_SEEN[raw] = (descr, shape, fortran_order)
    return descr, shape, fortran_order, version, data_offset


def _canonical_descr(head: "bytes") -> "str | None":
    """The descr of a header's start ``{'descr': '...``, when it is printable ASCII without
    quotes or escapes."""
    raw = head[11:]
    if head[:11] != b"{'descr': '" or not raw.isascii() or raw.find(b"\\") >= 0 or raw.find(b"'") >= 0:
        return None
    descr = raw.decode("ascii")
    return descr if descr.isprintable() else None


def parse_header(
    raw: "bytes", version: "tuple[int, int]", data_offset: "int", path: "str | None", max_header_size: "int"
) -> "Header":
    """The :class:`Header` of :func:`parse_fields`."""
    return Header(*parse_fields(raw, version, data_offset, path, max_header_size))


def parse_fields(
    raw: "bytes", version: "tuple[int, int]", data_offset: "int", path: "str | None", max_header_size: "int"
) -> "Fields":
    """Decode and validate the header dict (``raw``: the bytes after the length field) into
    ``(descr, shape, fortran_order, version, data_offset)``.

    Raises :class:`NpyFormatError` for anything NumPy would not write: undecodable bytes, a header
    over ``max_header_size`` characters, a non-dict, missing or extra keys, a shape that is not a
    tuple of non-negative ints (bools refused) or has more than 64 dimensions, a non-bool
    ``fortran_order``, or a descr that is neither a str nor a list.
    """
    if len(raw) <= max_header_size:
        canonical = _parse_canonical(raw, version, data_offset)
        if canonical is not None:
            return canonical
    try:
        text = raw.decode("utf-8" if version == (3, 0) else "latin-1")
    except UnicodeDecodeError as error:
        raise _fault(path, f"header is not valid UTF-8 (byte {error.start})") from None
    if len(text) > max_header_size:
        raise _fault(
            path,
            f"header is {len(text)} characters, over max_header_size={max_header_size}; "
            "pass a larger max_header_size if you trust the file",
        )
    try:
        literal = parse_literal(text, version != (3, 0))
    except ValueError as error:
        raise _fault(path, str(error)) from None
    if not isinstance(literal, dict):
        raise _fault(path, f"header is not a dict but a {type(literal).__name__}")
    if sorted(literal) != list(_EXPECTED_KEYS):
        raise _fault(path, f"header keys are {sorted(literal)}, expected {list(_EXPECTED_KEYS)}")
    shape = literal["shape"]
    if not is_shape(shape):
        raise _fault(path, f"shape {shape!r} is not a tuple of non-negative ints")
    if len(shape) > MAX_DIMENSIONS:
        raise _fault(path, f"shape has {len(shape)} dimensions, more than {MAX_DIMENSIONS}")
    if shape and max(shape) > MAX_DATA_BYTES:
        raise _fault(path, f"shape {shape} has a dimension over {MAX_DATA_BYTES}, more than any array can hold")
    fortran_order = literal["fortran_order"]
    if type(fortran_order) is not bool:
        raise _fault(path, f"fortran_order {fortran_order!r} is not a bool")
    descr = literal["descr"]
    if not isinstance(descr, (str, list)):
        raise _fault(path, f"descr {descr!r} is not a dtype description")
    return descr, shape, fortran_order, version, data_offset


def read_header_from(read: "Callable[[int], bytes]", path: "str | None", max_header_size: "int" = 10000) -> "Header":
    """The :class:`Header` of :func:`read_fields`."""
    return Header(*read_fields(read, path, max_header_size))


def read_fields(read: "Callable[[int], bytes]", path: "str | None", max_header_size: "int" = 10000) -> "Fields":
    """Read and validate a header with ``read(n)``, which gives the file's next ``n`` bytes
    (fewer only at its end), starting from the file's first byte; returns
    ``(descr, shape, fortran_order, version, data_offset)`` (the hot path makes no Header).

    Reads the first 4 KiB, then the rest of the header if it is longer. Raises
    :class:`NpyFormatError` for any fault, including a file that ends inside the header.
    """
    prefix = read(FIRST_READ)
    version, header_start, header_length = read_prefix(prefix, path)
    if header_length > max_header_size and (version != (3, 0) or header_length > 4 * max_header_size):
        raise _fault(
            path,
            f"header length field says {header_length} bytes, over max_header_size={max_header_size}; "
            "pass a larger max_header_size if you trust the file",
        )
    raw = prefix[header_start : header_start + header_length]
    if len(raw) < header_length:
        raw += read(header_length - len(raw))
        if len(raw) < header_length:
            raise _fault(
                path,
                f"file is truncated: header length field says {header_length} bytes, "
                f"only {len(raw)} follow",
            )
    return parse_fields(raw, version, header_start + header_length, path, max_header_size)


# ---------------------------------------------------------------------------------------------
# Writing


def format_header(
    descr: "Descr", fortran_order: "bool", shape: "tuple[int, ...]", version: "tuple[int, int] | None" = None
) -> "tuple[bytes, tuple[int, int]]":
    """The header bytes NumPy writes for this array, and the version they use.

    Byte-identical to ``numpy.lib.format``'s writer: keys sorted, values as ``repr``, 21 spare
    spaces minus the growth axis' digits, padded with spaces and a newline to a multiple of 64
    bytes. ``version=None`` picks the oldest of 1.0, 2.0, 3.0 that can hold the header.
    Raises ``ValueError`` when the asked version cannot hold it.
    """
    text = header_text(descr, fortran_order, shape)
    if shape:
        growth = shape[-1] if fortran_order else shape[0]
        text += " " * (GROWTH_AXIS_MAX_DIGITS - len(repr(growth)))
    if version is not None:
        return fit_header(text, version), version
    for candidate in SUPPORTED_VERSIONS:
        try:
            return fit_header(text, candidate), candidate
        except ValueError:
            continue
    raise ValueError("header too large for any .npy version")  # pragma: no cover - 4 GiB header


def header_text(descr: "Descr", fortran_order: "bool", shape: "tuple[int, ...]") -> "str":
    """NumPy's header dictionary for this array, without the spaces after it."""
    return f"{{'descr': {descr!r}, 'fortran_order': {fortran_order!r}, 'shape': {tuple(shape)!r}, }}"


def header_size(text: "str", version: "tuple[int, int]") -> "int":
    """The fewest bytes a header of ``version`` holding the dictionary ``text`` takes: magic,
    version, length, ``text`` and its newline. ``ValueError`` as :func:`fit_header`."""
    return len(MAGIC) + 2 + _length_width(version) + len(_encoded(text, version)) + 1


def fit_header(text: "str", version: "tuple[int, int]", end: "int | None" = None) -> "bytes":
    """The header of ``version`` around the dictionary ``text``, padded with spaces and a newline
    as NumPy pads it, to a multiple of 64 bytes (a full 64 more when it is one already), or with
    ``end`` to end exactly at byte ``end`` (so a file's data need not move). Raises
    ``ValueError`` for an unknown version, a text the version cannot encode or hold, or a header
    that does not fit before ``end``."""
    width = _length_width(version)
    encoded = _encoded(text, version)
    unpadded = len(MAGIC) + 2 + width + len(encoded) + 1
    padding = ARRAY_ALIGN - unpadded % ARRAY_ALIGN if end is None else end - unpadded
    if padding < 0:
        raise ValueError(f"a header of {unpadded} bytes does not fit before byte {end}")
    length = len(encoded) + padding + 1
    if length >= 1 << (8 * width):
        raise ValueError(f"header of {length} bytes too large for version {version}")
    return MAGIC + bytes(version) + length.to_bytes(width, "little") + encoded + b" " * padding + b"\n"


def _length_width(version: "tuple[int, int]") -> "int":
    """The bytes of the header length field of ``version``; ``ValueError`` for an unknown one."""
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"version must be one of {SUPPORTED_VERSIONS}, got {version!r}")
    return 2 if version == (1, 0) else 4


def _encoded(text: "str", version: "tuple[int, int]") -> "bytes":
    """``text`` in the encoding of ``version`` (UTF-8 for 3.0, else Latin-1)."""
    try:
        return text.encode("utf-8" if version == (3, 0) else "latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"header cannot be encoded for version {version}") from None
