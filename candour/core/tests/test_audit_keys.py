"""The audit key: where it comes from, how it is rotated, and the log written before it."""

import hashlib
import importlib
import json
import secrets
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone

from candour import settings as candour_settings
from candour.core.audit import verify_chain
from candour.core.auditkeys import key_id
from candour.core.models import AuditChainHead, AuditEntry
from candour.core.tests.tampering import (
    database_writer,
    fill_log,
    switch_off_append_only_triggers,
)

OLD_KEY = "old-" + "k" * 40
NEW_KEY = "new-" + "n" * 40


def keys(*added: str) -> override_settings:
    """The test database's key (which sealed its empty chain head) and then ``added``."""
    return override_settings(AUDIT_KEYS=[*settings.AUDIT_KEYS, *added])


seal_the_legacy_log = importlib.import_module(
    "candour.core.migrations.0006_audit_key"
).seal_the_legacy_log


# --- Where the keys come from ------------------------------------------------------------


def test_keys_are_read_from_the_environment_oldest_first(monkeypatch) -> None:
    monkeypatch.setenv("CANDOUR_AUDIT_KEY", f"{OLD_KEY}, {NEW_KEY}")
    assert candour_settings._audit_keys() == ([OLD_KEY, NEW_KEY], "environment")


def test_keys_are_read_from_a_file_one_a_line(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "audit.keys"
    path.write_text(f"# retired 2027-01\n{OLD_KEY}\n\n{NEW_KEY}\n")
    monkeypatch.setenv("CANDOUR_AUDIT_KEY_FILE", str(path))
    assert candour_settings._audit_keys() == ([OLD_KEY, NEW_KEY], f"file:{path}")


def test_a_short_key_is_refused_with_a_sentence(monkeypatch) -> None:
    monkeypatch.setenv("CANDOUR_AUDIT_KEY", f"{OLD_KEY},short")
    with pytest.raises(ImproperlyConfigured, match="key 2 is shorter than 32 characters"):
        candour_settings._audit_keys()


def test_a_key_file_that_cannot_be_read_is_refused(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CANDOUR_AUDIT_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        candour_settings._audit_keys()


def test_a_key_in_both_places_is_refused(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CANDOUR_AUDIT_KEY", OLD_KEY)
    monkeypatch.setenv("CANDOUR_AUDIT_KEY_FILE", str(tmp_path / "audit.keys"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        candour_settings._audit_keys()


def test_the_same_key_twice_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("CANDOUR_AUDIT_KEY", f"{OLD_KEY},{OLD_KEY}")
    with pytest.raises(ImproperlyConfigured, match="the same key twice"):
        candour_settings._audit_keys()


def test_with_nothing_set_development_keeps_a_random_key_in_the_data_directory(
    monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CANDOUR_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CANDOUR_AUDIT_KEY_FILE", raising=False)
    monkeypatch.setattr(candour_settings, "DATA_DIR", tmp_path)
    keys, source = candour_settings._audit_keys()
    assert source == "development"
    assert keys == [(tmp_path / "audit_key").read_text().strip()]
    assert len(keys[0]) >= 32
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    assert candour_settings._audit_keys() == (keys, "development")


def test_production_refuses_to_start_without_an_audit_key(monkeypatch) -> None:
    monkeypatch.delenv("CANDOUR_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CANDOUR_AUDIT_KEY_FILE", raising=False)
    monkeypatch.setattr(candour_settings, "PRODUCTION", True)
    with pytest.raises(ImproperlyConfigured, match="must be set in production"):
        candour_settings._audit_keys()


# --- Rotation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_key_signs_a_rotation_entry_first_and_the_old_entries_still_verify() -> None:
    with keys(OLD_KEY):
        fill_log(2)
    with keys(OLD_KEY, NEW_KEY):
        fill_log(1)
        rotation = AuditEntry.objects.get(sequence=3)
        assert (rotation.action, rotation.key_id) == ("audit_key", key_id(NEW_KEY))
        assert json.loads(rotation.detail) == {"from": key_id(OLD_KEY), "to": key_id(NEW_KEY)}
        assert AuditEntry.objects.get(sequence=4).key_id == key_id(NEW_KEY)
        assert verify_chain() == []


@pytest.mark.django_db
def test_dropping_an_old_key_that_signed_entries_is_a_break() -> None:
    with keys(OLD_KEY):
        fill_log(2)
    with keys(OLD_KEY, NEW_KEY):
        fill_log(1)
    with override_settings(AUDIT_KEYS=[NEW_KEY]):
        assert [item.sequence for item in verify_chain()] == [1, 2]
        assert "not configured" in verify_chain()[0].problem


@pytest.mark.django_db
def test_an_entry_signed_with_a_retired_key_after_the_rotation_is_a_break() -> None:
    """Someone who kept an old key cannot add to the log written after it was replaced."""
    with keys(OLD_KEY):
        fill_log(1)
    with keys(OLD_KEY, NEW_KEY):
        fill_log(1)
        forged = AuditEntry.objects.get(sequence=3)
        forged.key_id = key_id(OLD_KEY)
        from candour.core.auditkeys import find_key

        old = find_key(key_id(OLD_KEY))
        with database_writer() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET key_id = %s, entry_hash = %s WHERE sequence = 3",
                [forged.key_id, forged.compute_hash(old)],
            )
            head = AuditChainHead.objects.get()
            head.entry_hash = forged.compute_hash(old)
            head.sign(old)
            cursor.execute(
                "UPDATE core_auditchainhead SET entry_hash = %s, key_id = %s, seal = %s",
                [head.entry_hash, head.key_id, head.seal],
            )
        assert [item.problem for item in verify_chain()] == [
            f"is signed with audit key {key_id(OLD_KEY)}, which a later key had already replaced."
        ]


# --- The log written before the key ------------------------------------------------------


def write_legacy_entries(n: int) -> None:
    """Entries as Candour wrote them before the log was keyed: plain SHA-256, no key id. The
    database is as it was then, without the append-only triggers of a later migration."""
    switch_off_append_only_triggers()
    previous = AuditEntry.GENESIS
    for sequence in range(1, n + 1):
        entry = AuditEntry(
            sequence=sequence,
            at=timezone.now(),
            username="legacy",
            action="view",
            object_type="cases.case",
            object_id=str(sequence),
            previous_hash=previous,
        )
        payload = json.dumps(entry.content(), sort_keys=True, separators=(",", ":"))
        entry.entry_hash = hashlib.sha256((previous + payload).encode()).hexdigest()
        entry.save()
        previous = entry.entry_hash
    AuditChainHead.objects.update_or_create(
        id=1, defaults={"sequence": n, "entry_hash": previous, "key_id": "", "seal": ""}
    )


@pytest.mark.django_db
def test_a_log_written_before_the_key_verifies_as_legacy_after_the_migration() -> None:
    write_legacy_entries(3)
    seal_the_legacy_log(apps, None)
    assert AuditChainHead.objects.get().legacy_until == 3
    fill_log(2)
    assert verify_chain() == []
    assert list(AuditEntry.objects.values_list("key_id", flat=True))[:3] == ["", "", ""]


@pytest.mark.django_db
def test_a_legacy_entry_edited_and_rehashed_after_the_migration_is_detected() -> None:
    write_legacy_entries(3)
    seal_the_legacy_log(apps, None)
    from candour.core.tests.tampering import rechain, sha256_chain

    with database_writer() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = 'innocent' WHERE sequence = 1")
        rechain(cursor, sha256_chain)
    # Each legacy hash is consistent again, but the sealed head still names the old last hash.
    assert [item.problem for item in verify_chain()] == [
        "the chain head is not sealed by a configured audit key: it was rewritten "
        "(rewound or forged) by someone without the key."
    ]


@pytest.mark.django_db
def test_the_migration_seals_a_head_that_was_never_written() -> None:
    write_legacy_entries(2)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditchainhead")
    seal_the_legacy_log(apps, None)
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.legacy_until, head.is_sealed()) == (2, 2, True)
    assert verify_chain() == []


def test_a_key_id_names_a_key_without_revealing_it() -> None:
    secret = secrets.token_urlsafe(48)
    assert key_id(secret) == key_id(secret)
    assert key_id(secret) != key_id(secret + "x")
    assert secret[:8] not in key_id(secret)
