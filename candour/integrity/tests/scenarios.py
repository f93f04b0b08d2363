"""Test helpers that plant case histories, so that each test reads like the pattern it plants."""

from __future__ import annotations

import datetime as dt
import itertools

from candour.cases.models import Case, Category, Complainant
from candour.core.models import Person
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
)

AS_OF = dt.date(2026, 12, 1)
PLAIN = "police_action_following_contact"  # a category that carries no theme
_refs = itertools.count(1)


def officer(ref: str, **fields: object) -> Person:
    return PersonFactory(ref=ref, **fields)


def case_against(
    *people: Person,
    received: dt.date,
    category: str = PLAIN,
    flags: list[str] | None = None,
    allegations: int = 1,
    complainant: dict[str, str] | None = None,
    ref: str = "",
) -> Case:
    """A complaint received on the day, with ``allegations`` allegations each naming every one
    of ``people``, and a complainant when given (their name, address, email, phone)."""
    case = CaseFactory(ref=ref or f"CAM/{received.year}/{next(_refs):04d}", received_date=received)
    for number in range(1, allegations + 1):
        allegation = AllegationFactory(
            case=case,
            ref=f"A{number}",
            category=Category.objects.get(code=category),
            flags=flags or [],
        )
        for person in people:
            AllegationSubjectFactory(allegation=allegation, subject=person)
    if complainant is not None:
        Complainant.objects.create(case=case, **complainant)
    return case
