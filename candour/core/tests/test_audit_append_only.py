"""On PostgreSQL the database refuses to change or delete audit entries and to move the chain
head back, whatever the application's role (migration core.0007, docs/security.md)."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from candour.core.audit import verify_chain
from candour.core.models import AuditChainHead, AuditEntry
from candour.core.tests.tampering import fill_log

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only triggers are PostgreSQL's (SQLite has no roles to hold them "
        "against; there the migration does nothing and the ORM and the keyed chain guard)",
    ),
]


def refused(sql: str, params: list | None = None) -> str:
    """Run ``sql`` as the application would, in a savepoint; return the database's refusal."""
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return str(excinfo.value)


def test_the_database_refuses_to_change_an_entry() -> None:
    fill_log(3)
    assert "append-only: UPDATE of entry 2 refused" in refused(
        "UPDATE core_auditentry SET object_id = 'innocent' WHERE sequence = 2"
    )
    assert AuditEntry.objects.get(sequence=2).object_id == "1"


def test_the_database_refuses_to_delete_an_entry() -> None:
    fill_log(3)
    assert "append-only: DELETE of entry 3 refused" in refused(
        "DELETE FROM core_auditentry WHERE sequence = 3"
    )
    assert AuditEntry.objects.count() == 3


def test_the_database_refuses_to_delete_the_chain_head() -> None:
    fill_log(1)
    assert "cannot be deleted" in refused("DELETE FROM core_auditchainhead")
    assert AuditChainHead.objects.exists()


def test_the_database_refuses_to_rewind_the_chain_head() -> None:
    fill_log(3)
    first = AuditEntry.objects.get(sequence=1)
    assert "moving it from entry 3 to entry 1 is refused" in refused(
        "UPDATE core_auditchainhead SET sequence = 1, entry_hash = %s", [first.entry_hash]
    )


def test_the_database_refuses_to_move_the_head_past_the_newest_entry() -> None:
    fill_log(2)
    assert "only moves forward, to the newest entry" in refused(
        "UPDATE core_auditchainhead SET sequence = 9"
    )


def test_appending_still_works_under_the_triggers() -> None:
    fill_log(3)
    assert AuditChainHead.objects.get().sequence == 3
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_flushing_the_test_database_still_empties_the_log() -> None:
    """Django's test flush truncates tables, which row triggers do not see: the tests' fresh
    databases keep working, and appending after it starts a new chain."""
    fill_log(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    fill_log(1)
    assert verify_chain() == []
