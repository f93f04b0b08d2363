"""The anonymous integrity line (docs/early-warning.md, "The integrity line"): any member of
staff reports a concern about a colleague without saying who they are; a one-time reference
and passphrase, shown once, let them add information and read the replies later.

What is stored is the report itself and the day it came (``IntegrityReport``); never the
account, address, user agent or a cookie of whoever sent it, and their name only when they type
it. The pages ask nothing of the request but the form (candour/integrity/views.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from candour.core import audit, scoping
from candour.core.models import User
from candour.integrity.models import IntegrityMessage, IntegrityReport

# Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Receipt:
    """What the reporter is shown once and must keep: Candour keeps only the passphrase's hash."""

    reference: str
    passphrase: str


def _reference() -> str:
    while True:
        reference = "IL-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))
        if not IntegrityReport.objects.filter(reference=reference).exists():
            return reference


def _passphrase() -> str:
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)


@transaction.atomic
def send_report(*, force: str, about: str, concern: str, reporter_name: str = "") -> Receipt:
    """File a report; returns the reference and passphrase to show the reporter once."""
    passphrase = _passphrase()
    report = IntegrityReport.objects.create(
        force_id=force,
        reference=_reference(),
        passphrase_hash=make_password(passphrase),
        about=about.strip(),
        concern=concern.strip(),
        reporter_name=reporter_name.strip(),
        received_on=timezone.localdate(),
    )
    return Receipt(report.reference, passphrase)


def open_report(reference: str, passphrase: str) -> IntegrityReport | None:
    """The report with this reference when the passphrase is its own, else None (the two
    cases cannot be told apart)."""
    report = IntegrityReport.objects.filter(reference=reference.strip().upper()).first()
    if report is None:
        make_password(passphrase)  # the same work either way, so timing tells nothing
        return None
    return report if check_password(passphrase.strip().upper(), report.passphrase_hash) else None


def add_information(report: IntegrityReport, text: str) -> IntegrityMessage:
    return IntegrityMessage.objects.create(
        report=report, from_reporter=True, text=text.strip(), written_on=timezone.localdate()
    )


def reply(user: User, report_id: int, text: str) -> IntegrityMessage:
    """A counter-corruption analyst's reply, which the reporter reads with their passphrase;
    audited."""
    report = scoping.get_visible(user, IntegrityReport, pk=report_id)
    message = IntegrityMessage.objects.create(
        report=report, from_reporter=False, text=text.strip(), written_on=timezone.localdate()
    )
    audit.record(user, "create", message, force_code=report.force_id)
    return message
