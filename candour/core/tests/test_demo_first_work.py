"""Every demo login's first page has work on it (core/demo/work.py): the vetting officer's
renewals, decisions, appeal and data-wash candidates, the FOI officer's saved answers, and
other forces' published figures beside the PCC office's own force. Built on a small workforce
here; the full demo (test_demo.py, slow) runs the same functions from ``load_demo``. The
demo's data wash is tested in vetting/tests/test_datawash_demo.py (once, on SQLite, as the
data wash's tests are)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from candour.core.demo import work
from candour.core.models import Person
from candour.factories import UserFactory
from candour.transparency.models import FoiAnswer, PublishedFigure
from candour.vetting import services as vetting

pytestmark = pytest.mark.django_db


@pytest.fixture
def workforce():  # type: ignore[no-untyped-def]
    Person.objects.bulk_create(
        Person(
            force_id=code,
            ref=f"{code[:2].upper()}{n:04d}",
            role="officer",
            joined_date=dt.date(2005, 4, 1),
            in_workforce_file=True,
        )
        for code, size in (("norfolk", 80), ("suffolk", 20))
        for n in range(size)
    )


def test_the_vetting_officer_has_renewals_decisions_and_an_appeal(workforce):  # type: ignore[no-untyped-def]
    officer = UserFactory(username="vetting", role="vetting_officer", forces=["norfolk", "suffolk"])
    made = work.add_vetting_work(officer, timezone.localdate())
    queue = vetting.vetting_queue(officer)
    assert (len(queue["overdue"]), len(queue["due"])) == (made["overdue"], made["due"]) == (4, 6)
    assert queue["awaiting"].count() == 6 and queue["appeals"].count() == 1


def test_the_foi_officer_and_the_pcc_have_answers_and_figures_to_compare(client, signed_in):  # type: ignore[no-untyped-def]
    cache.clear()
    assert work.add_foi_answers(UserFactory(role="foi_officer", forces=["cambridgeshire"])) == 2
    assert FoiAnswer.objects.count() == 2
    assert work.add_published_figures() == len(work.PUBLISHED)
    assert work.add_published_figures() == 0  # held already
    assert {"cambridgeshire", "essex"} <= set(
        PublishedFigure.objects.values_list("force_id", flat=True)
    )
    signed_in("pcc_office", ["cambridgeshire"])
    html = client.get(reverse("transparency:compare")).content.decode()
    assert "Cambridgeshire Constabulary (your force)" in html
    assert work.PRESS in html and "Essex Police" in html
