"""One subject's outcome changed through each public write path moves the published figure.

The figure is ``candour stats --by outcome --count officers``: the engine's answer, counted from
the statistics store. Each test builds the store first (so a path that forgot to mark its change
would leave the old figure standing), changes the outcome of one subject's part from a written
warning to dismissal with notice, and asks again.

Another path (the API's ``record_outcome`` action, a page form) gets its test here too: write a
function ``change(part, outcome, outcome_date)`` that goes through the path, and call
``assert_the_figure_moves(change)`` (see ``test_the_service_moves_the_figure``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from candour.cases import services
from candour.cases.interchange.cases import COLUMNS
from candour.cases.models import AllegationSubject
from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

BEFORE, AFTER = "written_warning", "dismissal_with_notice"
OUTCOME_DATE = dt.date(2022, 3, 1)

Change = Callable[[AllegationSubject, str, dt.date], None]


def officers_by_outcome() -> dict[str, int]:
    """``candour stats --by outcome --count officers`` as {outcome: officers}."""
    out = io.StringIO()
    call_command("stats", "--by", "outcome", "--count", "officers", "--format", "json", stdout=out)
    return {row["outcome"]: row["value"] for row in json.loads(out.getvalue())["rows"]}


def one_part_with_a_written_warning() -> AllegationSubject:
    """A case with two officers: the first has a written warning, the other no outcome yet."""
    case = CaseFactory(ref="CO/STALE", received_date=dt.date(2021, 5, 4))
    allegation = AllegationFactory(case=case, ref="A1", flags=["sexual"])
    part = AllegationSubjectFactory(
        allegation=allegation,
        subject=PersonFactory(ref="OFF-STALE"),
        subject_role="officer",
        subject_sex="male",
        subject_rank="constable",
        outcome=BEFORE,
        outcome_date=dt.date(2021, 12, 1),
    )
    AllegationSubjectFactory(allegation=allegation, subject=PersonFactory(ref="OFF-OTHER"))
    return part


def assert_the_figure_moves(change: Change) -> AllegationSubject:
    """Change one officer's outcome through ``change`` and check the figure moves with it."""
    part = one_part_with_a_written_warning()
    before = officers_by_outcome()  # builds the store
    assert before.get(BEFORE) == 1 and AFTER not in before
    change(AllegationSubject.objects.get(pk=part.pk), AFTER, OUTCOME_DATE)
    after = officers_by_outcome()
    assert after.get(AFTER) == 1, after
    assert BEFORE not in after, after
    assert sum(after.values()) == sum(before.values())
    return AllegationSubject.objects.get(pk=part.pk)


def test_the_service_moves_the_figure() -> None:
    def change(part: AllegationSubject, outcome: str, on: dt.date) -> None:
        services.record_outcome(part, outcome, on, by=None, channel="cli")

    part = assert_the_figure_moves(change)
    entry = AuditEntry.objects.filter(object_type="cases.allegationsubject").last()
    assert entry is not None and entry.object_id == str(part.pk)
    assert json.loads(entry.detail)["outcome"] == AFTER


def test_a_plain_orm_save_moves_the_figure() -> None:
    def change(part: AllegationSubject, outcome: str, on: dt.date) -> None:
        part.outcome, part.outcome_date = outcome, on
        part.save()

    assert_the_figure_moves(change)


def test_the_admin_moves_the_figure_and_leaves_an_audit_entry(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    # The appropriate authority decides outcomes, in the admin as on the pages (a system
    # administrator may not: core/tests/test_admin.py).
    admin = signed_in(Role.APPROPRIATE_AUTHORITY, ["cambridgeshire"], is_staff=True)

    def change(part: AllegationSubject, outcome: str, on: dt.date) -> None:
        form = {name: getattr(part, name) for name in services.SUBJECT_FIELDS}
        response = client.post(
            f"/admin/cases/allegationsubject/{part.pk}/change/",
            {**form, "outcome": outcome, "outcome_date": on.isoformat()},
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    part = assert_the_figure_moves(change)
    entry = AuditEntry.objects.filter(
        object_type="cases.allegationsubject", object_id=str(part.pk)
    ).last()
    assert entry is not None and entry.user_id == admin.pk and entry.action == "update"


def test_the_admin_refuses_an_outcome_dated_before_the_case_with_a_sentence(  # type: ignore[no-untyped-def]
    client, signed_in
) -> None:
    signed_in(Role.APPROPRIATE_AUTHORITY, ["cambridgeshire"], is_staff=True)
    part = one_part_with_a_written_warning()
    form = {name: getattr(part, name) for name in services.SUBJECT_FIELDS}
    response = client.post(
        f"/admin/cases/allegationsubject/{part.pk}/change/",
        {**form, "outcome": AFTER, "outcome_date": "2020-01-01"},
    )
    assert response.status_code == 200
    assert "is before the case was received (2021-05-04)" in response.content.decode()
    assert AllegationSubject.objects.get(pk=part.pk).outcome == BEFORE


def test_an_import_moves_the_figure(tmp_path: Path) -> None:
    def change(part: AllegationSubject, outcome: str, on: dt.date) -> None:
        case = part.allegation.case
        row = {
            "force": case.force_id,
            "case_ref": case.ref,
            "case_type": case.case_type,
            "received_date": case.received_date.isoformat(),
            "allegation_ref": part.allegation.ref,
            "category": part.allegation.category_id,
            "flags": "sexual",
            "subject_ref": part.subject.ref if part.subject else "",
            **{name: getattr(part, name) for name in services.SUBJECT_FIELDS},
            "outcome": outcome,
            "outcome_date": on.isoformat(),
        }
        path = tmp_path / "cases.csv"
        path.write_text(
            ",".join(COLUMNS) + "\n" + ",".join(row[c] for c in COLUMNS) + "\n", encoding="utf-8"
        )
        result = services.import_cases(path, by=None)
        assert (result.created, result.updated) == (0, 1)

    assert_the_figure_moves(change)


def test_the_api_s_appeal_result_moves_the_figure(client) -> None:  # type: ignore[no-untyped-def]
    """Through the cases API: the tribunal allows an appeal and substitutes the outcome."""
    from candour.cases.models import Case, Hearing
    from candour.core.models import ApiToken
    from candour.factories import UserFactory

    user = UserFactory(username="aa-stale", role=Role.APPROPRIATE_AUTHORITY)
    _, raw = ApiToken.issue(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def act(case_id: int, **body: object) -> None:
        version = Case.objects.get(pk=case_id).version
        response = client.post(
            f"/api/cases/{case_id}/actions",
            {**body, "version": version},
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 200, response.json()

    def change(part: AllegationSubject, outcome: str, on: dt.date) -> None:
        # Heard at a misconduct hearing, which found misconduct and gave a written warning.
        Hearing.objects.create(part=part, forum="gross_misconduct_hearing", public=True)
        AllegationSubject.objects.filter(pk=part.pk).update(
            proceedings="gross_misconduct_hearing",
            proceedings_finding="misconduct",
            severity="misconduct",
        )
        Case.objects.filter(pk=part.allegation.case_id).update(stage="proceedings")
        case_id = part.allegation.case_id
        act(case_id, action="lodge_appeal", subject=part.pk, reason="Leave to appeal out of time")
        act(
            case_id,
            action="record_appeal_result",
            subject=part.pk,
            result="allowed",
            outcome=outcome,
            outcome_date=on.isoformat(),
        )

    part = assert_the_figure_moves(change)
    assert part.appeal_status == "allowed"


def test_the_appeal_result_form_moves_the_figure(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The page path: an appropriate authority records on the case page's form that the Police
    Appeals Tribunal allowed an appeal and substituted an outcome."""
    from django.urls import reverse

    from candour.cases.models import Hearing, Stage

    part = one_part_with_a_written_warning()
    case = part.allegation.case
    case.stage = Stage.APPEAL
    case.save()
    AllegationSubject.objects.filter(pk=part.pk).update(
        proceedings="gross_misconduct_hearing",
        proceedings_finding="misconduct",
        appeal_status="lodged",
    )
    Hearing.objects.create(part=part, forum="gross_misconduct_hearing", public=True)
    before = officers_by_outcome()  # builds the store
    assert before.get(BEFORE) == 1 and AFTER not in before
    signed_in(Role.APPROPRIATE_AUTHORITY, ["cambridgeshire"])
    case.refresh_from_db()
    response = client.post(
        reverse("cases:action", args=[case.pk, "record_appeal_result"]),
        {
            "version": case.version,
            "subject": part.pk,
            "result": "allowed",
            "outcome": AFTER,
            "outcome_date": OUTCOME_DATE.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    after = officers_by_outcome()
    assert after.get(AFTER) == 1 and BEFORE not in after, after
    assert sum(after.values()) == sum(before.values())
