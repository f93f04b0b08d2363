"""What a database writer can do to the audit log, for the tests that check it is detected."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from candour.core.audit import record
from candour.factories import UserFactory

AUDIT_TABLES = ("core_auditentry", "core_auditchainhead")


def fill_log(n: int = 5) -> None:
    user = UserFactory()
    for i in range(n):
        record(user, "view", object_type="cases.case", object_id=str(i), force_code="norfolk")


def switch_off_append_only_triggers() -> None:
    """What the tables' owner can do on PostgreSQL (migration core.0007): until the test's
    transaction ends, the database no longer refuses changes to the audit tables."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER waits for no pending check
        for table in AUDIT_TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


@contextmanager
def database_writer() -> Iterator[CursorWrapper]:
    """A cursor with the power of the tables' owner, who can switch the append-only triggers
    off; the checks in candour.core.audit must catch what it does next."""
    switch_off_append_only_triggers()
    with connection.cursor() as cursor:
        yield cursor


def rechain(cursor: CursorWrapper, sign: Any, key_id: str | None = None) -> None:
    """Recompute every entry's hash from the first with ``sign(previous, payload)`` (and give
    each the ``key_id``, if one is given) and point the head at the new last hash, as a writer
    who knows the format but not the key would."""
    from candour.core.models import AuditEntry

    previous = AuditEntry.GENESIS
    for entry in AuditEntry.objects.order_by("sequence"):
        entry.previous_hash = previous
        entry.key_id = entry.key_id if key_id is None else key_id
        payload = json.dumps(entry.content(), sort_keys=True, separators=(",", ":"))
        previous = sign(previous, payload)
        cursor.execute(
            "UPDATE core_auditentry SET previous_hash = %s, entry_hash = %s, key_id = %s "
            "WHERE sequence = %s",
            [entry.previous_hash, previous, entry.key_id, entry.sequence],
        )
    cursor.execute("UPDATE core_auditchainhead SET entry_hash = %s WHERE id = 1", [previous])


def sha256_chain(previous: str, payload: str) -> str:
    return hashlib.sha256((previous + payload).encode()).hexdigest()


def guessed_key_chain(previous: str, payload: str) -> str:
    message = f"entry\n{previous}{payload}".encode()
    return hmac.new(b"a guess at the key" * 2, message, hashlib.sha256).hexdigest()
