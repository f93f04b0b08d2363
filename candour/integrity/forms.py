"""The analyst's decision on a flag (docs/early-warning.md, "Decisions")."""

from __future__ import annotations

from django import forms

from candour.integrity.models import Decision, DeclarationKind


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


class IntegrityReportForm(forms.Form):
    force = forms.ChoiceField(label="Your force", choices=())
    about = forms.CharField(
        label="Who is your concern about?",
        max_length=300,
        help_text="Their name, collar number or team, as far as you know them.",
        error_messages={"required": "Say who your concern is about."},
    )
    concern = forms.CharField(
        label="What is your concern?",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text="What happened, when and where, and who else saw it. Leave out anything "
        "that would tell us who you are, unless you want us to know.",
        error_messages={"required": "Describe your concern."},
    )
    reporter_name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=200,
        help_text="Only if you choose to tell us. Leave it empty to stay anonymous.",
    )

    def __init__(self, *args: object, forces: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["force"].choices = forces  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=16)
    passphrase = forms.CharField(label="Passphrase", max_length=40)
    text = forms.CharField(
        label="More information (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Reply to the reporter",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Write the reply."},
    )


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you declaring?",
        choices=DeclarationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are declaring."},
    )
    details = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text="Who or what, since when, and how you are connected.",
        error_messages={"required": "Give the details."},
    )
