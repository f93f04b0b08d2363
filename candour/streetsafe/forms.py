"""The public StreetSafe form, in steps: where, then what happened, then a check.

There is no free-text answer anywhere: every answer is a choice, a date or a position. The place
search box is text, but what is typed is only used to look places up and is never stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from candour.core.forms import DateInputField
from candour.core.models import Force
from candour.streetsafe.reasons import REASONS, AgeBand, ReporterSex, Targeted, TimeOfDay

OLDEST_DAYS = 366  # reports are about the past year
MAP_ZOOM_NEEDED = 13  # a map position is taken only from a map zoomed in to streets


class PlaceSearchForm(forms.Form):
    q = forms.CharField(
        label="Postcode, street or place name",
        help_text="For example, NR1 3QU or Norwich.",
        max_length=80,
        error_messages={"required": "Enter a postcode, street or place name."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class PositionForm(forms.Form):
    """A position chosen on the map, from a search or from the list of places."""

    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
    place = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)
    zoom = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zoom = data.get("zoom")
        if zoom is not None and zoom < MAP_ZOOM_NEEDED:
            raise forms.ValidationError(
                "Zoom the map in until you can see streets, then mark the place."
            )
        return data


def _choices(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [*choices, ("", "Prefer not to say")]


class ReportForm(forms.Form):
    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
    place = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)
    force = forms.ModelChoiceField(
        queryset=Force.objects.filter(territorial=True),
        label="Which police force covers this place?",
        help_text="We have worked this out from the place you chose. Change it if it is wrong.",
        empty_label="Choose a police force",
        error_messages={"required": "Choose the police force that covers the place."},
    )
    day = DateInputField(
        label="What day was it?", noun="the day it happened", help_text="For example, 27 3 2026"
    )
    time_of_day = forms.ChoiceField(
        label="What time of day was it?",
        choices=TimeOfDay.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the time of day."},
    )
    place_reasons = forms.MultipleChoiceField(
        label="Was it something about the place?",
        help_text="Select all that apply.",
        required=False,
        choices=[(r.code, r.label) for r in REASONS if r.kind == "environmental"],
        widget=forms.CheckboxSelectMultiple,
    )
    behaviour_reasons = forms.MultipleChoiceField(
        label="Was it something someone did?",
        help_text="Select all that apply.",
        required=False,
        choices=[(r.code, r.label) for r in REASONS if r.kind == "behavioural"],
        widget=forms.CheckboxSelectMultiple,
    )
    age_band = forms.ChoiceField(
        label="How old are you? (optional)",
        choices=_choices(AgeBand.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(
        label="What is your sex? (optional)",
        choices=_choices(ReporterSex.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    targeted = forms.ChoiceField(
        label="Did you feel targeted because of who you are? (optional)",
        help_text="For example your race, religion, sexual orientation, disability, sex or gender identity.",
        choices=_choices(Targeted.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling robots.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError("The day it happened must be today or in the past.")
        if day < today - dt.timedelta(days=OLDEST_DAYS):
            raise forms.ValidationError("The day it happened must be within the last 12 months.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place_reasons") and not data.get("behaviour_reasons"):
            self.add_error(
                "place_reasons",
                "Select at least one reason you felt unsafe, about the place or about what someone did.",
            )
        return data

    def reasons(self) -> list[str]:
        return [*self.cleaned_data["place_reasons"], *self.cleaned_data["behaviour_reasons"]]

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class HotspotFilterForm(forms.Form):
    """The police hotspot pages' filters: force, period, reason and time of day."""

    force = forms.ChoiceField(label="Force")
    start = DateInputField(label="From", noun="the start of the period", required=False)
    end = DateInputField(label="To", noun="the end of the period", required=False)
    reason = forms.MultipleChoiceField(
        label="Reasons",
        required=False,
        choices=[(r.code, r.label) for r in REASONS],
        widget=forms.CheckboxSelectMultiple,
        help_text="Reports giving any of these reasons. None chosen: every report.",
    )
    time_of_day = forms.MultipleChoiceField(
        label="Time of day",
        required=False,
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, forces: list[Force], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["force"].choices = [(f.code, f.name) for f in forces]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be on or after its start.")
        return data


class AreaActionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was done?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done."},
    )
    done_on = DateInputField(
        label="When was it done?", noun="the day it was done", help_text="For example, 27 3 2026"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from candour.streetsafe.models import ActionKind

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = ActionKind.choices  # type: ignore[attr-defined]
