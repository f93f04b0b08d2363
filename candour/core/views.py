from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from candour.cases.models import Case
from candour.core import scoping, services, twofactor
from candour.core.forms import TokenForm
from candour.core.models import Force
from candour.core.permissions import capability_required
from candour.core.roles import Capability


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"force_count": Force.objects.count()})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {
        "role_label": user.get_role_display() or "No role assigned",  # type: ignore[union-attr]
        "forces": scoping.forces_of(user),
    }
    if user.can(Capability.VIEW_CASES):  # type: ignore[union-attr]
        visible = Case.objects.visible_to(user)  # type: ignore[arg-type]
        context["case_counts"] = (
            visible.values("force__name").annotate(n=Count("id")).order_by("force__name")
        )
        context["open_cases"] = visible.filter(allegations__subjects__outcome="").distinct().count()
    return render(request, "core/dashboard.html", context)


@capability_required(Capability.ADMINISTER)
def sign_in_locks(request: HttpRequest) -> HttpResponse:
    """Accounts locked after repeated wrong passwords, each at one address; an administrator
    lifts a lock-out here (``services.unlock_sign_in``, audited)."""
    user = request.user
    if request.method == "POST":
        try:
            lock = services.unlock_sign_in(int(request.POST.get("lock", "0")), by=user)  # type: ignore[arg-type]
        except (ValueError, services.AccessAttempt.DoesNotExist):
            messages.error(request, "That lock-out has already been lifted or has run out.")
        else:
            messages.success(
                request, f"{lock.username} may sign in again from {lock.address or 'that address'}."
            )
        return redirect("sign_in_locks")
    locks = services.sign_in_locks(user)  # type: ignore[arg-type]
    return render(
        request,
        "core/sign_in_locks.html",
        {"locks": locks, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator on first sign-in, or check its code on later ones."""
    user = request.user
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    device = twofactor.confirmed_device(user)  # type: ignore[arg-type]
    enrolling = device is None
    if enrolling:
        device = twofactor.pending_device(user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, device, form.cleaned_data["token"]):
            return redirect(next_url or "dashboard")
        form.add_error("token", "That code is not right. Enter the code your app shows now.")
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        context["qr_code"] = twofactor.qr_code_data_uri(device)
        context["manual_key"] = twofactor.manual_key(device)
    return render(request, "core/two_factor.html", context)


STATIC_PAGES = {
    "accessibility": (
        "Accessibility statement",
        [
            "Candour is built with GOV.UK Frontend and aims to meet the Web Content Accessibility "
            "Guidelines (WCAG) 2.2 at level AA. Its main pages are checked with axe-core in every "
            "test run.",
            "If you find a page you cannot use, tell your force's Professional Standards Department "
            "or open an issue with the Candour project.",
        ],
    ),
    "privacy": (
        "Privacy",
        [
            "Candour holds personal information about police officers, staff and complainants for "
            "the purposes of the Police Reform Act 2002 and the Police (Conduct) Regulations 2020.",
            "Every time a case is viewed, exported or changed, Candour records who did it and when "
            "in a tamper-evident audit log. Published statistics withhold small numbers that could "
            "identify anyone (Freedom of Information Act 2000, section 40).",
            "StreetSafe reports are anonymous: no name, address, IP address or free text is stored.",
        ],
    ),
}


def static_page(request: HttpRequest, page: str) -> HttpResponse:
    heading, paragraphs = STATIC_PAGES[page]
    return render(request, "core/static_page.html", {"heading": heading, "paragraphs": paragraphs})
