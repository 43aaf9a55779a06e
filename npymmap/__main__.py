"""Command line: ``python -m npymmap demo``.

The demo needs nothing but the standard library: it creates a small ``.npy`` file, fills it
through its map, reopens it read-only and prints what it did.
"""

import sys

from . import __version__, create, float64, open, read_header


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
            print(f"  table.T.tolist()[0] = {table.T.tolist()[0]}")
            try:
                table[0, 0] = 1.0  # type: ignore[index]
            except TypeError as error:
                print(f"  a read-only map refuses writes: TypeError: {error}")
        print("NumPy reads the same file with numpy.load(path); this demo never imported it.")
    return 0


def main(argv: "list[str] | None" = None) -> "int":
    """Run the command line; returns the exit status (2 for a usage error)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m npymmap", description="Map NumPy .npy files without NumPy.")
    parser.add_argument("--version", action="version", version=f"npymmap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="create a small file, reopen it read-only, print what happened")
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        return demo()
    return 2  # pragma: no cover - argparse refuses unknown commands first


if __name__ == "__main__":
    sys.exit(main())
