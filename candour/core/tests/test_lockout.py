"""Lock-out by account and address together (issue 10, finding 4): five wrong passwords for one
account, from one address, lock that account there and nothing else; behind the documented TLS
proxy (CANDOUR_PROXY_COUNT) each client is told apart by X-Forwarded-For, and a header sent
without a proxy is ignored; an administrator lifts a lock-out from the pages, audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from candour.conftest import TEST_PASSWORD
from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy in front of Candour


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **meta: str) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password}, **meta)
    return response.status_code


def fail_five_times(client: Client, username: str, **meta: str) -> None:
    statuses = [sign_in(client, username, "wrong-password", **meta) for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks


def test_five_wrong_passwords_for_one_account_do_not_lock_another_at_the_same_address() -> None:
    UserFactory(username="ann")
    UserFactory(username="bob")
    fail_five_times(Client(), "ann")

    assert sign_in(Client(), "ann") == 429  # ann is locked at this address ...
    assert sign_in(Client(), "bob") == 302  # ... bob, at the same address, is not


def test_the_same_account_from_another_address_is_not_locked() -> None:
    UserFactory(username="ann")
    fail_five_times(Client(), "ann", REMOTE_ADDR="192.0.2.10")
    assert sign_in(Client(), "ann", REMOTE_ADDR="192.0.2.10") == 429
    assert sign_in(Client(), "ann", REMOTE_ADDR="192.0.2.11") == 302


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_is_told_apart_by_the_forwarded_address() -> None:
    UserFactory(username="ann")
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "81.2.69.160"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "81.2.69.161"}
    fail_five_times(Client(), "ann", **first)

    assert sign_in(Client(), "ann", **first) == 429
    assert sign_in(Client(), "ann", **second) == 302
    # A client that adds its own X-Forwarded-For cannot pass for another: the proxy appends
    # the address it saw, and only that last entry is trusted.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "81.2.69.199, 81.2.69.160"}
    assert sign_in(Client(), "ann", **spoofed) == 429


def test_with_no_proxy_a_forwarded_header_is_ignored() -> None:
    UserFactory(username="ann")
    fail_five_times(Client(), "ann", HTTP_X_FORWARDED_FOR="81.2.69.160")
    # Changing the header does not give the attacker a fresh address.
    assert sign_in(Client(), "ann", HTTP_X_FORWARDED_FOR="81.2.69.161") == 429


def test_an_administrator_unlocks_from_the_pages_and_it_is_audited(signed_in, client) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ann", forces=["cambridgeshire"])
    fail_five_times(Client(), "ann")
    admin = signed_in(Role.SYSTEM_ADMIN, ["cambridgeshire"])

    page = client.get("/accounts/locked/").content.decode()
    assert "ann" in page and "127.0.0.1" in page
    from axes.models import AccessAttempt

    lock = AccessAttempt.objects.get(username="ann")
    response = client.post("/accounts/locked/", {"lock": lock.pk})

    assert response.status_code == 302
    assert sign_in(Client(), "ann") == 302
    entry = AuditEntry.objects.get(action="unlock")
    assert entry.username == admin.username
    assert json.loads(entry.detail) == {"username": "ann", "address": "127.0.0.1", "failures": 5}


def test_an_administrator_of_another_force_neither_sees_nor_lifts_the_lock(
    signed_in, client
) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="ann", forces=["cambridgeshire"])
    fail_five_times(Client(), "ann")
    signed_in(Role.SYSTEM_ADMIN, ["norfolk"])
    from axes.models import AccessAttempt

    lock = AccessAttempt.objects.get(username="ann")
    assert "ann" not in client.get("/accounts/locked/").content.decode()
    client.post("/accounts/locked/", {"lock": lock.pk})

    assert AccessAttempt.objects.filter(pk=lock.pk).exists()
    assert not AuditEntry.objects.filter(action="unlock").exists()
    assert sign_in(Client(), "ann") == 429


def test_only_administrators_reach_the_lock_out_page(signed_in, client) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    assert client.get("/accounts/locked/").status_code == 403
