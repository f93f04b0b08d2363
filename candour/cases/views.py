"""The case pages: the case list with its search and filters, a case, a person's record across
cases, and the user's work queue. Views read through candour/cases/search.py and services.py and
decide nothing themselves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from candour.cases import forums, letters, process, search, services, workflow
from candour.cases.clocks import clocks_for, late_notices
from candour.cases.forms import (
    ActionForm,
    AllegationForm,
    CaseFilterForm,
    ComplainantFormSet,
    LinkSubjectForm,
    MatterForm,
    PersonSearchForm,
    ReviewBodyForm,
)
from candour.cases.models import Allegation, Case
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
            # No ORDER BY: counting the first rows needs no sort of all of them.
            capped = self.object_list.order_by()[: search.COUNT_CAP + 1]  # type: ignore[attr-defined]
            self._capped_count = capped.count()
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
        "perms_edit": user.can(Capability.EDIT_CASES),  # type: ignore[union-attr]
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


# Timeline entries of the services that are not actions of the process table.
SERVICE_LABELS = {
    "record_matter": "Recorded the matter",
    "add_allegation": "Added an allegation",
    "link_subject": "Linked a subject to a person of the workforce",
}


def _load(request: HttpRequest, pk: int, *, audited: bool = True) -> Case:
    try:
        return workflow.load_case(request.user, pk, audited=audited)  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise Http404("No case with that number is open to you.") from None


@capability_required(Capability.VIEW_CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = _load(request, pk)
    allowed = set(process.allowed_actions(case, user))  # type: ignore[arg-type]
    case_actions = [a for a in process.ACTIONS_LIST if a.name in allowed and not a.per_subject]
    parts = {part.pk: part for part in process.parts_of(case)}
    for part in parts.values():
        # The template iterates these same prefetched objects.
        part.page_actions = [  # type: ignore[attr-defined]
            a
            for a in process.ACTIONS_LIST
            if a.per_subject and a.name in allowed and process.refusal(case, user, a, part) is None  # type: ignore[arg-type]
        ]
    timeline = [
        {
            "event": event,
            "part": parts.get(event.part_id) if event.part_id else None,
            "label": process.ACTIONS[event.action].label
            if event.action in process.ACTIONS
            else SERVICE_LABELS.get(event.action, event.action.replace("_", " ")),
            "detail": [
                (key.replace("_", " ").capitalize(), _plain(value))
                for key, value in event.detail.items()
                if value not in (None, "", [], {})
            ],
        }
        for event in case.events.all()
    ]
    context = {
        "case": case,
        "stage_label": process.STAGES.get(case.stage, case.stage),
        "clocks": clocks_for(case),
        "late_notices": late_notices(case),
        "case_actions": case_actions,
        "may_add_allegation": user.can(Capability.EDIT_CASES)  # type: ignore[union-attr]
        and case.stage in process.OPEN_FOR_ALLEGATIONS,
        "may_link": user.can(Capability.EDIT_CASES),  # type: ignore[union-attr]
        "complainants": workflow.complainants_of(user, case)  # type: ignore[arg-type]
        if workflow.may_see_complainants(user, case)  # type: ignore[arg-type]
        else None,
        "timeline": timeline,
        "letters": letters.available(case, user),  # type: ignore[arg-type]
    }
    return render(request, "cases/case_detail.html", context)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


@capability_required(Capability.VIEW_CASES)
def take_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One step of the statutory process: the form shows only what the table allows now; the
    service decides, and a refusal comes back as field errors or a sentence at the top."""
    user = request.user
    action = process.ACTIONS.get(name)
    if action is None:
        raise Http404("There is no such step.")
    case = _load(request, pk, audited=request.method == "GET")
    part = None
    raw_part = request.POST.get("subject") or request.GET.get("subject")
    if action.per_subject and raw_part:
        part = next((p for p in process.parts_of(case) if str(p.pk) == raw_part), None)
        if part is None:
            raise Http404("No such subject in this matter.")
    stale = _stale(request, case, name)
    refusal = process.refusal(case, user, action, part)  # type: ignore[arg-type]
    form = None
    if stale is None and refusal is None:
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            action=action,
            choices=process.choices_for(case, user, action, part),  # type: ignore[arg-type]
            part=part,
            panel_seats=_panel_seats(case, action),
            initial={"version": case.version},
        )
        if request.method == "POST" and form.is_valid():
            try:
                workflow.take_action(
                    user,  # type: ignore[arg-type]
                    case.pk,
                    name,
                    form.params(),
                    version=form.cleaned_data["version"],
                )
            except workflow.StaleVersion as changed:
                form.add_error(None, changed.detail)
            except workflow.ActionRefused as refused:
                form.add_service_errors(refused.errors, refused.detail)
            else:
                messages.success(request, f"{action.label}: done.")
                return redirect("cases:detail", pk=case.pk)
    context = {
        "case": case,
        "action": action,
        "part": part,
        "form": form,
        "stale": stale,
        "refusal": None if stale else refusal,
        "allowed": [process.ACTIONS[n] for n in process.allowed_actions(case, user)],  # type: ignore[arg-type]
    }
    failed = stale is not None or (request.method == "POST" and (refusal or (form and form.errors)))
    return render(request, "cases/action.html", context, status=422 if failed else 200)


def _stale(request: HttpRequest, case: Case, name: str) -> str | None:
    """When the form was opened at an older version of the case, the service's sentence saying
    who changed what since (it checks the version before anything else, and changes nothing)."""
    if request.method != "POST":
        return None
    try:
        sent = int(request.POST.get("version", ""))
    except ValueError:
        return "The form was incomplete: open the case again and take the step from there."
    if sent == case.version:
        return None
    try:
        workflow.take_action(request.user, case.pk, name, {}, version=sent)  # type: ignore[arg-type]
    except workflow.StaleVersion as changed:
        return changed.detail
    except (workflow.ActionRefused, PermissionDenied):
        return None
    return None  # pragma: no cover - a version that differs is always stale


def _panel_seats(case: Case, action: Any) -> list[tuple[str, str]]:
    """The panel seats of the forums this action can arrange or record, from forums.py."""
    if action.param("panel") is None:
        return []
    forum_param = action.param("forum")
    codes = [c for c, _ in forum_param.choices] if forum_param else list(forums.PROCEEDINGS_FORUMS)
    seats: dict[str, str] = {}
    for code in codes:
        forum = forums.forum_rules(case.rules, code)
        for seat in forum.panel if forum else ():
            seats.setdefault(seat.role, f"{seat.label} ({forum.label.lower()})")  # type: ignore[union-attr]
    return list(seats.items())


# ---- intake ---------------------------------------------------------------------------------


@capability_required(Capability.EDIT_CASES)
def record_matter(request: HttpRequest) -> HttpResponse:
    """Record a complaint, conduct matter or DSI matter, with its complainants."""
    user = request.user
    forces = list(scoping_forces(user))
    data = request.POST if request.method == "POST" else None
    form = MatterForm(data, forces=forces)
    complainants = ComplainantFormSet(data, prefix="complainant")
    if request.method == "POST" and "add_complainant" in request.POST:
        complainants = _formset_with_one_more(request)
    elif request.method == "POST" and all([form.is_valid(), complainants.is_valid()]):
        people = [
            workflow.ComplainantDetails(**{k: v.strip() for k, v in c.items() if k != "DELETE"})
            for c in complainants.cleaned_data
            if c and (c.get("name") or "").strip()
        ]
        if form.cleaned_data["case_type"] != "complaint":
            people = []
        try:
            case = workflow.record_matter(
                user,  # type: ignore[arg-type]
                force=form.cleaned_data["force"],
                case_type=form.cleaned_data["case_type"],
                received_date=form.cleaned_data["received_date"],
                summary=form.cleaned_data["summary"],
                incident_date=form.cleaned_data["incident_date"],
                location=form.cleaned_data["location"].strip(),
                ref=form.cleaned_data["ref"].strip() or None,
                complainants=people,
            )
        except workflow.ActionRefused as refused:
            for field, message in refused.errors:
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Recorded {case.ref}. Now add its allegations.")
            return redirect("cases:add_allegation", pk=case.pk)
    context = {"form": form, "complainants": complainants}
    failed = bool(form.errors or complainants.total_error_count())
    return render(request, "cases/record_matter.html", context, status=422 if failed else 200)


def _formset_with_one_more(request: HttpRequest) -> Any:
    data = request.POST.copy()
    key = "complainant-TOTAL_FORMS"
    data[key] = str(int(data.get(key, "1") or 1) + 1)
    formset = ComplainantFormSet(data, prefix="complainant")
    formset.errors  # noqa: B018  (bind and validate, so a half-typed email is flagged)
    return formset


def scoping_forces(user: Any) -> Any:
    return user.forces.order_by("name")


@capability_required(Capability.EDIT_CASES)
def add_allegation(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an allegation: category, themes, and its subjects from the case's force workforce."""
    user = request.user
    case = _load(request, pk, audited=request.method == "GET")
    chosen_refs = request.POST.getlist("subjects") if request.method == "POST" else []
    found: list[Person] = []
    text = (request.POST.get("find") or "").strip()
    if text:
        found = search.find_people(user, text, force=case.force_id)  # type: ignore[arg-type]
    people = _people_by_ref(user, case, chosen_refs) + [
        p for p in found if p.ref not in chosen_refs
    ]
    data = request.POST if request.method == "POST" else None
    form = AllegationForm(data, people=people, initial={"version": case.version})
    searched = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searched and form.is_valid():
        try:
            workflow.add_allegation(
                user,  # type: ignore[arg-type]
                case.pk,
                version=form.cleaned_data["version"],
                category=form.cleaned_data["category"],
                flags=form.cleaned_data["flags"],
                subjects=form.subject_list(),
            )
        except workflow.StaleVersion as stale:
            form.add_error(None, stale.detail)
        except workflow.ActionRefused as refused:
            for field, message in refused.errors:
                name = (
                    field
                    if field in form.fields
                    else ("subjects" if field.startswith("subjects") else None)
                )
                form.add_error(name, message)
            if not refused.errors:
                form.add_error(None, refused.detail)
        else:
            messages.success(request, "The allegation was added.")
            if "another" in request.POST:
                return redirect("cases:add_allegation", pk=case.pk)
            return redirect("cases:detail", pk=case.pk)
    if searched:
        form.errors.clear()
    context = {"case": case, "form": form, "searched": searched, "found": found, "text": text}
    return render(request, "cases/add_allegation.html", context, status=422 if form.errors else 200)


def _people_by_ref(user: Any, case: Case, refs: list[str]) -> list[Person]:
    if not refs:
        return []
    return list(
        search.visible_people(user).filter(force=case.force, ref__in=refs).order_by("name", "ref")
    )


@capability_required(Capability.EDIT_CASES)
def link_subject(request: HttpRequest, pk: int, part_id: int) -> HttpResponse:
    """Link a subject recorded as not identified to a person of the workforce."""
    user = request.user
    case = _load(request, pk, audited=request.method == "GET")
    part = next((p for p in process.parts_of(case) if p.pk == part_id), None)
    if part is None:
        raise Http404("No such subject in this matter.")
    text = (request.POST.get("find") or "").strip()
    found = search.find_people(user, text, force=case.force_id) if text else []  # type: ignore[arg-type]
    chosen = request.POST.get("person_ref") or ""
    people = _people_by_ref(user, case, [chosen] if chosen else []) + [
        p for p in found if p.ref != chosen
    ]
    data = request.POST if request.method == "POST" else None
    form = LinkSubjectForm(data, people=people, initial={"version": case.version})
    searched = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searched and form.is_valid():
        if not form.cleaned_data["person_ref"]:
            form.add_error("person_ref", "Search for the person, then choose them.")
        else:
            try:
                workflow.identify_subject(
                    user,  # type: ignore[arg-type]
                    case.pk,
                    version=form.cleaned_data["version"],
                    part_id=part.pk,
                    person_ref=form.cleaned_data["person_ref"],
                )
            except workflow.StaleVersion as stale:
                form.add_error(None, stale.detail)
            except workflow.ActionRefused as refused:
                for field, message in refused.errors:
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, "The subject was linked.")
                return redirect("cases:detail", pk=case.pk)
    if searched:
        form.errors.clear()
    context = {"case": case, "part": part, "form": form, "searched": searched, "text": text}
    return render(request, "cases/link_subject.html", context, status=422 if form.errors else 200)


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
    """The user's open matters with their running clocks, overdue first (workflow.work_queue),
    a page at a time."""
    queue = workflow.work_queue(
        request.user,  # type: ignore[arg-type]
        page=request.GET.get("page"),
        per_page=workflow.QUEUE_PAGE,
    )
    labels = {name: action.label for name, action in process.ACTIONS.items()}
    rows = [
        {
            "item": item,
            "stage": process.STAGES.get(item.stage, item.stage),
            "next": [labels[n] for n in item.allowed_actions if n in labels],
        }
        for item in queue.items
    ]
    context = {"rows": rows, "queue": queue, "page": queue.page, "cap": workflow.QUEUE_COUNT_CAP}
    return render(request, "cases/work_queue.html", context)


# ---- notices and letters --------------------------------------------------------------------


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_name(case: Case, what: str) -> str:
    return f"{case.ref.replace('/', '-')}-{what}.pdf"


@capability_required(Capability.EDIT_CASES)
def notice_pdf(request: HttpRequest, pk: int, part_id: int) -> HttpResponse:
    case = _load(request, pk, audited=False)
    part = next((p for p in process.parts_of(case) if p.pk == part_id), None)
    if part is None or part.notice_served_on is None or part.subject is None:
        raise Http404("No regulation 17 notice was served on that subject.")
    content = letters.regulation_17_notice(case, part, request.user)  # type: ignore[arg-type]
    return _pdf_response(
        content, _file_name(case, f"reg17-{part.allegation.ref}-{part.subject.ref}")
    )


@capability_required(Capability.EDIT_CASES)
def outcome_letter(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = _load(request, pk, audited=False)
    if not letters.outcome_letter_possible(case, user):  # type: ignore[arg-type]
        raise Http404("There is no outcome to tell a complainant about yet.")
    body = process.ACTIONS["request_review"].param("body")
    form = ReviewBodyForm(
        request.POST if request.method == "POST" else None,
        choices=list(body.choices) if body else [],
    )
    if request.method == "POST" and form.is_valid():
        content = letters.outcome_letter(case, user, review_body=form.cleaned_data["review_body"])  # type: ignore[arg-type]
        return _pdf_response(content, _file_name(case, "outcome-letter"))
    return render(
        request,
        "cases/outcome_letter_form.html",
        {"case": case, "form": form},
        status=422 if form.errors else 200,
    )


@capability_required(Capability.EDIT_CASES)
def progress_pdf(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    case = _load(request, pk, audited=False)
    report = next((r for r in case.progress_reports.all() if r.pk == report_id), None)
    if report is None:
        raise Http404("No such report on this matter.")
    content = letters.progress_report(case, report, request.user)  # type: ignore[arg-type]
    return _pdf_response(content, _file_name(case, f"report-{report.period_end}"))
