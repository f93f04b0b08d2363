"""The audit log's keys: HMAC-SHA256 over each entry, the chain head and every checkpoint.

The keys come from ``CANDOUR_AUDIT_KEY`` or ``CANDOUR_AUDIT_KEY_FILE`` (``settings.AUDIT_KEYS``,
oldest first), never from the database, so whoever can write to the database cannot re-sign
what they changed. The last key signs; the older ones still verify what they signed. A key is
named by its fingerprint, which each entry stores, so a rotation is on the record in the chain
itself (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes
    rank: int  # its place in the key list: 0 is the oldest

    def sign(self, purpose: str, message: str) -> str:
        """HMAC-SHA256 of ``message``, separated by ``purpose`` so that a signature made for
        one thing (an entry) is never valid for another (a chain head or a checkpoint)."""
        return hmac.new(self.secret, f"{purpose}\n{message}".encode(), hashlib.sha256).hexdigest()

    def verifies(self, purpose: str, message: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, message), signature)


def key_id(secret: str) -> str:
    """A key's public name: a fingerprint that says which key signed, and nothing of the key."""
    return hashlib.sha256(b"candour audit key id\0" + secret.encode()).hexdigest()[:16]


def keyring() -> list[AuditKey]:
    return [
        AuditKey(key_id(secret), secret.encode(), rank)
        for rank, secret in enumerate(settings.AUDIT_KEYS)
    ]


def signing_key() -> AuditKey:
    """The newest key: it signs every new entry, the head and checkpoints."""
    return keyring()[-1]


def find_key(identifier: str) -> AuditKey | None:
    return next((key for key in keyring() if key.id == identifier), None)


def head_message(sequence: int, entry_hash: str, legacy_until: int) -> str:
    return f"{sequence}\n{entry_hash}\n{legacy_until}"
