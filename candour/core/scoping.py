"""Who may see what: the one place that filters personal data by force and by subject.

Pages, the API, commands and the admin site ask ``visible_to(user, Model)`` (or ``get_visible``)
for every model that holds personal data; nothing else filters by the user's forces or by the
user's own workforce record (``core/tests/test_scoping_is_the_only_filter.py`` scans the source
for it). The rules, deny by default (docs/security.md):

- A user sees a model's rows only if their role has one of the capabilities its ``Scope`` names;
  roles and capabilities are one table, ``candour.core.roles``. No role, or an inactive or
  signed-out user: nothing.
- Only rows of the user's forces. A row about several forces (an FOI answer) only when every one
  of them is the user's, and a row about no force only where its scope says so.
- Never a row about the user themselves (``User.person``): a case in which they are a subject,
  their own vetting record, a data-wash candidate naming them (docs/security.md says why).
- Out of scope is indistinguishable from missing: ``get_visible`` raises the model's
  ``DoesNotExist`` for both, which pages and the API answer with 404.

A new model holding personal data gets one line in ``SCOPES`` (or, from another app,
``register("app_label.model", Scope(...))`` in its ``AppConfig.ready``); ``Scope(via="case")``
makes a model visible exactly where its parent is (allegations, complainants).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet

from candour.core.models import Force, User
from candour.core.roles import Capability

M = TypeVar("M", bound=models.Model)
QS = TypeVar("QS", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """How one model's rows are scoped.

    ``capabilities``: the user's role must have at least one. ``force``: the lookup from the
    model to its force (a foreign key or many-to-many to ``Force``, or a force-code field).
    ``every_force``: a many-to-many row is visible only when all its forces are the user's.
    ``unfiled_visible``: rows with no force are visible to every holder of the capability
    (otherwise to nobody). ``own``: the lookup from the model to a ``Person``; rows about the
    user's own workforce record are hidden. ``via``: a foreign key to a parent model; the row is
    visible exactly where its parent is (the other fields are then unused).
    """

    capabilities: tuple[str, ...] = ()
    force: str = ""
    every_force: bool = False
    unfiled_visible: bool = False
    own: str = ""
    via: str = ""


_CASE_READERS = (Capability.VIEW_CASES,)
_VETTING = (Capability.VIEW_VETTING,)
# The workforce is read by every role that handles people's records; an administrator needs it to
# link an account to its workforce record (so that its owner never sees a case about themselves).
_WORKFORCE_READERS = (
    Capability.VIEW_CASES,
    Capability.VIEW_VETTING,
    Capability.VIEW_INTELLIGENCE,
    Capability.ADMINISTER,
)

SCOPES: dict[str, Scope] = {
    # Cases: investigators, appropriate authorities and analysts of the case's force; never a
    # case in which the user is a subject (Police Reform Act 2002: an investigation is independent
    # of the person investigated).
    "cases.case": Scope(_CASE_READERS, force="force", own="allegations__subjects__subject"),
    "cases.allegation": Scope(via="case"),
    "cases.allegationsubject": Scope(via="allegation"),
    "cases.caseevent": Scope(via="case"),
    "cases.progressreport": Scope(via="case"),
    # Complainants: where the case is (the fields themselves need VIEW_COMPLAINANTS as well).
    "cases.complainant": Scope(via="case"),
    # The workforce; nobody reads their own record through Candour.
    "core.person": Scope(_WORKFORCE_READERS, force="force", own="pk"),
    # Vetting: the vetting officers of the person's force, never about themselves.
    "vetting.vettingapplication": Scope(_VETTING, force="person__force", own="person"),
    "vetting.vettingcheck": Scope(via="application"),
    "vetting.vettingappeal": Scope(via="application"),
    "vetting.datawashrun": Scope(_VETTING, force="force"),
    "vetting.candidatematch": Scope(_VETTING, force="force", own="person"),
    # FOI answers: only when every force the answer covers is the officer's (an answer with no
    # force is nobody's).
    "transparency.foianswer": Scope((Capability.ANSWER_FOI,), force="forces", every_force=True),
    # Accounts: an administrator manages the accounts of their forces only, and accounts with no
    # force yet (just created).
    "core.user": Scope(
        (Capability.ADMINISTER,), force="forces", every_force=True, unfiled_visible=True
    ),
    "core.apitoken": Scope(via="user"),
    "otp_totp.totpdevice": Scope(via="user"),
    # The audit log: administrators, for their forces and the entries filed under no force.
    "core.auditentry": Scope((Capability.ADMINISTER,), force="force_code", unfiled_visible=True),
}


def register(label: str, scope: Scope) -> None:
    """Scope a model of another app (``"app_label.model"``, lower case), e.g. from its
    ``AppConfig.ready``: ``register("cases.complainant", Scope(via="case"))``."""
    label = label.lower()
    if label in SCOPES and SCOPES[label] != scope:
        raise ValueError(f"{label} is already scoped differently in candour.core.scoping.")
    SCOPES[label] = scope


def scope_of(model: type[models.Model]) -> Scope:
    try:
        return SCOPES[model._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no scope: add it to candour.core.scoping.SCOPES."
        ) from None


def is_scoped(model: type[models.Model]) -> bool:
    return model._meta.label_lower in SCOPES


# --- The user's forces --------------------------------------------------------------------


def forces_of(user: Any) -> QuerySet[Force]:
    """The forces a user is scoped to (none for a signed-out or inactive user)."""
    if not _active(user):
        return Force.objects.none()
    return Force.objects.filter(users=user)


def force_codes(user: Any) -> list[str]:
    return list(forces_of(user).order_by("code").values_list("code", flat=True))


def outside_forces(user: Any, codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` that are not the user's forces, sorted (empty: all allowed)."""
    return sorted(set(codes) - set(force_codes(user)))


class OutOfScope(PermissionDenied):
    """The user asked for something outside their forces; the message says what and why."""


def counting_forces(user: Any, asked: Iterable[str] = ()) -> tuple[str, ...]:
    """The forces a count for this user covers: those asked, all of which must be the user's,
    or all the user's forces when none were asked. Counts are aggregates, so a user's own
    records are counted like anyone's; the forces are the scope."""
    asked = set(asked)
    if outside := outside_forces(user, asked):
        raise OutOfScope(f"You may count only your own forces; not {', '.join(outside)}.")
    forces = tuple(sorted(asked)) if asked else tuple(force_codes(user))
    if not forces:
        raise OutOfScope("Your account has no forces, so there is nothing to count.")
    return forces


# --- Rows ---------------------------------------------------------------------------------


@overload
def visible_to(user: Any, rows: type[M]) -> QuerySet[M]: ...
@overload
def visible_to(user: Any, rows: QS) -> QS: ...
def visible_to(user: Any, rows: Any) -> Any:
    """The rows of a model (or of a queryset of it) that the user may see."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    model = queryset.model
    scope = scope_of(model)
    if not _active(user):
        return queryset.none()
    if scope.via:
        parent = model._meta.get_field(scope.via).related_model
        assert isinstance(parent, type)
        return queryset.filter(**{f"{scope.via}__in": visible_to(user, parent).values("pk")})
    if not set(scope.capabilities) & user.capabilities():
        return queryset.none()
    visible = _in_forces(queryset, scope, user)
    if scope.own and user.person_id is not None:
        visible = visible.exclude(**{scope.own: user.person_id})
    return visible


def may_read(user: Any, model: type[models.Model]) -> bool:
    """Whether the user's role reads this model at all (in some force)."""
    scope = scope_of(model)
    if not _active(user):
        return False
    if scope.via:
        parent = model._meta.get_field(scope.via).related_model
        assert isinstance(parent, type)
        return may_read(user, parent)
    return bool(set(scope.capabilities) & user.capabilities())


def get_visible(user: Any, rows: type[M] | QuerySet[M], **lookup: Any) -> M:
    """One row the user may see; raises the model's ``DoesNotExist`` whether it is missing or
    out of the user's scope, so the two cannot be told apart."""
    return visible_to(user, rows).get(**lookup)


def own_person(user: Any) -> Any:
    """The user's own workforce record, or None: for the pages about oneself (one's own
    declarations), the one exception to "never a row about the user themselves"."""
    if not _active(user) or user.person_id is None:
        return None
    return user.person


def own_records(user: Any, rows: Any) -> Any:
    """The rows of a model about the user's own workforce record (through its scope's ``own``
    lookup), whatever their role; none for a user with no workforce record."""
    queryset = rows if isinstance(rows, QuerySet) else rows._default_manager.all()
    scope = scope_of(queryset.model)
    if not _active(user) or user.person_id is None or not scope.own:
        return queryset.none()
    return queryset.filter(**{scope.own: user.person_id})


def can_see(user: Any, obj: models.Model) -> bool:
    return visible_to(user, type(obj)).filter(pk=obj.pk).exists()


def _active(user: Any) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def _in_forces(queryset: QuerySet[M], scope: Scope, user: User) -> QuerySet[M]:
    path = scope.force
    # The user's force codes as a list of values, not a subquery: the database then plans with
    # what it knows of each force's rows (a subquery on the user-force links is planned from
    # table statistics that a small, rarely analysed table does not keep, and at a million
    # allegations that chose to sort every case of the list: docs/benchmarks.md, "Case pages").
    mine = force_codes(user)
    model = queryset.model
    if scope.every_force:
        others = Force.objects.exclude(users=user).values("code")
        within = queryset.exclude(pk__in=model._default_manager.filter(**{f"{path}__in": others}))
        if scope.unfiled_visible:
            return within
        return within.filter(pk__in=model._default_manager.filter(**{f"{path}__in": mine}))
    allowed = Q(**{f"{path}__in": mine})
    if scope.unfiled_visible:
        allowed |= _unfiled(model, path)
    return queryset.filter(allowed)


def _unfiled(model: type[models.Model], path: str) -> Q:
    """Rows filed under no force: a null relation, or an empty force-code field."""
    field: Any = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    if field is not None and field.is_relation:
        return Q(**{f"{path}__isnull": True})
    return Q(**{path: ""})


__all__ = [
    "SCOPES",
    "OutOfScope",
    "Scope",
    "can_see",
    "counting_forces",
    "force_codes",
    "forces_of",
    "get_visible",
    "is_scoped",
    "may_read",
    "outside_forces",
    "own_person",
    "own_records",
    "register",
    "scope_of",
    "visible_to",
]
