"""Adding a force or agency the shipped list lacks: ``candour forces add`` and ``list``
(docs/cli.md), and the same rules in the admin pages (issue 12)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.cases.tests.test_export_cases import SAMPLE, write
from candour.core import forces
from candour.core.models import AuditEntry, Force
from candour.core.roles import Role

pytestmark = pytest.mark.django_db

CHICAGO = ["chicago-pd", "--name", "Chicago Police Department", "--country", "US"]


def candour_forces(*args: str) -> str:
    out = io.StringIO()
    call_command("forces", *args, stdout=out)
    return out.getvalue()


def refusal(*args: str) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call_command("forces", *args, stdout=io.StringIO())
    return raised.value


def test_a_us_department_is_added_with_its_country_and_region_and_audited() -> None:
    out = candour_forces("add", *CHICAGO, "--region", "Illinois")
    assert out == (
        "Added force 'chicago-pd': Chicago Police Department (United States, Illinois).\n"
    )
    chicago = Force.objects.get(code="chicago-pd")
    assert (chicago.name, chicago.country, chicago.region) == (
        "Chicago Police Department",
        "United States",
        "Illinois",
    )
    [entry] = AuditEntry.objects.filter(object_type="core.force", object_id="chicago-pd")
    assert entry.action == "create" and entry.channel == "cli"
    assert '"country":"United States"' in entry.detail


def test_adding_the_same_force_again_changes_nothing() -> None:
    candour_forces("add", *CHICAGO)
    out = candour_forces("add", "chicago-pd", "--name", "Chicago  Police Department")
    assert "is already there; nothing changed" in out
    assert AuditEntry.objects.filter(object_id="chicago-pd").count() == 1


def test_a_new_force_without_a_country_is_the_uks() -> None:
    candour_forces("add", "cnc", "--name", "Civil Nuclear Constabulary")
    assert Force.objects.get(code="cnc").country == "United Kingdom"
    assert Force.objects.get(code="cnc").region == ""


def test_a_code_already_taken_by_another_force_is_refused_with_exit_1() -> None:
    error = refusal("add", "norfolk", "--name", "Norfolk County Police", "--country", "US")
    assert error.returncode == 1
    assert str(error) == (
        "There is already a force 'norfolk': Norfolk Constabulary (England, East of England); "
        "nothing was changed. Choose another code for a different force, or correct this one "
        "in the admin pages."
    )
    assert Force.objects.get(code="norfolk").name == "Norfolk Constabulary"


def test_a_second_force_of_a_country_with_the_same_name_is_refused() -> None:
    error = refusal("add", "norfolk-2", "--name", "norfolk constabulary", "--country", "england")
    assert error.returncode == 1
    assert "There is already a force called Norfolk Constabulary in England" in str(error)
    assert not Force.objects.filter(code="norfolk-2").exists()


def test_the_same_name_in_another_country_is_another_force() -> None:
    candour_forces("add", "springfield-il", "--name", "Springfield PD", "--country", "US")
    candour_forces("add", "springfield-au", "--name", "Springfield PD", "--country", "AU")
    assert Force.objects.get(code="springfield-au").country == "Australia"


@pytest.mark.parametrize("code", ["Chicago PD", "chicago_pd", "chicago-", "a--b", "x" * 41, ""])
def test_a_badly_formed_code_is_bad_usage_and_suggests_one(code: str) -> None:
    error = refusal("add", code, "--name", "Chicago Police Department")
    assert error.returncode == 2
    assert f"'{code}' is not a valid force code: a code is lower-case letters" in str(error)
    assert Force.objects.count() == Force.objects.exclude(name="Chicago Police Department").count()


def test_the_suggested_code_is_the_name_made_into_one() -> None:
    assert "use one such as 'chicago-pd'." in str(refusal("add", "Chicago PD", "--name", "x"))


def test_an_unknown_country_is_bad_usage() -> None:
    error = refusal("add", "narnia", "--name", "Narnia Watch", "--country", "Narnia")
    assert error.returncode == 2
    assert str(error).startswith("'Narnia' is not a country Candour knows: give a country's name")
    assert not Force.objects.filter(code="narnia").exists()


def test_a_name_holding_a_control_character_is_refused() -> None:
    error = refusal("add", "bad", "--name", "Bad\x00Police")
    assert error.returncode == 2 and "U+0000" in str(error)


def test_an_empty_name_is_refused() -> None:
    assert refusal("add", "blank", "--name", "  ").returncode == 2


@pytest.mark.parametrize(
    ("given", "stored"),
    [("us", "United States"), ("USA", "United States"), ("united states", "United States"),
     ("wales", "Wales"), ("GB", "United Kingdom"), ("IE", "Ireland")],
)  # fmt: skip
def test_a_country_is_stored_by_its_name(given: str, stored: str) -> None:
    assert forces.country_name(given) == stored


def test_the_list_shows_every_force_by_code() -> None:
    candour_forces("add", *CHICAGO)
    lines = candour_forces("list").splitlines()
    assert lines[0].split() == ["code", "name", "country", "region"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(Force.objects.values_list("code", flat=True))
    assert "chicago-pd" in codes and "norfolk" in codes


def test_the_list_of_a_country_as_csv_and_json() -> None:
    candour_forces("add", *CHICAGO, "--region", "Illinois")
    candour_forces("add", "nypd", "--name", "=New York City Police Department", "--country", "US")
    rows = list(
        csv.DictReader(io.StringIO(candour_forces("list", "--country", "us", "--format", "csv")))
    )
    assert [row["code"] for row in rows] == ["chicago-pd", "nypd"]
    assert rows[1]["name"] == "'=New York City Police Department"  # never run as a formula
    listed = json.loads(candour_forces("list", "--country", "United States", "--format", "json"))
    assert listed[0] == {
        "code": "chicago-pd",
        "name": "Chicago Police Department",
        "country": "United States",
        "region": "Illinois",
    }


def test_an_added_force_takes_cases_and_is_counted_like_any_other(tmp_path: Path) -> None:
    candour_forces("add", *CHICAGO)
    row = ["chicago-pd", *SAMPLE[0][1:]]
    call_command("import", "cases", str(write(tmp_path / "in.csv", [row])), stdout=io.StringIO())
    out = io.StringIO()
    call_command("stats", "--by", "force", "--force", "chicago-pd", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["rows"] == [
        {"force": "chicago-pd", "value": 1, "suppressed": False}
    ]


# --- The admin pages ------------------------------------------------------------------------


@pytest.fixture
def administrator(signed_in):  # type: ignore[no-untyped-def]
    return signed_in(Role.SYSTEM_ADMIN, ["norfolk"], is_staff=True, password=None)


def force_form(**fields: str) -> dict[str, str]:
    return {"code": "nypd", "name": "New York City Police Department", "country": "US",
            "region": "New York", "territorial": "on", **fields}  # fmt: skip


def test_an_administrator_adds_a_force_in_the_admin_audited(client, administrator) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/admin/core/force/add/", force_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Force.objects.get(code="nypd").country == "United States"
    [entry] = AuditEntry.objects.filter(object_type="core.force", object_id="nypd")
    assert entry.action == "create" and entry.channel == "admin" and entry.user == administrator


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"code": "NYPD"}, "is not a valid force code"),
     ({"country": "Narnia"}, "is not a country Candour knows"),
     ({"code": "norfolk"}, "Force with this Code already exists."),
     ({"name": "Norfolk Constabulary", "country": "England"}, "There is already a force called")],
)  # fmt: skip
def test_the_admin_refuses_what_the_command_refuses(client, administrator, fields, message) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/admin/core/force/add/", force_form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Force.objects.filter(code="nypd").exists()
    assert not AuditEntry.objects.filter(object_type="core.force", action="create").exists()


def test_a_forces_code_cannot_be_changed_in_the_admin(client, administrator) -> None:  # type: ignore[no-untyped-def]
    form = force_form(code="renamed", name="Norfolk Police", country="England", region="East")
    assert client.post("/admin/core/force/norfolk/change/", form).status_code == 302
    assert Force.objects.get(code="norfolk").name == "Norfolk Police"
    assert not Force.objects.filter(code="renamed").exists()


def test_only_an_administrator_may_add_a_force(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["norfolk"], is_staff=True, password=None)
    response = client.post("/admin/core/force/add/", force_form())
    assert response.status_code == 403
    assert not Force.objects.filter(code="nypd").exists()


# --- Every error about an unknown force says how to add one -------------------------------

HOW_TO_ADD = "add it with: candour forces add atlantis --name NAME [--country C] (docs/cli.md)"


@pytest.mark.parametrize(
    "command",
    [["export", "cases", "--out", "out.csv", "--force", "atlantis"],
     ["stats", "--by", "year", "--force", "atlantis"],
     ["iopc-return", "--quarter", "2025/26-Q1", "--force", "atlantis"],
     ["refresh-stats", "--force", "atlantis"],
     ["hotspots", "--force", "atlantis"],
     ["datawash", "--workforce", "w.csv", "--national", "n.csv", "--out", "o.csv",
      "--force", "atlantis", "--load"]],
)  # fmt: skip
def test_an_unknown_force_in_an_option_says_how_to_add_it(command: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("w.csv", "n.csv"):
        (tmp_path / name).write_text("x\n")
    command = [str(tmp_path / arg) if arg.endswith(".csv") else arg for arg in command]
    with pytest.raises(CommandError) as raised:
        call_command(*command, stdout=io.StringIO(), stderr=io.StringIO())
    assert (
        str(raised.value)
        == f"'atlantis' is not a force Candour knows; {HOW_TO_ADD}, or use a code that candour forces list shows."
    )


def test_an_unknown_force_in_an_import_row_says_how_to_add_it(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", [["atlantis", *SAMPLE[0][1:]]])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "cases", str(path), stdout=io.StringIO(), stderr=err)
    assert (
        f"Row 2, column force: 'atlantis' is not a force Candour knows; {HOW_TO_ADD}"
        in err.getvalue()
    )


def test_an_unknown_workforce_force_says_how_to_add_it(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "force,person_ref,role,rank,sex,joined_date,left_date\natlantis,P1,officer,constable,male,2010-01-01,\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "workforce", str(path), stdout=io.StringIO(), stderr=err)
    assert HOW_TO_ADD in err.getvalue()


def test_several_unknown_forces_are_named_together() -> None:
    assert forces.unknown_force_message(["atlantis", "lyonesse"]).startswith(
        "'atlantis', 'lyonesse' are not forces Candour knows; add each with: candour forces add "
        "CODE --name NAME"
    )
    assert forces.unknown_codes(["norfolk", "lyonesse", "atlantis"]) == ["atlantis", "lyonesse"]
