"""Vetting records (applications, checks, decisions, appeals) and the data-wash review queue.

A person's vetting history is a series of ``VettingApplication``s, one per level applied for,
renewed or reviewed. Each gathers ``VettingCheck``s, ends in a decision, and may be appealed.
A granted application carries the date its clearance expires, from the level's renewal period
in ``candour.vetting.reference`` (the one home of levels, periods and triggers).

The data wash writes ``DataWashRun``s and, when loaded, one ``CandidateMatch`` per candidate
pair for a vetting officer to review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from candour.core.models import Force, Person
from candour.vetting.reference import LEVEL_CHOICES, TRIGGER_CHOICES


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", "First vetting"
    RENEWAL = "renewal", "Renewal"
    REVIEW = "review", "Review"


class Decision(models.TextChoices):
    GRANTED = "granted", "Granted"
    GRANTED_WITH_CONDITIONS = "granted_with_conditions", "Granted with conditions"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


GRANTING_DECISIONS = (Decision.GRANTED, Decision.GRANTED_WITH_CONDITIONS)


class RefusalReason(models.TextChoices):
    """Why clearance was refused or withdrawn: the grounds APP Vetting asks a decision to weigh.
    Counted per period for the transparency engine, so keep codes stable."""

    CRIMINAL_RECORD = "criminal_record", "Convictions or cautions"
    INTELLIGENCE = "intelligence", "Adverse intelligence"
    ASSOCIATIONS = "associations", "Family or associates"
    FINANCIAL = "financial", "Financial vulnerability"
    DISHONESTY = "dishonesty", "Dishonesty or non-disclosure in the application"
    MISCONDUCT = "misconduct", "Misconduct history"
    RESIDENCY = "residency", "Insufficient checkable history (residency)"
    OTHER = "other", "Other"


class CheckType(models.TextChoices):
    PNC = "pnc", "Police National Computer (PNC)"
    PND = "pnd", "Police National Database (PND)"
    LOCAL_INTELLIGENCE = "local_intelligence", "Force intelligence and systems"
    PSD = "psd", "Professional standards (complaints and conduct) records"
    FINANCIAL = "financial", "Financial (credit reference) check"
    SOCIAL_MEDIA = "social_media", "Open source and social media"
    FAMILY_ASSOCIATES = "family_associates", "Family and associates"
    OTHER_FORCES = "other_forces", "Other forces' records"
    BIOMETRIC = "biometric", "Biometric (fingerprints and DNA)"
    SECURITY_SERVICE = "security_service", "Security Service (national security vetting)"
    REFERENCES = "references", "References and employment history"


class CheckResult(models.TextChoices):
    NO_TRACE = "no_trace", "No trace"
    TRACE_NO_CONCERN = "trace_no_concern", "Trace, no concern"
    ADVERSE = "adverse", "Adverse information"


class VettingApplicationQuerySet(models.QuerySet["VettingApplication"]):
    def for_forces(self, forces: list[str]) -> VettingApplicationQuerySet:
        return self.filter(person__force_id__in=forces)

    def awaiting_decision(self) -> VettingApplicationQuerySet:
        return self.filter(decision="")

    def cleared(self) -> VettingApplicationQuerySet:
        """Applications that gave a clearance (granted, or refused and won on appeal)."""
        return self.filter(expires_on__isnull=False)


class VettingApplication(models.Model):
    """One application for, renewal of, or review of a person's clearance at one level."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="vetting")
    level = models.CharField(max_length=8, choices=LEVEL_CHOICES)
    kind = models.CharField(
        max_length=8, choices=ApplicationKind.choices, default=ApplicationKind.INITIAL
    )
    trigger = models.CharField(
        max_length=20, choices=TRIGGER_CHOICES, blank=True, help_text="Why a review was opened."
    )
    source = models.CharField(
        max_length=80, blank=True, help_text="Where the information came from, e.g. data wash."
    )
    applied_on = models.DateField(default=timezone.localdate)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    decision = models.CharField(max_length=24, choices=Decision.choices, blank=True)
    reason = models.CharField(
        max_length=20,
        choices=RefusalReason.choices,
        blank=True,
        help_text="Required when clearance is refused or withdrawn.",
    )
    decision_note = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_on = models.DateField(
        null=True, blank=True, help_text="When the clearance must be renewed (granted only)."
    )

    objects = VettingApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        indexes = [
            models.Index(fields=["person", "level"]),
            models.Index(fields=["decision", "expires_on"]),
            models.Index(fields=["applied_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_kind_display().lower()} for {self.person}"

    @property
    def force_id(self) -> str:
        # So candour.core.audit.record files each entry under the person's force.
        return self.person.force_id

    @property
    def is_open(self) -> bool:
        return self.decision == ""


class VettingCheck(models.Model):
    application = models.ForeignKey(
        VettingApplication, on_delete=models.CASCADE, related_name="checks"
    )
    check_type = models.CharField(max_length=20, choices=CheckType.choices)
    result = models.CharField(max_length=20, choices=CheckResult.choices)
    done_on = models.DateField(default=timezone.localdate)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_check_type_display()}: {self.get_result_display()}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld (clearance granted)"
    DISMISSED = "dismissed", "Dismissed (decision stands)"
    WITHDRAWN = "withdrawn", "Withdrawn by the appellant"


class VettingAppeal(models.Model):
    """An appeal against a refusal or withdrawal (APP Vetting: appeals to a more senior officer)."""

    application = models.ForeignKey(
        VettingApplication, on_delete=models.CASCADE, related_name="appeals"
    )
    lodged_on = models.DateField(default=timezone.localdate)
    grounds = models.TextField()
    outcome = models.CharField(max_length=12, choices=AppealOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["lodged_on", "id"]

    def __str__(self) -> str:
        return f"Appeal against {self.application}"

    @property
    def force_id(self) -> str:
        return self.application.person.force_id


class DataWashRun(models.Model):
    """One run of ``candour datawash``: who ran it, on what, and what it found."""

    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.PROTECT, related_name="datawash_runs"
    )
    run_by = models.CharField(max_length=150, blank=True, help_text="Operating-system user.")
    started_at = models.DateTimeField(default=timezone.now)
    workforce_file = models.CharField(max_length=500)
    national_file = models.CharField(max_length=500)
    out_file = models.CharField(max_length=500)
    engine = models.CharField(max_length=10)
    threshold = models.FloatField()
    rule_outs = models.BooleanField(
        default=True,
        help_text="Whether twins and fathers and sons were ruled out (--rule-outs on|off).",
    )
    summary = models.JSONField(default=dict)
    candidates_loaded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Data wash {self.started_at:%Y-%m-%d %H:%M} ({self.force_id or 'no force'})"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    SAME_PERSON = "same_person", "Same person"
    NOT_SAME_PERSON = "not_same_person", "Not the same person"
    REFERRED = "referred", "Referred to a senior vetting officer"


class CandidateMatch(models.Model):
    """A candidate pair from a data wash: a workforce record and a national record that may be
    the same person. Nothing happens to anyone until a person decides (domain.md)."""

    run = models.ForeignKey(DataWashRun, on_delete=models.CASCADE, related_name="candidates")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="datawash_candidates")
    person_ref = models.CharField(max_length=64)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="datawash_candidates"
    )
    record_id = models.CharField(max_length=64)
    workforce_record = models.JSONField(default=dict, help_text="Snapshot from the workforce file.")
    national_record = models.JSONField(default=dict, help_text="Snapshot from the national file.")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    reasons = models.TextField(blank=True)
    weight_parts = models.JSONField(
        default=list,
        blank=True,
        help_text="Each comparison's part of the match weight: [{'field', 'weight'}].",
    )
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    review = models.ForeignKey(
        VettingApplication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="datawash_candidates",
        help_text="The vetting review a confirmed match opened.",
    )

    class Meta:
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person_ref", "record_id"], name="candidate_unique_pair"
            )
        ]
        indexes = [models.Index(fields=["force", "status", "match_weight"])]

    def __str__(self) -> str:
        return f"{self.person_ref} ~ {self.record_id} ({self.match_probability:.3f})"
