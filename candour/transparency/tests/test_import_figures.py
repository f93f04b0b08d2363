"""candour import figures: interchange §4 (figures other bodies published)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.core.models import AuditEntry
from candour.transparency.models import PublishedFigure

pytestmark = pytest.mark.django_db

HEADER = "force,source,period_start,period_end,measure,breakdown,value,note\n"
ROWS = (
    "cambridgeshire,Press agency FOI 2022,2016-01-01,2021-12-31,sexual_assault_claims,,10,\n"
    "cambridgeshire,Press agency FOI 2022,2016-01-01,2021-12-31,officers_accused,subject_sex=male,9,\n"
    "suffolk,Press agency FOI 2022,2016-01-01,2021-12-31,officers_accused,subject_sex=male,,not given\n"
)


def run(path) -> str:
    out = io.StringIO()
    call_command("import", "figures", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_imports_figures_keeping_an_empty_value_as_not_given(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")

    assert "3 rows read: 3 created, 0 updated, 0 unchanged." in run(path)

    assert PublishedFigure.objects.get(force_id="cambridgeshire", breakdown="").value == Decimal(10)
    withheld = PublishedFigure.objects.get(force_id="suffolk")
    assert (withheld.value, withheld.note) == (None, "not given")
    assert (
        AuditEntry.objects.filter(
            action="import", object_type="transparency.publishedfigure"
        ).count()
        == 1
    )


def test_it_is_idempotent_and_updates_a_corrected_value(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    run(path)
    assert "0 created, 0 updated, 3 unchanged" in run(path)

    path.write_text(HEADER + ROWS.replace(",10,", ",11,"), encoding="utf-8")
    assert "0 created, 1 updated, 2 unchanged" in run(path)
    assert PublishedFigure.objects.get(force_id="cambridgeshire", breakdown="").value == Decimal(11)
    assert PublishedFigure.objects.count() == 3


def test_an_empty_value_needs_a_note_and_a_value_must_be_a_number(tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        HEADER + "norfolk,PA,2016-01-01,2021-12-31,claims,,,\n"
        "norfolk,PA,2016-01-01,2021-12-31,officers,,<5,\n"
        "norfolk,PA,2021-12-31,2016-01-01,dismissals,,2,\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import", "figures", str(path), stdout=io.StringIO(), stderr=err)

    assert failure.value.returncode == 1
    assert "Row 2, column note: value is empty, so note must say why" in err.getvalue()
    assert "Row 3, column value: '<5' is not a number" in err.getvalue()
    assert (
        "Row 4, column period_end: 2016-01-01 is before period_start 2021-12-31." in err.getvalue()
    )
    assert PublishedFigure.objects.count() == 0
