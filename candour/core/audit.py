"""The audit trail: who viewed, exported or changed case data, when, and from which force.

Entries are hash-chained (see ``AuditEntry``); ``verify_chain`` walks the chain and reports any
entry that was edited, removed or inserted out of turn. ``candour audit verify`` calls it.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

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
    """Recompute every hash in order. Returns the breaks found (empty when the log is intact)."""
    breaks: list[ChainBreak] = []
    expected_previous = AuditEntry.GENESIS
    expected_sequence = 1
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
        if entry.compute_hash() != entry.entry_hash:
            breaks.append(
                ChainBreak(entry.sequence, "its content was changed after it was written.")
            )
        expected_previous = entry.entry_hash
        expected_sequence = entry.sequence + 1
        if progress is not None:
            progress(entry.sequence)
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.sequence, head.entry_hash) != (
        expected_sequence - 1,
        expected_previous,
    ):
        breaks.append(
            ChainBreak(
                head.sequence, "the newest entries were removed (the chain head no longer matches)."
            )
        )
    return breaks


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000)
