"""The oracle: the cases source counted a second, independent way, by joining the case tables
with Django's ORM (one ``values(...).annotate(Count(..., distinct=True))`` per table). It is
slow at a million rows and is not how Candour counts (``engine.py`` counts from the DuckDB
store that ``sql.py`` generates from the declaration); it is kept because it is written by hand
from the counting rules, not from the declaration, so the tests can compare the two on
generated records (``tests/test_stats_store.py``). ``STATS_FLAT_TABLE = False`` also counts with
it, to rule the store out when a figure is in doubt.

Counting rules (interchange §1, docs/formats.md): a case is a ``case_ref`` within a force; an allegation
is an ``allegation_ref`` within a case; an officer is a distinct subject (workforce ``Person``)
within a force. Subjects who were never identified have no ``Person`` and are not counted as
officers. Blank or missing values count under ``unknown``; an allegation with no theme under
``none``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.db.models.lookups import LessThanOrEqual

from candour.cases.models import SUBJECT_PART_CODES, Allegation, AllegationSubject, Case
from candour.core.periods import (
    Year,
    financial_year_expression,
    month_expression,
    quarter_expression,
    working_days_expression,
)
from candour.transparency.stats.query import Key, StatsQuery

UNKNOWN, NO_FLAG = "unknown", "none"
CASE, ALLEGATION, SUBJECT = "case", "allegation", "subject"
LEVEL_DEPTH = {CASE: 0, ALLEGATION: 1, SUBJECT: 2}
COUNT_LEVEL = {"cases": CASE, "allegations": ALLEGATION, "officers": SUBJECT}

# Each dimension: (level, field, kind); a "field" may be blank or NULL (counted as unknown)
# unless its kind is "required".
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "year": ("date", "", "year"),
    "financial_year": ("date", "", "financial_year"),
    "quarter": ("date", "", "quarter"),
    "month": ("date", "", "month"),
    "force": (CASE, "force_id", "required"),
    "case_type": (CASE, "case_type", "required"),
    "handling": (CASE, "schedule_3", "handling"),
    "days_to_finalise": (CASE, "", "days_to_finalise"),
    "category": (ALLEGATION, "category_id", "required"),
    "flag": (ALLEGATION, "flags__code", "flag"),
    **{code: (SUBJECT, code, "field") for code in SUBJECT_PART_CODES},
}


def _base_level(query: StatsQuery) -> str:
    """The most detailed level the query needs: counting starts from that table and reaches
    the others through foreign keys (inner joins, never a fan-out except through flags)."""
    levels = {COUNT_LEVEL[query.count]}
    for code in query.by:
        level = DIMENSIONS[code][0]
        levels.add(_date_level(query) if level == "date" else level)
    if query.date_field == "outcome_date" and (query.date_from or query.date_to):
        levels.add(SUBJECT)
    return max(levels, key=LEVEL_DEPTH.__getitem__)


def _date_level(query: StatsQuery) -> str:
    return SUBJECT if query.date_field == "outcome_date" else CASE


# A matter is handled outside or within Schedule 3 (``Case.schedule_3``); the time to finalise
# is in working days (Monday to Friday) from receipt to ``Case.finalised_on``, in bands of at most
# so many days (the bands are data in the cases source: candour/transparency/stats/sources).
HANDLING = {False: "outside_schedule_3", True: "within_schedule_3"}


def _days_bands() -> list[tuple[str, int | None]]:
    from candour.transparency.stats.sources.cases import FINALISE_BANDS

    return [(band.code, band.up_to) for band in FINALISE_BANDS]


_MODELS: dict[str, Any] = {CASE: Case, ALLEGATION: Allegation, SUBJECT: AllegationSubject}
# How to reach each level from each base table.
_PREFIX = {
    SUBJECT: {CASE: "allegation__case__", ALLEGATION: "allegation__", SUBJECT: ""},
    ALLEGATION: {CASE: "case__", ALLEGATION: "", SUBJECT: "subjects__"},
    CASE: {CASE: "", ALLEGATION: "allegations__", SUBJECT: "allegations__subjects__"},
}
# The column each count counts distinctly, per base table.
_COUNT_TARGET = {
    SUBJECT: {
        "cases": "allegation__case_id",
        "allegations": "allegation_id",
        "officers": "subject_id",
    },
    ALLEGATION: {"cases": "case_id", "allegations": "id"},
    CASE: {"cases": "id"},
}


def _path(base: str, level: str, name: str) -> str:
    return _PREFIX[base][level] + name


def _date_path(query: StatsQuery, base: str) -> str:
    if query.date_field == "outcome_date":
        return _path(base, SUBJECT, "outcome_date")
    if query.date_field == "finalised_date":
        return _path(base, CASE, "finalised_on")
    return _path(base, CASE, "received_date")


def _expression(query: StatsQuery, base: str, code: str) -> Any:
    level, field, kind = DIMENSIONS[code]
    if kind == "year":
        return Year(_date_path(query, base))
    if kind == "financial_year":
        return financial_year_expression(_date_path(query, base))
    if kind == "month":
        return month_expression(_date_path(query, base))
    if kind == "quarter":
        return quarter_expression(_date_path(query, base))
    if kind == "handling":
        path = _path(base, CASE, "schedule_3")
        return CaseWhen(
            *(When(**{path: yes}, then=Value(code)) for yes, code in HANDLING.items()),
            default=Value(UNKNOWN),
        )
    if kind == "days_to_finalise":
        start, end = _path(base, CASE, "received_date"), _path(base, CASE, "finalised_on")
        days = working_days_expression(start, end)
        bands = _days_bands()
        return CaseWhen(
            When(**{f"{end}__isnull": True}, then=Value(UNKNOWN)),
            *(
                When(LessThanOrEqual(days, up_to), then=Value(code))
                for code, up_to in bands
                if up_to is not None
            ),
            default=Value(next(code for code, up_to in bands if up_to is None)),
        )
    path = _path(base, level, field)
    if kind == "flag":
        return Coalesce(F(path), Value(NO_FLAG))
    if kind == "required":
        return F(path)
    return Coalesce(NullIf(F(path), Value("")), Value(UNKNOWN))


def filtered(query: StatsQuery) -> tuple[QuerySet[Any], str]:
    """The base queryset with every filter applied, and the level it starts from."""
    base = _base_level(query)
    qs = _MODELS[base].objects.all()
    conditions = Q()
    if query.forces:
        conditions &= Q(**{_path(base, CASE, "force_id__in"): list(query.forces)})
    if query.case_type:
        conditions &= Q(**{_path(base, CASE, "case_type"): query.case_type})
    date_path = _date_path(query, base)
    if query.date_from:
        conditions &= Q(**{f"{date_path}__gte": query.date_from})
    if query.date_to:
        conditions &= Q(**{f"{date_path}__lte": query.date_to})
    qs = qs.filter(conditions)
    if query.flags:
        qs = qs.filter(_any_flag(base, query.flags))
    return qs.order_by(), base


def _any_flag(base: str, flags: Iterable[str]) -> Exists:
    """Rows whose allegation carries any of the flags (a case: any of its allegations)."""
    through = Allegation.flags.through
    if base == CASE:
        link = {"allegation__case_id": OuterRef("pk")}
    else:
        link = {"allegation_id": OuterRef("allegation_id" if base == SUBJECT else "pk")}
    return Exists(through.objects.filter(flag_id__in=list(flags), **link))


def _count(query: StatsQuery, base: str, by: tuple[str, ...] = ()) -> Count:
    """Count distinct cases, allegations or subjects. Where the thing counted is the base row
    itself and no theme join can repeat a row, every row is distinct already: plain COUNT
    gives the same number without the database de-duplicating a million values."""
    target = _COUNT_TARGET[base][query.count]
    if target == "id" and "flag" not in by:
        return Count("id")
    return Count(target, distinct=True)


def group(query: StatsQuery, by: tuple[str, ...]) -> dict[Key, int]:
    qs, base = filtered(replace(query, by=by))
    names = {code: f"d_{code}" for code in by}
    rows = (
        qs.annotate(**{names[c]: _expression(query, base, c) for c in by})
        .values(*names.values())
        .annotate(n=_count(query, base, by))
        .order_by()
    )
    out: dict[Key, int] = {}
    for row in rows:
        key = tuple(UNKNOWN if row[names[c]] is None else row[names[c]] for c in by)
        out[key] = out.get(key, 0) + row["n"]
    return out


def total(query: StatsQuery) -> int:
    qs, base = filtered(replace(query, by=()))
    return qs.aggregate(n=_count(query, base))["n"] or 0
