"""What ``head`` prints of one array: the part a :class:`~npymmap._cli_slices.Selection` picks,
read alone (a view of a map; of a compressed member, only the leading rows that hold it), as an
aligned table whose labels are the array's own indices.

The table is built whole to align it, so it is refused past :data:`TABLE_LIMIT` values, with
a message saying how to take fewer. Imported by the command line only.
"""

from ._base import TYPE_CHECKING, NpyError
from ._cli_slices import Selection

if TYPE_CHECKING:
    from typing import Any

    from ._cli_files import Source
    from ._cli_slices import Index
    from ._element import Element

TABLE_LIMIT = 1_000_000  # values: a table of more is refused (it is held whole, to align it)


def selected(source: "Source", selection: "Selection") -> "tuple[Any, Element[Any]]":
    """What ``selection`` picks of ``source``'s array, reading nothing else — a view, or the
    value of the one item it picks — and the array's element."""
    array = source.first_rows(selection.rows_needed) if source.compression else source.open()
    if not selection.key:
        return (array.tolist() if not array.shape else array), array.element
    return array[selection.key], array.element


def table_lines(source: "Source", key: "tuple[Index, ...]", rows: "int | None") -> "list[str]":
    """The lines of the table of what ``key`` and then ``rows`` pick of ``source``'s array
    (see :class:`Selection`; ``IndexError`` for an index the array does not have): a header
    line of column labels (the array's indices along the second axis shown, ``value`` for one
    axis, the field names for records) and a line per row, labelled with its index in the array;
    the value alone for one item; one line saying so for an array of no items or a slice that
    picks none; no line where ``rows`` leaves none. :class:`NpyError` past :data:`TABLE_LIMIT`
    values. O(values shown)."""
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
    show = formatter(element)
    if not selection.shape:
        return [show(part)]
    names = list(element.field_names)
    if names and len(selection.shape) == 1:
        fields = [formatter(field) for field in element.field_elements]
        cells = [[field(value) for field, value in zip(fields, row)] for row in part.tolist()]
    elif len(selection.shape) > 1:
        cells = [list(map(show, row)) for row in part.tolist()]
        names = [str(column) for column in selection.labels[1]]
    else:
        cells = [[show(value)] for value in part.tolist()]
        names = ["value"]
    table = [["#", *names]] + [[str(index), *row] for index, row in zip(selection.labels[0], cells)]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    return ["  ".join(cell.rjust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
