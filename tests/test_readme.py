"""The README's examples run as written, and its package metadata says what the package is.

Every ```python block of README.md runs, in order, in one fresh interpreter sharing one namespace
(as a reader going down the page would), in an empty folder, with NumPy unimportable, and then
once more in the same folder (files from the first run are there by then). Blocks that need NumPy
or a type checker are ```pycon or plain text, never ```python.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

RUNNER = r"""
import json, sys
sys.modules["numpy"] = None  # `import numpy` raises ImportError, as where NumPy is not installed
readme, blocks = json.loads(sys.stdin.read())
namespace = {"__name__": "__main__"}
for line, code in blocks:
    # Padded so that a traceback names the README's own line.
    exec(compile("\n" * (line - 1) + code, readme, "exec"), namespace)
import npymmap
print("README blocks ran:", len(blocks), "npymmap from", npymmap.__file__)
"""


def fenced_blocks(text: str, language: str) -> list[tuple[int, str]]:
    """Each ```language block of ``text``: (line number of its first code line, its code)."""
    blocks: list[tuple[int, str]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == f"```{language}":
            start = index + 1
            end = start
            while lines[end].strip() != "```":
                end += 1
            blocks.append((start + 1, "\n".join(lines[start:end]) + "\n"))
            index = end
        index += 1
    return blocks


def environment_with_the_package() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    return environment


def run_blocks(folder: Path, blocks: Any) -> subprocess.CompletedProcess[str]:
    """The runner over ``blocks`` ((line, code) pairs) in a fresh interpreter in ``folder``."""
    return subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([str(README), blocks]),
        cwd=folder,
        env=environment_with_the_package(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_python_blocks(folder: Path) -> subprocess.CompletedProcess[str]:
    return run_blocks(folder, fenced_blocks(README.read_text(encoding="utf-8"), "python"))


def test_the_readme_has_python_blocks_and_no_other_python_fences() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(fenced_blocks(text, "python")) >= 4
    fences = {line.strip() for line in text.splitlines() if line.strip().startswith("```")}
    assert fences <= {"```", "```python", "```sh", "```pycon", "```text"}, fences


def test_every_python_block_runs_in_order_without_numpy_and_again(tmp_path: Path) -> None:
    for attempt in ("first run, empty folder", "second run, same folder"):
        result = run_python_blocks(tmp_path)
        assert result.returncode == 0, f"{attempt}:\n{result.stdout}\n{result.stderr}"
        assert "README blocks ran:" in result.stdout, result.stdout
        assert f"npymmap from {ROOT / 'npymmap'}" in result.stdout, result.stdout


def test_the_readme_blocks_refuse_numpy(tmp_path: Path) -> None:
    """The runner's guard works: a block importing NumPy would fail."""
    result = run_blocks(tmp_path, [(1, "import numpy\n")])
    assert result.returncode != 0 and "import of numpy halted" in result.stderr, result.stderr


def classifiers() -> list[str]:
    """pyproject.toml's classifiers, read without tomllib (3.11+ only): the quoted strings of the
    ``classifiers = [...]`` list."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r"^classifiers = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    assert found, "pyproject.toml has no classifiers list"
    return re.findall(r'"([^"]+)"', found.group(1))


def test_the_metadata_names_the_pythons_and_the_status() -> None:
    names = classifiers()
    assert [name for name in names if name.startswith("Development Status :: ")], names
    for version in ("3", "3.9", "3.10", "3.11", "3.12", "3.13", "3 :: Only"):
        assert f"Programming Language :: Python :: {version}" in names
    assert "Programming Language :: Python :: Implementation :: CPython" in names
    assert "Programming Language :: Python :: Implementation :: PyPy" in names
    assert "Typing :: Typed" in names
    assert len(set(names)) == len(names)


def test_the_long_description_opens_with_what_the_library_is() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^readme = "README.md"$', text, re.MULTILINE)
    title, pitch = README.read_text(encoding="utf-8").split("\n\n")[:2]
    assert title == "# npymmap"
    assert pitch.startswith("Map NumPy `.npy` files") and "standard library" in pitch, pitch
    assert "checkout" not in pitch and "```" not in pitch, pitch


def test_the_readme_shows_the_two_commands_and_ci_runs_the_second() -> None:
    first_block = README.read_text(encoding="utf-8").split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in first_block.splitlines()]
    assert commands == ["python3 -m npymmap demo", 'python3 -m pip install -e ".[dev]" && python3 -m pytest']
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "python3 -m pytest" in ci, "CI runs the README's test command as written"
    installed = ci[ci.index("python3 -m pytest") - 1]
    assert installed.startswith("python3 -m pip install") and installed.endswith('-e ".[dev]"'), installed
