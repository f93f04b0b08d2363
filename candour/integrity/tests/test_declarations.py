"""Declarations: each member of staff declares and reads their own; the counter-corruption
analyst reads those of their forces, never their own, reviews due marked (docs/early-warning.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.integrity.models import Declaration
from candour.integrity.tests.scenarios import officer

pytestmark = pytest.mark.django_db


def test_a_member_of_staff_declares_and_reads_only_their_own(client, signed_in):
    me, other = officer("P900"), officer("P901")
    Declaration.objects.create(
        person=other,
        kind="association",
        details="Someone else's",
        declared_on=dt.date(2026, 1, 1),
        review_on=dt.date(2027, 1, 1),
    )
    user = signed_in(Role.INVESTIGATOR, ["cambridgeshire"], person=me)
    url = reverse("integrity:my_declarations")
    done = client.post(url, {"kind": "business_interest", "details": "Weekend security work."})
    assert done.status_code == 302
    declaration = Declaration.objects.get(person=me)
    assert declaration.review_on == timezone.localdate() + relativedelta(years=1)
    page = client.get(url).content.decode()
    assert "Weekend security work." in page and "Someone else&#x27;s" not in page
    assert AuditEntry.objects.filter(user=user, object_type="integrity.declaration").exists()


def test_an_account_with_no_workforce_record_cannot_declare(client, signed_in):
    signed_in(Role.FOI_OFFICER, ["cambridgeshire"])
    url = reverse("integrity:my_declarations")
    assert "not linked to your workforce record" in client.get(url).content.decode()
    client.post(url, {"kind": "gift_hospitality", "details": "Tickets."})
    assert not Declaration.objects.exists()


def test_the_analyst_reads_the_register_but_not_their_own_and_others_are_refused(client, signed_in):
    me, colleague = officer("P902"), officer("P903")
    for person, details in ((me, "Mine"), (colleague, "Brother-in-law convicted of fraud")):
        Declaration.objects.create(
            person=person,
            kind="association",
            details=details,
            declared_on=dt.date(2024, 1, 1),
            review_on=dt.date(2025, 1, 1),
        )
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    assert client.get(reverse("integrity:declarations")).status_code == 403
    signed_in(Role.CCU_ANALYST, ["cambridgeshire"], person=me)
    page = client.get(reverse("integrity:declarations")).content.decode()
    assert "Brother-in-law convicted of fraud" in page and "Review due" in page
    assert "Mine" not in page
