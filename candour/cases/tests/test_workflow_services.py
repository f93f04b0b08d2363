"""The workflow's services called directly: scope, capabilities, complainants, locking, queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from candour.cases import workflow
from candour.cases.api import case_out
from candour.cases.models import Case, CaseEvent
from candour.core.models import ApiToken, AuditEntry
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator():
    return UserFactory(username="ivy", role=Role.INVESTIGATOR)


@pytest.fixture
def authority():
    return UserFactory(username="aaron", role=Role.APPROPRIATE_AUTHORITY)


@pytest.fixture
def complaint(investigator) -> Case:
    PersonFactory(ref="PC-ADAMS")
    case = workflow.record_matter(
        investigator,
        force="cambridgeshire",
        case_type="complaint",
        received_date=dt.date(2025, 9, 1),
        summary="Pushed at a protest.",
        complainants=[workflow.ComplainantDetails(name="Jane Roe", phone="01223 000000")],
    )
    return workflow.add_allegation(
        investigator,
        case.pk,
        version=case.version,
        category="use_of_force",
        subjects=[{"person_ref": "PC-ADAMS"}],
    )


def now(case: Case) -> int:
    """The case's current version (each step raises it by one or more)."""
    return Case.objects.get(pk=case.pk).version


def the_part(case: Case) -> int:
    return case.allegations.get().subjects.get().pk


def test_a_counter_corruption_analyst_reads_the_case_without_its_complainants(complaint) -> None:
    analyst = UserFactory(role=Role.CCU_ANALYST)
    shown = case_out(workflow.load_case(analyst, complaint.pk), analyst)
    assert shown["complainants"] is None
    assert "Jane Roe" not in str(shown)
    assert shown["allowed_actions"] == []


def test_the_investigator_reads_the_complainants(complaint, investigator) -> None:
    shown = case_out(workflow.load_case(investigator, complaint.pk), investigator)
    assert shown["complainants"][0]["name"] == "Jane Roe"


def test_the_case_s_own_subject_cannot_reach_it(complaint) -> None:
    adams = UserFactory(role=Role.APPROPRIATE_AUTHORITY)
    adams.person = complaint.allegations.get().subjects.get().subject
    adams.save()
    with pytest.raises(Case.DoesNotExist):
        workflow.load_case(adams, complaint.pk)


def test_another_force_s_user_gets_no_such_case(complaint) -> None:
    norfolk = UserFactory(role=Role.APPROPRIATE_AUTHORITY, forces=["norfolk"])
    with pytest.raises(Case.DoesNotExist):
        workflow.take_action(
            norfolk,
            complaint.pk,
            "record_handling",
            {"schedule_3": True},
            version=complaint.version,
        )


def test_an_investigator_cannot_decide_severity(complaint, investigator) -> None:
    workflow.take_action(
        investigator, complaint.pk, "record_handling", {"schedule_3": True}, version=now(complaint)
    )
    with pytest.raises(PermissionDenied):
        workflow.take_action(
            investigator,
            complaint.pk,
            "assess_severity",
            {"subject": the_part(complaint), "severity": "misconduct"},
            version=now(complaint),
        )


def test_the_second_of_two_saves_is_refused_and_changes_nothing(complaint, investigator, authority):
    workflow.take_action(
        investigator, complaint.pk, "record_handling", {"schedule_3": True}, version=now(complaint)
    )
    with pytest.raises(workflow.StaleVersion) as refused:
        workflow.take_action(
            authority,
            complaint.pk,
            "record_handling",
            {"schedule_3": False},
            version=complaint.version,
        )
    assert refused.value.current == now(complaint)
    assert "ivy took record_handling" in refused.value.changes[0]
    assert Case.objects.get(pk=complaint.pk).schedule_3 is True
    assert CaseEvent.objects.filter(case=complaint).count() == 3  # recorded, allegation, handling


def test_a_conduct_matter_cannot_be_handled_outside_schedule_3(investigator) -> None:
    case = workflow.record_matter(
        investigator,
        force="cambridgeshire",
        case_type="conduct_matter",
        received_date=dt.date(2025, 9, 1),
    )
    with pytest.raises(workflow.ActionRefused) as refused:
        workflow.take_action(
            investigator, case.pk, "record_handling", {"schedule_3": False}, version=case.version
        )
    assert refused.value.errors[0][0] == "schedule_3"
    assert "Only a complaint" in refused.value.detail


def test_bad_values_are_field_errors(complaint, investigator) -> None:
    workflow.take_action(
        investigator, complaint.pk, "record_handling", {"schedule_3": "yes"}, version=now(complaint)
    )
    with pytest.raises(workflow.ActionRefused) as refused:
        workflow.take_action(
            investigator,
            complaint.pk,
            "refer_to_iopc",
            {"referral": "maybe", "colour": "blue"},
            version=now(complaint),
        )
    fields = dict(refused.value.errors)
    assert "not one of: mandatory, voluntary" in fields["referral"]
    assert "takes no 'colour'" in fields["colour"]


def test_every_change_is_audited_with_its_action(complaint, investigator) -> None:
    workflow.take_action(
        investigator, complaint.pk, "record_handling", {"schedule_3": True}, version=now(complaint)
    )
    entry = AuditEntry.objects.filter(action="update", object_id=str(complaint.pk)).last()
    assert '"action":"record_handling"' in entry.detail
    assert "Jane Roe" not in entry.detail


def test_complainants_never_reach_the_export(complaint, tmp_path) -> None:
    import io

    from django.core.management import call_command

    out = tmp_path / "cases.csv"
    call_command("export", "cases", "--out", str(out), stdout=io.StringIO())
    text = out.read_text()
    assert complaint.ref in text
    assert "Jane Roe" not in text and "01223" not in text


def test_a_public_hearing_is_announced_until_28_days_after_its_outcome(complaint, authority):
    from candour.cases.models import AllegationSubject, Hearing

    part = AllegationSubject.objects.get(pk=the_part(complaint))
    Hearing.objects.create(
        part=part, forum="gross_misconduct_hearing", public=True, hearing_date=dt.date(2026, 1, 10)
    )
    part.outcome, part.outcome_date = "dismissal_without_notice", dt.date(2026, 1, 10)
    part.save()
    assert len(workflow.public_hearing_notices(on=dt.date(2026, 2, 7))) == 1
    assert workflow.public_hearing_notices(on=dt.date(2026, 2, 8)) == []
    Hearing.objects.filter(part=part).update(public=False)
    assert workflow.public_hearing_notices(on=dt.date(2026, 1, 9)) == []


def test_the_api_token_of_a_subject_gets_404_not_403(client, complaint) -> None:
    adams = UserFactory(role=Role.INVESTIGATOR)
    adams.person = complaint.allegations.get().subjects.get().subject
    adams.save()
    _, raw = ApiToken.issue(adams)
    response = client.get(f"/api/cases/{complaint.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert response.json()["errors"] == []


def test_subjects_come_from_the_case_s_force(complaint, investigator) -> None:
    PersonFactory(ref="PC-NORFOLK", force=force("norfolk"))
    with pytest.raises(workflow.ActionRefused) as refused:
        workflow.add_allegation(
            investigator,
            complaint.pk,
            version=complaint.version,
            category="use_of_force",
            subjects=[{"person_ref": "PC-NORFOLK"}],
        )
    assert "No person PC-NORFOLK in" in refused.value.errors[0][1]
