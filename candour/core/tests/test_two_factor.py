"""Sign-in: Argon2 passwords, TOTP enrolment on first sign-in, lock-out after repeated failures."""

import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.core.roles import Role
from candour.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client: Client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2() -> None:
    user = UserFactory()
    assert identify_hasher(user.password).algorithm == "argon2"


@override_settings(DEMO_SKIP_2FA=False)
def test_first_sign_in_requires_enrolling_an_authenticator(client: Client) -> None:
    UserFactory(username="ann", role=Role.INVESTIGATOR)
    _sign_in(client, "ann")
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    page = client.get(response["Location"])
    assert b"Set up two-factor authentication" in page.content


@override_settings(DEMO_SKIP_2FA=False)
def test_a_right_code_completes_enrolment_and_opens_the_cases(client: Client) -> None:
    user = UserFactory(username="ann", role=Role.INVESTIGATOR)
    _sign_in(client, "ann")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        "/accounts/two-factor/?next=/cases/", {"token": _code(device), "next": "/cases/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@override_settings(DEMO_SKIP_2FA=False)
def test_a_wrong_code_is_refused(client: Client) -> None:
    UserFactory(username="ann", role=Role.INVESTIGATOR)
    _sign_in(client, "ann")
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"token": "000000"})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get("/cases/").status_code == 302


@override_settings(DEMO_SKIP_2FA=False)
def test_an_enrolled_user_is_asked_for_a_code_not_a_new_device(client: Client) -> None:
    user = UserFactory(username="ann", role=Role.INVESTIGATOR)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _sign_in(client, "ann")
    page = client.get("/accounts/two-factor/")
    assert b"Enter your security code" in page.content
    assert TOTPDevice.objects.filter(user=user).count() == 1


@override_settings(DEMO_SKIP_2FA=False)
def test_statistics_only_roles_need_no_second_factor(client: Client) -> None:
    UserFactory(username="pcc", role=Role.PCC_OFFICE)
    _sign_in(client, "pcc")
    assert client.get("/dashboard/").status_code == 200


@override_settings(DEMO_SKIP_2FA=True)
def test_demo_mode_skips_the_second_factor_and_says_so(client: Client) -> None:
    UserFactory(username="ann", role=Role.INVESTIGATOR)
    _sign_in(client, "ann")
    response = client.get("/cases/")
    assert response.status_code == 200
    assert b"two-factor authentication is switched off" in response.content


def test_account_locks_after_five_failed_sign_ins(client: Client) -> None:
    UserFactory(username="ann", role=Role.INVESTIGATOR)
    for _ in range(5):
        _sign_in(client, "ann", "wrong-password")
    response = _sign_in(client, "ann")  # the right password, too late
    assert response.status_code == 429
    assert b"Your account is locked" in response.content


def test_failed_sign_ins_are_audited(client: Client) -> None:
    from candour.core.models import AuditEntry

    UserFactory(username="ann")
    _sign_in(client, "ann", "wrong-password")
    assert AuditEntry.objects.filter(action="login_failed").count() == 1


@override_settings(SESSION_COOKIE_AGE=1)
def test_sessions_expire_when_idle(client: Client) -> None:
    UserFactory(username="pcc", role=Role.PCC_OFFICE)
    _sign_in(client, "pcc")
    assert client.get("/dashboard/").status_code == 200
    time.sleep(2.1)
    assert client.get("/dashboard/").status_code == 302
