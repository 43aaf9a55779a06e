"""Command line: ``python -m npymmap demo | info | head | validate | stat`` (the ``npymmap`` script).

Every command that takes FILE arguments takes ``.npy`` files, ``.npz`` archives (every ``.npy``
member) and ``archive.npz::member`` alike: :mod:`._cli_files` turns each argument into the
arrays it names, and :mod:`._cli_values` prints values as NumPy's ``str()`` does (or as JSON or
CSV). ``head``'s selection and table are in :mod:`._cli_slices` and :mod:`._cli_head`,
``stat``'s figures in :mod:`._cli_stat`.

A fault is one line on stderr naming the file (or member) and the fault, with exit status 1
(2 for usage), never a traceback; the other files are still done. A closed stdout (``| head``)
stops the command quietly with status 141, as a tool killed by SIGPIPE ends in a shell. Nothing
read from a file is ever evaluated. argparse (and json and csv for those formats) are imported only here.
"""

import sys

from . import NpyError, __version__, create, float64, open, read_header
from ._base import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator, TypeVar

    from ._cli_files import FileArgument, Source
    from ._cli_slices import Index

    T = TypeVar("T")

_FAULTS = (OSError, ValueError, IndexError)  # a file's faults: NpyError is a ValueError; an index it lacks
CLOSED_PIPE_STATUS = 141  # 128 + SIGPIPE, what a shell reports for a tool killed writing to a closed pipe


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


def _attempt(work: "Callable[[], T]") -> "T | Exception":
    """``work()``, or the file's fault it raised (``OSError``, ``ValueError``). ``work`` prints
    nothing: a closed stdout is no fault of a file."""
    try:
        return work()
    except _FAULTS as error:
        return error


def _each_file(files: "list[str]") -> "Iterator[tuple[str, FileArgument | Exception]]":
    """Each FILE with the arrays it names (a :class:`FileArgument`, closed once the caller is
    done with it), or with its fault when it cannot be read."""
    from ._cli_files import FileArgument

    for argument in files:
        found = _attempt(lambda: FileArgument(argument))
        if isinstance(found, Exception):
            yield argument, found
            continue
        try:
            yield argument, found
        finally:
            found.close()


def _error(name: "str", error: "BaseException") -> "None":
    """The fault's line on stderr: ``npymmap: <name>: <fault>``."""
    print(f"npymmap: {name}: {_reason(error)}", file=sys.stderr)


def _reason(error: "BaseException") -> "str":
    """The fault alone, without the file's name."""
    if isinstance(error, NpyError):
        return error.reason
    return str(getattr(error, "strerror", None) or error)


def _entry(source: "Source") -> "tuple[dict[str, Any] | None, Exception | None]":
    """What ``info`` reports of one array, and the fault that keeps it from being read; ``None``
    for the entry when its header cannot be read."""
    from . import lookup

    header = _attempt(source.header)
    if isinstance(header, Exception):
        return None, header
    try:
        described = _describe(lookup(header.descr))
    except NpyError as error:
        described = f"(npymmap cannot map it: {error.reason})"
    fault = _attempt(lambda: source.check(False))
    entry: "dict[str, Any]" = {"path": source.path}
    if source.member is not None:
        entry["member"] = source.member
    entry.update(
        descr=header.descr,
        type=described,
        shape=list(header.shape),
        fortran_order=header.fortran_order,
        version=list(header.version),
        data_offset=header.data_offset,
        size=source.size,
        compressed=bool(source.compression),
        fault=None if fault is None else _reason(fault),
    )
    return entry, fault


def _entry_lines(entry: "dict[str, Any]", source: "Source") -> "list[str]":
    """The text ``info`` prints for one entry."""
    descr = entry["descr"] if isinstance(entry["descr"], str) else repr(entry["descr"])
    lines = [
        source.name,
        f"  descr        {descr}  {entry['type']}",
        f"  shape        {tuple(entry['shape'])}",
        f"  order        {'Fortran' if entry['fortran_order'] else 'C'}",
        f"  version      {entry['version'][0]}.{entry['version'][1]}",
        f"  data offset  {entry['data_offset']}",
        f"  size         {entry['size']} bytes",
    ]
    if "member" in entry:
        lines.append(f"  storage      {_storage(source)}")
    return lines


def _storage(source: "Source") -> "str":
    """How a member is stored: ``stored: mapped in place`` or why it cannot be mapped."""
    if not source.compression:
        return "stored: mapped in place"
    return f"compressed with {source.compression}: cannot be mapped; NpzFile.read loads it into memory"


def info(files: "list[str]", as_json: "bool") -> "int":
    """Print the header of each array the FILEs name, and for a member how it is stored; 1 if
    any file or array failed, which includes every array ``open`` would refuse (its header is
    still shown, its fault on stderr)."""
    failed = 0
    report: "list[dict[str, Any]]" = []
    for argument, found in _each_file(files):
        if isinstance(found, Exception):
            _error(argument, found)
            failed = 1
            continue
        if not found.sources and not as_json:
            print(f"{argument}\n  (an archive of no arrays)")
        for source in found.sources:
            entry, fault = _entry(source)
            if entry is not None:
                report.append(entry)
                if not as_json:
                    _print_lines(_entry_lines(entry, source))
            if fault is not None:
                _error(source.name, fault)
                failed = 1
    if as_json:
        import json

        _print_lines(json.dumps(report, indent=2).splitlines())
    return failed


def head(files: "list[str]", rows: "int | None", key: "tuple[Index, ...]", format: "str", precision: "int | None") -> "int":
    """Print what ``key`` (``--slice``; ``()`` for all) and then ``rows`` (``-n``: the first
    ``rows`` rows, all but the last ``-rows`` if negative, ``None`` for all) pick of each array
    the FILEs name, reading only that: as a table labelled with the array's indices, a line
    ``==> name <==`` before each array unless one FILE names one array (``format`` ``'text'``);
    as a JSON list of an object per array (``'json'``); as CSV of one array (``'csv'``). 1 if
    any failed."""
    from ._cli_head import csv_lines, json_lines, table_lines

    lines = {"text": table_lines, "json": json_lines, "csv": csv_lines}[format]
    failed = 0
    titled = len(files) > 1 and format == "text"
    printed = 0
    held = None  # JSON: the last line of the object before, printed with a comma if another follows
    if format == "json":
        print("[")
    for argument, found in _each_file(files):
        if isinstance(found, Exception):
            _error(argument, found)
            failed = 1
            continue
        if format == "csv" and len(found.sources) > 1:
            _error(argument, NpyError(f"CSV holds one array and this archive has {len(found.sources)}: name one, {argument}::name"))
            failed = 1
            continue
        for source in found.sources:
            if format == "text" and (titled or found.is_archive):
                print(("\n" if printed else "") + f"==> {source.name} <==")
            printed += 1
            if held is not None:
                print(held + ",")
            fault, held = _print_all(lambda: lines(source, key, rows, precision), format == "json")
            if fault is not None:
                _error(source.name, fault)
                failed = 1
    if held is not None:
        print(held)
    if format == "json":
        print("]")
    return failed


def _print_all(lines: "Callable[[], Iterable[str]]", hold_last: "bool") -> "tuple[Exception | None, str | None]":
    """Print each line ``lines()`` gives as they come (but the last when ``hold_last``); the
    file's fault that stops them, if one does (a fault of printing, such as a closed pipe, is
    raised), and the line held back."""
    held = None
    each = _attempt(lambda: iter(lines()))
    if isinstance(each, Exception):
        return each, None
    while True:
        try:
            line = next(each)
        except StopIteration:
            return None, held
        except _FAULTS as error:
            return error, held
        if held is not None:
            print(held)
        if hold_last:
            held = line
        else:
            print(line)


def validate(files: "list[str]", deep: "bool") -> "int":
    """One line per array the FILEs name: ``OK    <name>`` or ``FAIL  <name>: <fault>`` (and
    one per FILE that cannot be read); 1 if any failed. A compressed member that is sound is OK,
    with a note that it cannot be mapped."""
    failed = 0
    for argument, found in _each_file(files):
        if isinstance(found, Exception):
            print(f"FAIL  {argument}: {_reason(found)}")
            failed = 1
            continue
        if not found.sources:
            print(f"OK    {argument} (an archive of no arrays)")
        for source in found.sources:
            fault = _attempt(lambda: source.check(deep))
            if fault is not None:
                print(f"FAIL  {source.name}: {_reason(fault)}")
                failed = 1
            else:
                note = f" ({_storage(source)})" if source.compression else ""
                print(f"OK    {source.name}{note}")
    return failed


def stat(files: "list[str]", format: "str", precision: "int | None", ignore_nan: "bool") -> "int":
    """Print the count, min, max, mean, std, NaN and infinity counts of each array of numbers
    the FILEs name (a row per array, or per field of numbers of records), read a chunk at a
    time, once all are read; 1 if any file failed or held no numbers."""
    from ._cli_stat import stat_lines, statistics

    failed = 0
    rows = []
    for argument, found in _each_file(files):
        if isinstance(found, Exception):
            _error(argument, found)
            failed = 1
            continue
        for source in found.sources:
            figures = _attempt(lambda: statistics(source, ignore_nan))
            if isinstance(figures, Exception):
                _error(source.name, figures)
                failed = 1
            else:
                rows += figures
    _print_lines(stat_lines(rows, format, precision))
    return failed


def _print_lines(lines: "list[str]") -> "None":
    """Print each line, a write each when stdout is unbuffered (``python -u``,
    ``PYTHONUNBUFFERED``): there a write the closed pipe cuts short loses the rest silently, and
    only the next write tells the pipe is closed."""
    for line in lines:
        print(line)


def _silence_stdout() -> "None":
    """Point stdout at the null device, so that the interpreter's last flush of what is left in
    its buffer does not fail again on the closed pipe (and print "Exception ignored")."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # no file descriptor behind stdout: nothing will flush to the pipe


def main(argv: "list[str] | None" = None, prog: "str | None" = None) -> "int":
    """Run the command line; returns the exit status: 0, 1 for a failed file, 2 for usage, 141
    when stdout was closed before all was written (``| head``), 130 on Ctrl-C. ``prog`` is the
    name usage messages give (by default the script's: ``npymmap``)."""
    try:
        try:
            return _run(argv, prog)
        finally:
            sys.stdout.flush()  # here, where a closed pipe is caught (argparse's --help exits too)
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_PIPE_STATUS
    except KeyboardInterrupt:
        return 130


def _slice_argument(text: "str") -> "tuple[Index, ...]":
    """``--slice``'s index, or argparse's usage error saying what is wrong with it."""
    import argparse

    from ._cli_slices import parse_slice

    try:
        return parse_slice(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_output_options(parser: "Any") -> "None":
    """``--format text|json|csv`` and ``--precision N`` (significant digits of the floats
    printed), for the commands that print values: stat and head."""
    parser.add_argument(
        "--format", choices=("text", "json", "csv"), default="text",
        help="text: aligned columns (default); json: a list of objects, NaN and infinities as the strings "
        "\"nan\", \"inf\", \"-inf\"; csv: a header line, then a line per row",
    )  # fmt: skip
    parser.add_argument(
        "--precision", type=_positive, metavar="N", default=None,
        help="print floats with N significant digits (default: the fewest that read back, as NumPy's str() prints them)",
    )  # fmt: skip


def _positive(text: "str") -> "int":
    """An int of 1 or more, for argparse."""
    import argparse

    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return number


def _run(argv: "list[str] | None", prog: "str | None") -> "int":
    import argparse

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Map NumPy .npy files and .npz archives without NumPy. A FILE is a .npy file, a .npz archive "
        "(each of its arrays) or archive.npz::member (one of them).",
    )
    parser.add_argument("--version", action="version", version=f"npymmap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="create a small file, reopen it read-only, print what happened")
    info_parser = commands.add_parser(
        "info",
        help="show the header of each array; exit 1 for any that cannot be read",
        description="Show the header of each array (a compressed member's too, which cannot be mapped). "
        "An array open() would refuse (truncated data, ...) still shows its header; its fault goes to stderr "
        "and the exit status is 1.",
    )
    info_parser.add_argument("files", nargs="+", metavar="FILE")
    info_parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default), or json: a list of objects, one per array"
    )
    info_parser.add_argument("--json", action="store_true", help="the same as --format json")
    head_parser = commands.add_parser(
        "head",
        help="print the first rows of each array, or any slice of it",
        description="Print the first rows (along axis 0) of each array, or what --slice picks, as a table labelled "
        "with the array's indices, reading only what it shows (of a compressed member, only the start of its "
        "stream). Values print as NumPy's str() prints them. An array of no items prints one line saying so; a line "
        "'==> name <==' goes before each array unless one FILE names one array. The table is refused past "
        "1,000,000 values.",
    )
    head_parser.add_argument("files", nargs="+", metavar="FILE")
    how_many = head_parser.add_mutually_exclusive_group()
    how_many.add_argument(
        "-n", type=int, default=None, metavar="N",
        help="rows to print (default 10, or all that --slice picks); 0 prints none; -K all but the last K",
    )
    how_many.add_argument("--all", action="store_true", help="print every row")
    head_parser.add_argument(
        "--slice", type=_slice_argument, default=(), metavar="INDEX",
        help="NumPy's index of what to show, e.g. '0:5, :, -1', '..., 2' or '::-10' (ints, start:stop:step, ...); "
        "-n then takes the first rows of it",
    )
    _add_output_options(head_parser)
    validate_parser = commands.add_parser(
        "validate",
        help="check headers and sizes; one OK/FAIL line per array",
        description="Check that each array can be read: header, element and size, as open() checks them. "
        "A compressed member cannot be mapped; when it is sound it is OK, with a note saying so.",
    )
    validate_parser.add_argument("files", nargs="+", metavar="FILE")
    validate_parser.add_argument(
        "--deep", action="store_true", help="also check every bool is 0/1 and every string decodes (reads all the data)"
    )
    stat_parser = commands.add_parser(
        "stat",
        help="count, min, max, mean, std, NaN and infinity counts of each array of numbers",
        description="Print the count, min, max, mean, std (population), NaN and infinity counts of each array of "
        "numbers (bool, int, float, complex; datetime64 and timedelta64: count, min, max, NaT in the nan column), "
        "a row per array (per field of numbers, for records), as NumPy's min(), max(), mean() and std() give them "
        "(an array holding NaN: nan; the mean is exact, then rounded). Reads each array a chunk at a time, in "
        "constant memory (a compressed member through its stream). An array of no numbers (text, raw bytes) is "
        "a fault: a line on stderr, exit status 1.",
    )
    stat_parser.add_argument("files", nargs="+", metavar="FILE")
    _add_output_options(stat_parser)
    stat_parser.add_argument(
        "--ignore-nan", action="store_true",
        help="min, max, mean and std of the items that are not NaN, as NumPy's nanmin, nanmax, nanmean, nanstd",
    )  # fmt: skip
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        return demo()
    if arguments.command == "info":
        return info(arguments.files, arguments.json or arguments.format == "json")
    if arguments.command == "head":
        rows = arguments.n
        if rows is None and not arguments.all and not arguments.slice:
            rows = 10  # without --slice, the first 10 rows; with it, all it picks
        return head(arguments.files, rows, arguments.slice, arguments.format, arguments.precision)
    if arguments.command == "validate":
        return validate(arguments.files, arguments.deep)
    if arguments.command == "stat":
        return stat(arguments.files, arguments.format, arguments.precision, arguments.ignore_nan)
    return 2  # pragma: no cover - argparse refuses unknown commands first


if __name__ == "__main__":
    import os

    # Usage as it was run: "python3 -m npymmap" (or the package it is vendored as)
    sys.exit(main(prog=f"{os.path.basename(sys.executable) or 'python'} -m {__spec__.parent if __spec__ else 'npymmap'}"))
