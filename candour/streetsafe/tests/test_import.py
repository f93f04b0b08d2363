"""``candour import streetsafe FILE`` (interchange §6, docs/formats.md): all-or-nothing, and importing
the same file again changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from candour.core.interchange.report import ImportRejected
from candour.streetsafe.interchange import import_streetsafe
from candour.streetsafe.models import Report

pytestmark = pytest.mark.django_db

HEADER = "force,reported_at,latitude,longitude,reasons\n"


def write(tmp_path, *rows: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows))
    return path


def test_it_imports_reports_keeping_only_the_day_and_time_of_day(tmp_path):
    path = write(
        tmp_path,
        "norfolk,2024-03-01T21:47:13+00:00,52.628612,1.292412,poor_lighting;followed",
        "norfolk,2024-07-01T23:30:00Z,52.6,1.3,no_cctv",  # 00:30 on 2 July in summer time
    )

    result = import_streetsafe(path)

    assert (result.rows_read, result.created) == (2, 2)
    first, second = Report.objects.order_by("occurred_on")
    assert (first.occurred_on, first.time_of_day) == (dt.date(2024, 3, 1), "evening")
    assert first.reason_codes() == ["poor_lighting", "followed"]
    assert (first.latitude, first.longitude) == (52.628612, 1.292412)
    assert (second.occurred_on, second.time_of_day) == (dt.date(2024, 7, 2), "night")
    assert first.source == "import"


def test_importing_the_same_file_again_changes_nothing_but_twin_rows_are_two_reports(tmp_path):
    row = "norfolk,2024-03-01T21:47:13+00:00,52.628612,1.292412,poor_lighting"
    path = write(tmp_path, row, row)

    first = import_streetsafe(path)
    again = import_streetsafe(path)

    assert (first.created, first.unchanged) == (2, 0)
    assert (again.created, again.unchanged) == (0, 2)
    assert Report.objects.count() == 2


def test_a_file_with_a_bad_row_writes_nothing_and_names_every_problem(tmp_path):
    path = write(
        tmp_path,
        "norfolk,2024-03-01T21:47:13+00:00,52.6,1.29,poor_lighting",
        "atlantis,2024-03-01 21:47,95,1.29,dark;poor_lighting",
        "norfolk,2024-03-01T21:47:13,52.6,,",
    )

    with pytest.raises(ImportRejected) as rejected:
        import_streetsafe(path)

    lines = "\n".join(rejected.value.lines())
    assert "Row 3, column force: 'atlantis' is not a force Candour knows; add it with" in lines
    assert "Row 3, column latitude: '95' is not a latitude" in lines
    assert "Row 3, column reasons: 'dark' is not a reason" in lines
    assert "Row 4, column reported_at: '2024-03-01T21:47:13' is not an ISO 8601" in lines
    assert "Row 4, column longitude: is required and is empty." in lines
    assert "Row 2" not in lines
    assert Report.objects.count() == 0


def test_the_command_imports_and_hotspots_prints_the_contract_shape(tmp_path, capsys):
    rows = [
        f"norfolk,2024-03-0{1 + i % 5}T20:00:00+00:00,52.62861,1.29241,poor_lighting"
        for i in range(12)
    ]
    call_command("import", "streetsafe", str(write(tmp_path, *rows)))
    assert "12 rows read: 12 created, 0 updated, 0 unchanged." in capsys.readouterr().out

    call_command("hotspots", "--force", "norfolk", "--format", "json")
    output = json.loads(capsys.readouterr().out)

    assert {k: output[k] for k in ("force", "from", "to", "min_reports", "resolution")} == {
        "force": "norfolk",
        "from": "2024-03-01",
        "to": "2024-03-05",
        "min_reports": 10,
        "resolution": 8,
    }
    [cell] = output["cells"]
    assert cell["reports"] == 12 and cell["reasons"] == {"poor_lighting": 12}
    assert (cell["latitude"], cell["longitude"]) != (52.62861, 1.29241)

    call_command("hotspots", "--force", "norfolk", "--min-reports", "13", "--format", "geojson")
    assert json.loads(capsys.readouterr().out)["features"] == []
    call_command("hotspots", "--force", "norfolk", "--format", "csv")
    header, line = capsys.readouterr().out.splitlines()
    assert header.startswith("rank,cell,latitude,longitude,reports,no_cctv,poor_lighting")
    assert line.split(",")[1] == cell["cell"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--force", "atlantis"], "'atlantis' is not a force Candour knows; add it with"),
        (["--force", "norfolk", "--from", "1 May"], "--from '1 May' is not a date"),
        (["--force", "norfolk", "--from", "2024-05-02", "--to", "2024-05-01"], "is before"),
        (["--force", "norfolk", "--reason", "dark"], "dark: not a reason"),
        (["--force", "norfolk", "--min-reports", "0"], "--min-reports must be 1 or more"),
    ],
)
def test_bad_hotspot_options_are_bad_usage_with_a_sentence(arguments, message):
    with pytest.raises(CommandError) as failure:
        call_command("hotspots", *arguments)
    assert failure.value.returncode == 2 and message in str(failure.value)
