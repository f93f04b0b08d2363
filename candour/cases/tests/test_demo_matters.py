"""`candour demo` holds live matters at every stage, made through the workflow's services."""

from __future__ import annotations

import pytest

from candour.cases import forums
from candour.cases.models import AllegationSubject, Case, CaseEvent, Stage, allegation_pairs_of
from candour.cases.rules import rules_version_for
from candour.cases.workflow import work_queue
from candour.core.demo import load_demo
from candour.core.models import User


@pytest.fixture
def demo(db, settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo(scale=0.02, first_work=False)


def test_every_demo_case_holds_its_allegation_pairs(demo) -> None:
    # The generated history (bulk add) and the live matters (the services) both keep them.
    stored = dict(Case.objects.values_list("pk", "allegation_pairs"))
    assert any(stored.values())
    assert stored == allegation_pairs_of(stored)


def test_the_live_matters_cover_every_stage(demo) -> None:
    live = Case.objects.filter(events__isnull=False).distinct()
    assert set(live.values_list("stage", flat=True)) == set(Stage.values)


def test_every_live_matter_has_its_timeline_from_receipt(demo) -> None:
    for case in Case.objects.filter(events__isnull=False).distinct():
        actions = list(case.events.order_by("version").values_list("action", flat=True))
        assert actions[0] == "record_matter"
        assert case.version == case.events.order_by("-version").first().version


def test_the_investigator_s_queue_starts_with_an_overdue_clock(demo) -> None:
    queue = work_queue(User.objects.get(username="investigator")).items
    assert queue[0].clock is not None and queue[0].clock.overdue
    overdue = {item.clock.name for item in queue if item.clock and item.clock.overdue}
    assert "twelve_month_report" in overdue


def test_every_demo_outcome_is_one_its_forum_may_give(demo) -> None:
    heard = (
        AllegationSubject.objects.exclude(outcome="")
        .filter(proceedings__in=forums.PROCEEDINGS_FORUMS)
        .select_related("allegation__case")
    )
    assert heard.exists()
    for part in heard:
        version = rules_version_for(part.allegation.case.received_date).code
        forum = forums.forum_rules(version, part.proceedings)
        assert part.outcome in forum.outcome_codes(), (version, part.proceedings, part.outcome)


def test_the_bulk_history_is_placed_closed_or_open(demo) -> None:
    history = Case.objects.exclude(pk__in=CaseEvent.objects.values("case"))
    assert not history.filter(rules_version="").exists()
    closed = history.filter(stage=Stage.CLOSED)
    assert closed.exists()
    assert not AllegationSubject.objects.filter(allegation__case__in=closed, outcome="").exists()


def test_the_demo_s_late_notice_is_a_fact_on_the_page_not_an_overdue_duty(demo) -> None:
    from candour.cases.clocks import clocks_for, late_notices
    from candour.cases.workflow import load_case

    case = Case.objects.get(summary__contains="its notice published late")
    loaded = load_case(User.objects.get(username="investigator"), case.pk)
    [late] = late_notices(loaded)
    assert late.working_days_before < 5
    assert late.message.startswith("Notice published on ")
    assert "public_hearing_notice" not in {clock.name for clock in clocks_for(loaded)}
    assert case.next_due is None
