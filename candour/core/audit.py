"""The audit trail: who viewed, exported or changed case data, when, and from which force.

Entries are chained by HMAC with a key kept outside the database (see ``AuditEntry`` and
candour.core.auditkeys); ``verify_chain`` walks the chain and reports any entry that was edited,
removed, re-signed or inserted out of turn, and a chain head that is missing, rewound or forged.
``candour audit verify`` calls it.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db import models
from django.utils import timezone

from candour.core.auditkeys import find_key, signing_key
from candour.core.models import AuditAction, AuditChainHead, AuditEntry, User, append_audit_entry


def record(
    user: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    force_code: str = "",
    channel: str = "web",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        force_code = force_code or str(getattr(obj, "force_id", "") or "")
    return append_audit_entry(
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "",
        action=AuditAction(action),
        object_type=object_type,
        object_id=object_id,
        force_code=force_code,
        channel=channel,
        detail=json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), default=str),
    )


def os_user() -> str:
    """The operating-system login that ran a command, for entries with no Candour user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name, e.g. in a container
        return ""


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"Entry {self.sequence}: {self.problem}"


def verify_chain(progress: Any = None) -> list[ChainBreak]:
    """Recompute every hash in order with the audit keys, then check the sealed chain head.
    Returns the breaks found (empty when the log is intact). What each check detects, and what
    it cannot, is in docs/security.md."""
    head = AuditChainHead.objects.filter(id=1).first()
    # Legacy (unkeyed) entries are accepted up to the sealed marker; with no head, only as a
    # prefix, and the missing head is itself a break.
    legacy_until = head.legacy_until if head is not None else None
    breaks: list[ChainBreak] = []
    expected_previous = AuditEntry.GENESIS
    expected_sequence = 1
    newest_rank = -1
    for entry in _entries():
        if entry.sequence != expected_sequence:
            breaks.append(
                ChainBreak(
                    entry.sequence,
                    f"expected entry {expected_sequence} here; entries are missing or inserted.",
                )
            )
        if entry.previous_hash != expected_previous:
            breaks.append(ChainBreak(entry.sequence, "does not follow the entry before it."))
        problem = _signature_problem(entry, legacy_until, newest_rank)
        if problem:
            breaks.append(ChainBreak(entry.sequence, problem))
        if entry.key_id:
            key = find_key(entry.key_id)
            newest_rank = max(newest_rank, key.rank if key else newest_rank)
            legacy_until = entry.sequence - 1 if legacy_until is None else legacy_until
        expected_previous = entry.entry_hash
        expected_sequence = entry.sequence + 1
        if progress is not None:
            progress(entry.sequence)
    breaks.extend(_head_problems(head, expected_sequence - 1, expected_previous))
    return breaks


def _signature_problem(entry: AuditEntry, legacy_until: int | None, newest_rank: int) -> str:
    if not entry.key_id:
        if legacy_until is not None and entry.sequence > legacy_until:
            return (
                "has no audit-key signature but was written after the log was keyed: "
                "it was forged or re-written without the key."
            )
        if entry.compute_hash() != entry.entry_hash:
            return "its content was changed after it was written."
        return ""
    key = find_key(entry.key_id)
    if key is None:
        return (
            f"is signed with audit key {entry.key_id}, which is not configured: keep every "
            "older key in the key list after a rotation, or this entry is a forgery."
        )
    if key.rank < newest_rank:
        return f"is signed with audit key {key.id}, which a later key had already replaced."
    if entry.compute_hash(key) != entry.entry_hash:
        return "its content or signature was changed after it was written."
    return ""


def _head_problems(
    head: AuditChainHead | None, last_sequence: int, last_hash: str
) -> list[ChainBreak]:
    if head is None:
        return [
            ChainBreak(
                last_sequence,
                "the chain head is missing: it was deleted, so the newest entries (or the whole "
                "log) may have been removed with it.",
            )
        ]
    problems = []
    if not head.is_sealed():
        problems.append(
            ChainBreak(
                head.sequence,
                "the chain head is not sealed by a configured audit key: it was rewritten "
                "(rewound or forged) by someone without the key.",
            )
        )
    if head.sequence > last_sequence:
        first = last_sequence + 1
        problems.append(
            ChainBreak(
                head.sequence,
                f"entries {first} to {head.sequence} were removed (the chain head records "
                f"{head.sequence} entries, the log ends at {last_sequence}).",
            )
        )
    elif (head.sequence, head.entry_hash) != (last_sequence, last_hash):
        problems.append(
            ChainBreak(
                head.sequence,
                "the chain head no longer matches the newest entry: the newest entries were "
                "removed or replaced.",
            )
        )
    return problems


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)


# --- Checkpoints: the head, signed, kept where the database's writers cannot reach -------

CHECKPOINT_FORMAT = "candour-audit-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read as one."""


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    entry_hash: str
    key_id: str
    written_at: str
    signature: str

    def message(self) -> str:
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "sequence": self.sequence,
                "entry_hash": self.entry_hash,
                "key_id": self.key_id,
                "written_at": self.written_at,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def to_json(self) -> str:
        return json.dumps({**json.loads(self.message()), "signature": self.signature}, indent=2)


def make_checkpoint() -> Checkpoint:
    """The chain head's count and hash, signed with the audit key."""
    head = AuditChainHead.objects.get(id=1)
    key = signing_key()
    unsigned = Checkpoint(
        head.sequence, head.entry_hash, key.id, timezone.now().isoformat(timespec="seconds"), ""
    )
    return replace(unsigned, signature=key.sign("checkpoint", unsigned.message()))


def read_checkpoint(text: str, name: str) -> Checkpoint:
    try:
        data = json.loads(text)
        if data.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"{name} is not a Candour audit checkpoint.")
        return Checkpoint(
            sequence=int(data["sequence"]),
            entry_hash=str(data["entry_hash"]),
            key_id=str(data["key_id"]),
            written_at=str(data["written_at"]),
            signature=str(data["signature"]),
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError(
            f"{name} is not a readable audit checkpoint (written by 'candour audit checkpoint')."
        ) from None


def checkpoint_problems(checkpoint: Checkpoint, name: str) -> list[ChainBreak]:
    """What contradicts ``checkpoint``. With the chain walk of ``verify_chain`` intact up to its
    entry, a matching entry proves that no entry at or before it was removed or changed: each
    hash covers the one before it, so no change can keep the checkpoint's hash."""
    key = find_key(checkpoint.key_id)
    if key is None:
        return [
            ChainBreak(
                checkpoint.sequence,
                f"the checkpoint {name} is signed with audit key {checkpoint.key_id}, which is "
                "not configured: add it back to the key list to check this checkpoint.",
            )
        ]
    if not key.verifies("checkpoint", checkpoint.message(), checkpoint.signature):
        return [
            ChainBreak(
                checkpoint.sequence,
                f"the checkpoint {name} does not carry a valid signature: it was altered or "
                "forged, so it proves nothing.",
            )
        ]
    if checkpoint.sequence == 0:
        return []
    entry = AuditEntry.objects.filter(sequence=checkpoint.sequence).first()
    if entry is None:
        return [
            ChainBreak(
                checkpoint.sequence,
                f"is missing, but the checkpoint {name} of {checkpoint.written_at} recorded it: "
                "the log was cut back or emptied.",
            )
        ]
    if entry.entry_hash != checkpoint.entry_hash:
        return [
            ChainBreak(
                checkpoint.sequence,
                f"differs from the checkpoint {name} of {checkpoint.written_at}: it or an entry "
                "before it was changed, removed or re-signed.",
            )
        ]
    return []
