"""The statutory process's services: every step of a matter goes through ``take_action``.

Pages, the API, the demo and the CLI call these functions; none repeats a rule. Each change is
one transaction that locks the case, refuses a stale ``version`` (optimistic locking: the second
of two people editing a case is told who changed what), checks the action against the process
table (candour/cases/process.py), applies its effect, writes the timeline entry (``CaseEvent``),
raises the case's version and appends the audit entry. The subjects' interchange fields
(severity, proceedings, outcome, outcome_date ...) are written here and nowhere else by hand, so
every published figure counts the records the workflow keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from candour.cases import process, services
from candour.cases.clocks import Clock, clocks_for, next_due
from candour.cases.models import (
    Allegation,
    AllegationSubject,
    Case,
    CaseEvent,
    CaseType,
    Category,
    Complainant,
    Flag,
    Hearing,
    Stage,
)
from candour.cases.rules import rules_version_for
from candour.core import audit, changes, scoping
from candour.core.forces import unknown_force_message
from candour.core.models import Force, Person, User
from candour.core.roles import Capability


class ActionRefused(Exception):
    """The input or the action is not allowed now (422): ``detail`` says why and what is."""

    def __init__(self, detail: str, errors: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors)


class StaleVersion(Exception):
    """The version sent is not the case's (409): ``changes`` says who changed what since."""

    def __init__(self, detail: str, changes: list[str], current: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.changes = changes
        self.current = current


def _case_queryset() -> QuerySet[Case]:
    # Not select_related("allegation"): the prefetch then sets each part's allegation to the
    # prefetched one, whose case is this case, so part.allegation.case costs no query.
    parts = AllegationSubject.objects.select_related("subject", "hearing")
    return Case.objects.select_related("force", "assigned_to").prefetch_related(
        Prefetch(
            "allegations",
            queryset=Allegation.objects.select_related("category").prefetch_related(
                "flags", Prefetch("subjects", queryset=parts)
            ),
        ),
        "progress_reports",
        Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")),
    )


def load_case(user: User, case_id: int, *, channel: str = "web", audited: bool = True) -> Case:
    """One case the user may read, with everything the case page and API show; the read is
    audited. Raises Case.DoesNotExist whether it is missing or outside the user's scope."""
    if not user.can(Capability.VIEW_CASES):
        raise PermissionDenied("Your role does not allow reading cases.")
    case = (
        _case_queryset().filter(pk__in=Case.objects.visible_to(user).values("pk")).get(pk=case_id)
    )
    if audited:
        audit.record(user, "view", case, channel=channel)
    return case


def may_see_complainants(user: User, case: Case) -> bool:
    """Complainants' details go only to roles that need them (candour/core/roles.py); the case's
    own subjects never reach the case at all (Case.objects.visible_to)."""
    return user.can(Capability.VIEW_COMPLAINANTS)


def complainants_of(user: User, case: Case) -> list[Complainant]:
    if not may_see_complainants(user, case):
        return []
    return list(case.complainants.all())


def find_cases(
    user: User,
    *,
    force: str | None = None,
    case_type: str | None = None,
    stage: str | None = None,
    subject: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    category: str | None = None,
    flag: str | None = None,
    overdue: bool | None = None,
    channel: str = "web",
) -> QuerySet[Case]:
    """The cases the user may read that match the filters, newest first; the listing is audited.
    ``subject`` is a person_ref; the filters narrow the user's scope, never widen it."""
    if not user.can(Capability.VIEW_CASES):
        raise PermissionDenied("Your role does not allow reading cases.")
    cases = Case.objects.visible_to(user).select_related("force")
    if force:
        cases = cases.filter(force_id=force)
    if case_type:
        cases = cases.filter(case_type=case_type)
    if stage:
        cases = cases.filter(stage=stage)
    if received_from:
        cases = cases.filter(received_date__gte=received_from)
    if received_to:
        cases = cases.filter(received_date__lte=received_to)
    if subject:
        cases = cases.filter(
            Exists(
                AllegationSubject.objects.filter(
                    allegation__case=OuterRef("pk"), subject__ref=subject
                )
            )
        )
    if category:
        cases = cases.filter(
            Exists(Allegation.objects.filter(case=OuterRef("pk"), category_id=category))
        )
    if flag:
        cases = cases.filter(
            Exists(Allegation.objects.filter(case=OuterRef("pk"), flags__code=flag))
        )
    filters = {
        "force": force,
        "case_type": case_type,
        "stage": stage,
        "subject": subject,
        "received_from": received_from,
        "received_to": received_to,
        "category": category,
        "flag": flag,
        "overdue": overdue,
    }
    audit.record(
        user,
        "list",
        object_type="cases.case",
        channel=channel,
        detail={k: v for k, v in filters.items() if v is not None and v != ""},
    )
    return cases.order_by("-received_date", "ref", "pk")


# ---- recording a matter ------------------------------------------------------------------------


@dataclass
class ComplainantDetails:
    name: str
    address: str = ""
    email: str = ""
    phone: str = ""
    on_behalf_of: str = ""


def record_matter(
    by: User,
    *,
    force: str,
    case_type: str,
    received_date: date,
    summary: str = "",
    ref: str | None = None,
    complainants: Iterable[ComplainantDetails] = (),
    incident_date: date | None = None,
    location: str = "",
    channel: str = "web",
) -> Case:
    """Record a new complaint, conduct matter or DSI matter; it starts at stage 'received' under
    the rules in force on its received date (candour/cases/rules.py)."""
    _require(by, Capability.EDIT_CASES, "record matters")
    errors: list[tuple[str, str]] = []
    force_obj = Force.objects.filter(code=force).first()
    if force_obj is None:
        errors.append(("force", unknown_force_message(force)))
    elif scoping.outside_forces(by, [force]):
        errors.append(("force", f"You cannot record matters for {force_obj.name}."))
    if case_type not in CaseType.values:
        errors.append(("case_type", f"'{case_type}' is not one of: {', '.join(CaseType.values)}."))
    if received_date > timezone.localdate():
        errors.append(("received_date", "The received date cannot be in the future."))
    complainants = list(complainants)
    if complainants and case_type != CaseType.COMPLAINT:
        errors.append(("complainants", "Only a complaint has complainants."))
    for index, person in enumerate(complainants):
        if not person.name.strip():
            errors.append((f"complainants[{index}].name", "Give the complainant's name."))
    if ref is not None and force_obj is not None:
        if not ref.strip():
            errors.append(("ref", "The reference cannot be blank; leave it out to have one made."))
        elif Case.objects.filter(force=force_obj, ref=ref).exists():
            errors.append(("ref", f"{force_obj.name} already has a matter {ref}."))
    if errors:
        raise ActionRefused("The matter was not recorded: correct the fields listed.", errors)
    assert force_obj is not None
    with transaction.atomic(), changes.deferred(changes.CASES):
        try:
            case = services.record_case(
                force=force_obj,
                ref=ref or _next_ref(force_obj, case_type, received_date),
                case_type=case_type,
                received_date=received_date,
                by=by,
                channel=channel,
            )
        except services.CaseChangeRefused as refused:
            raise ActionRefused(str(refused)) from None
        case.summary = summary
        case.incident_date = incident_date
        case.location = location
        case.rules_version = rules_version_for(received_date).code
        case.stage = Stage.RECEIVED
        case.save(update_fields=["summary", "incident_date", "location", "rules_version", "stage"])
        for person in complainants:
            Complainant.objects.create(
                case=case,
                name=person.name.strip(),
                address=person.address,
                email=person.email,
                phone=person.phone,
                on_behalf_of=person.on_behalf_of,
            )
        _event(case, None, "record_matter", by, "", {"case_type": case_type})
    return case


PREFIXES: dict[str, str] = {
    CaseType.COMPLAINT: "CO",
    CaseType.CONDUCT_MATTER: "CM",
    CaseType.DSI_MATTER: "DSI",
}


def _next_ref(force: Force, case_type: str, received: date) -> str:
    """The force's own reference, e.g. CO/2026/00042 (the next free number of the year)."""
    prefix = f"{PREFIXES.get(case_type, 'CA')}/{received.year}/"
    taken = Case.objects.filter(force=force, ref__startswith=prefix).count()
    number = taken + 1
    while Case.objects.filter(force=force, ref=f"{prefix}{number:05d}").exists():
        number += 1
    return f"{prefix}{number:05d}"


def add_allegation(
    by: User,
    case_id: int,
    *,
    version: int,
    category: str,
    flags: Iterable[str] = (),
    subjects: Iterable[Mapping[str, Any]] = (),
    channel: str = "web",
) -> Case:
    """Add an allegation with its subjects (each ``{"person_ref": ...}``, or ``{}`` for one not
    yet identified); the subjects are people of the case's force."""
    _require(by, Capability.EDIT_CASES, "add allegations")
    with transaction.atomic(), changes.deferred(changes.CASES):
        case = _lock(by, case_id, version)
        seen = case.version
        if case.stage not in process.OPEN_FOR_ALLEGATIONS:
            raise ActionRefused(
                "Allegations can be added only until the investigation report; this matter is at "
                f"stage '{case.stage}'."
            )
        errors: list[tuple[str, str]] = []
        category_obj = Category.objects.filter(code=category).first()
        if category_obj is None:
            errors.append(("category", f"'{category}' is not a category code (categories.csv)."))
        flags = set(flags)
        if category_obj is not None:
            # A category's themes go with it (e.g. use of force): categories.csv default flags.
            flags |= {flag.code for flag in category_obj.default_flags.all()}
        flags = sorted(flags)
        known_flags = list(Flag.objects.filter(code__in=flags))
        unknown = sorted(set(flags) - {flag.code for flag in known_flags})
        if unknown:
            errors.append(("flags", f"Unknown flag(s): {', '.join(unknown)}."))
        people: list[Person | None] = []
        for index, subject in enumerate(subjects):
            person_ref = subject.get("person_ref") if isinstance(subject, Mapping) else None
            if not person_ref:
                people.append(None)
                continue
            person = Person.objects.filter(force=case.force, ref=person_ref).first()
            if person is None:
                errors.append(
                    (
                        f"subjects[{index}].person_ref",
                        f"No person {person_ref} in {case.force.name}.",
                    )
                )
            people.append(person)
        named = [p.pk for p in people if p is not None]
        if len(named) != len(set(named)):
            errors.append(("subjects", "A person appears twice in the allegation."))
        if people.count(None) > 1:
            errors.append(("subjects", "Give one unidentified subject at most per allegation."))
        if errors:
            raise ActionRefused("The allegation was not added: correct the fields listed.", errors)
        assert category_obj is not None
        referral = _case_referral(case)
        try:
            allegation = services.add_allegation(
                case,
                ref=_next_allegation_ref(case),
                category=category_obj,
                flags=[flag.code for flag in known_flags],
                by=by,
                channel=channel,
            )
            for person in people:
                services.add_subject(
                    allegation,
                    subject=person,
                    by=by,
                    channel=channel,
                    subject_role=person.role if person else "",
                    subject_sex=person.sex if person else "",
                    subject_rank=person.rank if person else "",
                    iopc_referral=referral,
                )
        except services.CaseChangeRefused as refused:
            raise ActionRefused(str(refused)) from None
        _bump(case, seen, by, "add_allegation", None, "", {"allegation": allegation.ref}, channel)
    return load_case(by, case.pk, channel=channel, audited=False)


def _case_referral(case: Case) -> str:
    first = (
        AllegationSubject.objects.filter(allegation__case=case).exclude(iopc_referral="").first()
    )
    return first.iopc_referral if first else ""


def _next_allegation_ref(case: Case) -> str:
    number = case.allegations.count() + 1
    while case.allegations.filter(ref=f"A{number}").exists():
        number += 1
    return f"A{number}"


def identify_subject(
    by: User, case_id: int, *, version: int, part_id: int, person_ref: str, channel: str = "web"
) -> Case:
    """Link a subject who was not identified to a person of the force's workforce."""
    _require(by, Capability.EDIT_CASES, "identify subjects")
    with transaction.atomic(), changes.deferred(changes.CASES):
        case = _lock(by, case_id, version)
        seen = case.version
        part = AllegationSubject.objects.filter(pk=part_id, allegation__case=case).first()
        if part is None:
            raise ActionRefused("No such subject in this matter.", [("subject", "Not found.")])
        if part.subject_id is not None:
            raise ActionRefused("That subject is already identified.", [("subject", "Identified.")])
        person = Person.objects.filter(force=case.force, ref=person_ref).first()
        if person is None:
            raise ActionRefused(
                "No such person.", [("person_ref", f"No person {person_ref} in {case.force.name}.")]
            )
        part.subject = person
        part.subject_role, part.subject_sex, part.subject_rank = (
            person.role,
            person.sex,
            person.rank,
        )
        try:
            with transaction.atomic():
                part.save()
        except IntegrityError:
            raise ActionRefused(
                "That person is already a subject of the allegation.", [("person_ref", "Twice.")]
            ) from None
        _bump(case, seen, by, "identify_subject", part, "", {"person_ref": person_ref}, channel)
    return load_case(by, case.pk, channel=channel, audited=False)


# ---- the statutory actions ---------------------------------------------------------------------


def take_action(
    by: User,
    case_id: int,
    action_name: str,
    params: Mapping[str, Any],
    *,
    version: int,
    channel: str = "web",
) -> Case:
    """Take one step of the statutory process. Raises PermissionDenied (the role lacks the
    capability), Case.DoesNotExist (no such case in the user's scope), StaleVersion, or
    ActionRefused (bad input, or a step the stage or forum does not allow); nothing changes then."""
    action = process.ACTIONS.get(action_name)
    if action is None:
        raise ActionRefused(
            f"There is no action '{action_name}'.",
            [("action", "One of: " + ", ".join(process.ACTIONS) + ".")],
        )
    if not by.can(action.capability):
        raise PermissionDenied(
            f"Your role does not allow '{action_name}' (it needs {action.capability})."
        )
    values, errors = _clean(action, params)
    with transaction.atomic(), changes.deferred(changes.CASES):
        locked = _lock(by, case_id, version)
        case = _case_queryset().get(pk=locked.pk)
        part = None
        if action.per_subject and "subject" not in dict(errors):
            part = _part(case, values.get("subject"))
            if part is None:
                errors.append(("subject", "No such subject in this matter (see subjects[].id)."))
        if errors:
            raise ActionRefused(
                f"'{action_name}' was not taken: correct the fields listed.", errors
            )
        refusal = process.refusal(case, by, action, part)
        if refusal is not None:
            allowed = process.allowed_actions(case, by)
            raise ActionRefused(
                f"{refusal} Allowed now: {', '.join(allowed) if allowed else 'nothing'}.",
            )
        if action.check is not None:
            errors = action.check(case, part, values)
            if errors:
                raise ActionRefused(" ".join(message for _, message in errors), errors)
        context = process.Context(by=by, channel=channel, today=timezone.localdate())
        try:
            with transaction.atomic():
                detail = action.effect(case, part, values, context)
        except (process.ParamError, services.CaseChangeRefused) as refused:
            raise ActionRefused(f"'{action_name}' was not taken: {refused}") from None
        # The scope was checked when the row was locked, and no step changes the force or the
        # subjects, so the matter as _bump read it back is what the caller may see.
        return _bump(
            case, locked.version, by, action_name, part, values.get("reason") or "", detail, channel
        )


def _clean(action: process.Action, params: Mapping[str, Any]) -> tuple[dict[str, Any], list]:
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    known = {param.name for param in action.params} | {"action", "version", "reason"}
    for name in params:
        if name not in known:
            errors.append(
                (
                    name,
                    f"'{action.name}' takes no '{name}'; it takes: "
                    + ", ".join(p.name for p in action.params)
                    + ".",
                )
            )
    for param in action.params:
        try:
            values[param.name] = param.clean(params.get(param.name))
        except process.ParamError as problem:
            errors.append((param.name, str(problem)))
    if "reason" not in values:
        try:
            values["reason"] = process.REASON.clean(params.get("reason"))
        except process.ParamError as problem:
            errors.append(("reason", str(problem)))
    if action.reason_required and not values.get("reason"):
        errors.append(("reason", "Give the reason for this decision."))
    return values, errors


def _part(case: Case, part_id: int | None) -> AllegationSubject | None:
    for part in process.parts_of(case):
        if part.pk == part_id:
            return part
    return None


def _require(user: User, capability: str, what: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(f"Your role does not allow you to {what}.")


def _lock(user: User, case_id: int, version: int) -> Case:
    """Lock the case row (scoped to the user) and refuse a stale version."""
    # Only the case's own row is locked (``of``): locking the joined force row as well would
    # make every step on any matter of the force wait for the one before it.
    case = (
        Case.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("force")
        .get(pk=case_id)
    )
    if version != case.version:
        changes = [
            describe(event)
            for event in case.events.filter(version__gt=version).select_related(
                "part__subject", "part__allegation"
            )
        ]
        raise StaleVersion(
            f"This matter changed since version {version}: it is now version {case.version}. "
            + (" ".join(changes) if changes else "It was changed by an import or an administrator.")
            + " Reload it and take the step again if it still applies.",
            changes,
            case.version,
        )
    return case


def describe(event: CaseEvent) -> str:
    """'Version 4: alice took serve_notice (P000123 in allegation A1) at 2026-12-02 05:40.'"""
    on = ""
    if event.part_id is not None and event.part is not None:
        who = event.part.subject.ref if event.part.subject is not None else "unidentified subject"
        on = f" ({who} in allegation {event.part.allegation.ref})"
    when = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
    return (
        f"Version {event.version}: {event.by_name or 'someone'} took {event.action}{on} at {when}."
    )


def _bump(
    case: Case,
    seen: int,
    by: User,
    action: str,
    part: AllegationSubject | None,
    reason: str,
    detail: dict[str, Any],
    channel: str,
) -> Case:
    # The case services raise the version for the subjects' records they write; a step that
    # wrote none (a stage, a notice) raises it here. Either way the step made a new version
    # (or more), and its timeline entry carries the case's version after it.
    current = Case.objects.values_list("version", flat=True).get(pk=case.pk)
    case.version = current + 1 if current == seen else current
    case.save(
        update_fields=[
            "version",
            "stage",
            "schedule_3",
            "complainant_informed_on",
            "finalised_on",
            "updated_at",
        ]
    )
    _event(case, part, action, by, reason, detail)
    # The matter as the step left it (subjects, hearings, reports and timeline read again, since
    # the effect wrote them through the services), from which its next due date is worked out.
    after = _case_queryset().get(pk=case.pk)
    after.next_due = case.next_due = next_due(after)
    Case.objects.filter(pk=case.pk).update(next_due=case.next_due)
    audit.record(
        by,
        "update",
        case,
        channel=channel,
        detail={"action": action, "part": part.pk if part else None, "version": case.version},
    )
    return after


def _event(
    case: Case,
    part: AllegationSubject | None,
    action: str,
    by: User,
    reason: str,
    detail: dict[str, Any],
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        part=part,
        action=action,
        at=timezone.now(),
        by=by,
        by_name=by.get_username(),
        reason=reason,
        detail={key: _plain(value) for key, value in detail.items()},
        version=case.version,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


# ---- what each user sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    case_id: int
    ref: str
    force: str
    stage: str
    clock: Clock | None
    allowed_actions: list[str] = field(default_factory=list)  # the first QUEUE_NEXT_STEPS


QUEUE_PAGE = 50
QUEUE_NEXT_STEPS = 3  # the steps shown for each matter of the queue
# The queue counts its matters and their overdue ones up to this many (as the case list does):
# beyond it, a narrower list is the way in.
QUEUE_COUNT_CAP = 10_000


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    page: Page[int]  # where this page stands among the (capped) count, for the page links
    count: int  # the matters in the queue, up to QUEUE_COUNT_CAP
    overdue: int  # of which a duty is overdue, up to QUEUE_COUNT_CAP
    capped: bool  # there are more than QUEUE_COUNT_CAP matters

    @property
    def number(self) -> int:
        return self.page.number


def queue_of(user: User) -> QuerySet[Case]:
    """The matters in a user's work queue: open, in their scope, assigned to them or to no one,
    the nearest duty first (``Case.next_due``, kept by the services from clocks.py; overdue
    ones come first because their due date is past), then the oldest."""
    return (
        Case.objects.visible_to(user)
        .exclude(stage=Stage.CLOSED)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .order_by(F("next_due").asc(nulls_last=True), "received_date", "pk")
    )


def work_queue(
    user: User, *, on: date | None = None, page: int | str | None = 1, per_page: int = QUEUE_PAGE
) -> QueuePage:
    """One page of a user's work (``queue_of``), each matter with its most pressing clock and
    the steps the user may take; the listing is audited."""
    on = on or timezone.localdate()
    queue = queue_of(user)
    counted = queue.order_by()
    count = counted[: QUEUE_COUNT_CAP + 1].count()
    overdue = counted.filter(next_due__lt=on)[: QUEUE_COUNT_CAP + 1].count()
    # Django's paginator clamps the page asked for (past the end, or not a number) as the case
    # list's does.
    shown = Paginator(range(min(count, QUEUE_COUNT_CAP)), per_page).get_page(page)
    offset = (shown.number - 1) * per_page
    ids = list(queue.values_list("pk", flat=True)[offset : offset + per_page])
    # The clocks and the allowed steps read the subjects, hearings and progress reports; the
    # timeline is not needed, so it is not loaded.
    parts = AllegationSubject.objects.select_related("subject", "hearing")
    # Loaded as plain lists (cases.models.loaded), not as Django's per-object querysets.
    subjects = Prefetch("subjects", queryset=parts, to_attr="loaded_subjects")
    matters = Case.objects.select_related("force").prefetch_related(
        Prefetch(
            "allegations",
            queryset=Allegation.objects.prefetch_related(subjects),
            to_attr="loaded_allegations",
        ),
        Prefetch("progress_reports", to_attr="loaded_progress_reports"),
    )
    by_id = matters.in_bulk(ids)
    items = []
    for pk in ids:
        case = by_id[pk]
        clocks = clocks_for(case, on)
        items.append(
            QueueItem(
                case.pk,
                case.ref,
                case.force_id,
                case.stage,
                clocks[0] if clocks else None,
                process.allowed_actions(case, user, first=QUEUE_NEXT_STEPS),
            )
        )
    audit.record(
        user,
        "list",
        object_type="cases.workqueue",
        detail={"count": len(items), "page": shown.number},
    )
    return QueuePage(
        items,
        shown,
        min(count, QUEUE_COUNT_CAP),
        min(overdue, QUEUE_COUNT_CAP),
        count > QUEUE_COUNT_CAP,
    )


def assign_case(
    by: User, case_id: int, *, version: int, assignee: str | None, channel: str = "web"
) -> Case:
    """Put the matter in a colleague's work queue (``assignee`` a user name), or in no one's."""
    _require(by, Capability.EDIT_CASES, "assign matters")
    with transaction.atomic():
        case = _lock(by, case_id, version)
        seen = case.version
        user = None
        if assignee:
            user = User.objects.filter(username=assignee, is_active=True).first()
            if user is None or not user.can(Capability.EDIT_CASES):
                raise ActionRefused(
                    "The matter was not assigned.",
                    [("assignee", f"{assignee} is no user who records and changes cases.")],
                )
            if not Case.objects.visible_to(user).filter(pk=case.pk).exists():
                raise ActionRefused(
                    "The matter was not assigned.",
                    [("assignee", f"{assignee} cannot see this matter (force or subject).")],
                )
        case.assigned_to = user
        case.save(update_fields=["assigned_to"])
        _bump(case, seen, by, "assign_case", None, "", {"assignee": assignee or ""}, channel)
    return load_case(by, case.pk, channel=channel, audited=False)


@dataclass(frozen=True)
class HearingNotice:
    force: str
    hearing_date: date | None
    officer: str
    outcome: str
    forum: str


OUTCOME_NOTICE_DAYS = 28


def public_hearing_notices(
    *, force: str | None = None, on: date | None = None
) -> list[HearingNotice]:
    """Public misconduct hearings to announce: each from its arrangement until 28 days after its
    outcome (Conduct Regs regs 36, 43; outcome published for at least 28 days), officer's name
    withheld where the chair ordered anonymity; private hearings never appear."""
    on = on or timezone.localdate()
    hearings = Hearing.objects.filter(public=True).select_related(
        "part__subject", "part__allegation__case"
    )
    if force:
        hearings = hearings.filter(part__allegation__case__force_id=force)
    notices = []
    for hearing in hearings:
        part = hearing.part
        if part.outcome_date is not None and (on - part.outcome_date).days > OUTCOME_NOTICE_DAYS:
            continue
        officer = "Name withheld by order of the chair"
        if not hearing.anonymised and part.subject is not None:
            officer = part.subject.get_rank_display() if part.subject.rank else "Officer"
        notices.append(
            HearingNotice(
                part.allegation.case.force_id,
                hearing.hearing_date,
                officer,
                part.get_outcome_display() if part.outcome else "",
                hearing.get_forum_display(),
            )
        )
    return notices
