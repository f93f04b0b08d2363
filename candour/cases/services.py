"""Operations on cases: the one path for every read that is audited and every write to case data.

Views, the API, the admin, the CLI and the demo loader call these; none repeats their rules and
nothing else writes ``Case``, ``Allegation``, their flags or ``AllegationSubject`` (a test greps
the code base for writes outside ``candour/cases/``). Each write verb has the shape of Zulip's
``do_*`` actions and of ``candour/vetting/services.py`` ``decide_vetting``:

- **guarded**: it checks what it is given and the current state, and refuses with a sentence
  (``CaseChangeRefused``); given the ``version`` of the case the caller saw, it refuses
  (``CaseChanged``) when someone else changed the case since;
- **atomic**: one transaction, which raises the case's ``version`` and marks the ``cases``
  source changed at its end (``candour.core.changes``), so the statistics never count from a
  store older than the tables;
- **audited**: one entry in the audit log naming the acting user (``by``) and ``channel``
  (``web``, ``api`` or ``cli``).

The statutory process (forums, which outcomes a forum may give) is built on top of these by
``candour/cases/workflow.py``; the verbs here record facts and check only what every path must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db.models import F, Prefetch, TextChoices
from django.utils import timezone

from candour.cases.models import (
    SUBJECT_PART_CHOICES,
    Allegation,
    AllegationFinding,
    AllegationSubject,
    Case,
    CaseType,
    Category,
    Flag,
    Outcome,
    pair_key,
    refresh_allegation_pairs,
)
from candour.core import audit, changes
from candour.core.forces import unknown_force_message
from candour.core.models import Force, Person, User

REF_LENGTH = 64  # Case.ref, Allegation.ref and Person.ref are CharField(max_length=64)

# The fields of a subject's part that ``update_subject`` may change, with their codes. The
# outcome and its date are recorded with ``record_outcome``.
SUBJECT_FIELDS: dict[str, type[TextChoices]] = {
    name: choices for name, choices in SUBJECT_PART_CHOICES.items() if name != "outcome"
}


class CaseChangeRefused(ValueError):
    """A change the case rules do not allow; the message says why and what to do."""


class CaseChanged(CaseChangeRefused):
    """The case changed since the caller read it (its version moved on)."""


# --- Reading ------------------------------------------------------------------------------


def cases_for(user: User, *, force: str | None = None, channel: str = "web"):  # type: ignore[no-untyped-def]
    """The cases a user may read, newest first, with the listing audited."""
    cases = Case.objects.visible_to(user).select_related("force")
    if force:
        cases = cases.filter(force_id=force)
    audit.record(
        user, "list", object_type="cases.case", channel=channel, detail={"force": force or ""}
    )
    return cases


def open_case(user: User, pk: int, *, channel: str = "web") -> Case:
    """One case the user may read, with allegations and subjects; the read is audited.
    Raises Case.DoesNotExist whether the case is missing or out of the user's scope, so
    a caller cannot tell the two apart."""
    case = (
        Case.objects.visible_to(user)
        .select_related("force")
        .prefetch_related(
            Prefetch(
                "allegations",
                queryset=Allegation.objects.select_related("category").prefetch_related(
                    "flags",
                    Prefetch(
                        "subjects", queryset=AllegationSubject.objects.select_related("subject")
                    ),
                ),
            )
        )
        .get(pk=pk)
    )
    audit.record(user, "view", case, channel=channel)
    return case


# --- Guards -------------------------------------------------------------------------------


def _one_of(value: str, choices: type[TextChoices], what: str, *, blank: bool = True) -> str:
    if (blank and value == "") or value in choices.values:
        return value
    allowed = ", ".join(str(code) for code in choices.values)
    empty = "; leave it empty if not known" if blank else ""
    raise CaseChangeRefused(f"'{value}' is not a {what}: use one of {allowed}{empty}.")


def _reference(ref: str, what: str) -> str:
    ref = (ref or "").strip()
    if not ref:
        raise CaseChangeRefused(f"Give the {what} reference.")
    if len(ref) > REF_LENGTH:
        raise CaseChangeRefused(
            f"The {what} reference is {len(ref)} characters long; it may have at most {REF_LENGTH}."
        )
    return ref


def _flags(codes: Iterable[str]) -> list[str]:
    wanted = sorted({code.strip() for code in codes} - {""})
    known = set(Flag.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        allowed = ", ".join(Flag.objects.order_by("code").values_list("code", flat=True))
        raise CaseChangeRefused(
            f"{', '.join(repr(code) for code in unknown)} "
            f"{'is not a flag' if len(unknown) == 1 else 'are not flags'}: use {allowed}."
        )
    return wanted


def _changing(case: Case, version: int | None) -> Case:
    """Lock the case, check it is still at ``version`` (when given), raise its version and
    change time. Call inside the verb's transaction, before its writes."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if version is not None and locked.version != version:
        raise CaseChanged(
            f"Case {locked.ref} was changed by someone else since you opened it (it is at "
            f"version {locked.version}, you saw {version}); nothing was saved. Reload it and "
            "make your change again."
        )
    now = timezone.now()
    Case.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=now)
    case.version, case.updated_at = locked.version + 1, now
    return case


def _date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# --- Writing ------------------------------------------------------------------------------


def record_case(
    *,
    force: Force | str,
    ref: str,
    case_type: str,
    received_date: dt.date,
    by: User | None,
    channel: str = "web",
) -> Case:
    """Record a new matter: a complaint, conduct matter or DSI matter (Police Reform Act 2002,
    Schedule 3), with its reference unique within the force."""
    code = force.code if isinstance(force, Force) else force
    if not Force.objects.filter(code=code).exists():
        raise CaseChangeRefused(unknown_force_message(code))
    ref = _reference(ref, "case")
    _one_of(case_type, CaseType, "case type", blank=False)
    if received_date > timezone.localdate():
        raise CaseChangeRefused(
            f"The received date {received_date.isoformat()} is in the future; give the date "
            "the matter was received."
        )
    with changes.deferred(changes.CASES):
        if Case.objects.filter(force_id=code, ref=ref).exists():
            raise CaseChangeRefused(
                f"{code} already has a case {ref}; give another reference or open that case."
            )
        case = Case.objects.create(
            force_id=code, ref=ref, case_type=case_type, received_date=received_date
        )
        audit.record(
            by,
            "create",
            case,
            channel=channel,
            detail={"ref": ref, "case_type": case_type, "received_date": received_date},
        )
    return case


def add_allegation(
    case: Case,
    *,
    ref: str,
    category: Category | str,
    flags: Iterable[str] = (),
    by: User | None,
    channel: str = "web",
    version: int | None = None,
) -> Allegation:
    """Add an allegation to a case, with its category and themes (flags). Subjects are added
    with ``add_subject``."""
    ref = _reference(ref, "allegation")
    code = category.code if isinstance(category, Category) else category
    if not Category.objects.filter(code=code).exists():
        raise CaseChangeRefused(
            f"'{code}' is not a category code; the codes are listed in docs/categories.md."
        )
    themes = _flags(flags)
    with changes.deferred(changes.CASES):
        _changing(case, version)
        if Allegation.objects.filter(case=case, ref=ref).exists():
            raise CaseChangeRefused(
                f"Case {case.ref} already has an allegation {ref}; give another reference."
            )
        allegation = Allegation.objects.create(case=case, ref=ref, category_id=code)
        allegation.flags.set(Flag.objects.filter(code__in=themes))
        refresh_allegation_pairs([case.pk])
        audit.record(
            by,
            "update",
            case,
            channel=channel,
            detail={"allegation_added": ref, "category": code, "flags": themes},
        )
    return allegation


def set_flags(
    allegation: Allegation,
    flags: Iterable[str],
    *,
    by: User | None,
    channel: str = "web",
    version: int | None = None,
) -> Allegation:
    """Replace an allegation's themes (flags) with ``flags``."""
    themes = _flags(flags)
    with changes.deferred(changes.CASES):
        _changing(allegation.case, version)
        before = sorted(allegation.flags.values_list("code", flat=True))
        allegation.flags.set(Flag.objects.filter(code__in=themes))
        refresh_allegation_pairs([allegation.case_id])
        audit.record(
            by,
            "update",
            allegation,
            channel=channel,
            force_code=allegation.case.force_id,
            detail={"flags": themes, "from": before},
        )
    return allegation


def add_subject(
    allegation: Allegation,
    *,
    subject: Person | None = None,
    by: User | None,
    channel: str = "web",
    version: int | None = None,
    **fields: str,
) -> AllegationSubject:
    """Add a subject's part to an allegation: a person of the case's force, or ``None`` for the
    unidentified subject, with any of ``SUBJECT_FIELDS`` as recorded for this allegation."""
    values = check_subject_fields(fields)
    case = allegation.case
    if subject is not None and subject.force_id != case.force_id:
        raise CaseChangeRefused(
            f"{subject.ref} is in the workforce of {subject.force_id}, not of {case.force_id}: "
            "a subject must be of the case's force."
        )
    with changes.deferred(changes.CASES):
        _changing(case, version)
        if AllegationSubject.objects.filter(allegation=allegation, subject=subject).exists():
            who = subject.ref if subject is not None else "The unidentified subject"
            raise CaseChangeRefused(f"{who} is already a subject of allegation {allegation.ref}.")
        part = AllegationSubject.objects.create(allegation=allegation, subject=subject, **values)
        audit.record(
            by,
            "create",
            part,
            channel=channel,
            force_code=case.force_id,
            detail={"subject": subject.ref if subject else "", **values},
        )
    return part


def check_subject_fields(fields: dict[str, str]) -> dict[str, str]:
    """The checks of ``add_subject`` and ``update_subject``, for forms to run first."""
    unknown = sorted(set(fields) - set(SUBJECT_FIELDS))
    if unknown:
        raise CaseChangeRefused(
            f"{', '.join(unknown)} cannot be set here: use any of {', '.join(SUBJECT_FIELDS)}"
            " (an outcome is recorded with record_outcome)."
        )
    return {
        name: _one_of(value, SUBJECT_FIELDS[name], name.replace("_", " "))
        for name, value in fields.items()
    }


def update_subject(
    part: AllegationSubject,
    *,
    by: User | None,
    channel: str = "web",
    version: int | None = None,
    **fields: str,
) -> AllegationSubject:
    """Change any of ``SUBJECT_FIELDS`` of one subject's part (blank means not known)."""
    values = check_subject_fields(fields)
    with changes.deferred(changes.CASES):
        case = _changing(part.allegation.case, version)
        before = {name: getattr(part, name) for name in values}
        for name, value in values.items():
            setattr(part, name, value)
        part.save(update_fields=list(values))
        audit.record(
            by,
            "update",
            part,
            channel=channel,
            force_code=case.force_id,
            detail={"changed": values, "from": before},
        )
    return part


def check_outcome(part: AllegationSubject, outcome: str, outcome_date: dt.date | None) -> None:
    """The checks of ``record_outcome``, for forms to run before they call it."""
    _one_of(outcome, Outcome, "outcome")
    received = part.allegation.case.received_date
    if outcome and outcome_date is None:
        raise CaseChangeRefused("Give the date of the outcome.")
    if not outcome and outcome_date is not None:
        raise CaseChangeRefused("An outcome date needs an outcome; choose the outcome too.")
    if outcome_date is not None and outcome_date < received:
        raise CaseChangeRefused(
            f"The outcome date {outcome_date.isoformat()} is before the case was received "
            f"({received.isoformat()})."
        )
    if outcome_date is not None and outcome_date > timezone.localdate():
        raise CaseChangeRefused(
            f"The outcome date {outcome_date.isoformat()} is in the future; record an outcome "
            "once it is given."
        )


def record_outcome(
    part: AllegationSubject,
    outcome: str,
    outcome_date: dt.date | None,
    *,
    by: User | None,
    channel: str = "web",
    version: int | None = None,
    finding: str | None = None,
) -> AllegationSubject:
    """Record one subject's outcome of an allegation and its date, or clear both (``outcome``
    empty and ``outcome_date`` None) to reopen it, which clears the finding too. The date may
    not be before the case was received, nor in the future. ``finding`` (interchange §1,
    ``AllegationFinding``), when given, is recorded with it; otherwise the finding held stays.
    Which outcomes a forum may give is the workflow's rule (``candour/cases/workflow.py``),
    checked before it calls this."""
    check_outcome(part, outcome, outcome_date)
    if not outcome:
        finding = ""
    elif finding is not None:
        finding = _one_of(finding, AllegationFinding, "finding")
    case = part.allegation.case
    with changes.deferred(changes.CASES):
        _changing(case, version)
        before = {
            "outcome": part.outcome,
            "outcome_date": _date_text(part.outcome_date),
            "finding": part.finding,
        }
        part.outcome, part.outcome_date = outcome, outcome_date
        fields = ["outcome", "outcome_date"]
        if finding is not None:
            part.finding = finding
            fields.append("finding")
        part.save(update_fields=fields)
        audit.record(
            by,
            "update",
            part,
            channel=channel,
            force_code=case.force_id,
            detail={
                "outcome": outcome,
                "outcome_date": _date_text(outcome_date),
                "finding": part.finding,
                "from": before,
            },
        )
    return part


# --- Many records at once (the demo data set) ---------------------------------------------


class PersonRecord(Protocol):
    @property
    def force(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def rank(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def joined_date(self) -> dt.date | None: ...
    @property
    def left_date(self) -> dt.date | None: ...


class SubjectRecord(Protocol):
    @property
    def person(self) -> PersonRecord | None: ...
    @property
    def role(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def rank(self) -> str: ...
    @property
    def iopc_referral(self) -> str: ...
    @property
    def investigation(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def proceedings(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def outcome_date(self) -> dt.date | None: ...
    @property
    def finding(self) -> str: ...


class AllegationRecord(Protocol):
    @property
    def ref(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def flags(self) -> Iterable[str]: ...
    @property
    def subjects(self) -> Sequence[SubjectRecord]: ...


class CaseRecord(Protocol):
    @property
    def force(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def case_type(self) -> str: ...
    @property
    def received_date(self) -> dt.date: ...
    @property
    def allegations(self) -> Sequence[AllegationRecord]: ...


@dataclass
class AddedInBulk:
    people: int = 0
    cases: int = 0
    allegations: int = 0
    subjects: int = 0


BULK_BATCH = 2000


def add_workforce_in_bulk(
    people: Sequence[PersonRecord], *, by: User | None, channel: str = "cli"
) -> int:
    """Add the people not yet held (by force and reference) as workforce-file people, with
    ``bulk_create``; known people are left as they are. Returns how many were added. For data
    already checked (the demo generator's): a file goes through ``import_workforce``."""
    forces = sorted({p.force for p in people})
    with changes.deferred():
        held = set(Person.objects.filter(force_id__in=forces).values_list("force_id", "ref"))
        new = [
            Person(
                force_id=p.force,
                ref=p.ref,
                role=p.role,
                rank=p.rank,
                sex=p.sex,
                joined_date=p.joined_date,
                left_date=p.left_date,
                in_workforce_file=True,
            )
            for p in people
            if (p.force, p.ref) not in held
        ]
        Person.objects.bulk_create(new, batch_size=BULK_BATCH)
        if new:  # bulk_create sends no signals
            changes.mark_changed(changes.WORKFORCE)
            audit.record(
                by,
                "import",
                object_type="core.person",
                channel=channel,
                force_code=forces[0] if len(forces) == 1 else "",
                detail={"people": len(new), "forces": forces},
            )
    return len(new)


def add_cases_in_bulk(
    cases: Sequence[CaseRecord], *, by: User | None, channel: str = "cli"
) -> AddedInBulk:
    """Add the cases not yet held (by force and reference), with their allegations, flags and
    subjects (people looked up by force and reference), with ``bulk_create``; known cases are
    left as they are. For data already checked (the demo generator's): a file goes through
    ``import_cases``."""
    forces = sorted({c.force for c in cases})
    added = AddedInBulk()
    with changes.deferred():
        held = set(Case.objects.filter(force_id__in=forces).values_list("force_id", "ref"))
        specs = [c for c in cases if (c.force, c.ref) not in held]
        if not specs:
            return added
        subject_forces = {
            s.person.force for c in specs for a in c.allegations for s in a.subjects if s.person
        }
        person_ids = {
            (force, ref): pk
            for pk, force, ref in Person.objects.filter(force_id__in=subject_forces).values_list(
                "pk", "force_id", "ref"
            )
        }
        made = Case.objects.bulk_create(
            [
                Case(
                    force_id=c.force,
                    ref=c.ref,
                    case_type=c.case_type,
                    received_date=c.received_date,
                    allegation_pairs=sorted(
                        {pair_key(a.category, flag) for a in c.allegations for flag in a.flags}
                    ),
                )
                for c in specs
            ],
            batch_size=BULK_BATCH,
        )
        allegation_specs = [
            (case, a) for case, spec in zip(made, specs, strict=True) for a in spec.allegations
        ]
        allegations = Allegation.objects.bulk_create(
            [
                Allegation(case=case, ref=a.ref, category_id=a.category)
                for case, a in allegation_specs
            ],
            batch_size=BULK_BATCH,
        )
        through = Allegation.flags.through
        through.objects.bulk_create(
            [
                through(allegation_id=allegation.pk, flag_id=flag)
                for allegation, (_, spec) in zip(allegations, allegation_specs, strict=True)
                for flag in sorted(spec.flags)
            ],
            batch_size=BULK_BATCH,
        )
        subjects = [
            AllegationSubject(
                allegation=allegation,
                subject_id=person_ids[s.person.force, s.person.ref] if s.person else None,
                subject_role=s.role,
                subject_sex=s.sex,
                subject_rank=s.rank,
                iopc_referral=s.iopc_referral,
                investigation=s.investigation,
                severity=s.severity,
                proceedings=s.proceedings,
                outcome=s.outcome,
                outcome_date=s.outcome_date,
                finding=s.finding,
            )
            for allegation, (_, spec) in zip(allegations, allegation_specs, strict=True)
            for s in spec.subjects
        ]
        AllegationSubject.objects.bulk_create(subjects, batch_size=BULK_BATCH)
        added.cases, added.allegations, added.subjects = len(made), len(allegations), len(subjects)
        changes.mark_changed(changes.CASES)  # bulk_create sends no signals
        audit.record(
            by,
            "import",
            object_type="cases.case",
            channel=channel,
            force_code=forces[0] if len(forces) == 1 else "",
            detail={
                "cases": added.cases,
                "allegations": added.allegations,
                "subjects": added.subjects,
                "forces": forces,
            },
        )
    return added


# --- Files (interchange §1 and §2) ----------------------------------------------------------


def import_cases(
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Any = None,
    by: User | None = None,
    channel: str = "cli",
) -> Any:
    """Import a §1 cases file, all-or-nothing (docs/interchange.md): bulk writes in one
    transaction that marks ``cases`` (and ``workforce`` when it adds or completes people)
    changed, one audit entry, the statistics of the file's forces refreshed. Returns the
    ``ImportResult``; raises ``ImportRejected`` (nothing written), ``UnreadableFile`` or
    ``MappingError``."""
    from candour.cases.interchange.cases import import_cases as bulk_import_cases

    return bulk_import_cases(
        path, mapping=mapping, dry_run=dry_run, progress=progress, user=by, channel=channel
    )


def import_workforce(
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Any = None,
    by: User | None = None,
    channel: str = "cli",
) -> Any:
    """Import a §2 workforce file, all-or-nothing: marks ``workforce`` changed, one audit
    entry. Returns the ``ImportResult``."""
    from candour.cases.interchange.workforce import import_workforce as bulk_import

    return bulk_import(
        path, mapping=mapping, dry_run=dry_run, progress=progress, user=by, channel=channel
    )


def export_cases(
    path: str | Path,
    *,
    forces: Sequence[str] = (),
    progress: Any = None,
    by: User | None = None,
    channel: str = "cli",
) -> int:
    """Write the cases of ``forces`` (all when empty) as a §1 file; audited. Returns the rows."""
    from candour.cases.interchange.export import export_cases as write_cases

    return write_cases(path, forces=forces, progress=progress, user=by, channel=channel)


__all__ = [
    "CaseChangeRefused",
    "CaseChanged",
    "AddedInBulk",
    "add_allegation",
    "add_cases_in_bulk",
    "add_subject",
    "add_workforce_in_bulk",
    "cases_for",
    "check_outcome",
    "check_subject_fields",
    "export_cases",
    "import_cases",
    "import_workforce",
    "open_case",
    "record_case",
    "record_outcome",
    "set_flags",
    "update_subject",
]
