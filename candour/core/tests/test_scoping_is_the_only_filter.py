"""candour.core.scoping is the only place that filters by the user's forces or by the user's own
workforce record: this test reads every module of the application (not the tests) and fails on
a query written with the user's forces or person anywhere else.

What it looks for, in the syntax tree rather than the text (so comments and docstrings do not
count):
- ``user.forces.<read>()`` and ``user.force_codes()`` on a user (``user``, ``request.user``, ``by``);
- an ORM lookup (``filter``, ``exclude``, ``get``, ``Q`` ...) on a force (``force``,
  ``force_id__in``, ``person__force__in``, ``forces__code`` ...) whose value comes from a user,
  or any lookup through ``users``;
- ``user.person`` / ``user.person_id`` (the "never your own record" rule).
Filtering by forces a request named (``?force=norfolk``, a statistics query's forces) after the
scope was applied is fine, and not flagged: its value is not the user.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2]  # candour/
SCOPING = APP / "core" / "scoping.py"
USER_NAMES = {"user", "request", "by", "viewer", "me"}
USER_HELPERS = {"force_codes", "forces_of", "counting_forces", "visible_to"}
QUERY_METHODS = {
    "filter",
    "exclude",
    "get",
    "get_or_create",
    "update_or_create",
    "Q",
    "filter_by",
}
FORCE_KEY = re.compile(r"(^|__)(force|forces|force_id|force_code)(__code|_id)?(__in)?$")
PERSON_KEY = re.compile(r"(^|__)(subject|subject_id|person|person_id)(__in)?$")
READS = {"all", "filter", "exclude", "values", "values_list", "first", "exists", "count"}


def _is_user(node: ast.AST) -> bool:
    """``user``, ``request.user``, ``self.request.user``, ``by``."""
    if isinstance(node, ast.Name):
        return node.id in USER_NAMES
    return isinstance(node, ast.Attribute) and node.attr == "user"


def _from_user(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if _is_user(sub):
            return True
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in USER_HELPERS:
                return True
    return False


def findings(source: str, filename: str = "<source>") -> list[str]:
    """Each line that filters by the user's forces or person, as ``file:line: what``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            if node.attr in READS and isinstance(node.value, ast.Attribute):
                if node.value.attr == "forces" and _is_user(node.value.value):
                    found.append(f"{filename}:{line}: reads the user's forces")
            if node.attr == "force_codes" and _is_user(node.value):
                found.append(f"{filename}:{line}: reads the user's force codes")
            if node.attr in ("person", "person_id") and _is_user(node.value):
                found.append(f"{filename}:{line}: uses the user's own workforce record")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in QUERY_METHODS:
                continue
            for keyword in node.keywords:
                key = keyword.arg or ""
                if "users" in key.split("__"):
                    found.append(f"{filename}:{line}: looks up through users ({key})")
                elif FORCE_KEY.search(key) and _from_user(keyword.value):
                    found.append(f"{filename}:{line}: filters by the user's forces ({key})")
                elif PERSON_KEY.search(key) and _from_user(keyword.value):
                    found.append(f"{filename}:{line}: filters by the user's person ({key})")
    return found


def application_modules() -> list[Path]:
    return [
        path
        for path in sorted(APP.rglob("*.py"))
        if path != SCOPING
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and path.name != "conftest.py"
    ]


def test_no_module_but_scoping_filters_by_the_users_forces_or_person() -> None:
    modules = application_modules()
    assert len(modules) > 50  # the scan really reads the application
    found = [f for path in modules for f in findings(path.read_text(), str(path.relative_to(APP)))]
    assert found == [], "use candour.core.scoping instead:\n" + "\n".join(found)


def test_the_scan_finds_the_filters_it_forbids() -> None:
    forbidden = """
Case.objects.filter(force__in=user.forces.all())
Case.objects.filter(force_id__in=request.user.force_codes())
VettingApplication.objects.get(pk=pk, person__force_id__in=scoping.force_codes(user))
FoiAnswer.objects.exclude(forces__in=Force.objects.exclude(users=user))
AllegationSubject.objects.filter(allegation__case=OuterRef("pk"), subject_id=user.person_id)
Q(force=self.request.user.forces.first())
"""
    found = findings(forbidden)
    for line in range(2, 8):
        assert any(f.startswith(f"<source>:{line}:") for f in found), (line, found)


def test_the_scan_leaves_a_filter_by_a_force_the_request_named_alone() -> None:
    allowed = """
cases = Case.objects.visible_to(user).filter(force_id=force)
people = Person.objects.filter(force_id__in=result.query.forces)
answer.forces.set(Force.objects.filter(code__in=forces))
form = StatisticsForm(request.GET, forces=scoping.forces_of(user))
"""
    assert findings(allowed) == []


def test_the_scoping_module_itself_is_what_the_scan_would_flag() -> None:
    assert findings(SCOPING.read_text(), "scoping.py")
