"""``{% person_early_warning person %}``: the early-warning part of a person's page (their
raised flags and co-accused network), shown to counter-corruption analysts only; the page
itself (candour/cases) needs no import of this app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from candour.core.models import Person
from candour.core.roles import Capability
from candour.integrity import network, services
from candour.integrity.rules import BY_CODE

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
        "shown": True,
        "person": person,
        "flags": [{"flag": flag, "title": BY_CODE[flag.rule].title} for flag in flags],
        "network": web,
        "drawing": network.draw(web),
    }
