"""The vetting officer's pages: the queue, a person's record, decisions and the figures,
scoped to the officer's forces and audited."""

import datetime as dt

import pytest
from django.urls import reverse

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import PersonFactory, force
from candour.vetting import services
from candour.vetting.models import Decision

pytestmark = pytest.mark.django_db


def expiring(force_code: str, ref: str):  # type: ignore[no-untyped-def]
    person = PersonFactory(force=force(force_code), ref=ref)
    application = services.apply_for_vetting(person, "rv", applied_on=dt.date(2014, 1, 1))
    services.decide_vetting(application, Decision.GRANTED, decided_on=dt.date(2014, 2, 1))
    return person


def test_the_queue_shows_overdue_and_awaiting_decision(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    expiring("norfolk", "NOR-LAPSED")
    services.apply_for_vetting(PersonFactory(force=force("norfolk"), ref="NOR-NEW"), "mv")
    body = client.get(reverse("vetting:queue")).content.decode()
    overdue = body.index("Overdue")
    assert body.index("NOR-LAPSED") > overdue
    assert "NOR-NEW" in body.split("Awaiting decision</caption>")[1]


def test_a_norfolk_vetting_officer_never_sees_suffolk_people(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    suffolk = expiring("suffolk", "SUF-LAPSED")
    services.apply_for_vetting(PersonFactory(force=force("suffolk"), ref="SUF-NEW"), "rv")
    body = client.get(reverse("vetting:queue")).content.decode()
    assert "SUF-LAPSED" not in body and "SUF-NEW" not in body
    assert client.get(reverse("vetting:person", args=[suffolk.pk])).status_code == 404
    application = suffolk.vetting.first()
    assert client.get(reverse("vetting:application", args=[application.pk])).status_code == 404


def test_pages_need_the_vetting_capability(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.FOI_OFFICER, ["norfolk"])
    for name in ["vetting:queue", "vetting:counts", "vetting:candidates"]:
        assert client.get(reverse(name)).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("vetting:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reading_a_vetting_record_is_audited(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    user = signed_in(Role.VETTING_OFFICER, ["norfolk"])
    person = expiring("norfolk", "NOR-1")
    client.get(reverse("vetting:person", args=[person.pk]))
    entry = AuditEntry.objects.last()
    assert (entry.user, entry.action, entry.object_type, entry.force_code) == (
        user,
        "view",
        "vetting.person",
        "norfolk",
    )


def test_recording_a_refusal_through_the_form(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    application = services.apply_for_vetting(PersonFactory(force=force("norfolk")), "rv")
    url = reverse("vetting:application", args=[application.pk])
    missing_reason = client.post(url, {"action": "decide", "decision": "refused"})
    assert missing_reason.status_code == 200
    assert "Choose the reason" in missing_reason.content.decode()
    response = client.post(
        url, {"action": "decide", "decision": "refused", "reason": "financial", "note": "CCJs"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.decision, application.reason) == ("refused", "financial")


def test_recording_a_check_and_an_appeal_through_the_forms(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    application = services.apply_for_vetting(PersonFactory(force=force("norfolk")), "rv")
    url = reverse("vetting:application", args=[application.pk])
    client.post(url, {"action": "check", "check_type": "pnd", "result": "adverse"})
    client.post(url, {"action": "decide", "decision": "refused", "reason": "intelligence"})
    client.post(url, {"action": "appeal", "grounds": "The intelligence is about my brother."})
    client.post(url, {"action": "appeal_outcome", "outcome": "upheld"})
    application.refresh_from_db()
    assert application.checks.get().result == "adverse"
    assert application.appeals.get().outcome == "upheld"
    assert application.expires_on is not None


def test_the_figures_page_counts_refusals_by_reason(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    application = services.apply_for_vetting(
        PersonFactory(force=force("norfolk")), "rv", applied_on=dt.date(2023, 5, 1)
    )
    services.decide_vetting(
        application, Decision.REFUSED, reason="dishonesty", decided_on=dt.date(2023, 6, 1)
    )
    body = client.get(
        reverse("vetting:counts"), {"date_from": "2023-01-01", "date_to": "2023-12-31"}
    ).content.decode()
    assert "Dishonesty or non-disclosure in the application" in body
    assert "Recruitment Vetting (RV)" in body  # the reference table with its sources


def test_granting_to_a_leaver_through_the_form_needs_the_confirmation(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    person = PersonFactory(force=force("norfolk"), left_date=dt.date(2016, 5, 31))
    application = services.apply_for_vetting(person, "rv")
    url = reverse("vetting:application", args=[application.pk])
    page = client.get(url).content.decode()
    assert "left the workforce on 31 May 2016" in page and "govuk-warning-text" in page
    refused = client.post(url, {"action": "decide", "decision": "granted"})
    assert refused.status_code == 200
    assert "Confirm that you mean to grant clearance" in refused.content.decode()
    application.refresh_from_db()
    assert application.decision == ""
    confirmed = client.post(
        url, {"action": "decide", "decision": "granted", "confirm_left_workforce": "on"}
    )
    assert confirmed.status_code == 302
    application.refresh_from_db()
    assert application.decision == "granted"


def test_upholding_a_leavers_appeal_through_the_form_needs_the_confirmation(
    client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    person = PersonFactory(force=force("norfolk"), left_date=dt.date(2016, 5, 31))
    application = services.apply_for_vetting(person, "rv")
    services.decide_vetting(application, Decision.REFUSED, reason="other")
    services.lodge_appeal(application, "The intelligence is about my brother.")
    url = reverse("vetting:application", args=[application.pk])
    refused = client.post(url, {"action": "appeal_outcome", "outcome": "upheld"})
    assert refused.status_code == 200
    assert "or dismiss the appeal instead" in refused.content.decode()
    assert application.appeals.get().outcome == ""
    confirmed = client.post(
        url, {"action": "appeal_outcome", "outcome": "upheld", "confirm_left_workforce": "on"}
    )
    assert confirmed.status_code == 302 and application.appeals.get().outcome == "upheld"


def test_the_form_offers_no_confirmation_for_someone_still_serving(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    application = services.apply_for_vetting(PersonFactory(force=force("norfolk")), "rv")
    page = client.get(reverse("vetting:application", args=[application.pk])).content.decode()
    assert "confirm_left_workforce" not in page and "left the workforce" not in page
