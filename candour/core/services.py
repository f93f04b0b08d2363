"""Operations on accounts: who may do what, with which token and which second factor.

Every change to an account's access (role, forces, workforce link, active and staff flags), to its
API tokens or to its two-factor device goes through one of these and writes an audit entry, from
the admin pages, the pages and the ``candour`` command alike (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.core import audit, scoping
from candour.core.models import ApiToken, Force, Person, User
from candour.core.roles import Capability

ACCESS_FIELDS = ("role", "forces", "person", "is_active", "is_staff", "is_superuser")


class AccessChangeRefused(ValueError):
    """A change of access the rules do not allow; the message says why."""


def access_of(account: User) -> dict[str, Any]:
    """What an account may reach, as the audit log records it."""
    return {
        "role": account.role,
        "forces": sorted(account.forces.values_list("code", flat=True)) if account.pk else [],
        "person": account.person_id,
        "is_active": account.is_active,
        "is_staff": account.is_staff,
        "is_superuser": account.is_superuser,
    }


def change_access(
    account: User,
    *,
    by: User | None,
    channel: str = "web",
    role: str | None = None,
    forces: Iterable[Force | str] | None = None,
    person: Person | None | bool = False,
    is_active: bool | None = None,
    is_staff: bool | None = None,
) -> dict[str, list[Any]]:
    """Change what an account may reach and audit the change (``{field: [before, after]}``, empty
    when nothing changed). ``None`` (``False`` for ``person``) leaves a field as it is.
    Nobody changes their own role, forces or workforce link: another administrator must."""
    with transaction.atomic():
        before = access_of(account)
        if role is not None:
            account.role = role
        if person is not False:
            account.person = person if isinstance(person, Person) else None
        if is_active is not None:
            account.is_active = is_active
        if is_staff is not None:
            account.is_staff = is_staff
        account.save()
        if forces is not None:
            codes = [f.code if isinstance(f, Force) else f for f in forces]
            account.forces.set(Force.objects.filter(code__in=codes))
        after = access_of(account)
        changed = {k: [before[k], after[k]] for k in ACCESS_FIELDS if before[k] != after[k]}
        if by is not None and by.pk == account.pk and changed.keys() & {"role", "forces", "person"}:
            raise AccessChangeRefused(
                "You cannot change your own role, forces or workforce link: ask another "
                "administrator."
            )
        if changed:
            audit.record(by, "update", account, channel=channel, detail={"access": changed})
    return changed


def record_new_account(account: User, *, by: User | None, channel: str = "web") -> None:
    audit.record(by, "create", account, channel=channel, detail={"access": access_of(account)})


def issue_token(
    account: User, *, by: User | None, name: str = "script", channel: str = "web"
) -> tuple[ApiToken, str]:
    """A new API token for ``account``; the raw token is returned once, only its hash is kept."""
    token, raw = ApiToken.issue(account, name=name)
    audit.record(
        by,
        "token",
        token,
        object_type="core.apitoken",
        channel=channel,
        detail={"for": account.get_username(), "name": name},
    )
    return token, raw


def revoke_token(token: ApiToken, *, by: User | None, channel: str = "web") -> bool:
    """Revoke a token (no-op, and no entry, when it already was). Returns whether it changed."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit.record(
            by,
            "update",
            token,
            channel=channel,
            detail={"for": token.user.get_username(), "revoked": True},
        )
    return bool(revoked)


def confirm_two_factor(device: TOTPDevice, *, channel: str = "web") -> None:
    """The user proved they hold the authenticator they are enrolling."""
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    audit.record(
        device.user,
        "create",
        device,
        object_type="otp_totp.totpdevice",
        channel=channel,
        detail={"for": device.user.get_username(), "confirmed": True},
    )


def remove_two_factor(device: TOTPDevice, *, by: User | None, channel: str = "web") -> None:
    """Remove a lost or compromised authenticator; the user enrols a new one at next sign-in."""
    username = device.user.get_username()
    pk = device.pk
    device.delete()
    audit.record(
        by,
        "delete",
        object_type="otp_totp.totpdevice",
        object_id=str(pk),
        channel=channel,
        detail={"for": username},
    )


# --- Sign-in lock-outs (django-axes) ------------------------------------------------------


@dataclass(frozen=True)
class SignInLock:
    """An account locked at one address after repeated wrong passwords."""

    pk: int
    username: str
    address: str
    failures: int
    last_attempt: dt.datetime


def sign_in_locks(by: User) -> list[SignInLock]:
    """The lock-outs now in force that ``by`` may lift: those of accounts of their forces (and
    accounts with no force), and of names that are no account at all (someone guessing)."""
    cooloff = dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - cooloff,
    ).order_by("-attempt_time")
    manageable = _manageable_usernames(by, {a.username for a in attempts})
    return [
        SignInLock(a.pk, a.username, a.ip_address or "", a.failures_since_start, a.attempt_time)
        for a in attempts
        if a.username in manageable
    ]


def unlock_sign_in(pk: int, *, by: User, channel: str = "web") -> SignInLock:
    """Lift one lock-out (the account may try again at once from that address); audited.
    Raises ``AccessAttempt.DoesNotExist`` when it is gone or not ``by``'s to lift."""
    with transaction.atomic():
        lock = next((lock for lock in sign_in_locks(by) if lock.pk == pk), None)
        if lock is None:
            raise AccessAttempt.DoesNotExist(f"No lock-out {pk} that you may lift.")
        AccessAttempt.objects.filter(pk=pk).delete()
        audit.record(
            by,
            "unlock",
            object_type="core.user",
            object_id=lock.username[:80],
            channel=channel,
            detail={"username": lock.username, "address": lock.address, "failures": lock.failures},
        )
    return lock


def _manageable_usernames(by: User, names: set[str]) -> set[str]:
    if not by.can(Capability.ADMINISTER):
        return set()
    accounts = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    visible = set(
        scoping.visible_to(by, User).filter(username__in=names).values_list("username", flat=True)
    )
    return visible | (names - accounts)
