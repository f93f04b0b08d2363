"""Forms of the case pages. They check what a person typed and say what is wrong with each
field; the rules of the statutory process are in candour/cases/process.py, never here."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.cases.models import CaseType, Category, Flag, Stage
from candour.cases.search import CaseFilters
from candour.core.forms import DateInputField
from candour.core.models import Force


def _any(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class CaseFilterForm(forms.Form):
    """The case list's search and filters, read from the query string."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A case reference, or a subject's person reference, collar number or name.",
    )
    force = forms.ChoiceField(label="Force", required=False)
    case_type = forms.ChoiceField(
        label="Type", required=False, choices=_any("Any type") + list(CaseType.choices)
    )
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=_any("Any stage") + list(Stage.choices)
    )
    category = forms.ChoiceField(label="Allegation category", required=False)
    flag = forms.ChoiceField(label="Theme", required=False)
    subject = forms.CharField(label="Subject's person reference", required=False, max_length=64)
    overdue = forms.BooleanField(label="Only matters with an overdue time limit", required=False)
    received_from = DateInputField(
        label="Received on or after",
        noun="the start date",
        required=False,
        help_text="For example, 1 4 2024",
    )
    received_to = DateInputField(
        label="Received on or before",
        noun="the end date",
        required=False,
        help_text="For example, 31 3 2025",
    )

    def __init__(self, *args: Any, forces: list[Force] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "force", _any("Any of your forces") + [(f.code, f.name) for f in forces or []]
        )
        self._choices("category", _any("Any category") + category_choices())
        self._choices(
            "flag", _any("Any theme") + [(f.code, f.label) for f in Flag.objects.order_by("label")]
        )

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to", "The end date must be the same as or after the start date."
            )
        return data

    def filters(self) -> CaseFilters:
        """The filters asked for; only valid fields count (an invalid one is shown as an error
        and left out)."""
        data = getattr(self, "cleaned_data", {})
        return CaseFilters(
            q=(data.get("q") or "").strip(),
            force=data.get("force") or "",
            case_type=data.get("case_type") or "",
            stage=data.get("stage") or "",
            category=data.get("category") or "",
            flag=data.get("flag") or "",
            subject=(data.get("subject") or "").strip(),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            overdue=bool(data.get("overdue")),
        )


def category_choices() -> list[tuple[str, str]]:
    """Every category as "label (group)", in scheme and group order (labels repeat across
    schemes, so the group is named)."""
    return [(c.code, str(c)) for c in Category.objects.order_by("scheme", "group", "label")]


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, collar number or person reference",
        max_length=200,
        error_messages={"required": "Enter a name, collar number or person reference."},
    )


# ---- one form per statutory action, built from its row in candour/cases/process.py ----------

YES_NO = [("yes", "Yes"), ("no", "No")]


class ActionForm(forms.Form):
    """The form of one action: a field per parameter of ``process.ACTIONS[name]``, offering only
    the choices ``process.choices_for`` allows now. What the action may do is decided by
    ``workflow.take_action``; this form only reads what was typed."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        action: Any,
        choices: dict[str, list[tuple[str, str]]],
        part: Any = None,
        panel_seats: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        self.panel_seats = list(panel_seats)
        for param in action.params:
            if param.kind == "subject":
                if part is not None:
                    self.fields["subject"] = forms.IntegerField(
                        widget=forms.HiddenInput, initial=part.pk
                    )
                else:
                    self.fields["subject"] = forms.ChoiceField(
                        label=param.label,
                        choices=choices.get("subject", []),
                        widget=forms.RadioSelect,
                        error_messages={"required": "Choose the subject."},
                    )
            elif param.kind == "choice":
                options = choices.get(param.name, list(param.choices))
                if param.required:
                    self.fields[param.name] = forms.ChoiceField(
                        label=param.label,
                        choices=options,
                        widget=forms.RadioSelect,
                        error_messages={"required": f"Choose the {param.label.lower()}."},
                    )
                else:
                    self.fields[param.name] = forms.ChoiceField(
                        label=param.label, choices=[("", "Not given")] + options, required=False
                    )
            elif param.kind == "bool":
                self.fields[param.name] = forms.ChoiceField(
                    label=param.label,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    required=param.required,
                    help_text=""
                    if param.required
                    else "Leave both unselected if it does not apply.",
                    error_messages={"required": "Choose yes or no."},
                )
            elif param.kind == "date":
                self.fields[param.name] = DateInputField(
                    label=param.label,
                    noun=f"the {param.label.lower()}",
                    required=param.required,
                    help_text="For example, 20 4 2026."
                    + ("" if param.required else " Leave empty for today."),
                )
            elif param.kind == "panel":
                for role, label in self.panel_seats:
                    self.fields[f"panel_{role}"] = forms.CharField(
                        label=f"Panel: {label}", required=False, max_length=200
                    )
            else:
                required = param.required or (param.name == "reason" and action.reason_required)
                self.fields[param.name] = forms.CharField(
                    label=param.label,
                    required=required,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={"required": f"Give the {param.label.lower()}."},
                )
        if "reason" not in self.fields:
            self.fields["reason"] = forms.CharField(
                label="Reason",
                required=action.reason_required,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Give the reason for this decision."},
            )

    def params(self) -> dict[str, Any]:
        """The cleaned values as ``workflow.take_action`` takes them (unanswered ones left out)."""
        data = self.cleaned_data
        params: dict[str, Any] = {}
        for param in self.action.params:
            if param.kind == "panel":
                seats = [
                    {"role": role, "name": data[f"panel_{role}"].strip()}
                    for role, _ in self.panel_seats
                    if data.get(f"panel_{role}", "").strip()
                ]
                if seats:
                    params["panel"] = seats
                continue
            value = data.get(param.name)
            if value in (None, ""):
                continue
            if param.kind == "bool":
                value = value == "yes"
            elif param.kind == "subject":
                value = int(value)
            params[param.name] = value
        if data.get("reason"):
            params["reason"] = data["reason"]
        return params

    def add_service_errors(self, errors: list[tuple[str, str]], detail: str) -> None:
        """Put each error the service gave beside its field, the rest at the top."""
        placed = False
        for field, message in errors:
            name = field if field in self.fields else ""
            if field == "panel" and self.panel_seats:
                name = f"panel_{self.panel_seats[0][0]}"
            if name:
                self.add_error(name, message)
                placed = True
            else:
                self.add_error(None, message)
                placed = True
        if not placed or not errors:
            self.add_error(None, detail)


# ---- intake ---------------------------------------------------------------------------------


class MatterForm(forms.Form):
    """A new complaint, conduct matter or DSI matter: what happened, when and where."""

    force = forms.ChoiceField(label="Force")
    case_type = forms.ChoiceField(
        label="What kind of matter is it?",
        choices=CaseType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of matter."},
    )
    received_date = DateInputField(
        label="Date received",
        noun="the date received",
        help_text="The day the complaint or matter came to the force's attention, for example 20 2 2026.",
    )
    summary = forms.CharField(
        label="What happened",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The events complained of or found, in the words of whoever raised them.",
        error_messages={"required": "Say what happened."},
    )
    incident_date = DateInputField(
        label="When it happened (optional)",
        noun="the date it happened",
        required=False,
        help_text="For example, 18 2 2026. Leave empty if not known.",
    )
    location = forms.CharField(
        label="Where it happened (optional)",
        required=False,
        max_length=200,
        help_text="A street, a station, a custody suite.",
    )
    ref = forms.CharField(
        label="The force's reference (optional)",
        required=False,
        max_length=64,
        help_text="Leave empty to have one made, for example CO/2026/00042.",
    )

    def __init__(self, *args: Any, forces: list[Force], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["force"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.code, f.name) for f in forces]
        if len(forces) == 1:
            field.initial = forces[0].code


class ComplainantForm(forms.Form):
    """One complainant: personal data, shown only to the roles entitled to it."""

    name = forms.CharField(label="Complainant's name", max_length=200, required=False)
    address = forms.CharField(
        label="Address", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org."},
    )
    phone = forms.CharField(label="Telephone", required=False, max_length=40)
    on_behalf_of = forms.CharField(
        label="Complaining on behalf of (optional)", required=False, max_length=200
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        others = any(data.get(k) for k in ("address", "email", "phone", "on_behalf_of"))
        if others and not (data.get("name") or "").strip():
            self.add_error("name", "Give the complainant's name.")
        return data


ComplainantFormSet = forms.formset_factory(ComplainantForm, extra=0, min_num=1, max_num=20)


class AllegationForm(forms.Form):
    """One allegation: its category and themes, and its subjects picked from the workforce (by
    name, collar number or person reference) or left unidentified to be linked later."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label="Category", error_messages={"required": "Choose the allegation's category."}
    )
    flags = forms.MultipleChoiceField(
        label="Themes", required=False, widget=forms.CheckboxSelectMultiple
    )
    find = forms.CharField(
        label="Find a subject",
        required=False,
        max_length=200,
        help_text="A name, collar number or person reference; then choose Search.",
    )
    subjects = forms.MultipleChoiceField(
        label="Subjects", required=False, widget=forms.CheckboxSelectMultiple
    )
    unidentified = forms.BooleanField(
        label="A subject not yet identified (link the person later)", required=False
    )

    def __init__(self, *args: Any, people: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self._set("category", [("", "Choose a category")] + category_choices())
        self._set("flags", [(f.code, f.label) for f in Flag.objects.order_by("label")])
        self._set("subjects", [(p.ref, p.label) for p in people])

    def _set(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def subject_list(self) -> list[dict[str, str]]:
        chosen = [{"person_ref": ref} for ref in self.cleaned_data.get("subjects", [])]
        if self.cleaned_data.get("unidentified"):
            chosen.append({})
        return chosen


class LinkSubjectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    find = forms.CharField(
        label="Find the person",
        required=False,
        max_length=200,
        help_text="A name, collar number or person reference; then choose Search.",
    )
    person_ref = forms.ChoiceField(label="The person", required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, people: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["person_ref"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.ref, p.label) for p in people]


class ReviewBodyForm(forms.Form):
    """Which body reviews the complaint, for the outcome letter (the choices are those of the
    request_review action in candour/cases/process.py)."""

    review_body = forms.ChoiceField(
        label="Which body would review this complaint?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the body the complainant applies to for a review."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["review_body"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
