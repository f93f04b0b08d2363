"""Declarations (docs/early-warning.md, "Declarations"): what each member of staff declares of
their associations, business interests and secondary employment, and gifts and hospitality;
read by the counter-corruption analysts of their force, and by the person on their own page.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from candour.core import audit, scoping
from candour.core.models import User
from candour.integrity.models import Declaration, DeclarationKind

# Reviewed at the annual integrity and vetting review every person has (Vetting Code of
# Practice, 2023).
REVIEW_AFTER = relativedelta(years=1)


class DeclarationRefused(ValueError):
    """A declaration that cannot be made; the message says why."""


def declare(user: User, *, kind: str, details: str) -> Declaration:
    """The user declares something about themselves; it is reviewed a year from today."""
    person = scoping.own_person(user)
    if person is None:
        raise DeclarationRefused(
            "Your account is not linked to your workforce record: ask an administrator to "
            "link it, then make your declaration."
        )
    if kind not in DeclarationKind.values:
        raise DeclarationRefused(f"{kind!r} is not a kind of declaration.")
    today = timezone.localdate()
    declaration = Declaration.objects.create(
        person=person,
        kind=kind,
        details=details.strip(),
        declared_on=today,
        review_on=today + REVIEW_AFTER,
    )
    audit.record(user, "create", declaration, force_code=person.force_id)
    return declaration
