"""The public StreetSafe pages: no sign-in, no cookie, nothing kept about who reports.

Each step posts its answers to the next in hidden fields (no session, so no cookie); the pages
are exempt from CSRF protection for the same reason (a CSRF token needs a cookie, and there is
no signed-in user whose authority a forged form could borrow). Abuse is held back by the rate
limit and the honeypot (``privacy``). docs/streetsafe.md "The public page".
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from candour.core.forms import DateInputField
from candour.core.models import Force
from candour.core.network import client_address
from candour.streetsafe import gazetteer, privacy
from candour.streetsafe.forms import PlaceSearchForm, PositionForm, ReportForm
from candour.streetsafe.hotspots import HotspotQuery, find_hotspots
from candour.streetsafe.models import ActionStatus, Report
from candour.streetsafe.outcomes import outcomes
from candour.streetsafe.reasons import BY_CODE, AgeBand, ReporterSex, Targeted, TimeOfDay
from candour.streetsafe.services import file_report

MAP_PLACES_LIMIT = 400


def _map_csp(view: Any) -> Any:
    """Let the map load tiles from the tile server setting (and nothing else from elsewhere)."""
    tiles = settings.STREETSAFE_TILE_URL
    if not tiles:
        return view
    parts = urlsplit(tiles.replace("{s}", "a"))
    origin = f"{parts.scheme}://{parts.netloc}".replace("://a.", "://*.")
    return csp_update({"img-src": [origin]})(view)


def _public(view: Any) -> Any:
    return never_cache(csrf_exempt(view))


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "streetsafe/start.html")


@_map_csp
def where(request: HttpRequest) -> HttpResponse:
    search = PlaceSearchForm(request.POST if "q" in request.POST else None)
    found = None
    if search.is_bound and search.is_valid():
        found = gazetteer.find(search.cleaned_data["q"])
    return render(
        request,
        "streetsafe/where.html",
        {
            "search": search,
            "found": found,
            "position": PositionForm(),
            "tile_url": settings.STREETSAFE_TILE_URL,
            "tile_attribution": settings.STREETSAFE_TILE_ATTRIBUTION,
        },
    )


def places(request: HttpRequest, force: str = "") -> HttpResponse:
    if not force:
        forces = Force.objects.filter(code__in={p.force for p in gazetteer.places()})
        return render(request, "streetsafe/places.html", {"forces": forces})
    chosen = get_object_or_404(Force, code=force)
    return render(
        request,
        "streetsafe/places.html",
        {"force": chosen, "places": gazetteer.places_of(chosen.code)},
    )


def map_places(request: HttpRequest) -> JsonResponse:
    """Gazetteer places inside a box, so the map can name places when it has no tiles."""
    try:
        south, west, north, east = (float(v) for v in request.GET.get("bbox", "").split(","))
    except ValueError:
        return JsonResponse({"places": [], "error": "bbox is south,west,north,east"}, status=400)
    inside = [
        {"name": p.name, "lat": p.latitude, "lng": p.longitude}
        for p in gazetteer.places()
        if south <= p.latitude <= north and west <= p.longitude <= east
    ]
    return JsonResponse({"places": inside[:MAP_PLACES_LIMIT]})


@require_POST
def details(request: HttpRequest) -> HttpResponse:
    if request.POST.get("step") in ("details", "change"):
        form = ReportForm(request.POST)
        if request.POST["step"] == "details" and form.is_valid():
            return render(request, "streetsafe/check.html", _check_context(form))
        return render(request, "streetsafe/details.html", {"form": form})
    position = PositionForm(_position_data(request.POST))
    if not position.is_valid():
        return where_with_errors(request, position)
    data = position.cleaned_data
    form = ReportForm(
        initial={
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "place": data["place"],
            "force": gazetteer.force_for(data["latitude"], data["longitude"]) or None,
        }
    )
    return render(request, "streetsafe/details.html", {"form": form})


def where_with_errors(request: HttpRequest, position: PositionForm) -> HttpResponse:
    if position.non_field_errors():
        message = position.non_field_errors()[0]
    else:
        message = "Choose a place: find it by postcode or name, pick it from the list, or mark it on the map."
    return render(
        request,
        "streetsafe/where.html",
        {
            "search": PlaceSearchForm(),
            "position": position,
            "position_error": message,
            "tile_url": settings.STREETSAFE_TILE_URL,
            "tile_attribution": settings.STREETSAFE_TILE_ATTRIBUTION,
        },
    )


@require_POST
def send(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "streetsafe/details.html", {"form": form})
    if form.is_robot():
        return redirect("streetsafe:sent")  # looks the same to a robot; nothing is kept
    if not privacy.limiter().allow(client_address(request)):
        return render(request, "streetsafe/limited.html", status=429)
    data = form.cleaned_data
    file_report(
        force=data["force"],
        occurred_on=data["day"],
        time_of_day=data["time_of_day"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        reasons=form.reasons(),
        age_band=data["age_band"],
        sex=data["sex"],
        targeted=data["targeted"],
    )
    return redirect("streetsafe:sent")


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "streetsafe/sent.html")


def said_did_index(request: HttpRequest) -> HttpResponse:
    forces = Force.objects.filter(
        code__in=Report.objects.values_list("force_id", flat=True).distinct()
    )
    return render(request, "streetsafe/said_did_index.html", {"forces": forces})


def said_did(request: HttpRequest, force: str) -> HttpResponse:
    """ "You said, we did": the force's published hotspots of the last 12 months (centres only),
    what people said there in counts by reason, and what was done."""
    chosen = get_object_or_404(Force, code=force)
    end = timezone.localdate()
    query = HotspotQuery(
        force=chosen.code,
        start=end - dt.timedelta(days=365),
        end=end,
        min_reports=settings.STREETSAFE_MIN_REPORTS,
    )
    found = outcomes(chosen.code, find_hotspots(query).areas)
    statuses = {status: 0 for status in ActionStatus.values}
    for outcome in found:
        statuses[outcome.status] += outcome.area.reports
    return render(
        request,
        "streetsafe/said_did.html",
        {
            "force": chosen,
            "query": query,
            "outcomes": [
                (
                    outcome,
                    [
                        (BY_CODE[code].label, n)
                        for code, n in sorted(outcome.area.reasons.items(), key=lambda i: -i[1])
                    ],
                )
                for outcome in found
            ],
            "reports_published": sum(statuses.values()),
            "statuses": [(ActionStatus(s).label, n) for s, n in statuses.items()],
            "min_reports": settings.STREETSAFE_MIN_REPORTS,
        },
    )


def _position_data(post: Any) -> dict[str, Any]:
    """A place picked from a list arrives as one value, ``latitude;longitude;name``."""
    if post.get("choice"):
        parts = post["choice"].split(";", 2)
        if len(parts) == 3:
            return {"latitude": parts[0], "longitude": parts[1], "place": parts[2]}
        return {}
    return post


def _check_context(form: ReportForm) -> dict[str, Any]:
    data = form.cleaned_data
    labels = {
        "age_band": dict(AgeBand.choices),
        "sex": dict(ReporterSex.choices),
        "targeted": dict(Targeted.choices),
    }
    answers = [
        ("Place", data["place"] or "The place you marked on the map"),
        ("Police force", data["force"].name),
        ("Day", data["day"].strftime("%-d %B %Y")),
        ("Time of day", dict(TimeOfDay.choices)[data["time_of_day"]]),
        ("Why you felt unsafe", ", ".join(BY_CODE[c].label for c in form.reasons())),
    ]
    for name, title in (("age_band", "Age"), ("sex", "Sex"), ("targeted", "Felt targeted")):
        answers.append((title, labels[name].get(data[name], "Prefer not to say")))
    hidden = [
        (name, value)
        for name, field in form.fields.items()
        if name != "website"
        # A date typed in day, month and year boxes goes on as one ISO date, which it reads too.
        for value in (
            [data[name].isoformat()]
            if isinstance(field, DateInputField)
            else form.data.getlist(name)  # type: ignore[attr-defined]
        )
    ]
    return {"form": form, "answers": answers, "hidden": hidden}


start = _public(start)
where = _public(where)
places = _public(places)
details = _public(details)
send = _public(send)
sent = _public(sent)
said_did_index = _public(said_did_index)
said_did = _public(said_did)
