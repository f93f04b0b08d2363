"""Idle sessions (candour.core.sessions): renewed once a thirtieth of the idle time has passed,
not written on every request, and never alive longer than the idle time after the last request."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candour.core.roles import Role
from candour.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in(client: Client) -> Session:
    UserFactory(username="pcc", role=Role.PCC_OFFICE)
    client.post("/accounts/login/", {"username": "pcc", "password": TEST_PASSWORD})
    return Session.objects.get()


def _session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    )


def test_a_session_just_renewed_is_not_written_again(client: Client) -> None:
    session = _signed_in(client)
    expiry = Session.objects.get(pk=session.pk).expire_date
    assert _session_writes(client, "/dashboard/") == 0
    assert _session_writes(client, "/dashboard/") == 0
    assert Session.objects.get(pk=session.pk).expire_date == expiry


def test_a_session_is_renewed_once_a_thirtieth_of_the_idle_time_has_passed(
    client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    session = _signed_in(client)
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # As if the last renewal were 2/30 of the idle time ago (a minute and a half short of 30).
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + age * 28 / 30)
    assert _session_writes(client, "/dashboard/") == 1
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + age * 29 / 30
    # Just under a thirtieth ago: not yet.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + age * 29.5 / 30)
    assert _session_writes(client, "/dashboard/") == 0


def test_a_changed_session_is_always_saved(client: Client) -> None:
    _signed_in(client)
    client.post("/accounts/logout/")
    assert not Session.objects.exists()
    assert client.get("/dashboard/").status_code == 302


@override_settings(SESSION_COOKIE_AGE=2)
def test_an_active_session_lives_on_and_an_idle_one_ends_within_the_idle_time(
    client: Client,
) -> None:
    _signed_in(client)
    for _ in range(4):  # active for 3 s, longer than the idle time
        time.sleep(0.75)
        assert client.get("/dashboard/").status_code == 200
    time.sleep(2.1)
    assert client.get("/dashboard/").status_code == 302
