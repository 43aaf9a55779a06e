"""The package's shape, as the maintainers agreed it (issue 14), checked on its source: rooms of
one job and a bounded size, no import circles (lazy or not), and kind letters read only inside
the element modules, where one class per family owns what its items do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "npymmap"
MODULES = {path.stem: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.glob("*.py"))}
ELEMENT_MODULES = {"_element", "_numbers", "_text", "_records", "_registry", "_structures"}


def imported_modules(name: str) -> set[str]:
    """The package's modules that module ``name`` imports anywhere (top level, functions, and
    ``TYPE_CHECKING`` blocks alike); ``from . import name`` of a public name imports ``__init__``."""
    found: set[str] = set()
    for node in ast.walk(MODULES[name]):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            targets = [node.module] if node.module else [alias.name for alias in node.names]
            found.update(target if target in MODULES else "__init__" for target in targets)
    return found - {name}


def test_the_package_imports_in_no_circle() -> None:
    graph = {name: imported_modules(name) for name in MODULES if name != "__init__"}
    graph = {name: {target for target in targets if target != "__init__" or name == "__main__"} for name, targets in graph.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, f"import circle: {' -> '.join(path[path.index(name):] + [name])}"
        if name in done:
            return
        for target in sorted(graph.get(name, ())):
            visit(target, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert "_records" in graph["_registry"] and "_registry" not in graph["_records"]  # the circle once there


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_700_lines(name: str) -> None:
    lines = (PACKAGE / f"{name}.py").read_text(encoding="utf-8").count("\n")
    assert lines <= 700, f"{name}.py has {lines} lines"


def is_element(node: ast.expr) -> bool:
    """``element`` or ``<anything>.element``: an element, as the package names them."""
    return isinstance(node, ast.Name) and node.id == "element" or isinstance(node, ast.Attribute) and node.attr == "element"


@pytest.mark.parametrize("name", sorted(set(MODULES) - ELEMENT_MODULES))
def test_only_element_modules_read_kind_letters_or_element_names(name: str) -> None:
    """Outside the element modules, code asks an element what it needs (``is_record``,
    ``memoryview_format``, ...), never its ``kind`` nor ``element.name == ...``."""
    for node in ast.walk(MODULES[name]):
        if isinstance(node, ast.Attribute) and node.attr == "kind":
            pytest.fail(f"{name}.py line {node.lineno} reads .kind")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(side, ast.Attribute) and side.attr == "name" and is_element(side.value) for side in sides):
                pytest.fail(f"{name}.py line {node.lineno} compares an element's name")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_rebinds_module_globals_or_its_own_methods(name: str) -> None:
    """Lazy loading goes through PEP 562 (``__init__.__getattr__``) only: no ``global``
    statement binds a module or a stand-in, and no method replaces a method of its class
    (``self.get = ...``), but ``close``, which disarms them."""
    for node in ast.walk(MODULES[name]):
        if isinstance(node, ast.Global):
            pytest.fail(f"{name}.py line {node.lineno}: global statement")
        if not isinstance(node, ast.ClassDef):
            continue
        methods = [item for item in node.body if isinstance(item, ast.FunctionDef)]
        names = {method.name for method in methods}
        for method in methods:
            if method.name == "close":
                continue
            for inner in ast.walk(method):
                if not isinstance(inner, ast.Assign):
                    continue
                for target in inner.targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                        assert target.attr not in names, f"{name}.py line {inner.lineno}: self.{target.attr} replaced"


def test_every_kind_letter_has_one_element_class() -> None:
    """The registry's table names a class for each of NumPy's kinds npymmap reads, and each of
    those classes reads a code of its kind back to an element of that kind."""
    from npymmap import _registry

    codes = {"b": "b1", "i": "i4", "u": "u2", "f": "f8", "c": "c16", "M": "M8[ns]", "m": "m8[s]", "S": "S3", "U": "U2", "V": "V4"}
    assert set(_registry.KINDS) == set(codes)
    for kind, cls in _registry.KINDS.items():
        element = _registry.lookup("<" + codes[kind])
        assert type(element) is cls and element.kind == kind
