"""The layering docs/architecture.md promises, checked on the source itself.

Each package may import only the packages below it; a flow never imports `telegram`; the pure
arithmetic never loads a table; nothing imports inside a function to dodge a cycle (only
matplotlib is imported late, and only where drawing happens).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sicapai"

ALLOWED = {
    "reports": {"reports"},
    "models": {"models", "reports"},
    "excel": {"excel", "models", "reports"},
    "handlers": {"handlers", "excel", "models", "reports"},
    "runtime": {"runtime", "handlers", "models", "reports"},
    "bot": {"bot", "runtime", "handlers", "excel", "models", "reports"},
}
LATE_IMPORTS_ALLOWED = {
    "sicapai.reports.charts",
    "telegram.error",
    "sicapai.bot.logs",
    "sicapai.bot.telegram",
    "sicapai.bot.runner",
    "sicapai.runtime.charts",
}


def modules() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def imported(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import of a SiCapai or third-party module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, id(node) in top or _in_type_checking(tree, node)))
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
    return found


def _in_type_checking(tree: ast.Module, node: ast.AST) -> bool:
    for block in tree.body:
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test):
            if any(child is node for child in ast.walk(block)):
                return True
    return False


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_each_package_imports_only_what_lies_below_it(path: Path) -> None:
    package = package_of(path)
    if package not in ALLOWED:
        return  # sicapai/__init__.py, data/
    for module, _ in imported(path):
        if module.startswith("sicapai."):
            target = module.split(".")[1]
            assert target in ALLOWED[package], f"{path.name} ({package}) imports {module}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_import_hides_inside_a_function(path: Path) -> None:
    for module, at_top in imported(path):
        if not at_top:
            assert module in LATE_IMPORTS_ALLOWED, f"{path.name} imports {module} in a function"


def test_flows_never_import_telegram() -> None:
    for path in (ROOT / "handlers").rglob("*.py"):
        for module, _ in imported(path):
            assert not module.startswith("telegram"), f"{path.name} imports {module}"


def test_the_pure_arithmetic_loads_no_table() -> None:
    probe = (
        "import sys, sicapai.reports.capaian, sicapai.reports.summary, "
        "sicapai.reports.consistency, sicapai.reports.reminders\n"
        "loaded = [m for m in sys.modules if m.startswith(('sqlmodel', 'sqlalchemy', "
        "'sicapai.models', 'matplotlib'))]\n"
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
