"""GET /api/vetting/counts: the figures for the caller's forces, token-authenticated."""

import datetime as dt

import pytest

from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force
from candour.vetting import services

pytestmark = pytest.mark.django_db

URL = "/api/vetting/counts?date_from=2023-01-01&date_to=2023-12-31&by=year"


def get(client, role: str, forces: list[str], url: str = URL):  # type: ignore[no-untyped-def]
    _, raw = ApiToken.issue(UserFactory(role=role, forces=forces))
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_it_counts_only_the_callers_forces(client) -> None:  # type: ignore[no-untyped-def]
    for code, applications in (("norfolk", 5), ("suffolk", 1)):
        for _ in range(applications):
            services.apply_for_vetting(
                PersonFactory(force=force(code)), "rv", applied_on=dt.date(2023, 4, 1)
            )
    response = get(client, Role.VETTING_OFFICER, ["norfolk"])
    assert response.status_code == 200
    assert response.json()["rows"] == [
        {
            "period": "2023",
            "applications": 5,
            "granted": 0,
            "refused": 0,
            "withdrawn": 0,
            "suppressed": [],
        }
    ]


def test_small_numbers_are_withheld(client) -> None:  # type: ignore[no-untyped-def]
    services.apply_for_vetting(
        PersonFactory(force=force("norfolk")), "rv", applied_on=dt.date(2023, 4, 1)
    )
    data = get(client, Role.VETTING_OFFICER, ["norfolk"]).json()
    assert data["rows"][0]["applications"] is None
    assert data["rows"][0]["suppressed"] == ["applications"]
    assert data["suppress"] == 5


def test_a_role_without_vetting_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert get(client, Role.FOI_OFFICER, ["norfolk"]).status_code == 403


def test_an_unknown_dimension_is_a_422_with_the_commands_sentence(client) -> None:  # type: ignore[no-untyped-def]
    response = get(
        client, Role.VETTING_OFFICER, ["norfolk"], URL.replace("by=year", "by=year,shoe")
    )
    assert response.status_code == 422
    assert "'shoe' is not a dimension of vetting figures" in response.json()["detail"]
