"""The cases app holds the case data; the apps that derive figures from it (transparency: the
statistics store, FOI answers, public pages) depend on cases, never the other way round. A bulk
write tells derived stores through ``candour.core.changes.bulk_written``, which the
transparency app subscribes to, so the importer needs no import of the statistics."""

from __future__ import annotations

import ast
from pathlib import Path

CASES = Path(__file__).resolve().parents[1]
READERS = ("candour.transparency",)


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_module_of_the_cases_app_imports_an_app_that_reads_case_data():
    offenders = sorted(
        f"{path.relative_to(CASES.parent)} imports {module}"
        for path in CASES.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for module in imported_modules(path)
        if module.startswith(READERS)
    )
    assert offenders == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from candour.transparency.stats import store\n")
    assert "candour.transparency.stats" in imported_modules(module)
