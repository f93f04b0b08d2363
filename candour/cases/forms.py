"""Forms of the case pages. They check what a person typed and say what is wrong with each
field; the rules of the statutory process are in candour/cases/process.py, never here."""

from __future__ import annotations

from typing import Any

from django import forms

from candour.cases.models import CaseType, Category, Flag
from candour.cases.search import CaseFilters
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
    category = forms.ChoiceField(label="Allegation category", required=False)
    flag = forms.ChoiceField(label="Theme", required=False)
    subject = forms.CharField(label="Subject's person reference", required=False, max_length=64)
    received_from = forms.DateField(
        label="Received on or after",
        required=False,
        help_text="For example, 2024-04-01",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = forms.DateField(
        label="Received on or before",
        required=False,
        help_text="For example, 2025-03-31",
        widget=forms.DateInput(attrs={"type": "date"}),
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
        self.fields["received_from"].error_messages["invalid"] = (
            "Enter the date as year-month-day, for example 2024-04-01."
        )
        self.fields["received_to"].error_messages["invalid"] = (
            "Enter the date as year-month-day, for example 2025-03-31."
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
            category=data.get("category") or "",
            flag=data.get("flag") or "",
            subject=(data.get("subject") or "").strip(),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
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
