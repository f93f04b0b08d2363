"""Statistics for signed-in users, FOI answers, and the public transparency pages.

Every page asks the one query engine (``candour.transparency.stats``) and shows only what
disclosure control lets out: the public pages and FOI answers always withhold small numbers at
``settings.SUPPRESSION_THRESHOLD``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from candour.core import reference, scoping
from candour.core.models import Force, User
from candour.core.permissions import capability_required
from candour.core.roles import Capability
from candour.transparency import comparison as comparison_module
from candour.transparency import iopc, letters, services
from candour.transparency.forms import (
    ComparisonForm,
    FoiForm,
    IopcReturnForm,
    StatisticsForm,
    source_of,
)
from candour.transparency.models import FoiAnswer
from candour.transparency.stats import CASES, StatsQuery, StatsResult, compute
from candour.transparency.stats.cache import cached_compute, fingerprint
from candour.transparency.stats.output import (
    CONTENT_TYPES,
    chart_data,
    crosstab,
    from_json,
    human_rows,
    rows_to_csv,
    sheets_to_xlsx,
)
from candour.transparency.stats.output import (
    render as render_file,
)
from candour.transparency.stats.sentences import sentences, suppression_note

DOWNLOADS = ("csv", "xlsx", "ods")


def threshold() -> int:
    return settings.SUPPRESSION_THRESHOLD


def presentation(result: StatsResult) -> dict[str, Any]:
    """What a page needs to show a result: a table, chart data, sentences and the s40 note."""
    if len(result.query.by) == 2:
        headers, rows = crosstab(result)
        numeric = list(range(1, len(headers)))
    else:
        headers, rows = human_rows(result)
        numeric = list(range(len(result.query.by), len(headers)))
    withheld = result.total.suppressed or any(c.suppressed for c in result.cells.values())
    return {
        "result": result,
        "headers": headers,
        "rows": rows,
        "numeric_columns": numeric,
        "chart": chart_data(result),
        "sentences": sentences(result),
        "suppression_note": suppression_note(result.suppress, withheld),
    }


def _download(result: StatsResult, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(render_file(result, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _user_forces(user: User):  # type: ignore[no-untyped-def]
    return scoping.forces_of(user).order_by("name")


# ------------------------------------------------------------------------------------------
# Statistics for signed-in users


@capability_required(Capability.VIEW_STATISTICS)
def statistics(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    submitted = "by" in request.GET
    source = source_of(request.GET.get("source"))
    form = StatisticsForm(
        request.GET if submitted else None,
        forces=_user_forces(user),
        source=source,
        may_see_small_numbers=user.can(Capability.SEE_SMALL_NUMBERS),
    )
    context: dict[str, Any] = {"form": form}
    if submitted and form.is_valid():
        query = form.to_query()
        suppress = services.publishing_threshold(
            user, show_small=bool(form.cleaned_data.get("show_small"))
        )
        fmt = request.GET.get("format", "")
        result = services.count_for(
            user,
            query,
            suppress=suppress,
            per=1000 if form.cleaned_data.get("per") else None,
            margins=len(query.by) == 2,
            fmt=fmt,
        )
        if fmt in DOWNLOADS:
            return _download(result, fmt, "candour-statistics")
        context.update(presentation(result))
        context["download_links"] = download_links(request, DOWNLOADS)
    return render(request, "transparency/statistics.html", context)


def download_links(request: HttpRequest, formats: tuple[str, ...]) -> list[tuple[str, str]]:
    """(label, link) for each format: the page's own question with ``format`` set."""
    query_string = request.GET.copy()
    links = []
    for fmt in formats:
        query_string["format"] = fmt
        links.append((fmt.upper(), f"?{query_string.urlencode()}"))
    return links


# ------------------------------------------------------------------------------------------
# The quarterly return to the IOPC

RETURN_DOWNLOADS = ("csv", "xlsx")


@capability_required(Capability.REPORT_TO_IOPC)
def iopc_return(request: HttpRequest) -> HttpResponse:
    """The force's quarterly complaints return to the IOPC, counted like every other statistic
    (``services.count_for``: the user's forces only, small numbers withheld unless the role may
    see them); downloads as one CSV or one workbook with a sheet per table."""
    user: User = request.user  # type: ignore[assignment]
    forces = _user_forces(user)
    submitted = "quarter" in request.GET
    initial = {"quarter": iopc.Quarter.last_complete(timezone.localdate()).code.replace(" ", "-")}
    if forces.count() == 1:
        initial["force"] = forces.first()
    form = IopcReturnForm(request.GET if submitted else None, forces=forces, initial=initial)
    context: dict[str, Any] = {"form": form}
    if submitted and form.is_valid():
        fmt = request.GET.get("format", "")
        fmt = fmt if fmt in RETURN_DOWNLOADS else ""
        suppress = services.publishing_threshold(
            user, show_small=user.can(Capability.SEE_SMALL_NUMBERS)
        )
        quarter = form.cleaned_data["quarter"]
        force = form.cleaned_data["force"].code
        report = iopc.quarterly_return(
            force,
            quarter,
            lambda query: services.count_for(
                user, query, suppress=suppress, margins=len(query.by) == 2, fmt=fmt
            ),
        )
        if fmt:
            response = HttpResponse(iopc.render(report, fmt), content_type=CONTENT_TYPES[fmt])
            name = f"iopc-return-{force}-{quarter.code.replace('/', '-').replace(' ', '-')}"
            response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
            return response
        start, end = quarter.bounds
        context.update(
            {
                "report": report,
                "period": f"{start:%-d %B %Y} to {end:%-d %B %Y}",
                "tables": [
                    {"table": table, **presentation(result)} for table, result in report.tables
                ],
            }
        )
        context["download_links"] = download_links(request, RETURN_DOWNLOADS)
    return render(request, "transparency/iopc_return.html", context)


# ------------------------------------------------------------------------------------------
# FOI answers


@capability_required(Capability.ANSWER_FOI)
def foi(request: HttpRequest) -> HttpResponse:
    """Prepare an FOI answer: choose the figures; the answer is saved as given."""
    user: User = request.user  # type: ignore[assignment]
    source = source_of((request.POST or request.GET).get("source"))
    form = FoiForm(request.POST or None, forces=_user_forces(user), source=source)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.record_foi_answer(
                user,
                form.to_query(),
                reference=form.cleaned_data["reference"],
                request_text=form.cleaned_data["request_text"],
                threshold=threshold(),
                per=1000 if form.cleaned_data.get("per") else None,
            )
        except services.DuplicateFoiReference as duplicate:
            form.add_error("reference", str(duplicate))
        else:
            return redirect(answer)
    recent = services.foi_answers_for(user)[:5]
    return render(
        request,
        "transparency/foi_form.html",
        {"form": form, "recent": recent, "threshold": threshold()},
    )


@capability_required(Capability.ANSWER_FOI)
def foi_answers(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.foi_answers_for(request.user), 25).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    rows = [
        [
            a.reference,
            ", ".join(f.name for f in a.forces.all()),
            a.created_at.date().strftime("%-d %B %Y"),
            a.created_by.get_username(),
        ]
        for a in page
    ]
    return render(
        request,
        "transparency/foi_answers.html",
        {"page": page, "answers": list(page), "rows": rows},
    )


def compare(saved: StatsResult, now: StatsResult) -> list[dict[str, Any]]:
    """Row by row: the figure as given and the figure the records give now, with the same
    disclosure control."""
    from candour.transparency.stats.labels import Labeller

    labeller = Labeller(saved.query.by)
    keys = list(dict.fromkeys([*saved.keys(), *now.keys()]))
    seen: set[Any] = set()
    out = []

    def shown(cell: Any) -> str:
        if cell is None:
            return "–"
        return "withheld" if cell.suppressed else f"{cell.value:,}"

    for key in [*keys, "total"]:
        if key in seen:
            continue
        seen.add(key)
        before = saved.total if key == "total" else saved.cells.get(tuple(key))
        after = now.total if key == "total" else now.cells.get(tuple(key))
        label = (
            "Total"
            if key == "total"
            else ", ".join(
                labeller.label(code, value) for code, value in zip(saved.query.by, key, strict=True)
            )
        )
        changed = shown(before) != shown(after)
        out.append(
            {"label": label, "before": shown(before), "after": shown(after), "changed": changed}
        )
    return out


@capability_required(Capability.ANSWER_FOI)
def foi_answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        answer = services.open_foi_answer(request.user, pk)  # type: ignore[arg-type]
    except FoiAnswer.DoesNotExist:
        raise Http404("No such answer.") from None
    saved = from_json(answer.figures)
    context: dict[str, Any] = {"answer": answer, **presentation(saved)}
    context["sentences"] = answer.sentences
    context["downloads"] = [
        (fmt.upper(), reverse("transparency:foi_download", args=[answer.pk, fmt]))
        for fmt in (*DOWNLOADS, "pdf")
    ]
    if request.GET.get("rerun"):
        now = compute(
            StatsQuery.from_json(answer.query),
            suppress=answer.threshold,
            per=saved.per,
            margins=len(saved.query.by) == 2,
        )
        context["comparison"] = compare(saved, now)
        context["changed"] = any(row["changed"] for row in context["comparison"])
    return render(request, "transparency/foi_answer.html", context)


@capability_required(Capability.ANSWER_FOI)
def foi_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    try:
        answer = services.export_foi_answer(request.user, pk, fmt)  # type: ignore[arg-type]
    except (FoiAnswer.DoesNotExist, ValueError):
        raise Http404("No such answer, or no such format.") from None
    saved = from_json(answer.figures)
    name = "foi-" + "".join(ch if ch.isalnum() else "-" for ch in answer.reference)
    if fmt == "pdf":
        response = HttpResponse(
            letters.answer_letter(answer, presentation(saved)), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return _download(saved, fmt, name)


# ------------------------------------------------------------------------------------------
# Public transparency pages: no sign-in, always suppressed, cached until the data change.

PUBLIC_TABLES: dict[str, tuple[str, StatsQuery, str]] = {
    "allegations-by-year": (
        "Allegations by year received",
        StatsQuery(count="allegations", by=("year",)),
        "",
    ),
    "cases-by-year": ("Cases by year received", StatsQuery(count="cases", by=("year",)), ""),
    "officers-by-year": (
        "Officers and staff subject to allegations, by year, per 1,000 in post",
        StatsQuery(count="officers", by=("year",)),
        "per",
    ),
    "allegations-by-theme": (
        "Allegations by theme",
        StatsQuery(count="allegations", by=("flag",)),
        "",
    ),
    "officers-by-outcome": (
        "Officers and staff by outcome",
        StatsQuery(count="officers", by=("outcome",)),
        "",
    ),
    "cases-by-type": ("Cases by type of matter", StatsQuery(count="cases", by=("case_type",)), ""),
}
FORCE_TABLE = (
    "officers-by-force",
    (
        "Officers and staff subject to allegations, by force, per 1,000 in post",
        StatsQuery(count="officers", by=("force",)),
        "per",
    ),
)


def _public_result(slug: str, force: Force | None, version: str) -> tuple[str, StatsResult]:
    tables = dict(PUBLIC_TABLES)
    if force is None:
        tables[FORCE_TABLE[0]] = FORCE_TABLE[1]
    if slug not in tables:
        raise Http404("No such table.")
    title, query, extra = tables[slug]
    if force is not None:
        query = StatsQuery(**{**query.__dict__, "forces": (force.code,)})
    result = cached_compute(
        query, suppress=threshold(), per=1000 if extra == "per" else None, data_version=version
    )
    return title, result


def holds_case_data(force: Force, version: str) -> bool:
    """Whether Candour holds any case for ``force``: a count of its cases (withheld counts
    are small, not none). Forces that have not loaded their records get words, not zeros."""
    total = cached_compute(
        StatsQuery(count="cases", forces=(force.code,)), suppress=threshold(), data_version=version
    ).total
    return total.suppressed or bool(total.value)


def public(request: HttpRequest, force: str | None = None) -> HttpResponse:
    chosen = get_object_or_404(Force, code=force) if force else None
    version = fingerprint()
    holds_data = chosen is None or holds_case_data(chosen, version)
    slugs = list(PUBLIC_TABLES) + ([] if chosen else [FORCE_TABLE[0]])
    tables = []
    for slug in slugs if holds_data else []:
        title, result = _public_result(slug, chosen, version)
        base = (
            reverse("transparency:public_force_data", args=[chosen.code, slug])
            if chosen
            else reverse("transparency:public_data", args=[slug])
        )
        tables.append({"slug": slug, "title": title, "csv": base, **presentation(result)})
    context = {
        "force": chosen,
        "forces": Force.objects.order_by("name"),
        "tables": tables,
        "threshold": threshold(),
        "holds_data": holds_data,
        "published": published_figures(chosen, version, with_own=holds_data) if chosen else [],
    }
    return render(request, "transparency/public.html", context)


def public_data(request: HttpRequest, slug: str, force: str | None = None) -> HttpResponse:
    chosen = get_object_or_404(Force, code=force) if force else None
    _, result = _public_result(slug, chosen, fingerprint())
    return _download(result, "csv", f"candour-{chosen.code + '-' if chosen else ''}{slug}")


def published_figures(force: Force, version: str, *, with_own: bool = True) -> list[dict[str, Any]]:
    """Figures other bodies published for this force (interchange §4), beside the force's own
    counts for the same period (unless ``with_own`` is false: Candour holds none): cases,
    allegations and officers, each with small numbers withheld. What each publisher counted
    may differ from these definitions."""
    try:
        from candour.transparency.models import PublishedFigure  # the import engineer's model
    except ImportError:
        return []
    out = []
    for figure in PublishedFigure.objects.filter(force=force).order_by(
        "period_start", "source", "measure"
    )[:50]:
        flags = tuple(code for code in reference.FLAGS if code in figure.measure)
        own = {}
        for count in CASES.count if with_own else ():
            query = StatsQuery(
                count=count,
                forces=(force.code,),
                date_from=figure.period_start,
                date_to=figure.period_end,
                flags=flags,
            )
            cell = cached_compute(query, suppress=threshold(), data_version=version).total
            own[count] = "withheld" if cell.suppressed else f"{cell.value:,}"
        value = figure.value
        out.append(
            {
                "figure": figure,
                "value": "not given" if value is None else f"{value.normalize():f}",
                "own": own,
                "period": f"{figure.period_start:%-d %b %Y} to {figure.period_end:%-d %b %Y}",
                "themes": ", ".join(flags) or "all themes",
            }
        )
    return out


# ------------------------------------------------------------------------------------------
# Forces compared: the PCC's office signed in (its forces first), and anyone on the public pages.

COMPARISON_DOWNLOADS = ("csv", "xlsx")


def comparison_defaults(today: dt.date | None = None) -> QueryDict:
    """The question a first visit answers: officers, over the five complete calendar years
    before today, for every force Candour holds figures for."""
    year = (today or timezone.localdate()).year
    defaults = QueryDict(mutable=True)
    defaults.update(
        {"count": "officers", "date_from": f"{year - 5}-01-01", "date_to": f"{year - 1}-12-31"}
    )
    return defaults


def _comparison_page(request: HttpRequest, *, own: tuple[str, ...], public: bool) -> HttpResponse:
    user = None if public else request.user
    data = request.GET if "count" in request.GET else comparison_defaults()
    form = ComparisonForm(data, own=own)
    context: dict[str, Any] = {"form": form, "public": public}
    if form.is_valid():
        fmt = request.GET.get("format", "")
        fmt = fmt if fmt in COMPARISON_DOWNLOADS else ""
        comparison = services.compare_for(user, form.to_question(), fmt=fmt)  # type: ignore[arg-type]
        if fmt:
            return _comparison_download(comparison, fmt)
        query_string = data.copy()
        links = []
        for name in COMPARISON_DOWNLOADS:
            query_string["format"] = name
            links.append((name.upper(), f"?{query_string.urlencode()}"))
        context.update(
            {
                "comparison": comparison,
                "headers": comparison_module.HEADERS,
                "numeric_columns": [3, 4, 5],
                "rows": comparison_module.table_rows(comparison),
                "bars": comparison_module.chart_bars(comparison),
                "download_links": links,
                "threshold": threshold(),
            }
        )
    return render(request, "transparency/compare.html", context)


def _comparison_download(comparison: comparison_module.Comparison, fmt: str) -> HttpResponse:
    rows = comparison_module.file_rows(comparison)
    if fmt == "csv":
        body: bytes = rows_to_csv(comparison_module.FILE_HEADERS, rows).encode()
    else:
        body = sheets_to_xlsx(
            [("comparison", list(comparison_module.FILE_HEADERS), rows)],
            comparison_module.about_rows(comparison),
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="candour-forces-compared.{fmt}"'
    return response


@capability_required(Capability.VIEW_STATISTICS)
def compare_forces(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return _comparison_page(request, own=tuple(scoping.force_codes(user)), public=False)


def public_compare_forces(request: HttpRequest) -> HttpResponse:
    return _comparison_page(request, own=(), public=True)
