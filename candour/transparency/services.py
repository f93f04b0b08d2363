"""Transparency operations for signed-in users: counting over their forces and FOI answers.

Views and the API call these; each records its audit entry here, and reads FOI answers through
``candour.core.scoping`` (an answer is an officer's only when every force it covers is theirs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from candour.core import audit, scoping
from candour.core.models import Force, User
from candour.core.roles import Capability
from candour.transparency.comparison import Comparison, Question, compare_forces
from candour.transparency.models import FoiAnswer
from candour.transparency.stats import StatsQuery, StatsResult, compute
from candour.transparency.stats.output import to_json_with_margins
from candour.transparency.stats.sentences import sentences

FOI_FORMATS = ("csv", "xlsx", "ods", "pdf")


class SmallNumbersRefused(PermissionDenied):
    """A count asked for with small numbers shown by a role that may not see them."""


class DuplicateFoiReference(ValueError):
    """An FOI answer already saved under the same reference for one of the same forces."""


def publishing_threshold(
    user: User, suppress: int | None = None, *, show_small: bool = False
) -> int | None:
    """The threshold a count for ``user`` is given at (cells below it withheld; None: none).

    Small numbers are withheld by default, at ``CANDOUR_SUPPRESSION_THRESHOLD``, in every page
    and API that hands out counts. ``suppress`` may raise the threshold; lowering it, or
    ``show_small``, needs the capability SEE_SMALL_NUMBERS, which ``count_for`` checks
    (``SmallNumbersRefused`` otherwise) before it counts and audits that the numbers were shown."""
    floor = int(settings.SUPPRESSION_THRESHOLD)
    return None if show_small else (floor if suppress is None else suppress)


def _shows_small_numbers(suppress: int | None) -> bool:
    return suppress is None or suppress < int(settings.SUPPRESSION_THRESHOLD)


def _may_be_given(user: User, suppress: int | None) -> None:
    if _shows_small_numbers(suppress) and not user.can(Capability.SEE_SMALL_NUMBERS):
        floor = int(settings.SUPPRESSION_THRESHOLD)
        raise SmallNumbersRefused(
            f"Counts below {floor} are withheld for your role; ask without show_small (or with "
            f"suppress of {floor} or more)."
        )


def count_for(
    user: User,
    query: StatsQuery,
    *,
    suppress: int | None,
    per: int | None = None,
    margins: bool = False,
    fmt: str = "",
    channel: str = "web",
) -> StatsResult:
    """Count ``query`` for a user: its forces must all be the user's (``scoping.OutOfScope``
    otherwise), and small numbers are shown (``suppress`` None or below the setting) only to a
    user with SEE_SMALL_NUMBERS (``SmallNumbersRefused``). The request is audited, as an export
    when a file ``fmt`` is asked for, saying whether small numbers were shown."""
    scoping.counting_forces(user, query.forces)
    _may_be_given(user, suppress)
    result = compute(query, suppress=suppress, per=per, margins=margins)
    audit.record(
        user,
        "export" if fmt else "view",
        object_type="transparency.statistics",
        channel=channel,
        detail={
            **query.to_json(),
            "suppress": suppress,
            "small_numbers_shown": _shows_small_numbers(suppress),
            "format": fmt,
        },
    )
    return result


def record_foi_answer(
    user: User,
    query: StatsQuery,
    *,
    reference: str,
    request_text: str,
    threshold: int,
    per: int | None = None,
    channel: str = "web",
) -> FoiAnswer:
    """Save an FOI answer exactly as given: the query, the figures with small numbers withheld
    at ``threshold``, and the sentences. Audited. An FOI reference is the force's own, so a
    reference already used (ignoring case and surrounding spaces) by an answer covering any of
    the same forces is refused with ``DuplicateFoiReference``."""
    reference = reference.strip()
    forces = scoping.counting_forces(user, query.forces)
    result = compute(query, suppress=threshold, per=per, margins=len(query.by) == 2)
    with transaction.atomic():
        # Locking the forces' rows makes two officers saving the same reference at once queue,
        # so the second sees the first's answer (a no-op on SQLite, whose writes queue anyway).
        list(Force.objects.select_for_update().filter(code__in=forces).order_by("code"))
        _refuse_a_used_reference(reference, forces)
        answer = FoiAnswer.objects.create(
            reference=reference,
            request_text=request_text,
            query=query.to_json(),
            threshold=threshold,
            figures=to_json_with_margins(result),
            sentences=sentences(result),
            created_by=user,
        )
        answer.forces.set(Force.objects.filter(code__in=forces))
        audit.record(
            user,
            "create",
            answer,
            channel=channel,
            detail={"reference": answer.reference, **query.to_json()},
        )
    return answer


def _refuse_a_used_reference(reference: str, forces: Sequence[str]) -> None:
    taken = (
        FoiAnswer.objects.filter(reference__iexact=reference, forces__code__in=forces)
        .prefetch_related("forces")
        .first()
    )
    if taken is None:
        return
    force = next(f.name for f in taken.forces.all() if f.code in forces)
    raise DuplicateFoiReference(
        f"{force} already has an FOI answer with the reference {taken.reference}, saved on "
        f"{taken.created_at.day} {taken.created_at:%B %Y}. Check the reference, or open that "
        "answer from the saved answers."
    )


def foi_answers_for(user: User) -> QuerySet[FoiAnswer]:
    """The answers the user may read, newest first."""
    return (
        scoping.visible_to(user, FoiAnswer).prefetch_related("forces").select_related("created_by")
    )


def foi_answer_for(user: User, pk: int) -> FoiAnswer:
    """Raises FoiAnswer.DoesNotExist whether the answer is missing or not the user's."""
    return scoping.get_visible(user, FoiAnswer.objects.prefetch_related("forces"), pk=pk)


def open_foi_answer(user: User, pk: int, *, channel: str = "web") -> FoiAnswer:
    answer = foi_answer_for(user, pk)
    audit.record(user, "view", answer, channel=channel)
    return answer


def export_foi_answer(user: User, pk: int, fmt: str, *, channel: str = "web") -> FoiAnswer:
    """An answer to hand out as a file; refuses a format it cannot write before anything is
    audited (ValueError), then records the export."""
    if fmt not in FOI_FORMATS:
        raise ValueError(f"Answers can be downloaded as {', '.join(FOI_FORMATS)}, not {fmt!r}.")
    answer = foi_answer_for(user, pk)
    audit.record(user, "export", answer, channel=channel, detail={"format": fmt})
    return answer


def compare_for(
    user: User | None, question: Question, *, fmt: str = "", channel: str = "web"
) -> Comparison:
    """Forces compared (``comparison.compare_forces``) at the publishing threshold for everyone:
    other forces' figures are given as the public pages give them, and so are the user's own
    beside them (exact figures of one's own force are on the Statistics page). A signed-in
    request is audited, as an export when a file ``fmt`` is asked for."""
    comparison = compare_forces(question, threshold=int(settings.SUPPRESSION_THRESHOLD))
    if user is not None and user.is_authenticated:
        audit.record(
            user,
            "export" if fmt else "view",
            object_type="transparency.comparison",
            channel=channel,
            detail={**question.to_json(), "format": fmt},
        )
    return comparison


def add_published_figures(
    rows: Sequence[dict[str, Any]], *, by: User | None = None, channel: str = "web"
) -> int:
    """Store figures others published (interchange §4) that are not held yet (by their key);
    returns how many were added. Audited as an import. Files come in through
    ``candour import figures``; this is for figures made in code (the demo)."""
    from candour.transparency.models import PublishedFigure

    held = set(
        PublishedFigure.objects.values_list(
            "force_id", "source", "period_start", "period_end", "measure", "breakdown"
        )
    )
    new = [
        PublishedFigure(
            force_id=row["force"],
            source=row["source"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            measure=row["measure"],
            breakdown=row.get("breakdown", ""),
            value=row.get("value"),
            note=row.get("note", ""),
        )
        for row in rows
        if (
            row["force"],
            row["source"],
            row["period_start"],
            row["period_end"],
            row["measure"],
            row.get("breakdown", ""),
        )
        not in held
    ]
    PublishedFigure.objects.bulk_create(new)
    if new:
        audit.record(
            by,
            "import",
            object_type="transparency.publishedfigure",
            channel=channel,
            detail={"created": len(new), "forces": sorted({f.force_id for f in new})},
        )
    return len(new)
