"""What ``head`` prints of one array: the part a :class:`~npymmap._cli_slices.Selection` picks,
read alone (a view of a map; of a compressed member, only the leading rows that hold it), as an
aligned table whose labels are the array's own indices (``--format text``), or as JSON or CSV.

The table is built whole to align it, so it is refused past :data:`TABLE_LIMIT` values, with
a message saying how to take fewer; JSON and CSV are written as they are read, a few thousand
rows at a time, in constant memory. Imported by the command line only.
"""

from ._base import TYPE_CHECKING, NpyError
from ._cli_slices import Selection

if TYPE_CHECKING:
    from typing import Any, Iterator

    from ._cli_files import Source
    from ._cli_slices import Index
    from ._element import Element

TABLE_LIMIT = 1_000_000  # values: a table of more is refused (it is held whole, to align it)
_ROWS_AT_ONCE = 4096  # rows JSON and CSV read and write at a time


def selected(source: "Source", selection: "Selection") -> "tuple[Any, Element[Any]]":
    """What ``selection`` picks of ``source``'s array, reading nothing else — a view, or the
    value of the one item it picks — and the array's element."""
    array = source.first_rows(selection.rows_needed) if source.compression else source.open()
    if not selection.key:
        return (array.tolist() if not array.shape else array), array.element
    return array[selection.key], array.element


def table_lines(source: "Source", key: "tuple[Index, ...]", rows: "int | None", precision: "int | None") -> "list[str]":
    """The lines of the table of what ``key`` and then ``rows`` pick of ``source``'s array
    (see :class:`Selection`; ``IndexError`` for an index the array does not have): a header
    line of column labels (the array's indices along the second axis shown, ``value`` for one
    axis, the field names for records) and a line per row, labelled with its index in the array;
    the value alone for one item; one line saying so for an array of no items or a slice that
    picks none; no line where ``rows`` leaves none. Floats with ``precision`` significant
    digits if given. :class:`NpyError` past :data:`TABLE_LIMIT` values. O(values shown)."""
    from ._cli_values import formatter

    if rows == 0:
        return []
    shape = source.header().shape
    if 0 in shape:
        return [f"(empty array of shape {shape})"]
    selection = Selection(key, shape, rows)
    if not selection.size:
        return [f"(the slice picks no items: shape {selection.shape})"] if not Selection(key, shape, None).size else []
    if selection.size > TABLE_LIMIT:
        raise NpyError(
            f"{selection.size} values are more than head aligns in a table ({TABLE_LIMIT:,}): take fewer "
            "with -n or --slice, or stream them all with --format csv or --format json",
            source.name,
        )
    part, element = selected(source, selection)
    show = formatter(element, precision)
    if not selection.shape:
        return [show(part)]
    values = part.tolist()
    names = list(element.field_names)
    if names and len(selection.shape) == 1:
        fields = [formatter(field, precision) for field in element.field_elements]
        columns = [list(map(field, column)) for field, column in zip(fields, zip(*values))]
    elif len(selection.shape) > 1:
        columns = [list(map(show, column)) for column in zip(*values)]
        names = [str(column) for column in selection.labels[1]]
    else:
        columns = [list(map(show, values))]
        names = ["value"]
    columns.insert(0, list(map(str, selection.labels[0])))
    heads = ["#", *names]
    widths = [max(len(head), *map(len, column)) for head, column in zip(heads, columns)]
    line = "  ".join(f"{{:>{width}}}" for width in widths)  # (a column at a time, each line in one call)
    return [line.format(*heads).rstrip()] + [line.format(*row).rstrip() for row in zip(*columns)]


def json_lines(source: "Source", key: "tuple[Index, ...]", rows: "int | None", precision: "int | None") -> "Iterator[str]":
    """One JSON object for what ``key`` and then ``rows`` pick of ``source``'s array (see
    :func:`table_lines`), as lines for a list of such objects: ``name``, ``descr``, ``shape``
    (of what is shown) and ``values``, nested lists (a row a line) or the one item's value;
    values as :func:`~npymmap._cli_values.formatter` writes JSON. Yielded as read: O(rows at once)
    memory."""
    import json

    from ._cli_values import formatter

    selection = Selection(key, source.header().shape, rows)
    part, element = selected(source, selection)
    show = formatter(element, precision, "json")
    opening = f'  {{"name": {json.dumps(source.name)}, "descr": {json.dumps(source.header().descr)}, "shape": {list(selection.shape)}, "values": '
    if not selection.shape:
        yield opening + show(part) + "}"
        return
    yield opening + "["
    last = None
    for chunk in _chunks(part):
        for value in chunk:
            if last is not None:
                yield "    " + last + ","
            last = show(value)
    if last is not None:
        yield "    " + last
    yield "  ]}"


def csv_lines(source: "Source", key: "tuple[Index, ...]", rows: "int | None", precision: "int | None") -> "Iterator[str]":
    """CSV of what ``key`` and then ``rows`` pick of ``source``'s array, a 1-d or 2-d part: a
    header line (the column labels of :func:`table_lines`), then a line per row, values as
    :func:`~npymmap._cli_values.formatter` writes CSV (imports :mod:`csv`). :class:`NpyError`
    for a part of more than 2 axes. Yielded as read: O(rows at once) memory."""
    import csv
    import io

    from ._cli_values import formatter

    selection = Selection(key, source.header().shape, rows)
    if len(selection.shape) > 2:
        raise NpyError(
            f"CSV holds 1-d and 2-d arrays, and this is {len(selection.shape)}-d: pick a 2-d part with --slice, "
            "or use --format json",
            source.name,
        )
    part, element = selected(source, selection)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(element.field_names)
    if names and len(selection.shape) < 2:
        shows = [formatter(field, precision, "csv") for field in element.field_elements]
        cells = lambda record: [show(value) for show, value in zip(shows, record)]  # noqa: E731
    else:
        show = formatter(element, precision, "csv")
        names = [str(column) for column in selection.labels[1]] if len(selection.shape) > 1 else ["value"]
        cells = (lambda row: list(map(show, row))) if len(selection.shape) > 1 else (lambda value: [show(value)])
    writer.writerow(names)
    for chunk in [[part]] if not selection.shape else _chunks(part):
        writer.writerows(map(cells, chunk))
        yield from buffer.getvalue().split("\n")[:-1]
        buffer.seek(0)
        buffer.truncate()
    yield from buffer.getvalue().split("\n")[:-1]  # the header alone, when no row is shown


def _chunks(part: "Any") -> "Iterator[list[Any]]":
    """The rows of the array ``part`` as ``tolist()`` gives them, a few thousand at a time."""
    for start in range(0, len(part), _ROWS_AT_ONCE):
        yield part[start : start + _ROWS_AT_ONCE].tolist()
