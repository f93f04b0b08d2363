"""Every read and change of case data is audited, and tampering with the log is detected."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.core.audit import record, verify_chain
from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.core.tests.tampering import database_writer
from candour.factories import AllegationSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fill_log(n: int = 5) -> None:
    user = UserFactory()
    for i in range(n):
        record(user, "view", object_type="cases.case", object_id=str(i), force_code="norfolk")


def test_opening_a_case_is_audited(client, signed_in) -> None:
    case = AllegationSubjectFactory().allegation.case
    user = signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    client.get(f"/cases/{case.pk}/")
    entry = AuditEntry.objects.filter(action="view").last()
    assert (entry.user, entry.object_id, entry.force_code, entry.channel) == (
        user,
        str(case.pk),
        "cambridgeshire",
        "web",
    )


def test_listing_cases_is_audited(client, signed_in) -> None:
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    client.get("/cases/")
    assert AuditEntry.objects.filter(action="list", object_type="cases.case").count() == 1


def test_an_untouched_log_verifies(db) -> None:
    _fill_log()
    assert verify_chain() == []
    call_command("audit", "verify")


def test_an_edited_entry_is_detected(db) -> None:
    _fill_log()
    with database_writer() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = 'innocent' WHERE sequence = 3")
    breaks = verify_chain()
    assert [b.sequence for b in breaks] == [3]
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1


def test_a_deleted_entry_is_detected(db) -> None:
    _fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence = 2")
    assert verify_chain() != []


def test_removing_the_newest_entry_is_detected(db) -> None:
    _fill_log()
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence = 5")
    assert verify_chain() != []


def test_rewriting_an_entry_and_its_hash_breaks_the_next_link(db) -> None:
    _fill_log()
    entry = AuditEntry.objects.get(sequence=2)
    entry.object_id = "rewritten"
    new_hash = entry.compute_hash()
    with database_writer() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_id = %s, entry_hash = %s WHERE sequence = 2",
            ["rewritten", new_hash],
        )
    assert [b.sequence for b in verify_chain()] == [3]


def test_the_orm_refuses_to_change_or_delete_entries(db) -> None:
    _fill_log(1)
    entry = AuditEntry.objects.get()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(object_id="x")


@pytest.mark.slow
def test_candour_audit_verify_exits_1_on_a_tampered_database(tmp_path: Path) -> None:
    """The real command on a real database file, as a cron job would run it."""
    candour = Path(sys.executable).with_name("candour")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CANDOUR_DATA_DIR": str(tmp_path),
    }
    subprocess.run([candour, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [candour, "createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org"],
        env=env,
        check=True,
    )
    subprocess.run([candour, "token", "root"], env=env, check=True, capture_output=True)
    intact = subprocess.run([candour, "audit", "verify"], env=env, capture_output=True, text=True)
    assert intact.returncode == 0, intact.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("UPDATE core_auditentry SET detail = '{}' WHERE sequence = 1")
    tampered = subprocess.run([candour, "audit", "verify"], env=env, capture_output=True, text=True)
    assert tampered.returncode == 1
    assert "tampered" in tampered.stderr
    assert "Traceback" not in tampered.stderr
