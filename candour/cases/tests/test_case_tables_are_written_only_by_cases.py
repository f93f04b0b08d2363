"""No case table is written outside ``candour/cases/``: every write to cases, allegations, their
flags and subject rows goes through ``candour/cases/services.py`` (whose verbs are audited and
mark the change for the statistics).

The check reads the source of every other module of Candour and of the benchmarks (tests,
factories and migrations aside: they set up data) and refuses, for the case models
(``Case``, ``Allegation``, ``AllegationSubject`` and the allegation-flag table):
ORM writes (``Model.objects.create/update/delete/bulk_create/save/...`` on a name bound to a case
model, ``Model(...)``, ``.flags.add/set/remove/clear`` in a module that imports one) and SQL that
inserts into, updates, copies into or deletes from a case table. A ``.save()`` on an instance
fetched into a variable is beyond a reading of the source; such a save is still marked for the
statistics by the signal handlers (candour/cases/signals.py), and the admin writes through the
services (candour/cases/admin.py).

``ALLOWED`` lists the only exception, with its reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from candour.cases.models import Allegation, AllegationSubject, Case

ROOT = Path(__file__).resolve().parents[3]
CASE_MODELS = {"Case", "Allegation", "AllegationSubject"}
WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "save",
}
FLAG_WRITES = {"add", "set", "remove", "clear"}
BULK_WRITERS = (
    "insert",
    "update",
    "delete",
)  # bulk helpers given the model, e.g. insert_table(Case, ...)
TABLES = [m._meta.db_table for m in (Case, Allegation, AllegationSubject)] + [
    Allegation.flags.through._meta.db_table
]
SQL_WRITE = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+\"?(" + "|".join(TABLES) + r")\b",
    re.IGNORECASE,
)


ALLOWED = {
    # Fills a throw-away benchmark database with a million rows as fast as the ORM allows;
    # the statistics store of that database is built afterwards, so no mark is needed.
    "benchmarks/stats/load.py",
    # Gives that same throw-away database stages, a timeline and names for the page benchmark.
    "benchmarks/pages/prepare.py",
}


def modules() -> list[Path]:
    found = []
    for path in [*(ROOT / "candour").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("candour/cases/") or "/tests/" in relative:
            continue
        if (
            "/migrations/" in relative
            or relative in ALLOWED
            or relative
            in {
                "candour/factories.py",
                "candour/conftest.py",
            }
        ):
            continue
        found.append(path)
    return found


def case_model_names(tree: ast.AST) -> set[str]:
    """The names a module binds to the case models (``from candour.cases.models import ...``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "candour.cases.models":
            names |= {
                alias.asname or alias.name for alias in node.names if alias.name in CASE_MODELS
            }
    return names


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def writes_in(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    models = case_model_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_WRITE.search(node.value):
                found.append(f"{where}:{node.lineno}: SQL writing a case table")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in models:
            found.append(f"{where}:{node.lineno}: {func.id}(...) makes a case row")
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0] if node.args else None
        if name.startswith(BULK_WRITERS) and first is not None and root_name(first) in models:
            found.append(f"{where}:{node.lineno}: {name}() writes a case table in bulk")
        if not isinstance(func, ast.Attribute):
            continue
        owner = func.value
        flags = isinstance(owner, ast.Attribute) and owner.attr == "flags"
        if models and func.attr in FLAG_WRITES and flags:
            found.append(f"{where}:{node.lineno}: .flags.{func.attr}() changes allegation flags")
        if func.attr in WRITES and root_name(owner) in models:
            found.append(f"{where}:{node.lineno}: .{func.attr}() on case data")
    return found


def test_no_module_outside_cases_writes_a_case_table() -> None:
    found = []
    for path in modules():
        found += writes_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert found == [], "Write case data through candour/cases/services.py:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_write() -> None:
    sample = """
from candour.cases.models import Allegation, AllegationSubject as Part, Case

Case.objects.filter(pk=1).update(ref="X")
Case(force_id="norfolk", ref="X").save()
Part.objects.get(pk=1).delete()
part = Part.objects.get(pk=1)
part.allegation.flags.add("sexual")
cursor.execute("UPDATE cases_allegationsubject SET outcome = ''")
bulk.insert_table(Case, COLUMNS, table)
bulk.delete_where(Allegation.flags.through, "allegation_id", [1])
"""
    found = writes_in(sample, "sample.py")
    assert sorted(int(line.split(":")[1]) for line in found) == [4, 5, 5, 6, 8, 9, 10, 11], found


def test_reading_case_data_is_not_a_write() -> None:
    sample = """
from candour.cases.models import Case

Case.objects.filter(force_id="norfolk").count()
cursor.execute("SELECT * FROM cases_case")
"""
    assert writes_in(sample, "sample.py") == []
