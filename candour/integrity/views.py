"""The counter-corruption analyst's pages: the queue of raised flags and one flag with its
decision (docs/early-warning.md). Deny by default: only a role with ``view_intelligence``;
every read is audited like a case read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from candour.core import audit, scoping
from candour.core.models import Force, Person
from candour.core.permissions import capability_required
from candour.core.roles import Capability
from candour.integrity import declarations, line, services
from candour.integrity.forms import (
    DeclarationForm,
    FlagDecisionForm,
    FollowUpForm,
    IntegrityReportForm,
    ReplyForm,
)
from candour.integrity.models import Declaration, IntegrityReport
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


# --- The integrity line ---------------------------------------------------------------------
# Public pages: no sign-in, no session, no CSRF cookie (a token needs a cookie, and there is no
# signed-in user whose authority a forged form could borrow), nothing read from the request but
# the form; never cached. Nothing here looks at request.user, so a member of staff signed in to
# Candour is not recorded either.


def _public(view: Any) -> Any:
    return never_cache(csrf_exempt(view))


def _forces() -> list[tuple[str, str]]:
    return [("", "Choose your force"), *Force.objects.order_by("name").values_list("code", "name")]


@_public
def line_report(request: HttpRequest) -> HttpResponse:
    form = IntegrityReportForm(request.POST or None, forces=_forces())
    if request.method == "POST" and form.is_valid():
        receipt = line.send_report(
            force=form.cleaned_data["force"],
            about=form.cleaned_data["about"],
            concern=form.cleaned_data["concern"],
            reporter_name=form.cleaned_data["reporter_name"],
        )
        return render(request, "integrity/line_sent.html", {"receipt": receipt})
    return render(request, "integrity/line_report.html", {"form": form})


@_public
def line_follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = line.open_report(form.cleaned_data["reference"], form.cleaned_data["passphrase"])
        if report is None:
            form.add_error(None, "No report matches that reference and passphrase.")
        elif form.cleaned_data["text"].strip():
            line.add_information(report, form.cleaned_data["text"])
    return render(
        request,
        "integrity/line_follow_up.html",
        {
            "form": form,
            "report": report,
            "messages_list": list(report.messages.all()) if report else [],
        },
    )


@ANALYSTS
def line_reports(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    reports = list(scoping.visible_to(user, IntegrityReport).select_related("force"))
    audit.record(user, "list", object_type="integrity.integrityreport", detail={"n": len(reports)})
    return render(request, "integrity/line_reports.html", {"reports": reports})


@ANALYSTS
def line_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    try:
        report = scoping.get_visible(user, IntegrityReport.objects.select_related("force"), pk=pk)
    except IntegrityReport.DoesNotExist:
        raise Http404("No integrity report with that number is in your forces.") from None
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line.reply(user, report.pk, form.cleaned_data["text"])
        messages.success(request, f"Reply sent on {report.reference}.")
        return redirect("integrity:line_report_detail", pk=report.pk)
    audit.record(user, "view", report, force_code=report.force_id)
    return render(
        request,
        "integrity/line_report_detail.html",
        {"report": report, "form": form, "messages_list": list(report.messages.all())},
    )


# --- Declarations ---------------------------------------------------------------------------


@login_required
def my_declarations(request: HttpRequest) -> HttpResponse:
    """Anyone signed in: their own declarations, and a form to make one."""
    user: Any = request.user
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declarations.declare(
                user, kind=form.cleaned_data["kind"], details=form.cleaned_data["details"]
            )
        except declarations.DeclarationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Declaration recorded.")
            return redirect("integrity:my_declarations")
    return render(
        request,
        "integrity/my_declarations.html",
        {
            "form": form,
            "linked": scoping.own_person(user) is not None,
            "declarations": list(scoping.own_records(user, Declaration)),
        },
    )


@ANALYSTS
def declaration_register(request: HttpRequest) -> HttpResponse:
    """The analyst's register: every declaration of their forces, reviews due first."""
    user: Any = request.user
    rows = list(scoping.visible_to(user, Declaration).select_related("person__force"))
    audit.record(user, "list", object_type="integrity.declaration", detail={"n": len(rows)})
    return render(
        request,
        "integrity/declaration_register.html",
        {"declarations": rows, "today": timezone.localdate()},
    )
