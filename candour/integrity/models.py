"""Early warning's own records: an analyst's decision on a raised flag (docs/early-warning.md).

Flags themselves are not stored: the rules (candour/integrity/rules.py) raise them from the case
data whenever they are asked. A decision keeps the flag as the analyst saw it (its explanation
and facts) and its fingerprint, so that a flag decided "no action" is not raised again for the
same facts, while a new fact makes a new flag.
"""

from __future__ import annotations

from django.db import models

from candour.core.models import Person, User


class Decision(models.TextChoices):
    NO_ACTION = "no_action", "No action"
    ADVICE = "advice", "Advice"
    INTELLIGENCE_DEVELOPMENT = "intelligence_development", "Intelligence development"
    REFER_TO_PSD = "refer_to_psd", "Refer to PSD"


class FlagDecision(models.Model):
    """What a counter-corruption analyst decided about one raised flag, and why."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flag_decisions")
    rule = models.CharField(max_length=40)
    key = models.CharField(max_length=64, blank=True, default="")
    fingerprint = models.CharField(max_length=32, help_text="The flag's rule, person and facts.")
    raised_on = models.DateField()
    explanation = models.TextField(help_text="The flag's explanation as the analyst read it.")
    facts = models.JSONField(default=list, help_text='[{"kind", "ref", "date"}]')
    decision = models.CharField(max_length=32, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fingerprint"], name="flag_decision_unique_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} for {self.person.ref}: {self.get_decision_display()}"


class AccessAction(models.TextChoices):
    SEARCH = "search", "Search"
    VIEW = "view", "View"


class RecordType(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"
    ADDRESS = "address", "Address"
    INCIDENT = "incident", "Incident"
    CRIME = "crime", "Crime"
    INTELLIGENCE = "intelligence", "Intelligence"
    OTHER = "other", "Other"


class AccessEvent(models.Model):
    """One look-up in a force system (interchange §8, ``candour import access-log``). Personal
    data, read by the counter-corruption roles alone. ``person`` is the workforce record of
    whoever looked (empty when ``user_ref`` is in no workforce file yet); ``row_key`` identifies
    the row by everything it says, so importing a file twice changes nothing."""

    force = models.ForeignKey("core.Force", on_delete=models.PROTECT, related_name="+")
    user_ref = models.CharField(max_length=64)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    accessed_at = models.DateTimeField()
    system = models.CharField(max_length=40)
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    record_type = models.CharField(max_length=16, choices=RecordType.choices)
    record_ref = models.CharField(max_length=120, blank=True)
    search_term = models.CharField(max_length=200, blank=True)
    task_ref = models.CharField(max_length=120, blank=True)
    row_key = models.CharField(max_length=32, unique=True)

    class Meta:
        ordering = ["accessed_at", "id"]
        indexes = [
            models.Index(fields=["person", "accessed_at"], name="access_person_at_idx"),
            models.Index(fields=["force", "accessed_at"], name="access_force_at_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user_ref} {self.action} {self.record_type} {self.record_ref} on {self.system}"
        )


class IntegrityReport(models.Model):
    """A concern about a colleague sent through the anonymous integrity line
    (docs/early-warning.md, "The integrity line"). Nothing identifying the reporter is kept: no
    account, address, user agent, cookie or time of sending, only the day; their name only when
    they choose to give it. ``reference`` and the passphrase (kept as a salted hash) let them
    add information and read replies later."""

    force = models.ForeignKey("core.Force", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=16, unique=True)
    passphrase_hash = models.CharField(max_length=128)
    about = models.CharField(max_length=300, help_text="Who the concern is about.")
    concern = models.TextField()
    reporter_name = models.CharField(max_length=200, blank=True)
    received_on = models.DateField(help_text="The day only: a time could single the sender out.")

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Integrity report {self.reference}"


class IntegrityMessage(models.Model):
    """More information from the reporter, or a reply from the counter-corruption unit."""

    report = models.ForeignKey(IntegrityReport, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    text = models.TextField()
    written_on = models.DateField()

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{'reporter' if self.from_reporter else 'reply'} on {self.report.reference}"


class DeclarationKind(models.TextChoices):
    ASSOCIATION = "association", "Notifiable association"
    BUSINESS_INTEREST = "business_interest", "Business interest or secondary employment"
    GIFT_HOSPITALITY = "gift_hospitality", "Gift or hospitality"


class Declaration(models.Model):
    """What a member of staff declares (College of Policing APP on vetting and the Code of
    Ethics: notifiable associations, business interests and secondary employment, gifts and
    hospitality), with the day it is next to be reviewed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=20, choices=DeclarationKind.choices)
    details = models.TextField()
    declared_on = models.DateField()
    review_on = models.DateField(help_text="When the declaration is next to be reviewed.")

    class Meta:
        ordering = ["review_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person.ref}"
