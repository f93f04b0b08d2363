"""Vetting operations: one function per thing a vetting officer does.

Views, the API and the ``candour datawash`` command call these; none repeats their rules. Levels,
renewal periods and review triggers come from ``candour.vetting.reference`` (sources cited
there). Every change is written to the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from candour.core import audit, changes, scoping
from candour.core.models import Force, Person, User
from candour.vetting import records, reference
from candour.vetting.models import (
    GRANTING_DECISIONS,
    AppealOutcome,
    ApplicationKind,
    CandidateMatch,
    CandidateStatus,
    DataWashRun,
    Decision,
    VettingAppeal,
    VettingApplication,
    VettingApplicationQuerySet,
    VettingCheck,
)


class VettingError(ValueError):
    """An operation that the vetting rules do not allow; the message says why and what to do."""


class CandidateAlreadyDecided(VettingError):
    """Someone else decided this candidate first."""


class LeftWorkforce(VettingError):
    """Clearance would be granted to someone who has left the workforce, without confirmation."""


def leaver_warning(person: Person, on: dt.date) -> str:
    """The warning to show before granting clearance on ``on`` to someone whose leaving date
    (interchange §2 ``left_date``) is on or before that day, or "" if they have not left.
    Vetting clears members of the workforce (Vetting Code of Practice 2023), so a grant to a
    leaver is usually a mistake in the record or a rejoiner whose record is out of date."""
    if person.left_date is None or person.left_date > on:
        return ""
    return (
        f"{person.label} left the workforce on {person.left_date.day} {person.left_date:%B %Y}. "
        "Clearance is "
        "for members of the workforce: check that they have rejoined (and update their "
        "record), or confirm that you mean to grant it anyway."
    )


# --- Vetting records ---------------------------------------------------------------------


def apply_for_vetting(
    person: Person,
    level: str,
    *,
    kind: str = ApplicationKind.INITIAL,
    applied_on: dt.date | None = None,
    by: User | None = None,
    note: str = "",
    channel: str = "web",
) -> VettingApplication:
    reference.level(level)  # refuses an unknown level with a sentence
    application = VettingApplication.objects.create(
        person=person,
        level=level,
        kind=kind,
        applied_on=applied_on or timezone.localdate(),
        opened_by=by,
        note=note,
    )
    audit.record(by, "create", application, channel=channel, detail={"level": level, "kind": kind})
    return application


def record_check(
    application: VettingApplication,
    check_type: str,
    result: str,
    *,
    done_on: dt.date | None = None,
    note: str = "",
    by: User | None = None,
    channel: str = "web",
) -> VettingCheck:
    if not application.is_open:
        raise VettingError(
            "This application has been decided; record further checks on a new review."
        )
    check = VettingCheck.objects.create(
        application=application,
        check_type=check_type,
        result=result,
        done_on=done_on or timezone.localdate(),
        note=note,
        recorded_by=by,
    )
    audit.record(
        by,
        "update",
        application,
        channel=channel,
        detail={"check": check_type, "result": result},
    )
    return check


def decide_vetting(
    application: VettingApplication,
    decision: str,
    *,
    reason: str = "",
    note: str = "",
    conditions: str = "",
    decided_on: dt.date | None = None,
    confirm_left_workforce: bool = False,
    by: User | None = None,
    channel: str = "web",
) -> VettingApplication:
    """Grant (with or without conditions), refuse or withdraw. A grant sets the expiry date from
    the level's renewal period; a refusal or withdrawal needs a reason (APP Vetting: every
    decision is recorded with its rationale, and refusals can be appealed). Granting clearance
    to someone who had left the workforce by the decision date is refused unless
    ``confirm_left_workforce`` says the officer saw the warning (``leaver_warning``)."""
    decision = Decision(decision)
    if decision in (Decision.REFUSED, Decision.WITHDRAWN) and not reason:
        raise VettingError("Give the reason for refusing or withdrawing clearance.")
    if decision == Decision.GRANTED_WITH_CONDITIONS and not conditions.strip():
        raise VettingError("Say what the conditions of the clearance are.")
    decided_on = decided_on or timezone.localdate()
    warning = (
        leaver_warning(application.person, decided_on) if decision in GRANTING_DECISIONS else ""
    )
    if warning and not confirm_left_workforce:
        raise LeftWorkforce(warning)
    expires_on = (
        reference.level(application.level).expiry_after(decided_on)
        if decision in GRANTING_DECISIONS
        else None
    )
    with transaction.atomic():
        updated = VettingApplication.objects.filter(pk=application.pk, decision="").update(
            decision=decision,
            reason=reason if decision not in GRANTING_DECISIONS else "",
            decision_note=note,
            conditions=conditions,
            decided_on=decided_on,
            decided_by=by,
            expires_on=expires_on,
        )
        if not updated:
            raise VettingError("This application has already been decided; reload the page.")
        changes.mark_changed(changes.VETTING)  # QuerySet.update sends no signal
        application.refresh_from_db()
        audit.record(
            by,
            "update",
            application,
            channel=channel,
            detail={
                "decision": decision,
                "reason": reason,
                **({"confirmed_left_workforce": True} if warning else {}),
            },
        )
    return application


def lodge_appeal(
    application: VettingApplication,
    grounds: str,
    *,
    lodged_on: dt.date | None = None,
    by: User | None = None,
    channel: str = "web",
) -> VettingAppeal:
    if application.decision not in (Decision.REFUSED, Decision.WITHDRAWN):
        raise VettingError("Only a refusal or withdrawal of clearance can be appealed.")
    if application.appeals.filter(outcome="").exists():
        raise VettingError("An appeal against this decision is already waiting for an outcome.")
    if not grounds.strip():
        raise VettingError("Give the grounds of the appeal.")
    appeal = VettingAppeal.objects.create(
        application=application, grounds=grounds, lodged_on=lodged_on or timezone.localdate()
    )
    audit.record(by, "create", appeal, channel=channel)
    return appeal


def decide_appeal(
    appeal: VettingAppeal,
    outcome: str,
    *,
    note: str = "",
    decided_on: dt.date | None = None,
    confirm_left_workforce: bool = False,
    by: User | None = None,
    channel: str = "web",
) -> VettingAppeal:
    """An upheld appeal grants the clearance from the day of the appeal decision; for someone
    who had left the workforce by then only with ``confirm_left_workforce``, as in
    ``decide_vetting``."""
    outcome = AppealOutcome(outcome)
    decided_on = decided_on or timezone.localdate()
    upheld = outcome == AppealOutcome.UPHELD
    warning = leaver_warning(appeal.application.person, decided_on) if upheld else ""
    if warning and not confirm_left_workforce:
        raise LeftWorkforce(warning)
    with transaction.atomic():
        updated = VettingAppeal.objects.filter(pk=appeal.pk, outcome="").update(
            outcome=outcome, outcome_note=note, decided_on=decided_on, decided_by=by
        )
        if not updated:
            raise VettingError("This appeal has already been decided; reload the page.")
        if upheld:
            application = appeal.application
            application.expires_on = reference.level(application.level).expiry_after(decided_on)
            application.save(update_fields=["expires_on"])
        appeal.refresh_from_db()
        audit.record(
            by,
            "update",
            appeal,
            channel=channel,
            detail={"outcome": outcome, **({"confirmed_left_workforce": True} if warning else {})},
        )
    return appeal


def current_clearances(person: Person) -> QuerySet[VettingApplication]:
    """The person's clearances still in force or lapsed but not yet renewed, newest first."""
    later = VettingApplication.objects.cleared().filter(
        person=OuterRef("person"), level=OuterRef("level"), decided_on__gt=OuterRef("decided_on")
    )
    return (
        VettingApplication.objects.cleared()
        .filter(person=person)
        .exclude(Exists(later))
        .order_by("-decided_on")
    )


def open_vetting_review(
    person: Person,
    trigger: str,
    *,
    level: str | None = None,
    source: str = "",
    note: str = "",
    by: User | None = None,
    on: dt.date | None = None,
    channel: str = "web",
) -> VettingApplication:
    """Open a review of a person's clearance (Vetting Code of Practice 2023: vetting is
    continuous; review on new adverse information, after misconduct without dismissal, on
    promotion or a move to a sensitive post, and at random). The level defaults to the
    person's most recent clearance, or Recruitment Vetting. An open review for the same
    trigger and level is returned rather than duplicated."""
    if trigger not in dict(reference.TRIGGER_CHOICES):
        raise VettingError(f"Unknown review trigger {trigger!r}.")
    if level is None:
        latest = current_clearances(person).first()
        level = latest.level if latest is not None else "rv"
    existing = VettingApplication.objects.filter(
        person=person, level=level, trigger=trigger, decision=""
    ).first()
    if existing is not None:
        return existing
    kind = ApplicationKind.RENEWAL if trigger == "periodic" else ApplicationKind.REVIEW
    review = VettingApplication.objects.create(
        person=person,
        level=level,
        kind=kind,
        trigger=trigger,
        source=source,
        note=note,
        applied_on=on or timezone.localdate(),
        opened_by=by,
    )
    audit.record(
        by,
        "create",
        review,
        channel=channel,
        detail={"trigger": trigger, "source": source, "level": level},
    )
    return review


def vetting_due(
    forces: Iterable[str],
    on: dt.date | None = None,
    *,
    within_days: int = reference.DUE_WINDOW_DAYS,
) -> QuerySet[VettingApplication]:
    """Clearances of the forces' current workforce that expire within ``within_days`` of ``on``
    (or already have), with no renewal or review of that level under way. Each row is
    annotated ``overdue`` (expired before ``on``). Soonest first."""
    named = VettingApplication.objects.for_forces(list(forces))
    return _due(named, on or timezone.localdate(), within_days)


def _due(
    applications: VettingApplicationQuerySet, on: dt.date, within_days: int
) -> QuerySet[VettingApplication]:
    horizon = on + dt.timedelta(days=within_days)
    renewed = VettingApplication.objects.cleared().filter(
        person=OuterRef("person"), level=OuterRef("level"), decided_on__gt=OuterRef("decided_on")
    )
    under_way = VettingApplication.objects.filter(
        person=OuterRef("person"), level=OuterRef("level"), decision=""
    )
    return (
        applications.cleared()
        .filter(expires_on__lte=horizon)
        .filter(Q(person__left_date__isnull=True) | Q(person__left_date__gt=on))
        .exclude(Exists(renewed))
        .exclude(Exists(under_way))
        .annotate(
            overdue=Case(
                When(expires_on__lt=on, then=Value(True)),
                default=Value(False),
            )
        )
        .select_related("person", "person__force")
        .order_by("expires_on", "id")
    )


def awaiting_decision(user: User) -> QuerySet[VettingApplication]:
    return (
        scoping.visible_to(user, VettingApplication.objects.all())
        .awaiting_decision()
        .select_related("person", "person__force")
        .order_by("applied_on", "id")
    )


def appeals_awaiting_outcome(user: User) -> QuerySet[VettingAppeal]:
    return (
        scoping.visible_to(user, VettingAppeal)
        .filter(outcome="")
        .select_related("application", "application__person")
        .order_by("lodged_on", "id")
    )


def vetting_queue(
    user: User, *, on: dt.date | None = None, limit: int = 200, channel: str = "web"
) -> dict[str, Any]:
    """What waits for the user's vetting unit: clearances due or overdue for renewal,
    applications and appeals awaiting a decision, data-wash candidates to review. Audited."""
    on = on or timezone.localdate()
    due = list(
        _due(
            scoping.visible_to(user, VettingApplication.objects.all()),
            on,
            reference.DUE_WINDOW_DAYS,
        )[:limit]
    )
    candidates = scoping.visible_to(user, CandidateMatch)
    audit.record(
        user,
        "list",
        object_type="vetting.queue",
        channel=channel,
        detail={"forces": scoping.force_codes(user)},
    )
    return {
        "today": on,
        "overdue": [a for a in due if a.overdue],  # type: ignore[attr-defined]
        "due": [a for a in due if not a.overdue],  # type: ignore[attr-defined]
        "awaiting": awaiting_decision(user)[:limit],
        "appeals": appeals_awaiting_outcome(user)[:limit],
        "pending_candidates": candidates.filter(status=CandidateStatus.PENDING).count(),
        "referred_candidates": candidates.filter(status=CandidateStatus.REFERRED).count(),
    }


def open_person(user: User, pk: int, *, channel: str = "web") -> Person:
    """A person's vetting record, if the user may see it; raises Person.DoesNotExist whether
    the person is missing or out of scope. The read is audited."""
    person = scoping.get_visible(user, Person.objects.select_related("force"), pk=pk)
    audit.record(user, "view", person, object_type="vetting.person", channel=channel)
    return person


def application_for(user: User, pk: int) -> VettingApplication:
    """An application the user may see (for acting on it: the action is what is audited);
    raises VettingApplication.DoesNotExist whether missing or out of scope."""
    return scoping.get_visible(
        user, VettingApplication.objects.select_related("person", "person__force"), pk=pk
    )


def open_application(user: User, pk: int, *, channel: str = "web") -> VettingApplication:
    """An application the user may see, the read audited."""
    application = application_for(user, pk)
    audit.record(user, "view", application, channel=channel)
    return application


def vetting_counts_for(
    user: User,
    date_from: dt.date,
    date_to: dt.date,
    by: str | Sequence[str] = "year",
    *,
    suppress: int | None = None,
    channel: str = "web",
) -> dict[str, Any]:
    """The vetting figures (``candour.vetting.figures``) of the user's forces, audited."""
    from candour.vetting.figures import vetting_figures

    forces = scoping.counting_forces(user)
    result = vetting_figures(forces, date_from, date_to, by=by, suppress=suppress)
    audit.record(
        user,
        "list",
        object_type="vetting.counts",
        channel=channel,
        detail={"from": str(date_from), "to": str(date_to), "by": by, "suppress": suppress},
    )
    return result


# --- The data wash review queue ----------------------------------------------------------


def _snapshots(path: Path, id_column: str, wanted: set[str]) -> dict[str, dict[str, str]]:
    """The named records of a §3 input file, streamed so a national extract never sits in memory."""
    found: dict[str, dict[str, str]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            key = (row.get(id_column) or "").strip()
            if key in wanted:
                found[key] = {name: (row.get(name) or "").strip() for name in records.RECORD_FIELDS}
    return found


def record_datawash_run(
    *,
    workforce_file: str,
    national_file: str,
    out_file: str,
    engine: str,
    threshold: float,
    summary: Mapping[str, Any],
    force: Force | None = None,
    run_by: str = "",
    rule_outs: bool = True,
) -> DataWashRun:
    run = DataWashRun.objects.create(
        force=force,
        run_by=run_by,
        workforce_file=workforce_file,
        national_file=national_file,
        out_file=out_file,
        engine=engine,
        threshold=threshold,
        rule_outs=rule_outs,
        # Per-pair weight parts go onto the candidates, not into the run's summary.
        summary=_json_safe({k: v for k, v in summary.items() if k != "weight_parts"}),
    )
    audit.record(
        None,
        "create",
        run,
        channel="cli",
        force_code=force.code if force else "",
        detail={"candidates": summary.get("candidate_pairs"), "run_by": run_by},
    )
    return run


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def load_candidates(
    run: DataWashRun,
    force: Force,
    weight_parts: Mapping[tuple[str, str], list[dict[str, Any]]] | None = None,
) -> int:
    """Store the run's §3 output as pending candidates for the force's vetting officers, with
    both records' fields as they were in the input files. Returns how many were stored.

    A pair already in the force's queue from an earlier run (decided or not) is not raised again
    unless one of its two records changed since: continuous screening re-scores the same people
    every day, and a vetting officer's decision stands until there is something new to decide.
    How many were left out is kept in the run's summary as ``already_in_queue``."""
    with Path(run.out_file).open(newline="", encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    workforce = _snapshots(Path(run.workforce_file), "person_ref", {p["person_ref"] for p in pairs})
    national = _snapshots(Path(run.national_file), "record_id", {p["record_id"] for p in pairs})
    people = dict(
        Person.objects.filter(force=force, ref__in=list(workforce)).values_list("ref", "pk")
    )
    parts = weight_parts or {}
    candidates = [
        CandidateMatch(
            run=run,
            force=force,
            person_ref=pair["person_ref"],
            person_id=people.get(pair["person_ref"]),
            record_id=pair["record_id"],
            workforce_record=workforce.get(pair["person_ref"], {}),
            national_record=national.get(pair["record_id"], {}),
            match_probability=float(pair["match_probability"]),
            match_weight=float(pair["match_weight"]),
            reasons=pair.get("reasons", ""),
            weight_parts=parts.get((pair["person_ref"], pair["record_id"]), []),
        )
        for pair in pairs
    ]
    seen = _raised_before(force, candidates)
    new = [
        c
        for c in candidates
        if (c.workforce_record, c.national_record) not in seen.get((c.person_ref, c.record_id), [])
    ]
    skipped = len(candidates) - len(new)
    candidates = new
    run.summary = {**run.summary, "already_in_queue": skipped}
    with transaction.atomic():
        CandidateMatch.objects.bulk_create(candidates, batch_size=1000)
        DataWashRun.objects.filter(pk=run.pk).update(
            candidates_loaded=len(candidates), summary=run.summary
        )
        audit.record(
            None,
            "import",
            run,
            channel="cli",
            force_code=force.code,
            detail={"candidates": len(candidates), "already_in_queue": skipped},
        )
    run.candidates_loaded = len(candidates)
    return len(candidates)


def _raised_before(
    force: Force, candidates: list[CandidateMatch]
) -> dict[tuple[str, str], list[tuple[dict[str, str], dict[str, str]]]]:
    """For each pair among ``candidates`` already in ``force``'s queue, the two records' snapshots
    each time it was raised."""
    refs = sorted({c.person_ref for c in candidates})
    wanted = {(c.person_ref, c.record_id) for c in candidates}
    seen: dict[tuple[str, str], list[tuple[dict[str, str], dict[str, str]]]] = {}
    for start in range(0, len(refs), 500):  # within every database's limit on query parameters
        earlier = CandidateMatch.objects.filter(
            force=force, person_ref__in=refs[start : start + 500]
        ).values_list("person_ref", "record_id", "workforce_record", "national_record")
        for person_ref, record_id, workforce, national in earlier.iterator():
            if (person_ref, record_id) in wanted:
                seen.setdefault((person_ref, record_id), []).append((workforce, national))
    return seen


def candidates_for(
    user: User, *, status: str | None = CandidateStatus.PENDING, channel: str = "web"
):  # type: ignore[no-untyped-def]
    """The candidate matches of the user's forces, highest match weight first; audited."""
    candidates = scoping.visible_to(user, CandidateMatch).select_related("force", "person", "run")
    if status:
        candidates = candidates.filter(status=status)
    audit.record(
        user,
        "list",
        object_type="vetting.candidatematch",
        channel=channel,
        detail={"status": status or "all"},
    )
    return candidates.order_by("-match_weight", "id")


def open_candidate(user: User, pk: int, *, channel: str = "web") -> CandidateMatch:
    """One candidate the user may review; raises CandidateMatch.DoesNotExist whether it is
    missing or another force's, so the two cannot be told apart. The read is audited."""
    candidate = scoping.get_visible(
        user, CandidateMatch.objects.select_related("force", "person", "run", "decided_by"), pk=pk
    )
    audit.record(user, "view", candidate, channel=channel)
    return candidate


def decide_candidate(
    user: User,
    pk: int,
    decision: str,
    *,
    seen_status: str = CandidateStatus.PENDING,
    note: str = "",
    channel: str = "web",
) -> CandidateMatch:
    """Record a vetting officer's decision on a candidate pair.

    The update only applies if the candidate still has the status the officer saw
    (``seen_status``), so of two officers deciding at once the second is told, not overwritten.
    A confirmed match (same person) opens a vetting review of that person: trigger new
    information, source data wash.
    """
    decision = CandidateStatus(decision)
    if decision == CandidateStatus.PENDING:
        raise VettingError("Choose same person, not the same person, or refer.")
    if decision == CandidateStatus.REFERRED and seen_status != CandidateStatus.PENDING:
        raise VettingError("This candidate has already been referred.")
    with transaction.atomic():
        updated = (
            scoping.visible_to(user, CandidateMatch)
            .filter(pk=pk, status=seen_status)
            .update(status=decision, decided_by=user, decided_at=timezone.now(), note=note)
        )
        candidate = scoping.get_visible(
            user, CandidateMatch.objects.select_related("person", "decided_by"), pk=pk
        )
        if not updated:
            who = candidate.decided_by.get_username() if candidate.decided_by else "someone else"
            raise CandidateAlreadyDecided(
                f"{who} has already recorded '{candidate.get_status_display()}' for this "
                f"candidate; your decision was not saved. Review it again if you disagree."
            )
        if decision == CandidateStatus.SAME_PERSON and candidate.person is not None:
            candidate.review = open_vetting_review(
                candidate.person,
                "new_information",
                source="data wash",
                note=f"Data wash match with national record {candidate.record_id}.",
                by=user,
                channel=channel,
            )
            candidate.save(update_fields=["review"])
        audit.record(
            user,
            "update",
            candidate,
            channel=channel,
            detail={"decision": decision, "from": seen_status},
        )
    return candidate


def weight_bars(candidate: CandidateMatch, steps: int = 10) -> list[dict[str, Any]]:
    """Each match-weight part with a bar length in whole steps of the largest part, for a
    CSS-class bar (the CSP forbids inline widths)."""
    parts = [p for p in candidate.weight_parts if isinstance(p, Mapping)]
    largest = max((abs(float(p.get("weight", 0))) for p in parts), default=0.0)
    bars = []
    for part in parts:
        weight = float(part.get("weight", 0))
        size = round(abs(weight) / largest * steps) if largest else 0
        bars.append(
            {
                "field": part.get("field", ""),
                "label": part.get("label", part.get("field", "")),
                "weight": weight,
                "size": size,
                "direction": "for" if weight >= 0 else "against",
            }
        )
    return bars


__all__ = [
    "CandidateAlreadyDecided",
    "LeftWorkforce",
    "VettingError",
    "application_for",
    "apply_for_vetting",
    "awaiting_decision",
    "candidates_for",
    "current_clearances",
    "decide_appeal",
    "decide_candidate",
    "decide_vetting",
    "leaver_warning",
    "lodge_appeal",
    "load_candidates",
    "open_application",
    "open_candidate",
    "open_person",
    "open_vetting_review",
    "record_check",
    "record_datawash_run",
    "vetting_counts_for",
    "vetting_due",
    "vetting_queue",
    "weight_bars",
]
