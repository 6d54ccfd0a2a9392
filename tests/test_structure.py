"""Structure of the package: no private name crosses a module boundary.

A private (``_name``) helper used by a second module is a shared concept without a home:
it belongs, under a public name, in the module named after it (frame checks in
:mod:`coopstats.checks`, reference tables in :mod:`coopstats.reference` ...). The test parses
every module of ``src/coopstats`` with :mod:`ast`; it imports nothing.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "coopstats"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(module: str | None, level: int, here: str, is_package: bool) -> str:
    """The absolute module an ``import`` statement in module ``here`` refers to."""
    if level == 0:
        return module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path) -> list[str]:
    """``file:line: what`` for each private name taken from another coopstats module."""
    here = _module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    modules: set[str] = set()  # local names bound to coopstats modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, here, is_package)
            if not source.startswith("coopstats"):
                continue
            parent = here if is_package else here.rpartition(".")[0]
            for alias in node.names:
                own_submodule = source == parent and (
                    PACKAGE.parent.joinpath(*source.split("."), f"{alias.name}.py").is_file()
                )
                if _private(alias.name) and source != here and not own_submodule:
                    found.append(f"{path.name}:{node.lineno}: from {source} import {alias.name}")
                modules.add(alias.asname or alias.name)  # may be a submodule: checked below
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("coopstats"):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.value.id not in ("self", "cls")
        ):
            found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(p) for p in MODULES])
def test_no_private_name_is_imported_across_modules(path):
    assert private_imports(path) == []


def test_the_check_sees_private_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "coopstats"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def _helper():\n    return 1\n")
    bad = pkg / "sub" / "b.py"
    bad.write_text(
        "from ..a import _helper\nfrom .. import a\nfrom coopstats.a import _helper as h\n"
        "x = a._helper()\nfrom . import _own_private_module\nfrom .. import _not_a_module\n"
        "import numpy as np\ny = np._NoValue\n"
    )
    (pkg / "sub" / "_own_private_module.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", pkg)
    found = private_imports(bad)
    assert found == [
        "b.py:1: from coopstats.a import _helper",
        "b.py:3: from coopstats.a import _helper",
        "b.py:6: from coopstats import _not_a_module",
        "b.py:4: a._helper",
    ]
    ok = pkg / "a2.py"
    ok.write_text("from .a import helper\ndef _own():\n    return _own\n")
    assert private_imports(ok) == []
