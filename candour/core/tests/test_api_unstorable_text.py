"""A NUL (U+0000) or a lone surrogate anywhere in a call is a 422 naming the field, answered by the
route's guard before any query (PostgreSQL raised DataError on a NUL, a 500, even in a filter)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from candour.cases.models import Case
from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(role: str = Role.APPROPRIATE_AUTHORITY) -> dict[str, str]:
    _, raw = ApiToken.issue(UserFactory(role=role, forces=["cambridgeshire"]))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def refused_fields(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    body = response.json()
    assert "cannot be stored" in body["detail"]
    return [error["field"] for error in body["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("force=%00", "force"),
        ("subject=PC-ADAMS%00", "subject"),
        ("category=%00&flag=sexual", "category"),
        ("flag=%00", "flag"),
        ("limit=%00", "limit"),
    ],
)
def test_a_nul_in_a_case_filter_is_refused_naming_it(client: Client, query, field) -> None:
    assert refused_fields(client.get(f"/api/cases?{query}", **bearer())) == [field]


def test_a_nul_in_a_path_parameter_is_refused_naming_it(client: Client) -> None:
    assert refused_fields(client.get("/api/cases/1%00", **bearer())) == ["case_id"]


def test_a_nul_in_the_statistics_and_vetting_parameters_is_refused(client: Client) -> None:
    stats = client.get("/api/transparency/stats?by=year&force=%00&from=2020%00", **bearer())
    assert refused_fields(stats) == ["force", "from"]
    counts = client.get(
        "/api/vetting/counts?date_from=2024-01-01&date_to=2024-12-31&by=year%00",
        **bearer(Role.VETTING_OFFICER),
    )
    assert refused_fields(counts) == ["by"]


def test_a_nul_in_a_body_field_is_refused_and_nothing_is_recorded(client: Client) -> None:
    body = {
        "force": "cambridgeshire",
        "case_type": "complaint",
        "received_date": "2026-02-20",
        "summary": "Stopped\u0000 and searched",
        "complainants": [{"name": "Jane\u0000 Roe"}],
    }
    response = client.post("/api/cases", body, content_type="application/json", **bearer())
    assert refused_fields(response) == ["summary", "complainants.0.name"]
    assert not Case.objects.exists()


def test_a_nul_in_an_action_s_reason_changes_nothing(client: Client) -> None:
    case = CaseFactory()
    response = client.post(
        f"/api/cases/{case.pk}/actions",
        {"action": "close", "version": case.version, "reason": "\u0000"},
        content_type="application/json",
        **bearer(),
    )
    assert refused_fields(response) == ["reason"]
    case.refresh_from_db()
    assert case.events.count() == 0


def test_a_lone_surrogate_in_the_body_is_refused(client: Client) -> None:
    body = json.dumps({"force": "cambridgeshire", "summary": "\ud800"})  # ASCII: "\\ud800"
    response = client.post("/api/cases", body, content_type="application/json", **bearer())
    assert refused_fields(response) == ["summary"]
    assert "U+D800" in response.json()["errors"][0]["message"]


def test_a_caller_without_a_token_is_told_so_first(client: Client) -> None:
    assert client.get("/api/cases?force=%00").status_code == 401
    no_capability = client.get("/api/cases?force=%00", **bearer(Role.PCC_OFFICE))
    assert no_capability.status_code == 403


def test_text_without_a_nul_reaches_the_route(client: Client) -> None:
    response = client.get("/api/cases?force=cambridgeshire&subject=PC-ÄDAMS-😀", **bearer())
    assert response.status_code == 200
