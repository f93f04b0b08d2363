"""Form pieces shared by every app: the two-factor token form and the GOV.UK date input."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.text import capfirst


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The six-digit code, for example 123456.",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


# ---- dates as day, month and year ----------------------------------------------------------
# GOV.UK Design System, "Date input" (design-system.service.gov.uk/components/date-input/):
# three text boxes, not a browser date picker; errors say which part is missing or wrong and
# only that part is highlighted.

DATE_PARTS = ("day", "month", "year")
_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}


@dataclass(frozen=True)
class DateProblem:
    """What is wrong with a typed date: ``missing`` parts, a ``year`` not of four numbers, or
    not a ``real`` date; ``parts`` are the boxes to highlight."""

    kind: str
    parts: tuple[str, ...]

    def message(self, noun: str) -> str:
        if self.kind == "missing":
            return f"{capfirst(noun)} must include a {' and '.join(self.parts)}."
        if self.kind == "year":
            return f"The year of {noun} must include 4 numbers, for example 2024."
        return f"{capfirst(noun)} must be a real date."


def read_date_parts(day: str, month: str, year: str) -> dt.date | DateProblem | None:
    """The date typed as day, month and year (a month may be a name, "March" or "mar"); None
    when all three are empty."""
    typed = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(typed.values()):
        return None
    missing = tuple(part for part in DATE_PARTS if not typed[part])
    if missing:
        return DateProblem("missing", missing)
    month_number = _MONTH_NAMES.get(typed["month"].lower())
    if month_number is not None:
        typed["month"] = str(month_number)
    not_numbers = tuple(part for part in DATE_PARTS if not typed[part].isdigit())
    if not_numbers:
        return DateProblem("real", not_numbers)
    if len(typed["year"]) != 4:
        return DateProblem("year", ("year",))
    numbers = {part: int(typed[part]) for part in DATE_PARTS}
    if not 1 <= numbers["month"] <= 12:
        return DateProblem("real", ("month",))
    if not 1 <= numbers["day"] <= 31:
        return DateProblem("real", ("day",))
    try:
        return dt.date(numbers["year"], numbers["month"], numbers["day"])
    except ValueError:  # 31 April, 29 February in a common year
        return DateProblem("real", DATE_PARTS)


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes named ``<name>_day``, ``_month`` and
    ``_year``. A plain ``<name>=YYYY-MM-DD`` (a link, a bookmarked search) is read too."""

    template_name = "core/widgets/date_input.html"
    WIDTHS = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
            for part in DATE_PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if any(f"{name}_{part}" in data for part in DATE_PARTS):
            return [data.get(f"{name}_{part}") or "" for part in DATE_PARTS]
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def wrong_parts(self, value: Any) -> tuple[str, ...]:
        """The boxes to highlight in a field with an error: those missing or wrong, or all
        three when the date as a whole is wrong (not real, or out of the range allowed)."""
        shown = value if isinstance(value, list | tuple) else self.decompress(value)
        problem = read_date_parts(*(str(v or "") for v in shown))
        return problem.parts if isinstance(problem, DateProblem) else DATE_PARTS

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Only a field with errors (Django sets aria-invalid) highlights boxes: the wrong ones.
        invalid = bool((attrs or {}).get("aria-invalid"))
        wrong = self.wrong_parts(value) if invalid else ()
        for part, sub in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            sub["part"] = part
            sub["label"] = part.capitalize()
            sub["width"] = self.WIDTHS[part]
            sub["wrong"] = invalid and part in wrong
            sub["attrs"].pop("aria-invalid", None)
            sub["attrs"].pop("aria-describedby", None)
        return context


class DateBoundField(BoundField):
    @property
    def error_target_id(self) -> str:
        """The box the error summary links to: the first one in error (GOV.UK date input)."""
        widget = self.field.widget
        assert isinstance(widget, DateInputWidget)
        first = widget.wrong_parts(self.value())[0]
        return f"{self.auto_id}_{DATE_PARTS.index(first)}"


class DateInputField(forms.DateField):
    """A date typed in the GOV.UK date input. ``noun`` names the date in error messages, e.g.
    "the date received": "The date received must include a month"."""

    widget = DateInputWidget

    def __init__(self, *, noun: str = "the date", **kwargs: Any) -> None:
        self.noun = noun
        error_messages = {"required": f"Enter {noun}.", **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=error_messages, **kwargs)

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> BoundField:
        return DateBoundField(form, self, field_name)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, list | tuple):
            read = read_date_parts(*(str(v or "") for v in value))
            if isinstance(read, DateProblem):
                raise ValidationError(read.message(self.noun), code=read.kind)
            return read
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                DateProblem("real", DATE_PARTS).message(self.noun), code="invalid"
            ) from None
