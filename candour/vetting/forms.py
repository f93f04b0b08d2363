from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from candour.core.forms import DateInputField
from candour.vetting.figures import PERIOD_CHOICES
from candour.vetting.models import (
    GRANTING_DECISIONS,
    AppealOutcome,
    CandidateStatus,
    CheckResult,
    CheckType,
    Decision,
    RefusalReason,
)


class LeaverConfirmation(forms.Form):
    """A box to confirm granting clearance to someone who has left the workforce, offered only
    with ``leaver_warning`` (``services.leaver_warning`` for the person); the services refuse
    such a grant without it."""

    confirm_left_workforce = forms.BooleanField(
        label="I have checked: grant clearance although this person has left the workforce",
        required=False,
    )

    def __init__(self, *args: Any, leaver_warning: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaver_warning = leaver_warning
        if not leaver_warning:
            del self.fields["confirm_left_workforce"]

    def check_leaver_confirmed(self, grants: bool, instead: str) -> None:
        if self.leaver_warning and grants and not self.cleaned_data.get("confirm_left_workforce"):
            self.add_error(
                "confirm_left_workforce",
                "Confirm that you mean to grant clearance to someone who has left the "
                f"workforce, or {instead} instead.",
            )


class DecisionForm(LeaverConfirmation):
    decision = forms.ChoiceField(
        label="Decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label="Reason for refusing or withdrawing",
        choices=[("", "Not refused")] + list(RefusalReason.choices),
        required=False,
        help_text="Required when clearance is refused or withdrawn.",
    )
    conditions = forms.CharField(
        label="Conditions", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(
        label="Rationale", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    field_order = ["decision", "reason", "conditions", "note", "confirm_left_workforce"]

    def clean(self) -> dict:
        data = super().clean() or {}
        decision = data.get("decision")
        self.check_leaver_confirmed(decision in GRANTING_DECISIONS, "refuse or withdraw it")
        if decision in (Decision.REFUSED, Decision.WITHDRAWN) and not data.get("reason"):
            self.add_error("reason", "Choose the reason for refusing or withdrawing clearance.")
        if decision == Decision.GRANTED_WITH_CONDITIONS and not data.get("conditions", "").strip():
            self.add_error("conditions", "Say what the conditions of the clearance are.")
        return data


class CheckForm(forms.Form):
    check_type = forms.ChoiceField(label="Check", choices=CheckType.choices)
    result = forms.ChoiceField(
        label="Result", choices=CheckResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AppealForm(forms.Form):
    grounds = forms.CharField(label="Grounds of appeal", widget=forms.Textarea(attrs={"rows": 3}))


class AppealOutcomeForm(LeaverConfirmation):
    outcome = forms.ChoiceField(
        label="Outcome of the appeal", choices=AppealOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Reasons", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    field_order = ["outcome", "note", "confirm_left_workforce"]

    def clean(self) -> dict:
        data = super().clean() or {}
        upheld = data.get("outcome") == AppealOutcome.UPHELD
        self.check_leaver_confirmed(upheld, "dismiss the appeal")
        return data


class CandidateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[c for c in CandidateStatus.choices if c[0] != CandidateStatus.PENDING]
    )
    seen_status = forms.ChoiceField(choices=CandidateStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CountsForm(forms.Form):
    date_from = DateInputField(
        label="From", noun="the start date", required=False, help_text="For example, 1 4 2020"
    )
    date_to = DateInputField(
        label="To", noun="the end date", required=False, help_text="For example, 31 3 2025"
    )
    period = forms.ChoiceField(
        label="Count per",
        choices=[(p, p.replace("_", " ").capitalize()) for p in PERIOD_CHOICES],
        required=False,
    )

    def range(self) -> tuple[dt.date, dt.date, str]:
        today = dt.date.today()
        data = self.cleaned_data if self.is_valid() else {}
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to.replace(year=date_to.year - 5, month=1, day=1)
        return date_from, date_to, data.get("period") or "year"
