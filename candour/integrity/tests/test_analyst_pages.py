"""The analyst's pages: the queue of raised flags, a flag with its explanation and a recorded
decision, and the co-accused network on the person page; for the counter-corruption analyst
only, and audited (docs/early-warning.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.integrity.models import Decision, FlagDecision
from candour.integrity.tests.scenarios import case_against, officer

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def cluster():
    """P600 in three cases in the last year, two of them with P601."""
    person, colleague = officer("P600", name="Sam Vale"), officer("P601")
    cases = [
        case_against(person, colleague, received=days_ago(200), ref="CAM/W/1"),
        case_against(person, colleague, received=days_ago(100), ref="CAM/W/2"),
        case_against(person, received=days_ago(10), ref="CAM/W/3"),
    ]
    return person, colleague, cases


@pytest.mark.parametrize(
    "role", [Role.INVESTIGATOR, Role.APPROPRIATE_AUTHORITY, Role.VETTING_OFFICER, Role.SYSTEM_ADMIN]
)
def test_only_the_counter_corruption_analyst_reads_the_flags(client, signed_in, cluster, role):
    signed_in(role, ["cambridgeshire"])
    person = cluster[0]
    assert client.get(reverse("integrity:queue")).status_code == 403
    assert client.get(reverse("integrity:flag", args=[person.pk, "0" * 32])).status_code == 403


def test_the_queue_lists_each_flag_with_its_explanation_and_is_audited(client, signed_in, cluster):
    user = signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    page = client.get(reverse("integrity:queue")).content.decode()
    assert "Cluster of cases in 12 months: Sam Vale (P600)" in page
    assert "CAM/W/1 (complaint, received" in page
    entry = AuditEntry.objects.get(object_type="integrity.flag", action="list")
    assert entry.username == user.username


def test_a_no_action_decision_with_its_reason_takes_the_flag_off_the_queue(
    client, signed_in, cluster
):
    signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    person, _, cases = cluster
    queue = client.get(reverse("integrity:queue"))
    (item,) = queue.context["to_decide"]
    url = reverse("integrity:flag", args=[person.pk, item["flag"].fingerprint])
    page = client.get(url).content.decode()
    assert f'href="{reverse("cases:detail", args=[cases[0].pk])}"' in page
    refused = client.post(url, {"decision": Decision.NO_ACTION, "reason": ""})
    assert "Give the reason for the decision." in refused.content.decode()
    assert not FlagDecision.objects.exists()
    done = client.post(url, {"decision": Decision.NO_ACTION, "reason": "Three unrelated matters."})
    assert done.status_code == 302
    decision = FlagDecision.objects.get()
    assert (decision.person, decision.reason) == (person, "Three unrelated matters.")
    assert client.get(reverse("integrity:queue")).context["to_decide"] == []
    assert "Three unrelated matters." in client.get(url).content.decode()
    assert AuditEntry.objects.filter(object_type="integrity.flagdecision").count() == 1


def test_a_flag_no_longer_raised_is_not_found(client, signed_in, cluster):
    signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    assert client.get(reverse("integrity:flag", args=[cluster[0].pk, "0" * 32])).status_code == 404


def test_the_person_page_shows_the_co_accused_network_to_the_analyst_only(
    client, signed_in, cluster
):
    person, colleague, _ = cluster
    url = reverse("cases:person", args=[person.pk])
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    assert "co-accused-network" not in client.get(url).content.decode()
    signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    page = client.get(url).content.decode()
    assert 'data-testid="co-accused-network"' in page and "<svg" in page
    assert "P600 and P601: 2 cases together" in page
    assert f'href="{reverse("cases:person", args=[colleague.pk])}"' in page
    assert "Cluster of cases in 12 months" in page
    assert "Complaint CAM/W/3 received" in page  # the timeline


def test_the_timeline_holds_the_persons_declarations(client, signed_in, cluster):
    from candour.integrity.models import Declaration

    person = cluster[0]
    Declaration.objects.create(
        person=person,
        kind="gift_hospitality",
        details="Match tickets",
        declared_on=days_ago(5),
        review_on=days_ago(-360),
    )
    signed_in(Role.CCU_ANALYST, ["cambridgeshire"])
    page = client.get(reverse("cases:person", args=[person.pk])).content.decode()
    assert "Declared: gift or hospitality" in page
