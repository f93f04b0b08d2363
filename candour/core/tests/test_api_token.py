"""API tokens: only the digest is kept, a revoked token stops working, and last use is kept to
the minute (a script's every call does not write the token's row)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from candour.core.models import ApiToken
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_known_by_its_digest_and_stops_when_revoked() -> None:
    user = UserFactory(username="scripted")
    token, raw = ApiToken.issue(user)
    assert raw not in token.digest and ApiToken.authenticate(raw) == user
    assert ApiToken.authenticate(raw + "x") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert ApiToken.authenticate(raw) is None


def test_last_use_is_written_at_most_once_a_minute() -> None:
    token, raw = ApiToken.issue(UserFactory(username="busy"))
    start = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ApiToken.authenticate(raw)
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        ApiToken.authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        ApiToken.authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=61)
