"""Forces compared: rates per 1,000 in post from the workforce file, small numbers withheld as
the public pages withhold them (with the rates and the bars that would give them away), and
published figures beside Candour's, each saying what it counts, its period and its source."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from candour.core.models import AuditEntry, Person
from candour.factories import AllegationSubjectFactory, CaseFactory, force
from candour.transparency.comparison import (
    CANDOUR_SOURCE,
    Question,
    chart_bars,
    compare_forces,
    file_rows,
)
from candour.transparency.models import PublishedFigure
from candour.transparency.stats import StatsQuery, compute

pytestmark = pytest.mark.django_db

Y2022 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
# Officers subject to allegations in 2022, and people in post: Bedfordshire 20 of 400 (50.0),
# Suffolk 12 of 300 (40.0), Cambridgeshire 6 of 200 (30.0), Norfolk 3 of 100 (30.0).
OFFICERS = {"bedfordshire": 20, "suffolk": 12, "cambridgeshire": 6, "norfolk": 3}
IN_POST = {"bedfordshire": 400, "suffolk": 300, "cambridgeshire": 200, "norfolk": 100}
FORCES = ("bedfordshire", "cambridgeshire", "hampshire", "norfolk", "suffolk")


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    for code, officers in OFFICERS.items():
        for n in range(officers):
            AllegationSubjectFactory(
                allegation__case=CaseFactory(
                    force=force(code), ref=f"{code}/{n}", received_date=dt.date(2022, 6, 1)
                ),
                subject__ref=f"{code}-S{n}",
            )
    Person.objects.bulk_create(
        Person(
            force_id=code,
            ref=f"{code}-W{n}",
            role="officer",
            joined_date=dt.date(2010, 4, 1),
            # Norfolk's second hundred left in 2019: in post for its 2016-2021 figure only.
            left_date=dt.date(2019, 3, 31) if n >= IN_POST[code] else None,
            in_workforce_file=True,
        )
        for code in IN_POST
        for n in range(IN_POST[code] + (100 if code == "norfolk" else 0))
    )
    press = "Press agency FOI request to every force (2022)"
    PublishedFigure.objects.bulk_create(
        [
            PublishedFigure(
                force=force("norfolk"),
                source=press,
                period_start=dt.date(2016, 1, 1),
                period_end=dt.date(2022, 12, 31),
                measure="officers_accused",
                value=9,
            ),
            PublishedFigure(
                force=force("suffolk"),
                source=press,
                period_start=dt.date(2016, 1, 1),
                period_end=dt.date(2022, 12, 31),
                measure="officers_accused",
                breakdown="subject_sex=male",
                value=None,
                note="<5",
            ),
            PublishedFigure(
                force=force("suffolk"),
                source="An older answer",
                period_start=dt.date(2010, 1, 1),
                period_end=dt.date(2012, 12, 31),
                measure="officers_accused",
                value=30,
            ),
        ]
    )


def question(**kwargs):  # type: ignore[no-untyped-def]
    return Question(
        **{
            "count": "officers",
            "date_from": Y2022[0],
            "date_to": Y2022[1],
            "forces": FORCES,
            "own": ("cambridgeshire",),
            **kwargs,
        }
    )


def candour_rows(comparison):  # type: ignore[no-untyped-def]
    return {f.force: f for f in comparison.figures if f.from_candour}


def test_rates_are_per_1000_people_in_post_in_the_period(records):  # type: ignore[no-untyped-def]
    rows = candour_rows(compare_forces(question(), threshold=5))
    assert (rows["bedfordshire"].value, rows["bedfordshire"].workforce) == (20, 400)
    assert rows["bedfordshire"].rate == 50.0
    assert (rows["suffolk"].value, rows["suffolk"].rate) == (12, 40.0)
    assert rows["suffolk"].source == CANDOUR_SOURCE
    assert rows["suffolk"].period == "1 Jan 2022 to 31 Dec 2022"
    assert rows["suffolk"].counts == "Officers and staff subject to allegations (each person once)"


def test_small_numbers_are_withheld_exactly_as_the_engine_withholds_them(records):  # type: ignore[no-untyped-def]
    comparison = compare_forces(question(), threshold=5)
    rows = candour_rows(comparison)
    # Norfolk's 3 is small; Cambridgeshire's 6, the next smallest, goes with it (else the
    # total less the rest gives Norfolk's), even though it is the asker's own force.
    public = compute(
        StatsQuery(count="officers", by=("force",), date_from=Y2022[0], date_to=Y2022[1]),
        suppress=5,
        per=1000,
    )
    for code in OFFICERS:
        cell = public.cells[(code,)]
        assert rows[code].withheld == cell.suppressed, code
        assert rows[code].rate == (None if cell.suppressed else cell.rate), code
    assert rows["norfolk"].withheld and rows["cambridgeshire"].withheld
    for code in ("norfolk", "cambridgeshire"):
        assert (rows[code].value, rows[code].rate, rows[code].shown_rate) == (
            None,
            None,
            "withheld",
        )
    # Neither the file rows nor the chart carry a withheld count or its rate.
    for row in file_rows(comparison):
        if row[0] in ("norfolk", "cambridgeshire") and row[6] == "candour":
            assert (row[7], row[8], row[10]) == (None, "true", None)
    bars = {bar.label.split(":")[0]: bar for bar in chart_bars(comparison) if bar.from_candour}
    assert bars["Norfolk Constabulary"].width is None
    assert bars["Cambridgeshire Constabulary"].width is None
    assert bars["Bedfordshire Police"].width == 100.0 and bars["Suffolk Constabulary"].width == 80.0


def test_the_asked_forces_own_figures_come_first(records):  # type: ignore[no-untyped-def]
    comparison = compare_forces(question(), threshold=5)
    assert comparison.figures[0].force == "cambridgeshire" and comparison.figures[0].own
    assert [f.force for f in comparison.figures if f.from_candour][1:] == [
        "bedfordshire",
        "hampshire",
        "norfolk",
        "suffolk",
    ]


def test_a_force_with_no_records_says_so_rather_than_zero(records):  # type: ignore[no-untyped-def]
    hampshire = candour_rows(compare_forces(question(), threshold=5))["hampshire"]
    assert hampshire.value is None and hampshire.rate is None
    assert hampshire.counts == "Candour holds no case records for this force"
    assert hampshire.shown_value == "no records held"


def test_published_figures_are_rated_over_their_own_period(records):  # type: ignore[no-untyped-def]
    published = [f for f in compare_forces(question(), threshold=5).figures if not f.from_candour]
    norfolk = next(f for f in published if f.force == "norfolk")
    # 2016-2022: the 100 in post now and the 100 who left in 2019 were all in post then.
    assert (norfolk.value, norfolk.workforce, norfolk.rate) == (9, 200, 45.0)
    assert norfolk.source.startswith("Press agency") and norfolk.counts == "officers_accused"
    not_given = next(f for f in published if f.force == "suffolk")
    assert (not_given.shown_value, not_given.rate, not_given.note) == ("not given", None, "<5")
    assert not_given.counts == "officers_accused (subject_sex=male)"
    # The 2010-2012 answer does not overlap 2022.
    assert not any(f.source == "An older answer" for f in published)


def test_the_pccs_page_compares_its_force_with_others(client, signed_in, records):  # type: ignore[no-untyped-def]
    signed_in("pcc_office", ["cambridgeshire"])
    url = reverse("transparency:compare")
    html = client.get(
        url,
        {"count": "officers", "date_from": "2022-01-01", "date_to": "2022-12-31"},
    ).content.decode()
    assert "Cambridgeshire Constabulary (your force)" in html
    assert "Bedfordshire Police" in html and "Norfolk Constabulary" in html
    assert "50.0" in html and "40.0" in html and "45.0" in html
    assert "Press agency FOI request to every force (2022)" in html
    widths = re.findall(r'data-width="([\d.]+)"', html)
    assert sorted(float(w) for w in widths) == [80.0, 90.0, 100.0]
    # No withheld count or its rate is on the page: Norfolk 3 (30.0), Cambridgeshire 6 (30.0).
    assert "30.0" not in html
    assert AuditEntry.objects.filter(object_type="transparency.comparison").exists()

    download = client.get(
        url,
        {"count": "officers", "date_from": "2022-01-01", "date_to": "2022-12-31", "format": "csv"},
    )
    lines = download.content.decode().splitlines()
    assert lines[0].startswith("force,force_name,counts,period_start,period_end,source")
    assert any(line.startswith("bedfordshire,") and ",20,false,400,50.0," in line for line in lines)
    assert any(line.startswith("norfolk,") and ",,true,100,," in line for line in lines)

    xlsx = client.get(
        url,
        {"count": "officers", "date_from": "2022-01-01", "date_to": "2022-12-31", "format": "xlsx"},
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["comparison", "about"]
    values = list(book["comparison"].iter_rows(values_only=True))
    assert any(
        r[0] == "bedfordshire" and r[6] == "candour" and (r[7], r[9], r[10]) == (20, 400, 50.0)
        for r in values
    )


def test_anyone_can_compare_forces_on_the_public_pages(client, records):  # type: ignore[no-untyped-def]
    response = client.get(reverse("transparency:public_compare"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compare forces" in html and "your force" not in html
    assert not AuditEntry.objects.filter(object_type="transparency.comparison").exists()
