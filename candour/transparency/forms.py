"""The statistics question as a form: what to count, broken down by what, for which forces,
period, themes and type of matter. The statistics page, the FOI page and the public pages share
it; ``to_query`` turns it into the one ``StatsQuery`` the engine runs."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.cases.models import CaseType, FlagCode
from candour.core.models import Force
from candour.transparency.stats import CASES, StatsQuery

COUNT_CHOICES = CASES.count_choices()
DIMENSION_CHOICES = [(code, dim.title) for code, dim in CASES.dimension.items()]


class StatsForm(forms.Form):
    count = forms.ChoiceField(
        label="What to count",
        choices=COUNT_CHOICES,
        initial="allegations",
        widget=forms.RadioSelect,
    )
    by = forms.ChoiceField(label="Break down by", choices=DIMENSION_CHOICES, initial="year")
    then_by = forms.ChoiceField(
        label="Then by (optional)",
        choices=[("", "No second breakdown"), *DIMENSION_CHOICES],
        required=False,
    )
    forces = forms.ModelMultipleChoiceField(
        label="Forces",
        queryset=Force.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for all of your forces.",
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 2015-04-01",
    )
    date_to = forms.DateField(
        label="To (inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 2022-03-31",
    )
    date_field = forms.ChoiceField(
        label="The period is on",
        choices=[("received_date", "Date received"), ("outcome_date", "Date of the outcome")],
        initial="received_date",
        widget=forms.RadioSelect,
        required=False,
    )
    flags = forms.MultipleChoiceField(
        label="Only allegations with any of these themes",
        choices=FlagCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    case_type = forms.ChoiceField(
        label="Type of matter", choices=[("", "All types"), *CaseType.choices], required=False
    )
    per = forms.BooleanField(label="Add the rate per 1,000 people in post", required=False)

    def __init__(self, *args: Any, forces: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["forces"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = forces if forces is not None else Force.objects.all()
        self.allowed_forces = [f.code for f in field.queryset]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.allowed_forces:
            # Never fall back to "every force": an account with no forces counts nothing.
            raise forms.ValidationError(
                "Your account is not linked to any force, so there is nothing to count. "
                "Ask an administrator to add your force."
            )
        if data.get("by") and data.get("by") == data.get("then_by"):
            self.add_error("then_by", "Choose a different second breakdown, or none.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period must be on or after its start.")
        return data

    def to_query(self) -> StatsQuery:
        data = self.cleaned_data
        by = tuple(code for code in (data["by"], data.get("then_by")) if code)
        forces = tuple(sorted(f.code for f in data.get("forces") or [])) or tuple(
            self.allowed_forces
        )
        return StatsQuery(
            count=data["count"],
            by=by,
            forces=forces,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            date_field=data.get("date_field") or "received_date",
            flags=tuple(data.get("flags") or ()),
            case_type=data.get("case_type") or "",
        )


class StatisticsForm(StatsForm):
    show_small = forms.BooleanField(
        label="Show numbers below the threshold (for use inside the force only)", required=False
    )


class FoiForm(StatsForm):
    reference = forms.CharField(
        label="FOI reference", max_length=64, help_text="For example, FOI/2024/0123"
    )
    request_text = forms.CharField(
        label="The request",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Copy the requester's question.",
    )
    field_order = ["reference", "request_text"]
