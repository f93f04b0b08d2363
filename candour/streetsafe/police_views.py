"""StreetSafe pages for analysts and neighbourhood teams: hotspot map and ranked list, an area's
reasons and time-of-day profile, the patrol plan (CSV, PDF) and the actions recorded there.

Every figure comes from ``hotspots.find_hotspots`` with the force's page threshold
(``settings.STREETSAFE_MIN_REPORTS``): an area under it is never shown, even to the police.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import h3
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from candour.core import audit, scoping
from candour.core.models import Force
from candour.core.permissions import capability_required
from candour.core.roles import Capability
from candour.streetsafe.forms import AreaActionForm, HotspotFilterForm
from candour.streetsafe.hotspots import HotspotQuery, find_hotspots
from candour.streetsafe.outcomes import outcomes, time_profile, time_profiles
from candour.streetsafe.reasons import BY_CODE, REASONS, TimeOfDay
from candour.streetsafe.services import ActionRefused, record_action

PLAN_SIZE = 10


def _forces(user: Any) -> list[Force]:
    return list(scoping.forces_of(user))


def _query(request: HttpRequest) -> tuple[HotspotFilterForm, HotspotQuery | None]:
    """The filters of the request (the user's first force and the last 12 months by default)."""
    forces = _forces(request.user)
    data = request.GET.copy()
    if "force" not in data and forces:
        data["force"] = forces[0].code
        if "start" not in data:
            data["start"] = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
    form = HotspotFilterForm(data, forces=forces)
    form.filters = data.urlencode()  # type: ignore[attr-defined]
    if not forces or not form.is_valid():
        return form, None
    clean = form.cleaned_data
    return form, HotspotQuery(
        force=clean["force"],
        start=clean["start"],
        end=clean["end"],
        min_reports=settings.STREETSAFE_MIN_REPORTS,
        reasons=tuple(clean["reason"]),
        times_of_day=tuple(clean["time_of_day"]),
    )


def _top_reasons(reasons: dict[str, int], n: int = 3) -> str:
    ranked = sorted(reasons.items(), key=lambda item: -item[1])[:n]
    return ", ".join(f"{BY_CODE[code].label} ({count})" for code, count in ranked)


@capability_required(Capability.VIEW_STREETSAFE)
def hotspots(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    context: dict[str, Any] = {"form": form, "min_reports": settings.STREETSAFE_MIN_REPORTS}
    if query is not None:
        result = find_hotspots(query)
        found = outcomes(query.force, result.areas)
        context.update(
            result=result,
            outcomes=found,
            filters=form.filters,  # type: ignore[attr-defined]
            map_areas=[
                {
                    "cell": o.area.cell,
                    "rank": rank,
                    "reports": o.area.reports,
                    "place": o.place,
                    "boundary": h3.cell_to_boundary(o.area.cell),
                    "url": reverse("streetsafe:police_area", args=[query.force, o.area.cell])
                    + "?"
                    + form.filters,  # type: ignore[attr-defined]
                }
                for rank, o in enumerate(found, 1)
            ],
            tile_url=settings.STREETSAFE_TILE_URL,
            tile_attribution=settings.STREETSAFE_TILE_ATTRIBUTION,
        )
        audit.record(
            request.user,  # type: ignore[arg-type]
            "list",
            object_type="streetsafe.hotspots",
            force_code=query.force,
            detail={"areas": len(result.areas)},
        )
    return render(request, "streetsafe/police/hotspots.html", context)


@capability_required(Capability.VIEW_STREETSAFE)
def area(request: HttpRequest, force: str, cell: str) -> HttpResponse:
    form, query = _query(request)
    if query is None or query.force != force or not h3.is_valid_cell(cell):
        raise Http404("No such area.")
    result = find_hotspots(query)
    published = {a.cell: a for a in result.areas}
    if cell not in published:
        raise Http404("This area is not a published hotspot for these filters.")
    [outcome] = outcomes(force, [published[cell]])
    action_form = AreaActionForm(request.POST or None)
    can_record = request.user.can(Capability.RECORD_AREA_ACTIONS)  # type: ignore[union-attr]
    if request.method == "POST" and can_record and action_form.is_valid():
        try:
            record_action(
                force=force,
                area=cell,
                kind=action_form.cleaned_data["kind"],
                done_on=action_form.cleaned_data["done_on"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ActionRefused as refused:
            action_form.add_error(None, str(refused))
        else:
            return redirect(request.get_full_path())
    profile = time_profile(query, cell)
    reasons = [(r.label, outcome.area.reasons.get(r.code, 0)) for r in REASONS]
    times = [(label, profile.get(code, 0)) for code, label in TimeOfDay.choices]
    return render(
        request,
        "streetsafe/police/area.html",
        {
            "outcome": outcome,
            "query": query,
            "rank": list(published).index(cell) + 1,
            "reason_headers": ["Reason", "Reports"],
            "time_headers": ["Time of day", "Reports"],
            "numeric": [1],
            "reason_rows": [[label, n] for label, n in reasons],
            "time_rows": [[label, n] for label, n in times],
            "reason_chart": _chart("Reports", reasons),
            "time_chart": _chart("Reports", times),
            "action_form": action_form,
            "can_record": can_record,
            "filters": form.filters,  # type: ignore[attr-defined]
        },
    )


def _chart(title: str, pairs: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": [label for label, _ in pairs],
        "datasets": [{"label": title, "data": [n for _, n in pairs]}],
    }


def _plan(query: HotspotQuery) -> list[dict[str, Any]]:
    result = find_hotspots(query)
    top = outcomes(query.force, result.areas[:PLAN_SIZE])
    profiles = time_profiles(query, [o.area.cell for o in top])
    labels = dict(TimeOfDay.choices)
    plan = []
    for rank, outcome in enumerate(top, 1):
        profile = profiles[outcome.area.cell]
        busiest = max(profile, key=lambda band: profile[band]) if profile else ""
        plan.append(
            {
                "rank": rank,
                "area": outcome.area.cell,
                "near": outcome.place,
                "latitude": outcome.area.latitude,
                "longitude": outcome.area.longitude,
                "reports": outcome.area.reports,
                "main_reasons": _top_reasons(outcome.area.reasons),
                "patrol_when": labels.get(busiest, ""),
                "status": outcome.status_label,
                "last_action": (
                    f"{outcome.actions[0].get_kind_display()} on {outcome.actions[0].done_on:%-d %B %Y}"
                    if outcome.actions
                    else ""
                ),
            }
        )
    return plan


PLAN_COLUMNS = [
    ("rank", "Rank"),
    ("area", "Area (H3 cell)"),
    ("near", "Near"),
    ("latitude", "Centre latitude"),
    ("longitude", "Centre longitude"),
    ("reports", "Reports"),
    ("main_reasons", "Main reasons"),
    ("patrol_when", "Busiest time of day"),
    ("status", "Action status"),
    ("last_action", "Last action"),
]


@capability_required(Capability.VIEW_STREETSAFE)
def patrol_plan(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ("csv", "pdf"):
        raise Http404("The patrol plan comes as .csv or .pdf.")
    form, query = _query(request)
    if query is None:
        return redirect("streetsafe:police")
    plan = _plan(query)
    force = Force.objects.get(code=query.force)
    audit.record(
        request.user,  # type: ignore[arg-type]
        "export",
        object_type="streetsafe.patrol_plan",
        force_code=query.force,
        detail={"format": kind, "areas": len(plan)},
    )
    name = f"patrol-plan-{query.force}-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([title for _, title in PLAN_COLUMNS])
        for row in plan:
            writer.writerow([row[key] for key, _ in PLAN_COLUMNS])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from weasyprint import HTML

        html = render_to_string(
            "streetsafe/police/patrol_plan_pdf.html",
            {
                "plan": plan,
                "force": force,
                "query": query,
                "columns": PLAN_COLUMNS,
                "made_on": timezone.localdate(),
            },
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
