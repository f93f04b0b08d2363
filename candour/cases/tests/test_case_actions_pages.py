"""The forms of the statutory steps: only the choices allowed now, field-level errors, stale
versions refused with who changed what, and the intake pages."""

import datetime as dt

import pytest
from django.urls import reverse

from candour.cases import workflow
from candour.cases.models import Case, Complainant
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_a_misconduct_meeting(db):  # type: ignore[no-untyped-def]
    """A conduct matter against PC-ADAMS, at a misconduct meeting, through the services."""
    ivy = UserFactory(username="ivy", role=Role.INVESTIGATOR)
    aaron = UserFactory(username="aaron", role=Role.APPROPRIATE_AUTHORITY)
    PersonFactory(ref="PC-ADAMS", name="Alan Adams", collar_number="1001")
    case = workflow.record_matter(
        ivy, force="cambridgeshire", case_type="conduct_matter", received_date=dt.date(2025, 9, 1)
    )
    case = workflow.add_allegation(
        ivy,
        case.pk,
        version=case.version,
        category="sexual_harassment",
        subjects=[{"person_ref": "PC-ADAMS"}],
    )
    part = case.allegations.get().subjects.get().pk
    steps = [
        (ivy, "record_handling", {"schedule_3": True}),
        (ivy, "start_investigation", {}),
        (aaron, "assess_severity", {"subject": part, "severity": "misconduct"}),
        (ivy, "serve_notice", {"subject": part}),
        (ivy, "record_investigation_report", {}),
        (aaron, "decide_case_to_answer", {"subject": part, "decision": "case_to_answer"}),
        (aaron, "arrange_proceedings", {"subject": part, "forum": "misconduct_meeting"}),
    ]
    for user, action, params in steps:
        case = workflow.take_action(user, case.pk, action, params, version=case.version)
    return case, part, aaron


def as_authority(client, signed_in):  # type: ignore[no-untyped-def]
    return signed_in(Role.APPROPRIATE_AUTHORITY, ["cambridgeshire"])


def test_the_outcome_form_offers_only_what_a_misconduct_meeting_can_give(
    client, signed_in, at_a_misconduct_meeting
) -> None:  # type: ignore[no-untyped-def]
    case, part, _ = at_a_misconduct_meeting
    as_authority(client, signed_in)
    url = reverse("cases:action", args=[case.pk, "record_outcome"]) + f"?subject={part}"
    body = client.get(url).content.decode()
    assert 'value="final_written_warning"' in body and 'value="written_warning"' in body
    assert 'value="dismissal_without_notice"' not in body


def test_a_dismissal_posted_at_a_misconduct_meeting_is_refused_beside_the_field(
    client, signed_in, at_a_misconduct_meeting
) -> None:  # type: ignore[no-untyped-def]
    case, part, _ = at_a_misconduct_meeting
    as_authority(client, signed_in)
    url = reverse("cases:action", args=[case.pk, "record_outcome"])
    response = client.post(
        url, {"version": case.version, "subject": part, "outcome": "dismissal_without_notice"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'href="#id_outcome_0"' in body and "Select a valid choice" in body
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_stale_save_is_refused_with_who_changed_what(
    client, signed_in, at_a_misconduct_meeting
) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = at_a_misconduct_meeting
    as_authority(client, signed_in)
    url = reverse("cases:action", args=[case.pk, "record_outcome"])
    opened_at = case.version
    workflow.take_action(
        aaron,
        case.pk,
        "record_outcome",
        {"subject": part, "outcome": "written_warning"},
        version=opened_at,
    )
    response = client.post(
        url, {"version": opened_at, "subject": part, "outcome": "final_written_warning"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "aaron took record_outcome" in body and "PC-ADAMS" in body
    assert (
        Case.objects.get(pk=case.pk).allegations.get().subjects.get().outcome == "written_warning"
    )


def test_a_step_the_stage_does_not_allow_says_why_and_shows_no_form(
    client, signed_in, at_a_misconduct_meeting
) -> None:  # type: ignore[no-untyped-def]
    case, _, _ = at_a_misconduct_meeting
    as_authority(client, signed_in)
    body = client.get(reverse("cases:action", args=[case.pk, "refer_to_iopc"])).content.decode()
    assert "cannot be taken while the matter is at stage" in body
    assert '<form method="post" novalidate>' not in body


def test_the_case_page_shows_clocks_actions_and_the_timeline(
    client, signed_in, at_a_misconduct_meeting
) -> None:  # type: ignore[no-untyped-def]
    case, part, _ = at_a_misconduct_meeting
    as_authority(client, signed_in)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Record the outcome of proceedings" in body
    assert f"?subject={part}" in body
    timeline = body.split('data-testid="timeline"')[1]
    assert timeline.index("Recorded the matter") < timeline.index("Arrange misconduct proceedings")
    assert "by aaron" in timeline


def test_recording_a_complaint_then_its_allegation_with_a_subject_found_by_collar_number(
    client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    PersonFactory(ref="PC-BAKER", name="Beth Baker", collar_number="2002")
    response = client.post(
        reverse("cases:new"),
        {
            "force": "cambridgeshire",
            "case_type": "complaint",
            "received_date": "2025-10-01",
            "summary": "Rude at the front desk, 30 September, Parkside station.",
            "ref": "",
            "complainant-TOTAL_FORMS": "1",
            "complainant-INITIAL_FORMS": "0",
            "complainant-MIN_NUM_FORMS": "1",
            "complainant-MAX_NUM_FORMS": "20",
            "complainant-0-name": "Jane Roe",
            "complainant-0-email": "jane@example.org",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("cases:add_allegation", args=[case.pk])
    )
    assert Complainant.objects.get(case=case).name == "Jane Roe"
    url = reverse("cases:add_allegation", args=[case.pk])
    found = client.post(url, {"version": case.version, "find": "2002", "search": "1"})
    assert (
        "Beth Baker" in found.content.decode()
        and "There is a problem" not in found.content.decode()
    )
    saved = client.post(
        url,
        {
            "version": case.version,
            "category": "sexual_harassment",
            "flags": ["sexual"],
            "subjects": ["PC-BAKER"],
            "unidentified": "on",
            "save": "1",
        },
    )
    assert saved.status_code == 302
    parts = case.allegations.get().subjects.all()
    assert sorted(p.subject.ref if p.subject else "?" for p in parts) == ["?", "PC-BAKER"]


def test_intake_errors_are_field_by_field(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    response = client.post(
        reverse("cases:new"),
        {
            "force": "norfolk",
            "received_date_day": "1",
            "received_date_month": "13",
            "received_date_year": "2025",
            "complainant-TOTAL_FORMS": "1",
            "complainant-INITIAL_FORMS": "0",
            "complainant-0-email": "not-an-address",
            "complainant-0-phone": "01223 000000",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422
    for message in [
        "Choose the kind of matter.",
        "The date received must be a real date.",
        "Say what happened.",
        "Select a valid choice",
        "Enter an email address like name@example.org.",
        "Give the complainant&#x27;s name.",
    ]:
        assert message in body, message
    assert not Case.objects.exists()


def test_the_regulation_17_notice_is_a_pdf(client, signed_in, at_a_misconduct_meeting) -> None:  # type: ignore[no-untyped-def]
    case, part, _ = at_a_misconduct_meeting
    as_authority(client, signed_in)
    response = client.get(reverse("cases:notice_pdf", args=[case.pk, part]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def investigating(ivy, received: dt.date) -> Case:  # type: ignore[no-untyped-def]
    case = workflow.record_matter(
        ivy, force="cambridgeshire", case_type="conduct_matter", received_date=received
    )
    case = workflow.add_allegation(
        ivy, case.pk, version=case.version, category="sexual_harassment", subjects=[{}]
    )
    for action in ("record_handling", "start_investigation"):
        params = {"schedule_3": True} if action == "record_handling" else {}
        case = workflow.take_action(ivy, case.pk, action, params, version=case.version)
    return case


def test_the_list_filters_by_stage_and_by_an_overdue_time_limit(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    ivy = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    today = timezone.localdate()
    late = investigating(ivy, today - dt.timedelta(days=400))
    recent = investigating(ivy, today - dt.timedelta(days=30))
    received = workflow.record_matter(
        ivy, force="cambridgeshire", case_type="complaint", received_date=today
    )
    body = client.get(reverse("cases:list"), {"overdue": "on"}).content.decode()
    assert late.ref in body and recent.ref not in body and received.ref not in body
    assert "1 case found" in body
    body = client.get(reverse("cases:list"), {"stage": "investigation"}).content.decode()
    assert late.ref in body and recent.ref in body and received.ref not in body
