"""Imports run downward only: shell and dashboard on top, warehouse in the middle, extract and scrapers
at the bottom knowing nothing of each other (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "scrapers": {"scrapers"},
    "extract": {"extract"},
    "warehouse": {"warehouse", "scrapers", "extract"},
    "skillradar": {"skillradar", "warehouse", "scrapers", "extract"},
    "dashboard": {"dashboard", "warehouse", "extract"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def test_no_package_imports_upward_or_sideways():
    violations = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            for imported in imported_packages(path) - allowed:
                violations.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert violations == []
