"""A full integer index names one item, so only an item value may be stored there.

View keys are typed as tuples holding a slice or ``...``, so an all-int key such as ``(0, 0)``
takes only an item value: buffers, lists, tuples and arrays stored into one item (a ``TypeError``
at run time) must be rejected by mypy on each marked line.
"""

from __future__ import annotations

import npymmap


def view_values_into_one_item(p: str) -> None:
    w = npymmap.create(p, npymmap.float32, (3, 4))
    w[0, 0] = b"12345678"  # expect: index
    w[0, 0] = [1.0]  # expect: index
    w[0, 0] = (1.0, 2.0)  # expect: index
    w[0, 0] = w[1:2, 1:2]  # expect: index
