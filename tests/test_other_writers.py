"""Files written by other implementations than NumPy's current Python writer, read against NumPy.

The corpus under ``tests/data/other_writers/<writer>/`` holds small ``.npy`` and ``.npz`` files
taken from public repositories (``SOURCES.md`` there names each one's repository, commit, path,
license and writer): npyjs, ndarray-npy, npy-rs, gonpy, npy-matlab, NPY-for-Fortran, fortran-lang
stdlib, npy-out (Zig), the Dart ``npy`` package, matajoh/libnpy (C++), xtensor, older NumPy
releases under Python 2 and on other platforms, and a few current-NumPy fixtures for dtypes no
other writer there produced. Many headers differ from what NumPy writes today: other spacing,
missing or extra commas, ``'<i1'`` for a byte, no newline, a newline before the padding, Python 2
``L`` suffixes, 16-byte or no alignment, version 2.0 for a small header; many archives come from
other ZIP writers (data descriptors, Info-ZIP extra fields, their own DEFLATE code).

NumPy is the oracle, as in ``test_numpy_oracle*.py``: what ``numpy.load(path, allow_pickle=False)``
accepts, npymmap must map with the same shape, ``fortran_order``, dtype (through
``numpy.asarray``), bytes and ``tolist()``; what NumPy refuses, npymmap must refuse with
:class:`npymmap.NpyError`. Two differences from NumPy are bridged here, as in
``test_numpy_oracle_records.py``: NumPy's ``tolist()`` gives sub-array fields as ``ndarray`` (turned
into lists), and datetime64/timedelta64 values are compared as the int counts npymmap gives.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from conftest import NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING, assert_same, has_time, int_view_dtype, plain

import npymmap

DATA = Path(__file__).parent / "data" / "other_writers"

# NumPy warns that headers with Python 2 spellings (``2L``, or a layout it does not write) needed
# extra parsing: expected for this corpus.
pytestmark = pytest.mark.filterwarnings("ignore:Reading `.npy` or `.npz` file required additional header parsing")


def corpus(suffix: str) -> list[str]:
    """Every file of the corpus with this suffix, as a path relative to ``DATA`` (the test id)."""
    return sorted(path.relative_to(DATA).as_posix() for path in DATA.rglob(f"*{suffix}"))


NPY_FILES = corpus(".npy")
NPZ_FILES = corpus(".npz")


def npz_cases() -> list[tuple[str, str]]:
    """(archive, member name as numpy.load names it) for every member of every archive."""
    cases: list[tuple[str, str]] = []
    for name in NPZ_FILES:
        with np.load(DATA / name, allow_pickle=False) as archive:
            cases.extend((name, member) for member in archive.files)
    return cases


NPZ_CASES = npz_cases()

# Files and ``archive::member``s that NumPy loads (object arrays: given allow_pickle=True) but
# npymmap refuses by design, with the reason: each must raise NpyError when opened and read.
EXPECTED_REFUSALS: dict[str, str] = {
    "numpy-legacy/py2-objarr.npy": "pickled object array: npymmap never unpickles",
    "numpy-legacy/py2-np0-objarr.npy": "pickled object array: npymmap never unpickles",
    "numpy-legacy/py3-objarr-old.npy": "pickled object array: npymmap never unpickles",
    "numpy-current/npyio-ragged-array.npy": "pickled object array: npymmap never unpickles",
    "numpy-current/npyz-object.npy": "pickled object array: npymmap never unpickles",
    "numpy-legacy/py2-objarr.npz::x": "pickled object array: npymmap never unpickles",
    "numpy-legacy/py3-objarr-old.npz::x": "pickled object array: npymmap never unpickles",
}


# Files whose header puts its newline before the padding spaces (npyjs): NumPy reads them on
# Python 3.9 to 3.11 only (``conftest.NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING``), npymmap on every
# Python. Their dtype, shape and values as NumPy reads them there; on later Pythons npymmap's
# reading is checked against these.
READ_WHERE_NUMPY_DOES_NOT: dict[str, tuple[str, tuple[int, ...], list[Any]]] = {
    "npyjs/out-float32.npy": ("<f4", (5, 2), [[1.899999976158142, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]),
    "npyjs/out-float64.npy": ("<f8", (5, 2), [[0.0, 1.1], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]),
    "npyjs/out-int8.npy": ("|i1", (5, 2), [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]),
}


def test_the_corpus_is_there_and_small() -> None:
    assert len(NPY_FILES) >= 50 and len(NPZ_FILES) >= 10
    sizes = [(DATA / name).stat().st_size for name in NPY_FILES + NPZ_FILES]
    assert max(sizes) <= 64 * 1024
    assert sum(sizes) <= 2 * 1024 * 1024
    assert set(EXPECTED_REFUSALS) <= set(NPY_FILES) | {f"{name}::{member}" for name, member in NPZ_CASES}
    assert set(READ_WHERE_NUMPY_DOES_NOT) <= set(NPY_FILES)
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name in NPY_FILES + NPZ_FILES:
        assert f"`{name}`" in sources, f"{name} is not listed in SOURCES.md"


# ---------------------------------------------------------------------------------------------
# NumPy's side: header fields, and values in npymmap's form.


def numpy_fortran_order(raw: bytes) -> bool:
    """The header's ``fortran_order`` as NumPy reads it (versions 2.0 and 3.0 share a layout;
    only field names, which this does not use, would decode differently)."""
    file = io.BytesIO(raw)
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        _, fortran, _ = np.lib.format.read_array_header_1_0(file)
    else:
        _, fortran, _ = np.lib.format.read_array_header_2_0(file)
    return bool(fortran)


def expected_list(loaded: npt.NDArray[Any]) -> Any:
    oracle = loaded.view(int_view_dtype(loaded.dtype)) if has_time(loaded.dtype) else loaded
    return plain(oracle.tolist())


def assert_values(got: Any, expected: Any, where: str = "") -> None:
    """``assert_same`` (types, NaN equals NaN, -0.0 is not 0.0) walking records' tuples too."""
    here = where or "top"
    if isinstance(expected, (tuple, list)):
        assert type(got) is type(expected), f"at {here}: {got!r} ({type(got).__name__}) vs {expected!r}"
        assert len(got) == len(expected), f"at {here}: length {len(got)} vs {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_values(g, e, f"{where}[{i}]")
    else:
        assert_same(got, expected, where)


def assert_like_numpy(mapped: Any, loaded: npt.NDArray[Any], fortran: bool) -> None:
    """npymmap's array (mapped or read) against NumPy's loaded one and the header's flag."""
    assert mapped.shape == loaded.shape
    assert mapped.fortran_order is fortran
    viewed = np.asarray(mapped)
    assert viewed.dtype == loaded.dtype
    assert viewed.shape == loaded.shape
    assert viewed.tobytes() == loaded.tobytes()
    assert_values(mapped.tolist(), expected_list(loaded))


def read_everything(path: str) -> None:
    """Open the file with npymmap and read every item (some refusals come only on reading)."""
    with npymmap.open(path) as mapped:
        mapped.tolist()


def numpy_refusal(load: Any) -> Exception | None:
    """What NumPy raises for ``load()``, or None when it loads."""
    try:
        load()
    except Exception as error:  # NumPy's refusals are of many types: ValueError, EOFError, ...
        return error
    return None


# ---------------------------------------------------------------------------------------------
# .npy files


@pytest.mark.parametrize("name", NPY_FILES)
def test_npy_file_reads_like_numpy(name: str) -> None:
    path = str(DATA / name)
    if name in EXPECTED_REFUSALS:
        with pytest.raises(npymmap.NpyError):
            read_everything(path)
        return
    refusal = numpy_refusal(lambda: np.load(path, allow_pickle=False))
    if name in READ_WHERE_NUMPY_DOES_NOT:
        descr, shape, values = READ_WHERE_NUMPY_DOES_NOT[name]
        if NUMPY_READS_A_NEWLINE_BEFORE_THE_PADDING:  # the table is what NumPy reads here
            assert refusal is None, refusal
            known: npt.NDArray[Any] = np.load(path, allow_pickle=False)
            assert (known.dtype.str, known.shape) == (descr, shape)
            assert_values(expected_list(known), values)
        else:  # NumPy refuses it on this Python; npymmap reads it as NumPy read it before
            assert isinstance(refusal, ValueError) and "Cannot parse header" in str(refusal), refusal
            with npymmap.open(path) as mapped:
                assert (np.asarray(mapped).dtype.str, mapped.shape, mapped.fortran_order) == (descr, shape, False)
                assert_values(mapped.tolist(), values)
            return
    if refusal is not None:  # NumPy refuses the file: so must npymmap
        with pytest.raises(npymmap.NpyError):
            read_everything(path)
        return
    loaded: npt.NDArray[Any] = np.load(path, allow_pickle=False)
    raw = (DATA / name).read_bytes()
    with npymmap.open(path) as mapped:
        assert_like_numpy(mapped, loaded, numpy_fortran_order(raw))


# ---------------------------------------------------------------------------------------------
# .npz archives


@pytest.mark.parametrize("name", NPZ_FILES)
def test_npz_archive_has_the_members_numpy_lists(name: str) -> None:
    with np.load(DATA / name, allow_pickle=False) as expected, npymmap.open_npz(DATA / name) as archive:
        assert sorted(archive.keys()) == sorted(expected.files)


@pytest.mark.parametrize(("name", "member"), NPZ_CASES, ids=[f"{name}::{member}" for name, member in NPZ_CASES])
def test_npz_member_reads_like_numpy(name: str, member: str) -> None:
    path = DATA / name
    with zipfile.ZipFile(path) as zipped:
        info = zipped.getinfo(member + ".npy")
        raw = zipped.read(info)
    stored = info.compress_type == zipfile.ZIP_STORED
    with np.load(path, allow_pickle=False) as expected:
        refused = f"{name}::{member}" in EXPECTED_REFUSALS or numpy_refusal(lambda: expected[member]) is not None
        loaded: npt.NDArray[Any] | None = None if refused else expected[member]
    with npymmap.open_npz(path) as archive:
        if loaded is None:  # refused by NumPy or by design: npymmap refuses it mapped and read
            with pytest.raises(npymmap.NpyError):
                archive[member].tolist()
            with pytest.raises(npymmap.NpyError):
                archive.read(member).tolist()
            return
        fortran = numpy_fortran_order(raw)
        if stored:
            assert_like_numpy(archive[member], loaded, fortran)
        else:
            with pytest.raises(npymmap.NpyError):
                archive[member]
        assert_like_numpy(archive.read(member), loaded, fortran)
