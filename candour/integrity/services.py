"""Early warning's operations: the flags raised for a force or for a reader, and an analyst's
decision on one (docs/early-warning.md). ``candour warnings`` and the analyst pages call these;
neither repeats a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from candour.cases.models import Case
from candour.core import audit, scoping
from candour.core.models import Person, User
from candour.integrity.models import Decision, FlagDecision
from candour.integrity.rules import RaisedFlag, run_rules


class DecisionRefused(ValueError):
    """A decision that cannot be recorded; the message says why."""


def serving_on(people: QuerySet[Person], day: dt.date) -> QuerySet[Person]:
    """The people in the workforce on the day (an unknown joining or leaving date counts as
    in it)."""
    return people.filter(
        Q(joined_date__isnull=True) | Q(joined_date__lte=day),
        Q(left_date__isnull=True) | Q(left_date__gte=day),
    )


def _still_raised(flags: list[RaisedFlag], decisions: QuerySet[FlagDecision]) -> list[RaisedFlag]:
    """The flags not already decided "no action" for the same facts."""
    settled = set(
        decisions.filter(
            decision=Decision.NO_ACTION, fingerprint__in=[flag.fingerprint for flag in flags]
        ).values_list("person_id", "fingerprint")
    )
    return [flag for flag in flags if (flag.person_id, flag.fingerprint) not in settled]


@dataclass(frozen=True)
class WarningsReport:
    """Interchange §9: the flags raised for a force's workforce as of a day."""

    force: str
    as_of: dt.date
    people: int
    flags: list[RaisedFlag]

    def as_json(self) -> dict[str, Any]:
        return {
            "force": self.force,
            "as_of": self.as_of.isoformat(),
            "people": self.people,
            "flags": [flag.as_json() for flag in self.flags],
        }


def force_warnings(force: str, as_of: dt.date, *, rules: Iterable[str] = ()) -> WarningsReport:
    """Every flag raised for the force's workforce (``candour warnings``: an operator's job on
    the whole force, audited as a listing from the command line)."""
    cases = Case.objects.filter(force_id=force)
    people = serving_on(Person.objects.filter(force_id=force), as_of)
    decisions = FlagDecision.objects.filter(person__force_id=force)
    flags = _still_raised(run_rules(cases, people, as_of, rules=rules), decisions)
    audit.record(
        None,
        "list",
        object_type="integrity.flag",
        force_code=force,
        channel="cli",
        detail={
            "as_of": as_of,
            "rules": list(rules),
            "flags": len(flags),
            "os_user": audit.os_user(),
        },
    )
    return WarningsReport(force=force, as_of=as_of, people=people.count(), flags=flags)


def flags_for(
    user: User, as_of: dt.date, *, person: Person | None = None, rules: Iterable[str] = ()
) -> list[RaisedFlag]:
    """The flags raised from the cases the user may read, for the people they may see (never
    themselves), not yet decided "no action"; only those about ``person`` when given."""
    cases = scoping.visible_to(user, Case)
    people = serving_on(scoping.visible_to(user, Person), as_of)
    if person is not None:
        # The person's own cases are all the rules need (a colleague accused with them is in
        # the same cases).
        cases = cases.filter(allegations__subjects__subject=person).distinct()
    flags = run_rules(cases, people, as_of, rules=rules)
    if person is not None:
        flags = [flag for flag in flags if flag.person_id == person.pk]
    return _still_raised(flags, scoping.visible_to(user, FlagDecision))


def decisions_for(user: User, fingerprints: Iterable[str]) -> dict[str, FlagDecision]:
    """The decisions already recorded on these flags, by fingerprint."""
    found = scoping.visible_to(user, FlagDecision).filter(fingerprint__in=list(fingerprints))
    return {decision.fingerprint: decision for decision in found.select_related("decided_by")}


def find_flag(user: User, person: Person, fingerprint: str, as_of: dt.date) -> RaisedFlag | None:
    """The flag with this fingerprint raised today for the person, or None (decided "no
    action", or its facts changed since)."""
    for flag in flags_for(user, as_of, person=person):
        if flag.fingerprint == fingerprint:
            return flag
    return None


@transaction.atomic
def decide_flag(
    flag: RaisedFlag, *, decision: str, reason: str, by: User, channel: str = "web"
) -> FlagDecision:
    """Record an analyst's decision on a raised flag, with its reason; audited. A flag is
    decided once: a later fact raises a new flag, to be decided afresh."""
    if decision not in Decision.values:
        raise DecisionRefused(f"{decision!r} is not a decision; choose one of the four.")
    if not reason.strip():
        raise DecisionRefused("Give the reason for the decision.")
    person = scoping.get_visible(by, Person, pk=flag.person_id)
    if (
        scoping.visible_to(by, FlagDecision)
        .filter(person=person, fingerprint=flag.fingerprint)
        .exists()
    ):
        raise DecisionRefused("This flag has already been decided.")
    recorded = FlagDecision.objects.create(
        person=person,
        rule=flag.rule,
        key=flag.key,
        fingerprint=flag.fingerprint,
        raised_on=flag.raised_on,
        explanation=flag.explanation,
        facts=[fact.as_json() for fact in flag.facts],
        decision=decision,
        reason=reason.strip(),
        decided_by=by,
        decided_by_name=by.get_username(),
        decided_at=timezone.now(),
    )
    audit.record(
        by,
        "create",
        recorded,
        force_code=person.force_id,
        channel=channel,
        detail={"rule": flag.rule, "person": person.ref, "decision": decision},
    )
    return recorded


__all__ = [
    "DecisionRefused",
    "WarningsReport",
    "decide_flag",
    "decisions_for",
    "find_flag",
    "flags_for",
    "force_warnings",
    "serving_on",
]
