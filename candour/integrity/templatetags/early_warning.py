"""``{% person_early_warning person %}``: the early-warning part of a person's page (their
raised flags and co-accused network), shown to counter-corruption analysts only; the page
itself (candour/cases) needs no import of this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from candour.cases.models import Case
from candour.core import scoping
from candour.core.models import Person, User
from candour.core.roles import Capability
from candour.integrity import network, services
from candour.integrity.models import Declaration
from candour.integrity.rules import BY_CODE, RaisedFlag

register = template.Library()


@register.inclusion_tag("integrity/_person_early_warning.html", takes_context=True)
def person_early_warning(context: template.Context, person: Person) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.can(Capability.VIEW_INTELLIGENCE):
        return {"shown": False}
    today = timezone.localdate()
    flags = services.flags_for(user, today, person=person)
    web = network.co_accused(user, person)
    return {
        "timeline": timeline(user, person, flags),
        "shown": True,
        "person": person,
        "flags": [{"flag": flag, "title": BY_CODE[flag.rule].title} for flag in flags],
        "network": web,
        "drawing": network.draw(web),
    }


def timeline(user: User, person: Person, flags: list[RaisedFlag]) -> list[dict[str, Any]]:
    """The person's history across what the analyst may read, newest first: the cases naming
    them, their declarations, and the look-ups behind their access flags."""
    entries: list[dict[str, Any]] = []
    theirs = scoping.visible_to(user, Case).filter(allegations__subjects__subject=person)
    for case in theirs.distinct().order_by("-received_date"):
        entries.append(
            {
                "date": case.received_date,
                "what": f"{case.get_case_type_display()} {case.ref} received",
                "case_id": case.pk,
            }
        )
    for declaration in scoping.visible_to(user, Declaration).filter(person=person):
        entries.append(
            {
                "date": declaration.declared_on,
                "what": f"Declared: {declaration.get_kind_display().lower()}",
                "case_id": None,
            }
        )
    for flag in flags:
        if flag.rule.startswith("access_"):
            for fact in flag.facts:
                entries.append({"date": fact.date, "what": f"Look-up: {fact.ref}", "case_id": None})
    return sorted(entries, key=lambda entry: entry["date"], reverse=True)
