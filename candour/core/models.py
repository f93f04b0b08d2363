"""Reference data (forces), the workforce, users and the audit log."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import connection, models, transaction
from django.utils import timezone

from candour.core.auditkeys import AuditKey, find_key, head_message, signing_key
from candour.core.roles import SENSITIVE_CAPABILITIES, Capability, Role, capabilities_of


class Force(models.Model):
    """A police force or agency. The UK's are shipped (codes are data.police.uk's identifiers);
    another country's agency or a US city's department is added with ``candour forces add``
    (rules in ``candour.core.forces``)."""

    code = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=40)  # a UK nation, or a country's ISO 3166 name
    region = models.CharField(max_length=60, blank=True)  # region, state or province
    territorial = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonRole(models.TextChoices):
    OFFICER = "officer", "Police officer"
    SPECIAL_CONSTABLE = "special_constable", "Special constable"
    PCSO = "pcso", "PCSO"
    STAFF = "staff", "Police staff"
    VOLUNTEER = "volunteer", "Volunteer"
    CONTRACTOR = "contractor", "Contractor"
    UNKNOWN = "unknown", "Unknown"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"


class Rank(models.TextChoices):
    CONSTABLE = "constable", "Constable"
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    CHIEF_INSPECTOR = "chief_inspector", "Chief inspector"
    SUPERINTENDENT = "superintendent", "Superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent", "Chief superintendent"
    CHIEF_OFFICER = "chief_officer", "Chief officer"
    STAFF = "staff", "Staff"
    UNKNOWN = "unknown", "Unknown"


class Person(models.Model):
    """A member of a force's workforce (interchange §2). ``ref`` is pseudonymous and is the
    same key as a case file's ``subject_ref``. Blank fields mean "not known"."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="people")
    ref = models.CharField("person reference", max_length=64)
    # Name and collar number let PSD staff find a subject at intake; both are optional, since a
    # workforce file (interchange §2) carries neither and a case file only the pseudonymous ref.
    # The database default lets the bulk importers' own INSERTs leave them out.
    name = models.CharField(max_length=200, blank=True, default="", db_default="")
    collar_number = models.CharField(max_length=20, blank=True, default="", db_default="")
    role = models.CharField(max_length=20, choices=PersonRole.choices, blank=True)
    rank = models.CharField(max_length=24, choices=Rank.choices, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    joined_date = models.DateField(null=True, blank=True)
    left_date = models.DateField(null=True, blank=True)
    in_workforce_file = models.BooleanField(
        default=False, help_text="Loaded from a workforce file, not only named in a case."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["force", "ref"], name="person_unique_ref")]
        indexes = [
            models.Index(fields=["force", "joined_date", "left_date"]),
            models.Index(fields=["collar_number"], name="person_collar_idx"),
            # A subject's person_ref is unique only within a force; searches give the ref alone.
            models.Index(fields=["ref"], name="person_ref_idx"),
        ]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.ref} ({self.force_id})"

    @property
    def label(self) -> str:
        """How pages name a person: collar number and name where known, always the ref."""
        known = " ".join(part for part in (self.collar_number, self.name) if part)
        return f"{known} ({self.ref})" if known else self.ref


class DataChange(models.Model):
    """One row per source of data (``cases``, ``workforce``, ...): a serial raised by every
    committed change to it (``candour.core.changes``). Derived stores compare it, never the
    record tables themselves, to know whether they are still in step."""

    source = models.SlugField(primary_key=True, max_length=40)
    serial = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} at change {self.serial}"


class User(AbstractUser):
    """A Candour user: one role, scoped to one or more forces."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    forces = models.ManyToManyField(Force, blank=True, related_name="users")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user_accounts",
        help_text="The workforce record of this user, so they never see a case about themselves.",
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # `candour createsuperuser` makes the first administrator: give it the role whose
        # capability is administration, since capabilities come from the role alone.
        if self.is_superuser and not self.role:
            self.role = Role.SYSTEM_ADMIN
        super().save(*args, **kwargs)

    def capabilities(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return capabilities_of(self.role)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities()

    def force_codes(self) -> list[str]:
        """The codes of the forces this user is scoped to (candour.core.scoping)."""
        from candour.core import scoping

        return scoping.force_codes(self)

    def needs_two_factor(self) -> bool:
        return bool(self.capabilities() & SENSITIVE_CAPABILITIES) or self.is_staff

    @property
    def is_administrator(self) -> bool:
        return self.can(Capability.ADMINISTER)


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 digest is stored; the token is shown once."""

    PREFIX = "cdr_"
    LAST_USED_STEP = timedelta(minutes=1)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, default="script")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} token of {self.user}"

    @staticmethod
    def hash(raw: str) -> str:
        # Tokens carry 256 bits of randomness, so a fast hash is enough (no stretching needed).
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "script") -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(raw)), raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(digest=cls.hash(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        # Kept to the minute: a script making many calls does not write the row on each one.
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= cls.LAST_USED_STEP:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    IMPORT = "import", "Imported"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    TOKEN = "token", "API token issued"
    KEY_ROTATED = "audit_key", "Audit key rotated"
    REFUSED = "refused", "Refused"
    UNLOCK = "unlock", "Sign-in unlocked"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One entry of the append-only audit log. Each entry's hash is an HMAC, with a key kept
    outside the database (candour.core.auditkeys), over its content and the previous entry's
    hash: editing, removing or re-signing any entry breaks the chain for anyone without the key.
    Entries written before the log was keyed have no ``key_id`` and a plain SHA-256 hash; they
    verify as such up to the chain head's ``legacy_until`` (docs/security.md)."""

    GENESIS = "0" * 64

    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    force_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, blank=True, help_text="web, api, cli or system")
    detail = models.TextField(blank=True, help_text="Canonical JSON")
    key_id = models.CharField(
        max_length=16,
        blank=True,
        default="",
        help_text="The audit key that signed it; empty: legacy",
    )
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("The audit log is append-only.")

    def content(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds")
            if isinstance(self.at, datetime)
            else str(self.at),
            "user_id": self.user_id,
            "username": self.username,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "force_code": self.force_code,
            "channel": self.channel,
            "detail": self.detail,
        }

    def compute_hash(self, key: AuditKey | None = None) -> str:
        """The entry's hash: HMAC-SHA256 with its key, or plain SHA-256 for a legacy entry."""
        payload = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        if not self.key_id:
            return hashlib.sha256((self.previous_hash + payload).encode()).hexdigest()
        key = key or find_key(self.key_id)
        if key is None or key.id != self.key_id:
            raise LookupError(f"The audit key {self.key_id} is not configured.")
        return key.sign("entry", self.previous_hash + payload)


class AuditChainError(RuntimeError):
    """The chain head is missing or not sealed by an audit key: nothing more is appended."""


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain in turn. It
    records the newest entry, sealed with the audit key, so that removing the newest entries
    and rewinding the head is detected; ``legacy_until`` is the last entry written before the
    log was keyed (0 for a log keyed from the start)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=AuditEntry.GENESIS)
    legacy_until = models.PositiveBigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True, default="")
    seal = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"audit chain head at entry {self.sequence}"

    def message(self) -> str:
        return head_message(self.sequence, self.entry_hash, self.legacy_until)

    def sign(self, key: AuditKey) -> None:
        self.key_id, self.seal = key.id, key.sign("head", self.message())

    def is_sealed(self) -> bool:
        key = find_key(self.key_id)
        return key is not None and key.verifies("head", self.message(), self.seal)


def append_audit_entry(**fields: Any) -> AuditEntry:
    """Append one entry to the chain (see candour.core.audit for the public helpers)."""
    key = signing_key()
    if connection.vendor == "postgresql":
        entry = _append_in_one_round_trip(key, fields)
        if entry is not None:
            return entry
    with transaction.atomic():
        head = _locked_head(key)
        if head.key_id != key.id and head.sequence > 0:
            # A new key: the rotation is the first thing it signs, naming the key it follows.
            rotation = _next_entry(
                head,
                key,
                action=AuditAction.KEY_ROTATED,
                channel="system",
                detail=json.dumps({"from": head.key_id, "to": key.id}, sort_keys=True),
            )
            _advance(head, rotation, key)
        entry = _next_entry(head, key, **fields)
        _advance(head, entry, key)
    return entry


# On PostgreSQL an entry is appended in one round trip, so the chain head's row lock is held
# only inside the database, never while this process waits for its turn to run (under load, a
# Python thread holding the lock between statements made every audited request wait for it):
# the head is read without a lock, the entry and the new head are signed here, then one query of
# two statements, run by PostgreSQL as one transaction, inserts the entry only if the head is
# still exactly the one read (locking it) and moves the head to it. If another entry came first,
# nothing is written and the query's last statement gives the newer head to try again with.
# Genesis, a key rotation and a head that is not sealed take the locked path below, as does a
# writer that lost the race too often.
_ONE_ROUND_TRIP_ATTEMPTS = 50
_HEAD_COLUMNS = ("sequence", "entry_hash", "legacy_until", "key_id", "seal")


def _append_in_one_round_trip(key: AuditKey, fields: dict[str, Any]) -> AuditEntry | None:
    head = AuditChainHead.objects.filter(id=1).only(*_HEAD_COLUMNS).first()
    for _ in range(_ONE_ROUND_TRIP_ATTEMPTS):
        if head is None or head.key_id != key.id or not head.is_sealed():
            return None
        entry = _next_entry(head, key, save=False, **fields)
        advanced = AuditChainHead(
            id=1,
            sequence=entry.sequence,
            entry_hash=entry.entry_hash,
            legacy_until=head.legacy_until,
        )
        advanced.sign(key)
        entry_fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in entry_fields)
        values: list[Any] = [
            f.get_db_prep_save(getattr(entry, f.attname), connection) for f in entry_fields
        ]
        is_head = " AND ".join(f"{column} = %s" for column in _HEAD_COLUMNS)
        read: list[Any] = [getattr(head, column) for column in _HEAD_COLUMNS]
        sql = (
            f"INSERT INTO core_auditentry ({columns}) "
            f"SELECT {', '.join(['%s'] * len(values))} FROM core_auditchainhead "
            f"WHERE id = 1 AND {is_head} FOR UPDATE RETURNING id; "
            "UPDATE core_auditchainhead SET sequence = %s, entry_hash = %s, key_id = %s, "
            f"seal = %s WHERE id = 1 AND {is_head}; "
            f"SELECT {', '.join(_HEAD_COLUMNS)} FROM core_auditchainhead WHERE id = 1"
        )
        new_head: list[Any] = [
            advanced.sequence,
            advanced.entry_hash,
            advanced.key_id,
            advanced.seal,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, *read, *new_head, *read])
            inserted = cursor.fetchone()
            cursor.nextset()
            cursor.nextset()
            latest = cursor.fetchone()
        if inserted is not None:
            entry.pk = inserted[0]
            entry._state.adding = False
            entry._state.db = connection.alias
            return entry
        head = (
            None
            if latest is None
            else AuditChainHead(id=1, **dict(zip(_HEAD_COLUMNS, latest, strict=True)))
        )
    return None


def _locked_head(key: AuditKey) -> AuditChainHead:
    # One query on every entry: the head, locked. Only a new (or flushed test) database, or one
    # whose head row was deleted, goes further.
    try:
        head = AuditChainHead.objects.select_for_update().get(id=1)
    except AuditChainHead.DoesNotExist:
        head = _genesis_head(key)
    if not head.is_sealed():
        raise AuditChainError(
            f"The audit chain head (entry {head.sequence}) is not sealed by a configured audit "
            "key: it was rewritten, or the key that sealed it is missing from the key list. "
            "Nothing more is recorded until an operator runs 'candour audit verify' "
            "(docs/security.md)."
        )
    return head


def _genesis_head(key: AuditKey) -> AuditChainHead:
    if AuditEntry.objects.exists():
        raise AuditChainError(
            "The audit chain head is missing although the log has entries: it was deleted. "
            "Nothing more is recorded until an operator runs 'candour audit verify' and "
            "restores the database (docs/security.md)."
        )
    # A new (or flushed test) database: the migration's head row is not there yet.
    genesis = AuditChainHead(id=1)
    genesis.sign(key)
    AuditChainHead.objects.get_or_create(
        id=1, defaults={"key_id": genesis.key_id, "seal": genesis.seal}
    )
    return AuditChainHead.objects.select_for_update().get(id=1)


def _next_entry(
    head: AuditChainHead, key: AuditKey, *, save: bool = True, **fields: Any
) -> AuditEntry:
    entry = AuditEntry(
        sequence=head.sequence + 1,
        at=timezone.now(),
        previous_hash=head.entry_hash,
        key_id=key.id,
        **fields,
    )
    entry.entry_hash = entry.compute_hash(key)
    if save:
        entry.save()
    return entry


def _advance(head: AuditChainHead, entry: AuditEntry, key: AuditKey) -> None:
    head.sequence, head.entry_hash = entry.sequence, entry.entry_hash
    head.sign(key)
    AuditChainHead.objects.filter(id=1).update(
        sequence=head.sequence, entry_hash=head.entry_hash, key_id=head.key_id, seal=head.seal
    )
