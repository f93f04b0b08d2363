"""A signed checkpoint, kept outside the database, proves no entry at or before it was removed
or changed, even by someone holding the audit key (docs/security.md)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.core.auditkeys import signing_key
from candour.core.models import AuditChainHead, AuditEntry
from candour.core.tests.tampering import database_writer, fill_log, rechain

pytestmark = pytest.mark.django_db


def checkpoint(tmp_path: Path, name: str = "checkpoint.json") -> Path:
    path = tmp_path / name
    call_command("audit", "checkpoint", "--out", str(path))
    return path


def verify_with(path: Path, capsys) -> tuple[int, str]:
    try:
        call_command("audit", "verify", "--checkpoint", str(path))
    except CommandError as exc:
        return exc.returncode, capsys.readouterr().err
    return 0, capsys.readouterr().out


def reseal_head_at(cursor, sequence: int) -> None:
    """What only a holder of the audit key (or a replayed old head row) can do."""
    head = AuditChainHead.objects.get()
    head.sequence = sequence
    head.entry_hash = AuditEntry.objects.get(sequence=sequence).entry_hash
    head.sign(signing_key())
    cursor.execute(
        "UPDATE core_auditchainhead SET sequence = %s, entry_hash = %s, key_id = %s, seal = %s",
        [head.sequence, head.entry_hash, head.key_id, head.seal],
    )


def test_a_checkpoint_records_the_head_signed(tmp_path: Path) -> None:
    fill_log(3)
    data = json.loads(checkpoint(tmp_path).read_text())
    head = AuditChainHead.objects.get()
    assert (data["sequence"], data["entry_hash"]) == (3, head.entry_hash)
    assert data["key_id"] == signing_key().id
    assert len(data["signature"]) == 64


def test_a_log_that_grew_after_its_checkpoint_verifies_against_it(tmp_path: Path, capsys) -> None:
    fill_log(3)
    path = checkpoint(tmp_path)
    fill_log(2)
    returncode, output = verify_with(path, capsys)
    assert returncode == 0
    assert "Entries 1 to 3 are as the checkpoint" in output


def test_a_chain_rewritten_with_the_key_passes_alone_but_not_against_a_checkpoint(
    tmp_path: Path, capsys
) -> None:
    fill_log(3)
    path = checkpoint(tmp_path)
    fill_log(2)
    key = signing_key()
    with database_writer() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_id = 'innocent' WHERE sequence = 2")
        rechain(cursor, lambda previous, payload: key.sign("entry", previous + payload))
        reseal_head_at(cursor, 5)
    call_command("audit", "verify")  # the key re-signs anything: the chain alone cannot tell
    returncode, errors = verify_with(path, capsys)
    assert returncode == 1
    assert "Entry 3: differs from the checkpoint" in errors


def test_cutting_the_log_back_before_a_checkpoint_is_detected(tmp_path: Path, capsys) -> None:
    fill_log(4)
    path = checkpoint(tmp_path)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence > 2")
        reseal_head_at(cursor, 2)
    call_command("audit", "verify")
    returncode, errors = verify_with(path, capsys)
    assert returncode == 1
    assert "Entry 4: is missing, but the checkpoint" in errors


def test_an_altered_checkpoint_proves_nothing(tmp_path: Path, capsys) -> None:
    fill_log(4)
    path = checkpoint(tmp_path)
    data = json.loads(path.read_text())
    data["sequence"] = 2
    data["entry_hash"] = AuditEntry.objects.get(sequence=2).entry_hash
    path.write_text(json.dumps(data))
    returncode, errors = verify_with(path, capsys)
    assert returncode == 1
    assert "does not carry a valid signature" in errors


def test_a_file_that_is_not_a_checkpoint_fails_with_a_sentence(tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.json"
    path.write_text('{"hello": 1}')
    returncode, _ = verify_with(path, capsys)
    assert returncode == 1
    with pytest.raises(CommandError, match="is not a Candour audit checkpoint"):
        call_command("audit", "verify", "--checkpoint", str(path))


def test_a_missing_checkpoint_file_is_bad_usage(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot be read") as excinfo:
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "missing.json"))
    assert excinfo.value.returncode == 2


def test_a_checkpoint_is_never_overwritten(tmp_path: Path) -> None:
    fill_log(1)
    path = checkpoint(tmp_path)
    before = path.read_text()
    fill_log(1)
    with pytest.raises(CommandError, match="never overwritten") as excinfo:
        checkpoint(tmp_path)
    assert excinfo.value.returncode == 2
    assert path.read_text() == before


def test_no_checkpoint_is_signed_for_a_log_that_does_not_verify(tmp_path: Path) -> None:
    fill_log(3)
    with database_writer() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE sequence = 2")
    with pytest.raises(CommandError, match="no checkpoint was written") as excinfo:
        checkpoint(tmp_path)
    assert excinfo.value.returncode == 1
    assert not (tmp_path / "checkpoint.json").exists()


def test_without_out_the_checkpoint_is_printed(capsys) -> None:
    fill_log(1)
    call_command("audit", "checkpoint")
    assert json.loads(capsys.readouterr().out)["sequence"] == 1
