"""The case pages: the case list with its search and filters, a case, a person's record across
cases, and the user's work queue. Views read through candour/cases/search.py and services.py and
decide nothing themselves."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from candour.cases import search, services
from candour.cases.forms import CaseFilterForm, PersonSearchForm
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core import audit
from candour.core.models import Person
from candour.core.permissions import capability_required
from candour.core.roles import Capability

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """Counts at most ``search.COUNT_CAP`` rows: counting a million-row list exactly costs more
    than the page itself, and nobody pages that deep."""

    @property
    def count(self) -> int:  # type: ignore[override]
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.object_list[: search.COUNT_CAP + 1].count()  # type: ignore[attr-defined]
        return min(self._capped_count, search.COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.count >= search.COUNT_CAP and self._capped_count > search.COUNT_CAP


@capability_required(Capability.VIEW_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CaseFilterForm(request.GET or None, forces=list(user.forces.order_by("name")))  # type: ignore[union-attr]
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    cases = services.cases_for(user, force=filters.force or None)  # type: ignore[arg-type]
    cases = search.filter_cases(cases, filters)
    paginator = CappedPaginator(cases, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": _case_rows(page),
        "capped": paginator.capped,
        "cap": search.COUNT_CAP,
        "filtered": not filters.is_empty(),
        "query": query.urlencode(),
    }
    return render(request, "cases/case_list.html", context)


def _case_rows(page: Page) -> list[dict[str, Any]]:
    """One row per case of the page, with its allegation and open-subject counts from one
    query for the whole page (never one per case)."""
    cases = list(page.object_list)
    counts: dict[int, Any] = {
        row["case_id"]: row
        for row in Allegation.objects.filter(case__in=[c.pk for c in cases])
        .values("case_id")
        .annotate(
            allegations=Count("id", distinct=True),
            open_parts=Count("subjects", filter=Q(subjects__outcome="")),
        )
    }
    return [
        {
            "case": case,
            "allegations": counts.get(case.pk, {}).get("allegations", 0),
            "open": counts.get(case.pk, {}).get("open_parts", 0) > 0,
        }
        for case in cases
    ]


@capability_required(Capability.VIEW_CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = services.open_case(request.user, pk)  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise Http404("No case with that number is open to you.") from None
    return render(request, "cases/case_detail.html", {"case": case})


# A person's page serves case work and vetting; each part of it is shown to its own readers.
PEOPLE_READERS = capability_required(Capability.VIEW_CASES, Capability.VIEW_VETTING)


@PEOPLE_READERS
def person_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    people: list[Person] = []
    if form.is_bound and form.is_valid():
        people = search.find_people(request.user, form.cleaned_data["q"])  # type: ignore[arg-type]
        audit.record(
            request.user,  # type: ignore[arg-type]
            "list",
            object_type="core.person",
            detail={"search": form.cleaned_data["q"]},
        )
    return render(request, "cases/person_search.html", {"form": form, "people": people})


@PEOPLE_READERS
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        person = search.visible_people(user).select_related("force").get(pk=pk)  # type: ignore[arg-type]
    except Person.DoesNotExist:
        raise Http404("No person with that number is in your forces.") from None
    context: dict[str, Any] = {
        "person": person,
        "today": timezone.localdate(),
        "parts": None,
        "clearances": None,
    }
    if user.can(Capability.VIEW_CASES):  # type: ignore[union-attr]
        parts = list(search.allegations_against(user, person))  # type: ignore[arg-type]
        context["parts"] = parts
        context["open_parts"] = sum(1 for p in parts if not p.outcome)
        context["case_count"] = len({p.allegation.case_id for p in parts})
    if user.can(Capability.VIEW_VETTING):  # type: ignore[union-attr]
        from candour.vetting import services as vetting

        context["clearances"] = list(vetting.current_clearances(person))
        context["vetting_open"] = list(person.vetting.awaiting_decision())
    audit.record(user, "view", person, object_type="core.person")  # type: ignore[arg-type]
    return render(request, "cases/person_detail.html", context)


@capability_required(Capability.VIEW_CASES)
def work_queue(request: HttpRequest) -> HttpResponse:
    """The user's open work, oldest first (the statutory clocks join it when they land)."""
    user = request.user
    open_parts = AllegationSubject.objects.filter(
        outcome="",
        allegation__case__in=Case.objects.visible_to(user).values("pk"),  # type: ignore[arg-type]
    )
    cases = (
        Case.objects.filter(pk__in=open_parts.values("allegation__case_id"))
        .select_related("force")
        .order_by("received_date", "ref")
    )
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(user, "list", object_type="cases.work_queue")  # type: ignore[arg-type]
    return render(request, "cases/work_queue.html", {"page": page, "rows": _case_rows(page)})
