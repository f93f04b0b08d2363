"""candour import workforce: interchange §2."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.core.models import Person
from candour.factories import PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "force,person_ref,role,rank,sex,joined_date,left_date\n"


def run(path) -> str:
    out = io.StringIO()
    call_command("import", "workforce", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_people_and_is_idempotent(tmp_path):
    path = tmp_path / "workforce.csv"
    path.write_text(
        HEADER + "norfolk,N1,officer,sergeant,female,2010-04-01,\n"
        "norfolk,N2,staff,staff,,2015-01-01,2020-12-31\n",
        encoding="utf-8",
    )

    first, second = run(path), run(path)

    assert "2 rows read: 2 created, 0 updated, 0 unchanged." in first
    assert "2 rows read: 0 created, 0 updated, 2 unchanged." in second
    person = Person.objects.get(force_id="norfolk", ref="N2")
    assert (person.role, person.sex, person.left_date, person.in_workforce_file) == (
        "staff",
        "",
        dt.date(2020, 12, 31),
        True,
    )


def test_the_workforce_file_overrides_case_data_but_an_empty_cell_keeps_what_is_known(tmp_path):
    PersonFactory(force_id="norfolk", ref="N1", rank="constable", sex="male", joined_date=None)
    path = tmp_path / "workforce.csv"
    path.write_text(HEADER + "norfolk,N1,officer,sergeant,,2010-04-01,\n", encoding="utf-8")

    assert "1 updated" in run(path)

    person = Person.objects.get(force_id="norfolk", ref="N1")
    assert (person.rank, person.sex, person.joined_date, person.in_workforce_file) == (
        "sergeant",
        "male",
        dt.date(2010, 4, 1),
        True,
    )


def test_bad_rows_are_rejected_whole(tmp_path):
    path = tmp_path / "workforce.csv"
    path.write_text(
        HEADER + "norfolk,N1,officer,sergeant,female,2010-04-01,\n"
        "norfolk,N2,officer,general,female,2010-04-01,2009-01-01\n"
        "norfolk,N1,officer,,,,\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import", "workforce", str(path), stdout=io.StringIO(), stderr=err)

    assert failure.value.returncode == 1
    assert "Row 3, column rank: 'general' is not one of" in err.getvalue()
    assert (
        "Row 3, column left_date: 2009-01-01 is before the joining date 2010-04-01."
        in err.getvalue()
    )
    assert "Row 4, column person_ref: repeats row 2" in err.getvalue()
    assert Person.objects.count() == 0
