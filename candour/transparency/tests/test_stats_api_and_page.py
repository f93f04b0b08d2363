"""GET /api/transparency/stats returns the command's JSON over the caller's forces; the
statistics page shows the same figures to signed-in users with VIEW_STATISTICS."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.core.models import ApiToken
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    UserFactory,
    force,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    for n in range(6):
        case = CaseFactory(ref=f"C{n}", received_date=dt.date(2018 + n % 2, 1, 1))
        AllegationSubjectFactory(
            allegation=AllegationFactory(case=case, flags=["sexual"]), subject__ref=f"O{n}"
        )
    AllegationSubjectFactory(
        allegation__case=CaseFactory(force=force("norfolk")), subject__ref="N1"
    )


def api_get(client, role: str, forces: list[str], url: str):  # type: ignore[no-untyped-def]
    _, raw = ApiToken.issue(UserFactory(role=role, forces=forces))
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_returns_the_cli_json_for_the_callers_forces(client, records):  # type: ignore[no-untyped-def]
    # Small numbers shown: an investigator may see them (SEE_SMALL_NUMBERS), when asked.
    response = api_get(
        client,
        "investigator",
        ["cambridgeshire"],
        "/api/transparency/stats?by=year&count=officers&from=2018-01-01&show_small=true",
    )
    assert response.status_code == 200
    assert response.json() == {
        "count": "officers",
        "by": ["year"],
        "filters": {"force": ["cambridgeshire"], "from": "2018-01-01"},
        "rows": [
            {"year": 2018, "value": 3, "suppressed": False},
            {"year": 2019, "value": 3, "suppressed": False},
        ],
        "total": {"value": 6, "suppressed": False},
    }


def test_api_applies_suppression_when_asked(client, records):  # type: ignore[no-untyped-def]
    data = api_get(
        client,
        "pcc_office",
        ["cambridgeshire"],
        "/api/transparency/stats?by=year&count=officers&suppress=5",
    ).json()
    assert all(row["suppressed"] and row["value"] is None for row in data["rows"])


def test_api_withholds_small_numbers_by_default_for_every_role(client, records):  # type: ignore[no-untyped-def]
    for role in ("pcc_office", "investigator", "foi_officer"):
        data = api_get(
            client, role, ["cambridgeshire"], "/api/transparency/stats?by=year&count=officers"
        ).json()
        assert data["suppress"] == 5, role
        assert [row["value"] for row in data["rows"]] == [None, None], role
        assert data["total"] == {"value": 6, "suppressed": False}, role


@pytest.mark.parametrize("asked", ["show_small=true", "suppress=2", "suppress=1"])
def test_a_role_that_hands_figures_out_may_not_see_small_numbers(client, records, asked):  # type: ignore[no-untyped-def]
    from candour.core.models import AuditEntry

    response = api_get(
        client, "pcc_office", ["cambridgeshire"], f"/api/transparency/stats?by=year&{asked}"
    )
    assert response.status_code == 403
    assert "withheld for your role" in response.json()["detail"]
    assert not AuditEntry.objects.filter(object_type="transparency.statistics").exists()


def test_a_higher_threshold_is_anyones_and_showing_small_numbers_is_audited(client, records):  # type: ignore[no-untyped-def]
    import json

    from candour.core.models import AuditEntry

    higher = api_get(
        client, "pcc_office", ["cambridgeshire"], "/api/transparency/stats?by=year&suppress=10"
    )
    assert higher.status_code == 200 and higher.json()["total"]["suppressed"] is True
    api_get(
        client, "investigator", ["cambridgeshire"], "/api/transparency/stats?by=year&suppress=1"
    )
    shown = [
        json.loads(entry.detail)["small_numbers_shown"]
        for entry in AuditEntry.objects.filter(object_type="transparency.statistics").order_by(
            "sequence"
        )
    ]
    assert shown == [False, True]


def test_api_refuses_other_forces(client, records):  # type: ignore[no-untyped-def]
    response = api_get(
        client, "pcc_office", ["cambridgeshire"], "/api/transparency/stats?by=year&force=norfolk"
    )
    assert response.status_code == 403
    assert "norfolk" in response.json()["detail"]


def test_api_refuses_roles_without_statistics(client, records):  # type: ignore[no-untyped-def]
    assert (
        api_get(
            client, "system_admin", ["cambridgeshire"], "/api/transparency/stats?by=year"
        ).status_code
        == 403
    )


def test_api_reports_bad_usage_in_a_sentence(client, records):  # type: ignore[no-untyped-def]
    response = api_get(
        client, "pcc_office", ["cambridgeshire"], "/api/transparency/stats?by=colour"
    )
    assert response.status_code == 422
    assert "'colour' is not a dimension" in response.json()["detail"]


def test_statistics_page_withholds_small_numbers_by_default(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("investigator", ["cambridgeshire"])
    html = client.get("/transparency/statistics/?by=year&count=officers&then_by=").content.decode()
    assert ">withheld<" in html
    assert 'name="show_small"' in html
    shown = client.get(
        "/transparency/statistics/?by=year&count=officers&then_by=&show_small=on"
    ).content.decode()
    assert ">withheld<" not in shown
    assert "6 officers" in shown


def test_the_pcc_office_is_not_offered_small_numbers_and_asking_changes_nothing(
    signed_in, client, records
):  # type: ignore[no-untyped-def]
    signed_in("pcc_office", ["cambridgeshire"])
    html = client.get(
        "/transparency/statistics/?by=year&count=officers&then_by=&show_small=on"
    ).content.decode()
    assert 'name="show_small"' not in html
    assert ">withheld<" in html


def test_statistics_page_downloads_csv(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("investigator", ["cambridgeshire"])
    response = client.get(
        "/transparency/statistics/?by=year&count=cases&then_by=&show_small=on&format=csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[-1] == "total,6,false"


def test_statistics_page_needs_view_statistics(signed_in, client):  # type: ignore[no-untyped-def]
    signed_in("system_admin", [])
    assert client.get("/transparency/statistics/").status_code == 403


def test_an_account_with_no_forces_counts_nothing(signed_in, client, records):  # type: ignore[no-untyped-def]
    signed_in("pcc_office", [])
    html = client.get(
        "/transparency/statistics/?by=year&count=cases&then_by=&show_small=on"
    ).content.decode()
    assert "not linked to any force" in html
    assert "govuk-table__cell" not in html


def test_the_statistics_page_counts_vetting_figures_too(signed_in, client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from candour.factories import PersonFactory
    from candour.vetting import services

    signed_in("pcc_office", ["cambridgeshire"])
    for day in range(1, 7):
        services.apply_for_vetting(PersonFactory(), "rv", applied_on=dt.date(2022, 5, day))
    form = client.get("/transparency/statistics/?source=vetting").content.decode()
    assert "Date applied" in form and "Only allegations with any of these themes" not in form
    html = client.get(
        "/transparency/statistics/?source=vetting&count=applications&by=year&then_by="
    ).content.decode()
    assert "6 applications" in html
