"""The exceptions npymmap raises for bad input.

Every fault in a file's content is an :class:`NpyError`, itself a :class:`ValueError`, whose message
starts with the file's name. Faults of the operating system (a missing file, no permission, no
space) stay :class:`OSError`.
"""

from __future__ import annotations


class NpyError(ValueError):
    """A file, header or element that npymmap cannot accept.

    ``path`` is the file concerned (``None`` when there is none, such as a bad element name) and
    ``reason`` the fault alone, without the path.
    """

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.reason = reason
        self.path = path


class NpyFormatError(NpyError):
    """The bytes are not a well-formed ``.npy`` file: magic, version, header or size."""


class UnsupportedDtypeError(NpyError):
    """The header's dtype is valid NumPy but npymmap cannot map it (objects, long double, ...)."""


class DtypeMismatchError(NpyError):
    """The file's dtype is not the element the caller asked for."""
