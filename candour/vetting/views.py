"""Vetting pages: the vetting officer's queue, a person's vetting record, decisions, counts and
the data-wash review queue. Every page needs VIEW_VETTING and shows only the user's forces."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from candour.core import scoping
from candour.core.models import Person
from candour.core.permissions import capability_required
from candour.core.roles import Capability
from candour.vetting import records, reference, services
from candour.vetting.figures import COUNTS
from candour.vetting.forms import (
    AppealForm,
    AppealOutcomeForm,
    CandidateDecisionForm,
    CheckForm,
    CountsForm,
    DecisionForm,
)
from candour.vetting.models import (
    CandidateMatch,
    CandidateStatus,
    Decision,
    RefusalReason,
    VettingAppeal,
    VettingApplication,
)

VETTING = capability_required(Capability.VIEW_VETTING)


@VETTING
def queue(request: HttpRequest) -> HttpResponse:
    context = services.vetting_queue(request.user)  # type: ignore[arg-type]
    context["window"] = reference.DUE_WINDOW_DAYS
    return render(request, "vetting/queue.html", context)


@VETTING
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = services.open_person(request.user, pk)  # type: ignore[arg-type]
    except Person.DoesNotExist:
        raise Http404("No person with that number is in your forces.") from None
    applications = person.vetting.prefetch_related(
        "checks", Prefetch("appeals", queryset=VettingAppeal.objects.order_by("lodged_on"))
    ).select_related("decided_by")
    return render(
        request,
        "vetting/person_detail.html",
        {
            "person": person,
            "applications": applications,
            "clearances": services.current_clearances(person),
            "candidates": person.datawash_candidates.order_by("-match_weight"),
            "today": timezone.localdate(),
        },
    )


@VETTING
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One application: its checks, the decision form, and appeals."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        if action:
            application = services.application_for(user, pk)  # type: ignore[arg-type]
        else:
            application = services.open_application(user, pk)  # type: ignore[arg-type]
    except VettingApplication.DoesNotExist:
        raise Http404("No vetting application with that number is in your forces.") from None
    warning = services.leaver_warning(application.person, timezone.localdate())
    forms = {
        "check_form": CheckForm(request.POST if action == "check" else None),
        "decision_form": DecisionForm(
            request.POST if action == "decide" else None, leaver_warning=warning
        ),
        "appeal_form": AppealForm(request.POST if action == "appeal" else None),
        "appeal_outcome_form": AppealOutcomeForm(
            request.POST if action == "appeal_outcome" else None, leaver_warning=warning
        ),
    }
    if action:
        try:
            done = _record_submitted_form(application, action, forms, user)  # type: ignore[arg-type]
        except services.VettingError as error:
            messages.error(request, str(error))
            done = ""
        if done:
            messages.success(request, done)
            return redirect("vetting:application", pk=application.pk)
    open_appeal = application.appeals.filter(outcome="").first()
    return render(
        request,
        "vetting/application_detail.html",
        {
            "application": application,
            "level": reference.level(application.level),
            "checks": application.checks.all(),
            "appeals": application.appeals.all(),
            "open_appeal": open_appeal,
            "can_appeal": application.decision in (Decision.REFUSED, Decision.WITHDRAWN)
            and open_appeal is None,
            "form_with_errors": next((f for f in forms.values() if f.errors), None),
            **forms,
        },
    )


def _record_submitted_form(application: VettingApplication, action: str, forms: dict, user) -> str:  # type: ignore[no-untyped-def,type-arg]
    """Record what the submitted form (check, decision, appeal or appeal outcome) says, through
    the vetting services; the success message, or "" when the form did not validate."""
    if action == "check" and forms["check_form"].is_valid():
        data = forms["check_form"].cleaned_data
        services.record_check(
            application, data["check_type"], data["result"], note=data["note"], by=user
        )
        return "Check recorded."
    if action == "decide" and forms["decision_form"].is_valid():
        data = forms["decision_form"].cleaned_data
        services.decide_vetting(
            application,
            data["decision"],
            reason=data["reason"],
            note=data["note"],
            conditions=data["conditions"],
            confirm_left_workforce=data.get("confirm_left_workforce", False),
            by=user,
        )
        return "Decision recorded."
    if action == "appeal" and forms["appeal_form"].is_valid():
        services.lodge_appeal(application, forms["appeal_form"].cleaned_data["grounds"], by=user)
        return "Appeal lodged."
    if action == "appeal_outcome" and forms["appeal_outcome_form"].is_valid():
        appeal = application.appeals.filter(outcome="").first()
        if appeal is None:
            raise services.VettingError("There is no appeal waiting for an outcome.")
        data = forms["appeal_outcome_form"].cleaned_data
        services.decide_appeal(
            appeal,
            data["outcome"],
            note=data["note"],
            confirm_left_workforce=data.get("confirm_left_workforce", False),
            by=user,
        )
        return "Appeal outcome recorded."
    return ""


@VETTING
def counts(request: HttpRequest) -> HttpResponse:
    form = CountsForm(request.GET or None)
    date_from, date_to, period = form.range()
    try:
        result = services.vetting_counts_for(
            request.user,  # type: ignore[arg-type]
            date_from,
            date_to,
            by=period,
            suppress=settings.SUPPRESSION_THRESHOLD,
        )
    except scoping.OutOfScope as refusal:
        raise PermissionDenied(str(refusal)) from None
    reasons = dict(RefusalReason.choices)

    def shown(value: int | None) -> str:
        return "withheld" if value is None else f"{value:,}"

    return render(
        request,
        "vetting/counts.html",
        {
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
            "threshold": settings.SUPPRESSION_THRESHOLD,
            "headers": ["Period", "Applications", "Granted", "Refused", "Withdrawn"],
            "rows": [[r["period"], *(shown(r[count]) for count in COUNTS)] for r in result["rows"]],
            "numeric": [1, 2, 3, 4],
            "levels": reference.LEVELS,
            "triggers": reference.TRIGGERS,
            "reason_rows": [
                [r["period"], reasons.get(r["reason"], "Not recorded"), shown(r["refused"])]
                for r in result["refusals_by_reason"]
            ],
        },
    )


STATUS_TABS = [
    (CandidateStatus.PENDING, "Awaiting review"),
    (CandidateStatus.REFERRED, "Referred"),
    (CandidateStatus.SAME_PERSON, "Same person"),
    (CandidateStatus.NOT_SAME_PERSON, "Not the same person"),
]


@VETTING
def candidate_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or CandidateStatus.PENDING
    if status not in CandidateStatus.values:
        status = CandidateStatus.PENDING
    candidates = services.candidates_for(request.user, status=status)  # type: ignore[arg-type]
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "vetting/candidate_list.html",
        {"page": page, "status": status, "tabs": STATUS_TABS},
    )


@VETTING
@require_http_methods(["GET", "POST"])
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        form = CandidateDecisionForm(request.POST)
        if form.is_valid():
            try:
                candidate = services.decide_candidate(
                    request.user,  # type: ignore[arg-type]
                    pk,
                    form.cleaned_data["decision"],
                    seen_status=form.cleaned_data["seen_status"],
                    note=form.cleaned_data["note"],
                )
            except CandidateMatch.DoesNotExist:
                raise Http404("No candidate with that number is in your forces.") from None
            except services.VettingError as error:
                messages.error(request, str(error))
                return redirect("vetting:candidate", pk=pk)
            text = f"{candidate.person_ref} and {candidate.record_id}: {candidate.get_status_display().lower()}."
            if candidate.review_id:
                text += " A vetting review of this person has been opened."
            messages.success(request, text)
            return redirect("vetting:candidates")
        messages.error(request, "Choose a decision.")
        return redirect("vetting:candidate", pk=pk)
    try:
        candidate = services.open_candidate(request.user, pk)  # type: ignore[arg-type]
    except CandidateMatch.DoesNotExist:
        raise Http404("No candidate with that number is in your forces.") from None
    fields = [
        (
            records.label(name),
            candidate.workforce_record.get(name, ""),
            candidate.national_record.get(name, ""),
        )
        for name in records.RECORD_FIELDS
    ]
    return render(
        request,
        "vetting/candidate_detail.html",
        {
            "candidate": candidate,
            "fields": [
                {"label": label, "workforce": w, "national": n, "same": bool(w) and w == n}
                for label, w, n in fields
            ],
            "reasons": [r.strip() for r in candidate.reasons.split(";") if r.strip()],
            "bars": services.weight_bars(candidate),
            "decidable": candidate.status in (CandidateStatus.PENDING, CandidateStatus.REFERRED),
        },
    )
