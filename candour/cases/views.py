from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from candour.cases import services
from candour.cases.models import Case
from candour.core.permissions import capability_required
from candour.core.roles import Capability


@capability_required(Capability.VIEW_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    force = request.GET.get("force") or None
    cases = services.cases_for(request.user, force=force)  # type: ignore[arg-type]
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "force": force})


@capability_required(Capability.VIEW_CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = services.open_case(request.user, pk)  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise Http404("No case with that number is open to you.") from None
    return render(request, "cases/case_detail.html", {"case": case})
