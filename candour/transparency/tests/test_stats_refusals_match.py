"""The API refuses exactly what ``candour stats`` refuses, with the same sentence: the query
object checks itself (``stats/query.py``), so neither keeps a list of its own."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from candour.core.models import ApiToken
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db

BAD = [
    ({"by": "colour"}, ["--by", "colour"]),
    ({"by": "year", "flag": "rude"}, ["--by", "year", "--flag", "rude"]),
    ({"by": "year", "count": "people"}, ["--by", "year", "--count", "people"]),
    ({"by": "year", "date": "born_on"}, ["--by", "year", "--date", "born_on"]),
    ({"by": "year", "from": "last year"}, ["--by", "year", "--from", "last year"]),
    ({"by": "year", "case_type": "gossip"}, ["--by", "year", "--case-type", "gossip"]),
    ({"by": "year", "force": "atlantis"}, ["--by", "year", "--force", "atlantis"]),
    ({"by": "year", "source": "rumours"}, ["--by", "year", "--source", "rumours"]),
    (
        {"by": "year", "source": "vetting", "flag": "sexual"},
        ["--by", "year", "--source", "vetting", "--flag", "sexual"],
    ),
    ({"by": "outcome", "source": "vetting"}, ["--by", "outcome", "--source", "vetting"]),
]


@pytest.mark.parametrize("params, args", BAD)
def test_the_api_refuses_with_422_and_the_commands_sentence(client, params, args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError) as refused:
        call_command("stats", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
    _, raw = ApiToken.issue(UserFactory(role="pcc_office", forces=["cambridgeshire"]))
    response = client.get("/api/transparency/stats", params, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    assert response.json()["detail"] == str(refused.value)


def test_the_command_counts_vetting_figures(client) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    import json

    from candour.factories import PersonFactory
    from candour.vetting import services

    for day in (1, 2):
        services.apply_for_vetting(PersonFactory(), "rv", applied_on=dt.date(2022, 5, day))
    out = io.StringIO()
    call_command(
        "stats", "--source", "vetting", "--by", "year,level", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["source"] == "vetting" and data["count"] == "applications"
    assert data["rows"] == [{"year": 2022, "level": "rv", "value": 2, "suppressed": False}]
    assert data["total"] == {"value": 2, "suppressed": False}
