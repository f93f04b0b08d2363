"""The statistics question as a form: what to count, broken down by what, for which forces,
period, themes and type of matter. The statistics page and the FOI page share it, for every
declared source: its choices come from the source's declaration (``?source=vetting``), and
``to_query`` turns it into the one ``StatsQuery`` the engine runs."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.core.forms import DateInputField
from candour.core.models import Force
from candour.transparency.comparison import COUNTS, Question, forces_with_figures
from candour.transparency.stats import CASES, SOURCES, StatsQuery
from candour.transparency.stats.declaration import Source

COUNT_CHOICES = CASES.count_choices()
DIMENSION_CHOICES = [(code, dim.title) for code, dim in CASES.dimension.items()]


def source_of(name: str | None) -> Source:
    """The source a page was asked for (``?source=``); the cases when none or an unknown one."""
    return SOURCES.get(name or "", CASES)


class StatsForm(forms.Form):
    source = forms.CharField(widget=forms.HiddenInput, required=False)
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
    date_from = DateInputField(
        label="From", noun="the start date", required=False, help_text="For example, 1 4 2015"
    )
    date_to = DateInputField(
        label="To (inclusive)",
        noun="the end date",
        required=False,
        help_text="For example, 31 3 2022",
    )
    date_field = forms.ChoiceField(
        label="The period is on",
        choices=[(d.name, d.title) for d in CASES.dates],
        initial="received_date",
        widget=forms.RadioSelect,
        required=False,
    )
    flags = forms.MultipleChoiceField(
        label="Only allegations with any of these themes",
        choices=[(code, CASES.dimension["flag"].labels[code]) for code in CASES.tags.codes]
        if CASES.tags
        else [],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    case_type = forms.ChoiceField(
        label="Type of matter",
        choices=[("", "All types"), *CASES.dimension["case_type"].labels.items()],
        required=False,
    )
    per = forms.BooleanField(label="Add the rate per 1,000 people in post", required=False)

    def __init__(
        self, *args: Any, forces: Any = None, source: Source = CASES, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.declared = source
        self.fields["source"].initial = source.name
        if source is not CASES:
            self._choices_of(source)
        field = self.fields["forces"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = forces if forces is not None else Force.objects.all()
        self.allowed_forces = [f.code for f in field.queryset]

    def _choices_of(self, source: Source) -> None:
        """Counts, dimensions and dates of another source; filters it does not have go."""
        count = self.fields["count"]
        assert isinstance(count, forms.ChoiceField)
        count.choices, count.initial = source.count_choices(), source.default_count
        dimensions = [(code, d.title) for code, d in source.dimension.items()]
        for name, blank in (("by", []), ("then_by", [("", "No second breakdown")])):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*blank, *dimensions]
        self.fields["by"].initial = "year"
        dates = self.fields["date_field"]
        assert isinstance(dates, forms.ChoiceField)
        dates.choices = [(d.name, d.title) for d in source.dates]
        dates.initial = source.count[source.default_count].date
        if source.tags is None:
            del self.fields["flags"]
        if "case_type" not in dict(source.filters):
            del self.fields["case_type"]

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
            source=self.declared.name,
            count=data["count"],
            by=by,
            forces=forces,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            date_field=data.get("date_field") or "",
            flags=tuple(data.get("flags") or ()),
            case_type=data.get("case_type") or "",
        )


class StatisticsForm(StatsForm):
    show_small = forms.BooleanField(
        label="Show numbers below the threshold (for use inside the force only)", required=False
    )

    def __init__(self, *args: Any, may_see_small_numbers: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_see_small_numbers:  # only SEE_SMALL_NUMBERS offers (and honours) the box
            del self.fields["show_small"]


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


class IopcReturnForm(forms.Form):
    """Which force's return, for which quarter (``2024/25-Q1``)."""

    force = forms.ModelChoiceField(
        label="Force", queryset=Force.objects.none(), to_field_name="code"
    )
    quarter = forms.CharField(
        label="Quarter of the financial year",
        max_length=20,
        help_text="For example, 2024/25-Q1 (April to June 2024)",
    )

    def __init__(self, *args: Any, forces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]

    def clean_quarter(self) -> Any:
        from candour.transparency.iopc import Quarter
        from candour.transparency.stats import StatsUsageError

        try:
            return Quarter.parse(self.cleaned_data["quarter"])
        except StatsUsageError as exc:
            raise forms.ValidationError(str(exc)) from None


class ComparisonForm(forms.Form):
    """Which figure to compare across which forces (``comparison.Question``). Every force may
    be chosen: the figures are those the public pages give, small numbers withheld."""

    count = forms.ChoiceField(
        label="What to count",
        choices=[(code, CASES.count[code].label or code.capitalize()) for code in COUNTS],
        initial="officers",
        widget=forms.RadioSelect,
    )
    flags = forms.MultipleChoiceField(
        label="Only allegations with any of these themes (optional)",
        choices=[(code, CASES.dimension["flag"].labels[code]) for code in CASES.tags.codes]
        if CASES.tags
        else [],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = DateInputField(
        label="From", noun="the start date", required=False, help_text="For example, 1 1 2021"
    )
    date_to = DateInputField(
        label="To (inclusive)",
        noun="the end date",
        required=False,
        help_text="For example, 31 12 2025",
    )
    forces = forms.ModelMultipleChoiceField(
        label="Forces to compare",
        queryset=Force.objects.order_by("name"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every force Candour holds figures for.",
    )

    def __init__(self, *args: Any, own: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own = own

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period must be on or after its start.")
        return data

    def to_question(self) -> Question:
        data = self.cleaned_data
        chosen = tuple(sorted(f.code for f in data.get("forces") or []))
        if not chosen:
            chosen = tuple(sorted({*forces_with_figures(), *self.own}))
        return Question(
            count=data["count"],
            flags=tuple(data.get("flags") or ()),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            forces=chosen,
            own=self.own,
        )
