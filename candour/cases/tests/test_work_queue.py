"""The work queue: the user's open matters with their nearest time limit, overdue first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from candour.cases import workflow
from candour.cases.models import Case, Stage
from candour.core.roles import Role
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db


def investigating(user, received: dt.date, force: str = "cambridgeshire") -> Case:  # type: ignore[no-untyped-def]
    case = workflow.record_matter(
        user, force=force, case_type="conduct_matter", received_date=received
    )
    case = workflow.add_allegation(
        user, case.pk, version=case.version, category="sexual_harassment", subjects=[{}]
    )
    case = workflow.take_action(
        user, case.pk, "record_handling", {"schedule_3": True}, version=case.version
    )
    return workflow.take_action(user, case.pk, "start_investigation", {}, version=case.version)


def test_overdue_first_with_the_rule_and_nothing_closed_or_of_another_force(
    client, signed_in
) -> None:  # type: ignore[no-untyped-def]
    ivy = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    today = timezone.localdate()
    recent = investigating(ivy, today - dt.timedelta(days=20))
    late = investigating(ivy, today - dt.timedelta(days=500))
    closed = investigating(ivy, today - dt.timedelta(days=900))
    Case.objects.filter(pk=closed.pk).update(stage=Stage.CLOSED)
    nora = UserFactory(username="nora", forces=["norfolk"])
    other = investigating(nora, today - dt.timedelta(days=600), force="norfolk")
    body = client.get(reverse("cases:work_queue")).content.decode()

    def link(case: Case) -> str:
        return f'href="/cases/{case.pk}/"'

    assert body.index(link(late)) < body.index(link(recent))
    assert link(closed) not in body and link(other) not in body
    late_entry = body[body.index(link(late)) :]
    assert late_entry.index("Overdue") < late_entry.index(
        "Rule: Police (Conduct) Regulations 2020 reg 19"
    )
    assert "1 overdue" in body


def test_the_queue_is_paged_nearest_duty_first_and_counts_every_overdue_matter() -> None:
    ivy = UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    today = timezone.localdate()
    late = [investigating(ivy, today - dt.timedelta(days=400 + n)) for n in range(3)]
    recent = investigating(ivy, today - dt.timedelta(days=30))
    first = workflow.work_queue(ivy, per_page=2)
    second = workflow.work_queue(ivy, per_page=2, page=2)
    beyond = workflow.work_queue(ivy, per_page=2, page=99)
    # The oldest 12-month mark is the nearest (most overdue) duty.
    assert [item.case_id for item in first.items] == [late[2].pk, late[1].pk]
    assert [item.case_id for item in second.items] == [late[0].pk, recent.pk]
    assert (first.count, first.overdue, first.capped) == (4, 3, False)
    assert beyond.number == 2 and beyond.items == second.items


def test_the_queue_page_links_to_the_next_page(client, signed_in, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ivy = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    today = timezone.localdate()
    cases = [investigating(ivy, today - dt.timedelta(days=400 + n)) for n in range(3)]
    monkeypatch.setattr(workflow, "QUEUE_PAGE", 2)
    first = client.get(reverse("cases:work_queue")).content.decode()
    second = client.get(reverse("cases:work_queue") + "?page=2").content.decode()
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert f'href="/cases/{cases[0].pk}/"' in second
    assert f'href="/cases/{cases[0].pk}/"' not in first
    assert "3 matters, 3 overdue" in first


def test_each_queue_item_names_the_first_steps_the_table_allows_now() -> None:
    from candour.cases import process

    ivy = UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    case = investigating(ivy, timezone.localdate() - dt.timedelta(days=40))
    [item] = workflow.work_queue(ivy).items
    loaded = workflow.load_case(ivy, case.pk, audited=False)
    every = process.allowed_actions(loaded, ivy)
    assert len(every) >= 2
    assert item.allowed_actions == every[: workflow.QUEUE_NEXT_STEPS]
    assert process.allowed_actions(loaded, ivy, first=1) == every[:1]
