"""The notice of a public misconduct hearing (Police (Conduct) Regulations 2020 reg 36: at least
5 working days before the hearing). Candour publishes it itself, on the force's public pages, the
day a public hearing has its date (Hearing.notice_published_on), so reg 36's clock runs only while
that is not recorded; a notice that went out late is shown on the case page, not as an overdue
duty.

The dates fall around the late May bank holiday (Monday 25 May 2026): a hearing on Tuesday
26 May has its notice due by Monday 18 May, and a notice put up on Thursday 21 May came 2 working
days before it (21 and 22 May), not the 3 a count of weekdays alone would give."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from candour.cases import workflow
from candour.cases.clocks import add_working_days, clocks_for, late_notices
from candour.cases.models import Case, CaseEvent, Hearing
from candour.cases.search import CaseFilters, filter_cases
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ARRANGED = dt.date(2026, 5, 11)  # a Monday
HEARING = dt.date(2026, 5, 26)  # the 10th working day after ARRANGED (25 May is a bank holiday)
NOTICE_DUE = dt.date(2026, 5, 18)  # 5 working days before HEARING
LATE = dt.date(2026, 5, 21)  # 2 working days before HEARING

backfill = importlib.import_module("candour.cases.migrations.0013_notice_published_on")


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture
def to_hearing():  # type: ignore[no-untyped-def]
    """A conduct matter against PC-ADAMS with a case to answer for gross misconduct, as of
    ARRANGED; returns (case, part id, the appropriate authority)."""
    return matter_to_hearing()


def matter_to_hearing():  # type: ignore[no-untyped-def]
    """``to_hearing``'s matter, for other test modules' fixtures."""
    ivy = UserFactory(username="ivy", role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    aaron = UserFactory(
        username="aaron", role=Role.APPROPRIATE_AUTHORITY, forces=["cambridgeshire"]
    )
    PersonFactory(ref="PC-ADAMS")
    with at(ARRANGED):
        case = workflow.record_matter(
            ivy,
            force="cambridgeshire",
            case_type="conduct_matter",
            received_date=dt.date(2026, 1, 5),
        )
        case = workflow.add_allegation(
            ivy,
            case.pk,
            version=case.version,
            category="sexual_harassment",
            subjects=[{"person_ref": "PC-ADAMS"}],
        )
        part = case.allegations.get().subjects.get().pk
        for user, action, params in [
            (ivy, "record_handling", {"schedule_3": True}),
            (ivy, "start_investigation", {}),
            (aaron, "assess_severity", {"subject": part, "severity": "gross_misconduct"}),
            (ivy, "serve_notice", {"subject": part}),
            (ivy, "record_investigation_report", {}),
            (aaron, "decide_case_to_answer", {"subject": part, "decision": "case_to_answer"}),
        ]:
            case = workflow.take_action(user, case.pk, action, params, version=case.version)
    return case, part, aaron


def act(user, case: Case, day: dt.date, action: str, **params) -> Case:  # type: ignore[no-untyped-def]
    with at(day):
        return workflow.take_action(user, case.pk, action, params, version=case.version)


def arrange(user, case: Case, part: int, day: dt.date, **params) -> Case:  # type: ignore[no-untyped-def]
    return act(
        user,
        case,
        day,
        "arrange_proceedings",
        subject=part,
        forum="gross_misconduct_hearing",
        **params,
    )


def notice_clocks(case: Case, day: dt.date) -> list[tuple[dt.date, bool]]:
    loaded = workflow.load_case(UserFactory(role=Role.APPROPRIATE_AUTHORITY), case.pk)
    return [
        (c.due, c.overdue) for c in clocks_for(loaded, day) if c.name == "public_hearing_notice"
    ]


def overdue_in_list(case: Case, day: dt.date) -> bool:
    cases = filter_cases(Case.objects.all(), CaseFilters(overdue=True, on=day))
    return cases.filter(pk=case.pk).exists()


def test_the_working_days_of_the_dates_used() -> None:
    assert add_working_days(ARRANGED, 10) == HEARING
    assert add_working_days(NOTICE_DUE, 5) == HEARING
    assert add_working_days(LATE, 2) == HEARING


def test_a_hearing_arranged_10_working_days_ahead_never_shows_its_notice_overdue(
    to_hearing,
) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED, hearing_date=HEARING.isoformat())
    hearing = Hearing.objects.get(part_id=part)
    assert (hearing.public, hearing.notice_published_on) == (True, ARRANGED)
    # It is on the public pages from today, which is the notice reg 36 asks for.
    assert [n.hearing_date for n in workflow.public_hearing_notices(on=ARRANGED)] == [HEARING]
    assert Case.objects.get(pk=case.pk).next_due is None
    day = ARRANGED
    while day <= HEARING + dt.timedelta(days=14):
        assert notice_clocks(case, day) == [], day
        assert not overdue_in_list(case, day), day
        assert workflow.work_queue(aaron, on=day).overdue == 0, day
        day += dt.timedelta(days=1)
    loaded = workflow.load_case(aaron, case.pk)
    assert late_notices(loaded) == []
    event = CaseEvent.objects.filter(case=case, action="arrange_proceedings").get()
    assert event.detail["notice_published_on"] == ARRANGED.isoformat()


def test_a_date_recorded_2_working_days_before_shows_late_on_the_page_not_in_the_queue(
    to_hearing, client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED)  # public by default (reg 39), no date yet
    assert Hearing.objects.get(part_id=part).notice_published_on is None
    case = act(aaron, case, LATE, "record_hearing_details", subject=part, hearing_date=HEARING)
    assert Hearing.objects.get(part_id=part).notice_published_on == LATE
    for day in (LATE, HEARING, HEARING + dt.timedelta(days=1)):
        assert notice_clocks(case, day) == []
        assert not overdue_in_list(case, day)
        queue = workflow.work_queue(aaron, on=day)
        assert queue.overdue == 0
        assert all(
            item.clock is None or item.clock.name != "public_hearing_notice" for item in queue.items
        )
    assert Case.objects.get(pk=case.pk).next_due is None

    [late] = late_notices(workflow.load_case(aaron, case.pk))
    assert (late.due, late.working_days_before) == (NOTICE_DUE, 2)
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    with at(LATE):
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        queue_page = client.get(reverse("cases:work_queue")).content.decode()
    assert (
        "Notice published on 21 May 2026, 2 working days before the hearing; reg 36 asks for "
        "at least 5." in page
    )
    assert "The last day for it was Monday 18 May 2026." in page
    assert "Overdue" not in page
    assert "notice published 21 May 2026" in page
    assert "Publish the notice of a public misconduct hearing" not in queue_page
    assert f'href="/cases/{case.pk}/"' in queue_page
    assert "1 matter, 0 overdue." in queue_page


def test_a_new_date_republishes_the_notice_and_a_private_hearing_has_none(to_hearing) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED, hearing_date=HEARING.isoformat())
    # Re-dated on 21 May to Wednesday 27 May: the notice of the new date goes up that day,
    # 3 working days before it.
    new = dt.date(2026, 5, 27)
    case = act(aaron, case, LATE, "record_hearing_details", subject=part, hearing_date=new)
    assert Hearing.objects.get(part_id=part).notice_published_on == LATE
    [late] = late_notices(workflow.load_case(aaron, case.pk))
    assert late.message == (
        "Notice published on 21 May 2026, 3 working days before the hearing; reg 36 asks for at "
        "least 5."
    )
    # The same date again, or a new panel, is no new notice.
    case = act(aaron, case, HEARING, "record_hearing_details", subject=part, hearing_date=new)
    assert Hearing.objects.get(part_id=part).notice_published_on == LATE
    # The chair orders it held in private: off the public pages, no notice, nothing late.
    case = act(aaron, case, HEARING, "record_hearing_details", subject=part, public=False)
    assert Hearing.objects.get(part_id=part).notice_published_on is None
    assert workflow.public_hearing_notices(on=HEARING) == []
    assert late_notices(workflow.load_case(aaron, case.pk)) == []
    assert notice_clocks(case, new) == []
    # Public again on 26 May, for the 27th: published that day, on the day before the hearing.
    case = act(aaron, case, HEARING, "record_hearing_details", subject=part, public=True)
    assert Hearing.objects.get(part_id=part).notice_published_on == HEARING
    [late] = late_notices(workflow.load_case(aaron, case.pk))
    assert late.message.startswith("Notice published on 26 May 2026, 1 working day before")


def test_an_unrecorded_publication_keeps_the_duty_and_the_list_and_next_due_agree(
    to_hearing,
) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED, hearing_date=HEARING.isoformat())
    # A hearing whose publication is not recorded (written before the field, outside the
    # services): reg 36's clock runs, and a later step works out the next due date from it.
    Hearing.objects.filter(part_id=part).update(notice_published_on=None)
    case = act(aaron, case, ARRANGED, "record_hearing_details", subject=part, anonymised=True)
    assert Hearing.objects.get(part_id=part).notice_published_on is None
    assert Case.objects.get(pk=case.pk).next_due == NOTICE_DUE
    assert notice_clocks(case, NOTICE_DUE) == [(NOTICE_DUE, False)]
    assert notice_clocks(case, NOTICE_DUE + dt.timedelta(days=1)) == [(NOTICE_DUE, True)]
    assert not overdue_in_list(case, NOTICE_DUE)
    assert overdue_in_list(case, NOTICE_DUE + dt.timedelta(days=1))
    queue = workflow.work_queue(aaron, on=NOTICE_DUE + dt.timedelta(days=1))
    assert queue.overdue == 1 and queue.items[0].clock.name == "public_hearing_notice"

    # The migration's backfill finds the day from the timeline and stops the clock.
    backfill.fill_notice_published_on(apps, None)
    assert Hearing.objects.get(part_id=part).notice_published_on == ARRANGED
    assert Case.objects.get(pk=case.pk).next_due is None
    assert not overdue_in_list(case, NOTICE_DUE + dt.timedelta(days=1))
    assert notice_clocks(case, NOTICE_DUE + dt.timedelta(days=1)) == []


def test_the_backfill_replays_steps_that_did_not_record_publicity(to_hearing) -> None:  # type: ignore[no-untyped-def]
    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED)
    case = act(aaron, case, LATE, "record_hearing_details", subject=part, hearing_date=HEARING)
    events = list(CaseEvent.objects.filter(part_id=part).order_by("at", "id"))
    for event in events:  # as the steps before this change wrote them
        event.detail.pop("public", None)
        event.detail.pop("notice_published_on", None)
    hearing = Hearing.objects.get(part_id=part)
    hearing_events = [e for e in events if e.action in backfill.ACTIONS]
    assert backfill.replayed_publication(hearing, hearing_events) == LATE
    # A date the timeline does not lead to is left empty (the clock keeps running).
    hearing.hearing_date = dt.date(2026, 6, 1)
    assert backfill.replayed_publication(hearing, hearing_events) is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_existing_hearings_and_their_next_due_date(
    reference_data, to_hearing
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    case, part, aaron = to_hearing
    case = arrange(aaron, case, part, ARRANGED)
    case = act(aaron, case, LATE, "record_hearing_details", subject=part, hearing_date=HEARING)
    # As before the field: no day recorded, and the next due date from reg 36's clock.
    Hearing.objects.filter(part_id=part).update(notice_published_on=None)
    Case.objects.filter(pk=case.pk).update(next_due=NOTICE_DUE)
    before = ("cases", "0012_referral_notice_of_accelerated_hearings")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Hearing.objects.get(part_id=part).notice_published_on == LATE
    assert Case.objects.get(pk=case.pk).next_due is None
