"""Finding cases and people: the filters of the case list (and of ``GET /api/cases``) and the
workforce search used to pick a subject.

Every function here narrows rows the caller has already scoped (``Case.objects.visible_to``,
``visible_people``); none decides who may see what. Filters on allegations (category, flag,
subject) match one allegation that has all of them, so "sexual harassment, flagged domestic abuse,
against P123" finds the cases where one allegation is all three. Each filter is one indexed
condition, so the list stays fast at a million allegations (docs/benchmarks.md, "Case pages").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from candour.cases.models import Allegation, AllegationSubject, Case, pair_key
from candour.core import scoping
from candour.core.models import Person, User

# The list never counts or pages beyond this many cases: deep pages are slow to reach and
# nobody reads them; a narrower search is the way in.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class CaseFilters:
    """What the case list was asked for; empty means "any"."""

    q: str = ""
    force: str = ""
    case_type: str = ""
    stage: str = ""
    category: str = ""
    flag: str = ""
    subject: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    overdue: bool = False
    on: dt.date | None = None  # the day "overdue" is judged on (today when not given)

    def is_empty(self) -> bool:
        return self == CaseFilters()


def filter_cases(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    """Narrow already-scoped ``cases`` to those matching every filter given."""
    if filters.force:
        cases = cases.filter(force_id=filters.force)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.overdue:
        # Case.next_due is the nearest of the force's running duties, kept by the workflow
        # services from candour/cases/clocks.py.
        cases = cases.filter(next_due__lt=filters.on or timezone.localdate())
    if filters.received_from:
        cases = cases.filter(received_date__gte=filters.received_from)
    if filters.received_to:
        cases = cases.filter(received_date__lte=filters.received_to)
    if _reads_pairs(cases, filters):
        # One allegation with both: the pair is on the case row, in a GIN index, so the list
        # and its count read the matching cases straight from the case table.
        cases = cases.filter(allegation_pairs__contains=[pair_key(filters.category, filters.flag)])
    else:
        allegations = _matching_allegations(filters)
        if allegations is not None:
            cases = cases.filter(_with_allegations(allegations))
    if filters.q:
        cases = cases.filter(_text_match(filters.q))
    return cases


def _reads_pairs(cases: QuerySet[Case], filters: CaseFilters) -> bool:
    """Whether a category + flag filter is answered from ``Case.allegation_pairs``: on
    PostgreSQL (SQLite has no JSON containment), when no subject narrows it further. From the
    allegations' side, a common pair (about 14,000 of 400,000 cases at a million allegations)
    meant looking up every matching case for its force and order: 285 ms at p95 against the
    150 ms target (docs/benchmarks.md, "Case pages")."""
    return (
        bool(filters.category and filters.flag and not filters.subject)
        and connections[cases.db].vendor == "postgresql"
    )


# A filter on allegations matching at most this many is answered from the allegations' side.
FEW_ALLEGATIONS = 2_000


def _with_allegations(allegations: QuerySet[Allegation]) -> Q:
    """Cases with one of ``allegations``. When at most FEW_ALLEGATIONS match, their cases are
    read from the allegations' indexes (category, flag, subject) first, and the list is a plain
    filter on the primary key. Walking the list's order and testing each case instead is quick
    only when matches are common: for a rare combination (a category with a flag it seldom
    carries) it visits every case before it gives up, which the planner cannot foresee, as it
    cannot know how two columns go together (4.2 s at a million allegations, measured). When
    more match, they are common enough for that walk to find a page soon."""
    first = list(allegations.order_by().values_list("case_id", flat=True)[: FEW_ALLEGATIONS + 1])
    if len(first) <= FEW_ALLEGATIONS:
        return Q(pk__in=sorted(set(first)))
    return Q(Exists(allegations.filter(case=OuterRef("pk"))))


def _matching_allegations(filters: CaseFilters) -> QuerySet[Allegation] | None:
    if not (filters.category or filters.flag or filters.subject):
        return None
    allegations = Allegation.objects.all()
    if filters.category:
        allegations = allegations.filter(category_id=filters.category)
    if filters.flag:
        flagged = Allegation.flags.through.objects.filter(
            allegation_id=OuterRef("pk"), flag_id=filters.flag
        )
        allegations = allegations.filter(Exists(flagged))
    if filters.subject:
        against = AllegationSubject.objects.filter(
            allegation_id=OuterRef("pk"), subject__ref=filters.subject
        )
        allegations = allegations.filter(Exists(against))
    return allegations


def _text_match(text: str) -> Q:
    """The search box: a case reference (as typed or in capitals), or a subject's person_ref,
    collar number or name. The matching case ids are found first, each through an index, so
    the list query stays a plain filter on the primary key."""
    refs = {text, text.upper()}
    by_ref = Case.objects.filter(ref__in=refs).values_list("pk", flat=True)
    people = Person.objects.filter(_person_match(text)).values("pk")
    by_subject = (
        AllegationSubject.objects.filter(subject__in=people)
        .order_by()  # the model's order would join every case and put its columns in DISTINCT
        .values_list("allegation__case_id", flat=True)
        .distinct()
    )
    ids = set(by_ref[: COUNT_CAP + 1]) | set(by_subject[: COUNT_CAP + 1])
    return Q(pk__in=sorted(ids))


def _person_match(text: str) -> Q:
    text = text.strip()
    return (
        Q(ref__in={text, text.upper()})
        | Q(collar_number__in={text, text.upper()})
        | Q(name__istartswith=text)
        | Q(name__icontains=f" {text}")
    )


def visible_people(user: User) -> QuerySet[Person]:
    """The workforce records a user may look at: those of the user's forces, never their own
    (candour.core.scoping)."""
    return scoping.visible_to(user, Person)


def find_people(user: User, text: str, *, force: str = "", limit: int = 20) -> list[Person]:
    """Workforce members the user may see whose person_ref (as typed or in capitals) or collar
    number is ``text``, or whose name starts with it (or has a word starting with it): the
    subject picker at intake."""
    text = text.strip()
    if not text:
        return []
    people = visible_people(user).filter(_person_match(text)).select_related("force")
    if force:
        people = people.filter(force_id=force)
    return list(people.order_by("name", "ref")[:limit])


def allegations_against(user: User, person: Person) -> QuerySet[AllegationSubject]:
    """Every part the person has in an allegation, across cases and forces, limited to the
    cases the user may read; newest case first."""
    return (
        AllegationSubject.objects.filter(
            subject=person, allegation__case__in=Case.objects.visible_to(user).values("pk")
        )
        .select_related("allegation__case__force", "allegation__category")
        .order_by("-allegation__case__received_date", "allegation__case__ref", "allegation__ref")
    )
