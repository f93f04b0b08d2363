"""The analyst's decision on a flag (docs/early-warning.md, "Decisions")."""

from __future__ import annotations

from django import forms

from candour.integrity.models import Decision


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Why, in a few sentences: what you read and what it shows.",
        error_messages={"required": "Give the reason for the decision."},
    )
