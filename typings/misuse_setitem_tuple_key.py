"""A full integer index names one item, so only an item value may be stored there.

The second ``WritableNpyArray.__setitem__`` overload (for views) takes
``tuple[int | slice | ellipsis, ...]``, which also matches an all-int tuple such as ``(0, 0)``; so
view values (buffers, lists, tuples, arrays) are accepted for a single item and fail only at run
time with ``TypeError``. mypy must reject each marked line.
"""

from __future__ import annotations

import npymmap


def view_values_into_one_item(p: str) -> None:
    w = npymmap.create(p, npymmap.float32, (3, 4))
    w[0, 0] = b"12345678"  # expect: call-overload
    w[0, 0] = [1.0]  # expect: call-overload
    w[0, 0] = (1.0, 2.0)  # expect: call-overload
    w[0, 0] = w[1:2, 1:2]  # expect: call-overload
