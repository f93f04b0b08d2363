"""The counter-corruption analyst's pages: the queue of raised flags and one flag with its
decision (docs/early-warning.md). Deny by default: only a role with ``view_intelligence``;
every read is audited like a case read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from candour.core import audit, scoping
from candour.core.models import Person
from candour.core.permissions import capability_required
from candour.core.roles import Capability
from candour.integrity import services
from candour.integrity.forms import FlagDecisionForm
from candour.integrity.rules import BY_CODE

ANALYSTS = capability_required(Capability.VIEW_INTELLIGENCE)


@ANALYSTS
def flag_queue(request: HttpRequest) -> HttpResponse:
    """Every flag raised today from the cases the analyst may read: those to decide first, then
    those decided (a "no action" decision is not raised again for the same facts)."""
    user: Any = request.user
    today = timezone.localdate()
    flags = services.flags_for(user, today)
    decided = services.decisions_for(user, [flag.fingerprint for flag in flags])
    people = scoping.visible_to(user, Person).in_bulk({flag.person_id for flag in flags})
    items = [
        {
            "flag": flag,
            "person": people[flag.person_id],
            "title": BY_CODE[flag.rule].title,
            "decision": decided.get(flag.fingerprint),
        }
        for flag in flags
        if flag.person_id in people
    ]
    audit.record(
        user, "list", object_type="integrity.flag", detail={"as_of": today, "flags": len(items)}
    )
    return render(
        request,
        "integrity/queue.html",
        {
            "today": today,
            "to_decide": [item for item in items if item["decision"] is None],
            "decided": [item for item in items if item["decision"] is not None],
        },
    )


@ANALYSTS
def flag_detail(request: HttpRequest, pk: int, fingerprint: str) -> HttpResponse:
    user: Any = request.user
    try:
        person = scoping.get_visible(user, Person.objects.select_related("force"), pk=pk)
    except Person.DoesNotExist:
        raise Http404("No person with that number is in your forces.") from None
    today = timezone.localdate()
    flag = services.find_flag(user, person, fingerprint, today)
    decision = services.decisions_for(user, [fingerprint]).get(fingerprint)
    if flag is None and decision is None:
        raise Http404("No such flag is raised today: its facts may have changed since.")
    form = FlagDecisionForm(request.POST or None)
    if request.method == "POST" and flag is not None and decision is None and form.is_valid():
        try:
            services.decide_flag(
                flag,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=user,
            )
        except services.DecisionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Decision recorded for {person.ref}.")
            return redirect("integrity:queue")
    audit.record(
        user,
        "view",
        object_type="integrity.flag",
        object_id=fingerprint,
        force_code=person.force_id,
        detail={"person": person.ref, "rule": flag.rule if flag else decision.rule},  # type: ignore[union-attr]
    )
    return render(
        request,
        "integrity/flag_detail.html",
        {
            "person": person,
            "flag": flag,
            "title": BY_CODE[flag.rule if flag else decision.rule].title,  # type: ignore[union-attr]
            "decision": decision,
            "form": form,
        },
    )
