"""The public transparency pages: no sign-in, never a number under the threshold."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
    force,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    """Suffolk: 12 allegations in 2019 (10 sexual), 3 in 2020 (a small cell); 40 in post."""
    for n in range(15):
        year = 2019 if n < 12 else 2020
        case = CaseFactory(force=force("suffolk"), ref=f"S{n}", received_date=dt.date(year, 5, 1))
        flags = ["sexual"] if n < 10 else ["dishonesty"]
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=case, flags=flags),
            subject=PersonFactory(force=force("suffolk"), ref=f"SO{n}"),
        )
    for n in range(40):
        PersonFactory(force=force("suffolk"), ref=f"W{n}", in_workforce_file=True)


def numbers_in_tables(html: str) -> list[int]:
    cells = re.findall(
        r'<t[dh][^>]*class="govuk-table__(?:cell|header)[^"]*--numeric[^"]*"[^>]*>\s*([\d,]+)\s*</t[dh]>',
        html,
    )
    return [int(c.replace(",", "")) for c in cells]


def test_the_public_page_needs_no_sign_in(client, records):  # type: ignore[no-untyped-def]
    response = client.get("/transparency/public/")
    assert response.status_code == 200
    assert "Complaints and misconduct in figures: all forces" in response.content.decode()


def test_a_force_page_shows_trends_and_withholds_small_numbers(client, records):  # type: ignore[no-untyped-def]
    html = client.get("/transparency/public/suffolk/").content.decode()
    assert "Suffolk Constabulary" in html
    assert "withheld" in html
    assert numbers_in_tables(html), "the page shows some numbers"
    assert all(n == 0 or n >= 5 for n in numbers_in_tables(html))


def test_no_public_page_shows_a_number_under_the_threshold(client, records):  # type: ignore[no-untyped-def]
    for url in [
        "/transparency/public/",
        "/transparency/public/suffolk/",
        "/transparency/public/norfolk/",
    ]:
        html = client.get(url).content.decode()
        rates = set(re.findall(r"\d+\.\d", html))  # rates are not counts
        assert all(n == 0 or n >= 5 for n in numbers_in_tables(html) if str(n) not in rates), url


def test_the_open_data_csv_is_suppressed(client, records):  # type: ignore[no-untyped-def]
    response = client.get(
        reverse("transparency:public_force_data", args=["suffolk", "allegations-by-year"])
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == "year,value,suppressed"
    assert "2020,,true" in lines and "2019,,true" in lines  # 3 is small, so 12 goes too
    assert lines[-1] == "total,15,false"


def test_rates_per_1000_in_post_are_shown(client, records):  # type: ignore[no-untyped-def]
    html = client.get("/transparency/public/suffolk/").content.decode()
    assert "Per 1,000 in post" in html
    # 2019 (12) and 2020 (3) are withheld with their rates; the total is 15 officers / 40 in post.
    assert "375.0" in html
    assert "300.0" not in html and "75.0" not in html.replace("375.0", "")


def test_an_unknown_force_is_not_found(client):  # type: ignore[no-untyped-def]
    assert client.get("/transparency/public/atlantis/").status_code == 404


def test_published_figures_are_set_beside_our_own(client, records):  # type: ignore[no-untyped-def]
    from candour.transparency.models import PublishedFigure

    PublishedFigure.objects.create(
        force=force("suffolk"),
        source="Press agency FOI, 2022",
        period_start=dt.date(2016, 1, 1),
        period_end=dt.date(2021, 12, 31),
        measure="sexual_assault_claims",
        value=14,
        note="",
    )
    html = client.get("/transparency/public/suffolk/").content.decode()
    assert "Press agency FOI, 2022" in html
    assert "sexual_assault_claims" in html
    assert "do not always count the same thing" in html


def test_a_force_with_no_case_data_says_so_instead_of_showing_zeros(client, records):  # type: ignore[no-untyped-def]
    html = client.get("/transparency/public/norfolk/").content.decode()
    assert "Candour holds no case data for Norfolk Constabulary" in html
    assert "No figures others have published about Norfolk Constabulary" in html
    assert "govuk-table" not in html and numbers_in_tables(html) == []
    assert "; ." not in html and "Download this table" not in html


def test_a_force_with_no_case_data_links_to_the_figures_others_published(client, records):  # type: ignore[no-untyped-def]
    from candour.transparency.models import PublishedFigure

    PublishedFigure.objects.create(
        force=force("norfolk"),
        source="Press agency FOI, 2022",
        period_start=dt.date(2016, 1, 1),
        period_end=dt.date(2021, 12, 31),
        measure="sexual_assault_claims",
        value=14,
    )
    html = client.get("/transparency/public/norfolk/").content.decode()
    assert "Candour holds no case data for Norfolk Constabulary" in html
    assert 'href="#published-figures"' in html and 'id="published-figures"' in html
    assert "Press agency FOI, 2022" in html and "Our cases" not in html


def test_a_force_with_only_a_few_cases_still_shows_its_tables(client):  # type: ignore[no-untyped-def]
    CaseFactory(force=force("essex"), ref="E1", received_date=dt.date(2020, 1, 1))
    html = client.get("/transparency/public/essex/").content.decode()
    assert "holds no case data" not in html and "withheld" in html


def test_a_breakdown_with_no_rows_ends_its_sentence_cleanly() -> None:
    from candour.transparency.stats import StatsQuery, compute
    from candour.transparency.stats.sentences import sentences

    result = compute(StatsQuery(count="cases", by=("year",), forces=("norfolk",)), suppress=5)
    assert sentences(result) == [
        "In all the records held, 0 cases in Norfolk Constabulary were recorded."
    ]


def test_the_per_1000_charts_plot_rates_not_counts(client, records):  # type: ignore[no-untyped-def]
    import json

    html = client.get("/transparency/public/").content.decode()
    found = re.search(
        r'<script id="officers-by-force" type="application/json">(.*?)</script>', html
    )
    assert found is not None
    chart = json.loads(found.group(1))
    assert chart["per"] == 1000 and chart["title"] == "Officers per 1,000 in post"
    assert chart["datasets"][0]["data"] == [375.0]  # 15 officers, 40 in post; not 15
