"""Command line: ``python -m npymmap demo | info | head | validate``.

Errors are one line on stderr naming the file and the fault, with exit status 1 (2 for usage),
never a traceback. argparse (and json for ``info --json``) are imported only here.
"""

import builtins
import sys

from . import Header, NpyError, __version__, create, float64, open, read_header
from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

open_file = builtins.open


def demo() -> "int":
    """Create, fill, reopen and read a small file in a temporary folder; print each step."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="npymmap-demo-") as folder:
        path = os.path.join(folder, "table.npy")
        print(f"npymmap {__version__} demo, Python {sys.version.split()[0]}, standard library only")
        with create(path, float64, (3, 4)) as table:
            for i in range(3):
                table[i, :] = [i * 10.0 + j for j in range(4)]
        header = read_header(path)
        print(
            f"created {path}: shape {header.shape}, descr {header.descr!r}, "
            f"version {header.version[0]}.{header.version[1]}, data at byte {header.data_offset}, "
            f"{os.path.getsize(path)} bytes"
        )
        print("filled it through the map: table[i, :] = [i * 10 + j for j in range(4)]")
        with open(path, float64) as table:
            print(f"reopened read-only: shape {table.shape}, mode {table.mode!r}")
            print(f"  table[2, 3]         = {table[2, 3]}")
            print(f"  table[1, ...]       = {table[1, ...].tolist()}")
            print(f"  table[:, 2] (view)  = {table[:, 2].tolist()}")
            print(f"  table.T.tolist()[0] = {table.T[0, ...].tolist()}")  # (the same list, typed as one)
            try:
                table[0, 0] = 1.0  # type: ignore[index]
            except TypeError as error:
                print(f"  a read-only map refuses writes: TypeError: {error}")
        print("NumPy reads the same file with numpy.load(path); this demo never imported it.")
    return 0


_ORDER_WORDS = {"<": "little-endian", ">": "big-endian", "|": ""}


def _describe(element: "Any") -> "str":
    """``little-endian float64``, ``str_(5) big-endian``, ``record of 3 fields``."""
    if element.is_record:
        return f"record of {len(element.field_names)} fields"
    name = repr(element).replace("npymmap.", "").split(".newbyteorder")[0]
    return " ".join(part for part in (_ORDER_WORDS[element.byteorder], name) if part)


def _entries(path: "str") -> "list[dict[str, Any]]":
    """What ``info`` reports: one entry per .npy file or .npz member. Raises NpyError / OSError."""
    import os

    from . import NpyFormatError, lookup
    from ._header import read_header_from
    from ._zip import FILE_HEADER_SIGNATURE

    with open_file(path, "rb") as file:
        is_zip = file.read(4) == FILE_HEADER_SIGNATURE
    members: "list[tuple[str | None, Header, int]]" = []
    if not is_zip:
        members.append((None, read_header(path), os.path.getsize(path)))
    else:
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.filename.endswith(".npy"):
                        with archive.open(info) as stream:
                            where = f"{path}::{info.filename}"
                            members.append((info.filename[:-4], read_header_from(stream.read, where), info.file_size))
        except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError) as error:
            raise NpyFormatError(f"not a readable .npz archive: {error}", path) from None
    entries = []
    for member, header, size in members:
        try:
            described = _describe(lookup(header.descr))
        except NpyError as error:
            described = f"(npymmap cannot map it: {error.reason})"
        entry: "dict[str, Any]" = {"path": path}
        if member is not None:
            entry["member"] = member
        entry.update(
            descr=header.descr,
            type=described,
            shape=list(header.shape),
            fortran_order=header.fortran_order,
            version=list(header.version),
            data_offset=header.data_offset,
            size=size,
        )
        entries.append(entry)
    return entries


def info(paths: "list[str]", as_json: "bool") -> "int":
    """Print each file's (and each .npz member's) header; 1 if any file failed."""
    failed = 0
    report: "list[dict[str, Any]]" = []
    for path in paths:
        try:
            report.extend(_entries(path))
        except (NpyError, OSError) as error:
            _error(path, error)
            failed = 1
    if as_json:
        import json

        print(json.dumps(report, indent=2))
        return failed
    for entry in report:
        print(entry["path"] + (f"::{entry['member']}" if "member" in entry else ""))
        descr = entry["descr"] if isinstance(entry["descr"], str) else repr(entry["descr"])
        print(f"  descr        {descr}  {entry['type']}")
        print(f"  shape        {tuple(entry['shape'])}")
        print(f"  order        {'Fortran' if entry['fortran_order'] else 'C'}")
        print(f"  version      {entry['version'][0]}.{entry['version'][1]}")
        print(f"  data offset  {entry['data_offset']}")
        print(f"  size         {entry['size']} bytes")
    return failed


def head(path: "str", count: "int") -> "int":
    """Print the first ``count`` rows (along axis 0) with aligned columns; reads only those."""
    try:
        with open(path) as array:
            if not array.shape:
                print(repr(array[()]))
                return 0
            rows = array[: max(count, 0)].tolist()
            names = list(array.element.field_names) or None
    except (NpyError, OSError) as error:
        _error(path, error)
        return 1
    cells = [[repr(value) for value in (row if isinstance(row, (list, tuple)) else [row])] for row in rows]
    header = ["#"] + (names or ([str(column) for column in range(len(cells[0]))] if cells and len(cells[0]) > 1 else ["value"]))
    table = [header] + [[str(index)] + row for index, row in enumerate(cells)]
    widths = [max(len(line[column]) for line in table if column < len(line)) for column in range(len(header))]
    for line in table:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths)).rstrip())
    return 0


def validate(paths: "list[str]", deep: "bool") -> "int":
    """One line per file, ``OK`` or ``FAIL <path>: <fault>``; 1 if any failed."""
    failed = 0
    for path in paths:
        try:
            with open(path) as array:
                if deep:
                    _check_values(array)
            print(f"OK    {path}")
        except (NpyError, OSError, ValueError) as error:
            print(f"FAIL  {path}: {getattr(error, 'reason', None) or error}")
            failed = 1
    return failed


def _check_values(array: "Any") -> "None":
    """Every item holds a value NumPy writes (bools 0 or 1, text that decodes): the items' bytes
    checked by the element, about 64 KiB at a time along the first axis."""
    if not array.shape:
        array.element.check_items(array.tobytes(), array.path)
        return
    step = max(1, (1 << 16) // max(1, array.nbytes // max(1, len(array))))
    for start in range(0, len(array), step):
        array.element.check_items(array[start : start + step].tobytes(), array.path)


def _error(path: "str", error: "BaseException") -> "None":
    message = str(error) if isinstance(error, NpyError) else f"{path}: {getattr(error, 'strerror', None) or error}"
    print(f"npymmap: {message}", file=sys.stderr)


def main(argv: "list[str] | None" = None) -> "int":
    """Run the command line; returns the exit status (1 for a failed file, 2 for usage)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m npymmap", description="Map NumPy .npy files without NumPy.")
    parser.add_argument("--version", action="version", version=f"npymmap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="create a small file, reopen it read-only, print what happened")
    info_parser = commands.add_parser("info", help="show the header of .npy files and .npz members")
    info_parser.add_argument("files", nargs="+", metavar="FILE")
    info_parser.add_argument("--json", action="store_true", help="print a JSON list of objects instead")
    head_parser = commands.add_parser("head", help="print the first rows of a .npy file")
    head_parser.add_argument("file", metavar="FILE")
    head_parser.add_argument("-n", type=int, default=10, metavar="N", help="rows to print (default 10)")
    validate_parser = commands.add_parser("validate", help="check headers and sizes; one line per file")
    validate_parser.add_argument("files", nargs="+", metavar="FILE")
    validate_parser.add_argument("--deep", action="store_true", help="also check every bool is 0/1 and every string decodes")
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        return demo()
    if arguments.command == "info":
        return info(arguments.files, arguments.json)
    if arguments.command == "head":
        return head(arguments.file, arguments.n)
    if arguments.command == "validate":
        return validate(arguments.files, arguments.deep)
    return 2  # pragma: no cover - argparse refuses unknown commands first


if __name__ == "__main__":
    sys.exit(main())
