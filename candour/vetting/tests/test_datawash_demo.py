"""The demo's data wash (core/demo/work.py): a finished run over Norfolk's own people, its
candidates in Norfolk's review queue, each opening the person's record. Named test_datawash*
so that CI runs it once, on SQLite, with the data wash's other tests (Makefile)."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.core.demo import work
from candour.core.models import Person
from candour.vetting.models import CandidateMatch

pytestmark = pytest.mark.django_db


def test_the_demo_data_wash_leaves_candidates_on_norfolks_people(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    Person.objects.bulk_create(
        Person(
            force_id="norfolk",
            ref=f"NO{n:04d}",
            role="officer",
            joined_date=dt.date(2005, 4, 1),
            in_workforce_file=True,
        )
        for n in range(80)
    )
    loaded = work.run_demo_data_wash()
    assert loaded > 0
    candidates = CandidateMatch.objects.filter(force="norfolk")
    assert candidates.count() == loaded
    assert candidates.filter(person__isnull=False).count() == loaded  # each opens a record
