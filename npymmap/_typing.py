"""Typing names that cost nothing at run time.

mypy reads the ``TYPE_CHECKING`` branch and sees the real ``typing`` names; the interpreter takes
the other branch, so ``import npymmap`` never imports :mod:`typing` (about 13 ms on a cold start).
Generic classes derive from :class:`Generic` here: subscripting one (``NpyArray[float]``) returns
the class itself at run time.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Generic, TypeVar, overload
else:

    def TypeVar(name, *constraints, **options):  # noqa: N802 - mirrors typing.TypeVar
        return name

    def overload(function):
        return function

    class Generic:
        __slots__ = ()

        def __class_getitem__(cls, parameters):
            return cls


__all__ = ["TYPE_CHECKING", "Generic", "TypeVar", "overload"]
