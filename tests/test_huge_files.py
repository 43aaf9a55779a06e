"""Files far larger than memory: sparse files of tens of GiB holding more than 2**32 items, opened
without reading their data, with items at the far end read and written right (positions past
32 bits), as NumPy reads them."""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import npymmap

GIB = 1 << 30


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("element", "shape", "fortran"),
    [
        (npymmap.uint16, (3 * 2**32 + 7,), False),  # 24 GiB, 1-d
        (npymmap.float64.newbyteorder(">"), (2**17, 2**16 + 3), False),  # 64 GiB, 2**33 items, 2-d
        (npymmap.int8, (2**16 + 1, 2**16 + 5), True),  # 4 GiB, Fortran order
    ],
    ids=["u2-24GiB", "f8-be-64GiB", "i1-fortran-4GiB"],
)
def test_items_at_the_far_end_of_a_sparse_file_larger_than_memory(tmp_path: Path, element: npymmap.Element[Any], shape: tuple[int, ...], fortran: bool) -> None:
    path = tmp_path / "huge.npy"
    rss_before = _rss_mib()
    with npymmap.create(path, element, shape, fortran_order=fortran, sparse=True) as made:
        assert made.size > 2**32 or fortran
        last = tuple(n - 1 for n in shape)
        made[last] = 7
        made[(0,) * len(shape)] = 3
        middle = tuple(n // 2 + 1 for n in shape)
        made[middle] = 5
        if len(shape) == 1:
            made[-4:-1] = [1, 2, 3]
        else:
            made[-1, -3:-1] = [1, 2]
            made[-2:, 0] = [4, 6]
    assert path.stat().st_size > 4 * GIB - 1 and path.stat().st_blocks * 512 < 64 << 20  # sparse
    with npymmap.open(path, element) as mapped:
        assert mapped.shape == shape and mapped.fortran_order is fortran
        assert mapped[last] == 7 and mapped[(0,) * len(shape)] == 3 and mapped[middle] == 5
        reference = np.load(path, mmap_mode="r")
        if len(shape) == 1:
            assert mapped[-5:].tolist() == reference[-5:].tolist() == [0, 1, 2, 3, 7]
            assert mapped[2**32 + 1] == reference[2**32 + 1]
        else:
            assert mapped[-1, -4:].tolist() == reference[-1, -4:].tolist() == [0, 1, 2, 7]
            assert mapped[-3:, 0].tolist() == reference[-3:, 0].tolist() == [0, 4, 6]
            assert mapped[middle[0], ...][middle[1]] == reference[middle].item() == 5
        del reference
    assert _rss_mib() - rss_before < 512  # nothing read but the pages touched
