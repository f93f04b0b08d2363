"""Operations on cases. Views, the API and the CLI call these; none repeats their rules."""

from __future__ import annotations

from django.db.models import Prefetch

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core import audit
from candour.core.models import User


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
