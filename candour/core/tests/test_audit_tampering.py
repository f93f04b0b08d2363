"""Whoever can write to the database, but does not hold the audit key, cannot make
``candour audit verify`` pass after removing or changing entries (docs/security.md)."""

import pytest
from django.core.management import CommandError, call_command

from candour.core.audit import record, verify_chain
from candour.core.models import AuditChainError, AuditChainHead, AuditEntry
from candour.core.tests.tampering import (
    database_writer,
    fill_log,
    guessed_key_chain,
    rechain,
    sha256_chain,
)
from candour.factories import UserFactory

pytestmark = pytest.mark.django_db


def problems() -> list[str]:
    return [item.problem for item in verify_chain()]


def test_deleting_the_chain_head_is_detected() -> None:
    fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    assert any("chain head is missing" in problem for problem in problems())


def test_deleting_every_entry_is_detected_by_the_head() -> None:
    fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    assert problems() == [
        "entries 1 to 5 were removed (the chain head records 5 entries, the log ends at 0)."
    ]
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1


def test_wiping_the_log_and_its_head_is_not_an_intact_empty_log() -> None:
    fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute("DELETE FROM core_auditchainhead")
    assert any("chain head is missing" in problem for problem in problems())


def test_wiping_the_log_and_resetting_the_head_to_empty_is_detected() -> None:
    fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
        cursor.execute(
            "UPDATE core_auditchainhead SET sequence = 0, entry_hash = %s", [AuditEntry.GENESIS]
        )
    assert any("not sealed by a configured audit key" in problem for problem in problems())


def test_deleting_the_tail_and_rewinding_the_head_is_detected() -> None:
    fill_log()
    third = AuditEntry.objects.get(sequence=3)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence > 3")
        cursor.execute(
            "UPDATE core_auditchainhead SET sequence = 3, entry_hash = %s", [third.entry_hash]
        )
    assert problems() == [
        "the chain head is not sealed by a configured audit key: it was rewritten "
        "(rewound or forged) by someone without the key."
    ]


@pytest.mark.parametrize(
    ("sign", "key_id"),
    [(sha256_chain, ""), (guessed_key_chain, None)],
    ids=["as-unkeyed-legacy-entries", "with-a-guessed-key"],
)
def test_editing_an_entry_and_recomputing_every_later_hash_is_detected(sign, key_id) -> None:
    fill_log()
    with database_writer() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = 'innocent' WHERE sequence = 2")
        rechain(cursor, sign, key_id)
    found = verify_chain()
    # The recomputed chain holds together link by link; only the signatures give it away.
    assert not [item for item in found if "does not follow" in item.problem]
    assert {item.sequence for item in found} >= {1, 2, 3, 4, 5}


def test_an_untouched_keyed_log_verifies_and_says_how_many_entries() -> None:
    fill_log()
    assert verify_chain() == []
    assert set(AuditEntry.objects.values_list("key_id", flat=True)) == {
        AuditChainHead.objects.get().key_id
    }


def test_nothing_more_is_recorded_once_the_head_is_deleted() -> None:
    fill_log(2)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    with pytest.raises(AuditChainError, match="chain head is missing"):
        record(UserFactory(), "view", object_type="cases.case", object_id="1")
    assert AuditEntry.objects.count() == 2


def test_nothing_more_is_recorded_on_a_rewound_head() -> None:
    """Appending would re-seal the rewound head and hide the removal, so it refuses."""
    fill_log(3)
    first = AuditEntry.objects.get(sequence=1)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence > 1")
        cursor.execute(
            "UPDATE core_auditchainhead SET sequence = 1, entry_hash = %s", [first.entry_hash]
        )
    with pytest.raises(AuditChainError, match="not sealed"):
        record(UserFactory(), "view", object_type="cases.case", object_id="1")
