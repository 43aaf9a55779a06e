"""What every other module shares: the exceptions, and typing names that cost nothing at run time.

Exceptions: every fault in a file's content is an :class:`NpyError`, itself a :class:`ValueError`,
whose message starts with the file's name. Faults of the operating system (a missing file, no
permission, no space) stay :class:`OSError`.

Typing: mypy reads the ``TYPE_CHECKING`` branch and sees the real :mod:`typing` names; the
interpreter takes the other, so ``import npymmap`` never imports :mod:`typing` (about 13 ms on a
cold start). Generic classes derive from :class:`Generic` here, and subscripting one
(``NpyArray[float]``) returns the class itself at run time. Every annotation in the package is a
string, so none is evaluated at import either.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Generic as Generic, TypeVar as TypeVar, overload as overload
else:

    def TypeVar(name, *constraints, **options):  # noqa: N802 - mirrors typing.TypeVar
        return name

    def overload(function):
        return function

    class Generic:
        __slots__ = ()

        def __class_getitem__(cls, parameters):
            return cls


class NpyError(ValueError):
    """A file, header or element that npymmap cannot accept.

    ``path`` is the file concerned (``None`` when there is none, such as a bad element name) and
    ``reason`` the fault alone, without the path.
    """

    def __init__(self, reason: "str", path: "str | None" = None) -> "None":
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.reason = reason
        self.path = path


class NpyFormatError(NpyError):
    """The bytes are not a well-formed ``.npy`` file: magic, version, header or size."""


class UnsupportedDtypeError(NpyError):
    """The header's dtype is valid NumPy but npymmap cannot map it (objects, long double, ...)."""


class DtypeMismatchError(NpyError):
    """The file's dtype is not the element the caller asked for."""
