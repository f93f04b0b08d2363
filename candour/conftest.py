"""Fixtures every app's tests share."""

from __future__ import annotations

import pytest
from django.test import Client

from candour.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def signed_in(client: Client, db):  # type: ignore[no-untyped-def]
    """Return a function that signs a new user with the given role and forces into ``client``,
    as if two-factor authentication had been passed."""

    def sign_in(role: str, forces: list[str], **fields: object):  # type: ignore[no-untyped-def]
        user = UserFactory(role=role, forces=forces, **fields)
        client.force_login(user)
        session = client.session
        # django-otp keeps the verified device in the session; tests of two-factor itself
        # go through the real enrolment instead of this shortcut.
        from candour.core.twofactor import pending_device

        device = pending_device(user)
        device.confirmed = True
        device.save()
        session["otp_device_id"] = device.persistent_id
        session.save()
        return user

    return sign_in


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD
