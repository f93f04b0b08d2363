"""``candour import access-log`` (interchange §8) and the system-access checks: each planted
look-up pattern raises its rule with the look-ups named, and ordinary look-ups raise nothing
(docs/early-warning.md)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from candour.cases.models import Case
from candour.core.models import Person
from candour.integrity.models import AccessEvent
from candour.integrity.rules import run_rules
from candour.integrity.services import serving_on
from candour.integrity.tests.scenarios import AS_OF, case_against, officer

pytestmark = pytest.mark.django_db
HEADER = "force,user_ref,accessed_at,system,action,record_type,record_ref,search_term,task_ref\n"
ACCESS_RULES = ["access_no_task", "access_colleague", "access_own_case", "access_burst"]


def log(tmp_path, *rows: str):
    path = tmp_path / "access.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


def look_up(user: str, when: str, record_type="person", record="X1", term="", task="INC/1"):
    return f"cambridgeshire,{user},{when},niche,view,{record_type},{record},{term},{task}"


def imported(path) -> str:
    out = io.StringIO()
    call_command("import", "access-log", str(path), stdout=out)
    return out.getvalue()


def flags(rule: str = ""):
    people = serving_on(Person.objects.filter(force_id="cambridgeshire"), AS_OF)
    cases = Case.objects.filter(force_id="cambridgeshire")
    return run_rules(cases, people, AS_OF, rules=[rule] if rule else ACCESS_RULES)


def test_a_log_imports_once_and_links_each_look_up_to_the_workforce(tmp_path):
    searcher = officer("P800")
    path = log(
        tmp_path,
        look_up("P800", "2026-11-02T10:00:00+00:00"),
        look_up("P800", "2026-11-02T10:00:00+00:00"),  # given twice, stored once
        look_up("NOBODY", "2026-11-03T10:00:00Z", record_type="vehicle", record="AB12CDE"),
    )
    assert "3 rows read: 2 created" in imported(path)
    assert "3 rows read: 0 created, 0 updated, 3 unchanged" in imported(path)
    assert AccessEvent.objects.get(user_ref="P800").person == searcher
    assert AccessEvent.objects.get(user_ref="NOBODY").person is None


def test_a_bad_row_refuses_the_whole_file_naming_each_bad_row(tmp_path, capsys):
    path = log(
        tmp_path,
        look_up("P800", "2026-11-02T10:00:00+00:00"),
        look_up("P800", "2026-11-02 10:00"),
        "cambridgeshire,P800,2026-11-02T10:00:00+00:00,niche,peek,person,X1,,",
        "atlantis,P800,2026-11-02T10:00:00+00:00,niche,view,spaceship,,,",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import", "access-log", str(path))
    assert refused.value.returncode == 1
    err = capsys.readouterr().err
    assert "Row 3" in err and "ISO 8601 date-time with its offset" in err
    assert "'peek' is not search or view" in err
    assert "'spaceship' is not a record type" in err and "a view names the record" in err
    assert not AccessEvent.objects.exists()


def test_look_ups_of_people_with_no_task_raise_access_no_task(tmp_path, settings):
    settings.WARNING_ACCESS_NO_TASK = 3
    officer("P801")
    rows = [
        look_up("P801", f"2026-11-{day:02d}T09:00:00+00:00", record=f"N{day}", task="")
        for day in (3, 4, 5)
    ]
    rows.append(look_up("P801", "2026-11-06T09:00:00+00:00", record="N6"))  # with a task
    imported(log(tmp_path, *rows))
    (flag,) = flags("access_no_task")
    assert flag.explanation.startswith("P801 looked up 3 person records with no task given")
    assert "niche view person N3 at 2026-11-03 09:00" in flag.explanation
    assert [fact.kind for fact in flag.facts] == ["access"] * 3


def test_a_colleagues_record_looked_up_with_no_task_raises_access_colleague(tmp_path):
    officer("P802"), officer("P803")
    imported(
        log(
            tmp_path,
            look_up("P802", "2026-11-10T23:15:00+00:00", record="P803", task=""),
            look_up("P802", "2026-11-11T10:00:00+00:00", record="P803", task="CRIME/9"),
            look_up("P802", "2026-11-11T11:00:00+00:00", record="P802", task=""),
        )
    )
    (flag,) = flags("access_colleague")
    assert flag.person_ref == "P802"
    assert "colleagues (P803)" in flag.explanation
    assert "niche view person P803 at 2026-11-10 23:15" in flag.explanation
    assert len(flag.facts) == 1


def test_a_subject_looking_up_their_case_or_its_complainant_raises_access_own_case(tmp_path):
    from candour.cases.models import Complainant

    subject = officer("P804")
    case = case_against(subject, received=dt.date(2026, 10, 1), ref="CAM/2026/0500")
    Complainant.objects.create(case=case, name="Jane Doe")
    imported(
        log(
            tmp_path,
            look_up(
                "P804", "2026-09-20T10:00:00+00:00", record_type="crime", record="CAM/2026/0500"
            ),
            look_up(
                "P804", "2026-10-05T10:00:00+00:00", record_type="other", record="CAM/2026/0500"
            ),
            "cambridgeshire,P804,2026-10-06T10:00:00+00:00,pnc,search,person,,jane doe,",
        )
    )
    (flag,) = flags("access_own_case")
    assert "looked up a complainant of CAM/2026/0500, the case CAM/2026/0500" in flag.explanation
    assert "Jane" not in flag.explanation and "jane" not in flag.explanation
    assert len(flag.facts) == 2  # the look-up before the case was received does not count


def test_a_day_far_above_the_persons_own_baseline_raises_access_burst(tmp_path, settings):
    settings.WARNING_ACCESS_BURST_MIN = 10
    officer("P805"), officer("P806")
    rows = [
        look_up("P805", f"2026-11-{day:02d}T09:00:00+00:00", record=f"R{day}")
        for day in range(1, 21)
    ]
    rows += [
        look_up("P805", f"2026-11-25T{hour:02d}:{minute:02d}:00+00:00", record=f"B{hour}{minute}")
        for hour in (1, 2)
        for minute in range(0, 60, 10)
    ]
    # A busy colleague whose every day is busy: no burst against their own baseline.
    rows += [
        look_up("P806", f"2026-11-{day:02d}T{hour:02d}:00:00+00:00", record=f"S{hour}")
        for day in range(1, 21)
        for hour in range(12)
    ]
    imported(log(tmp_path, *rows))
    (flag,) = flags("access_burst")
    assert flag.person_ref == "P805"
    assert flag.explanation.startswith(
        "P805 made 12 on 25 Nov 2026 look-ups, against a median of 1"
    )


def test_ordinary_look_ups_raise_nothing(tmp_path):
    for n in range(5):
        officer(f"P81{n}")
    imported(
        log(
            tmp_path,
            *[
                look_up(
                    f"P81{n}", f"2026-11-{day:02d}T{9 + n:02d}:00:00+00:00", record=f"C{day}{n}"
                )
                for n in range(5)
                for day in range(1, 29)
            ],
        )
    )
    assert flags() == []
