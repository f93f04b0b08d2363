"""Refusals leave a trace and no traceback (issue 10, finding 9): every 403 and 404 a signed-in
user meets, on a page or through the API, is an audit entry; the server log keeps one line per
refusal instead of a traceback."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from candour.core.models import ApiToken, AuditEntry
from candour.core.roles import Role
from candour.factories import CaseFactory, UserFactory, force

pytestmark = pytest.mark.django_db


def refusals() -> list[dict]:
    return [
        {"user": entry.username, "channel": entry.channel, **json.loads(entry.detail)}
        for entry in AuditEntry.objects.filter(action="refused").order_by("sequence")
    ]


def test_another_forces_case_is_a_404_and_the_probe_is_audited(signed_in, client) -> None:  # type: ignore[no-untyped-def]
    norfolk = CaseFactory(force=force("norfolk"))
    user = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])

    assert client.get(f"/cases/{norfolk.pk}/").status_code == 404
    assert client.get("/cases/999999/").status_code == 404

    assert refusals() == [
        {
            "user": user.username,
            "channel": "web",
            "method": "GET",
            "path": f"/cases/{norfolk.pk}/",
            "status": 404,
        },
        {
            "user": user.username,
            "channel": "web",
            "method": "GET",
            "path": "/cases/999999/",
            "status": 404,
        },
    ]


def test_a_page_the_role_may_not_use_is_a_403_audited_and_logged_without_a_traceback(  # type: ignore[no-untyped-def]
    signed_in, client, caplog
) -> None:
    user = signed_in(Role.FOI_OFFICER, ["cambridgeshire"])

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/cases/").status_code == 403

    assert [(r["user"], r["status"], r["path"]) for r in refusals()] == [
        (user.username, 403, "/cases/")
    ]
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.getMessage() for r in logged] == ["Forbidden (Permission denied): /cases/"]
    assert [r.exc_info for r in logged] == [None]
    assert "Traceback" not in caplog.text


def test_an_api_probe_is_audited_on_the_api_channel(client: Client) -> None:
    norfolk = CaseFactory(force=force("norfolk"))
    user = UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"])
    _, raw = ApiToken.issue(user)

    response = client.get(f"/api/cases/{norfolk.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 404
    assert [(r["user"], r["channel"], r["status"]) for r in refusals()] == [
        (user.username, "api", 404)
    ]


def test_signed_out_requests_are_not_audited(client: Client) -> None:
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/api/cases/1").status_code == 401
    assert refusals() == []


def test_a_page_that_answers_is_not_a_refusal(signed_in, client) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    assert client.get("/cases/").status_code == 200
    assert refusals() == []
