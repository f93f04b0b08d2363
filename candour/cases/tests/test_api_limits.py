"""GET /api/cases pages with limit (1 to 500) and offset (0 to 10,000,000), docs/api.md: a value
outside is a 422 naming the parameter, before it reaches the database (an offset of 2**63 used to
overflow both engines' OFFSET), and a request Django cannot read is a 400 in the same envelope."""

from __future__ import annotations

import pytest
from django.test import Client

from candour.cases.api import MAX_LIMIT, MAX_OFFSET
from candour.core.api import api
from candour.core.models import ApiToken
from candour.core.roles import Role
from candour.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth() -> dict[str, str]:
    _, raw = ApiToken.issue(UserFactory(role=Role.INVESTIGATOR, forces=["cambridgeshire"]))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def refused_field(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body["errors"][0]["field"]


def test_a_page_holds_at_most_the_documented_limit(client: Client, auth) -> None:
    CaseFactory.create_batch(3)
    response = client.get(f"/api/cases?limit={MAX_LIMIT}", **auth)
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert refused_field(client.get(f"/api/cases?limit={MAX_LIMIT + 1}", **auth)) == "limit"
    assert refused_field(client.get("/api/cases?limit=1025", **auth)) == "limit"


@pytest.mark.parametrize("limit", ["0", "-1", "9223372036854775808"])
def test_a_limit_outside_1_to_the_maximum_is_refused(client: Client, auth, limit: str) -> None:
    assert refused_field(client.get(f"/api/cases?limit={limit}", **auth)) == "limit"


@pytest.mark.parametrize("offset", ["-1", str(MAX_OFFSET + 1), str(2**63), str(2**64)])
def test_an_offset_outside_0_to_the_maximum_is_refused(client: Client, auth, offset: str) -> None:
    assert refused_field(client.get(f"/api/cases?offset={offset}", **auth)) == "offset"


def test_the_largest_offset_is_answered_with_an_empty_page(client: Client, auth) -> None:
    CaseFactory()
    response = client.get(f"/api/cases?offset={MAX_OFFSET}&limit={MAX_LIMIT}", **auth)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 1}


def test_the_schema_states_the_bounds() -> None:
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in api.get_openapi_schema()["paths"]["/api/cases"]["get"]["parameters"]
    }
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, MAX_LIMIT)
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, MAX_OFFSET)


def test_too_many_parameters_is_a_400_in_the_envelope(client: Client, auth) -> None:
    query = "&".join(f"p{number}=1" for number in range(1200))
    response = client.get(f"/api/cases?{query}", **auth)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request is too large")


def test_a_body_over_the_upload_limit_is_a_400_in_the_envelope(client: Client, auth) -> None:
    body = {"force": "cambridgeshire", "summary": "x" * 3_000_000}
    response = client.post("/api/cases", body, content_type="application/json", **auth)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request is too large")


def test_every_operation_declares_every_status_it_can_answer() -> None:
    """docs/api.md's table: 401, 403, 404 and 422 for every path (400 for a request too large to
    read), 409 for the two that take a version."""
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            declared = {int(status) for status in operation["responses"]}
            assert {400, 401, 403, 404, 422} <= declared, (method, path)
            if path.endswith(("/allegations", "/actions")):
                assert 409 in declared, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [("put", "/api/cases", {"GET", "POST"}), ("delete", "/api/cases/1", {"GET"})],
)
def test_a_method_a_path_does_not_take_is_a_405_in_the_envelope(
    client: Client, auth, method: str, path: str, allowed: set[str]
) -> None:
    response = getattr(client, method)(path, **auth)
    assert response.status_code == 405
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert method.upper() in body["detail"] and "GET" in body["detail"]
