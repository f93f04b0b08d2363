"""StreetSafe: reports of places where people felt unsafe, and what the police did there.

A report holds only what the person chose to tell (docs/streetsafe.md "What is stored"): the
place they marked, the day, a time-of-day band, the reasons and the optional answers. Nothing
about the person's device or connection is ever stored, and no time more precise than the band.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from candour.core.models import Force
from candour.streetsafe.reasons import AgeBand, ReporterSex, Targeted, TimeOfDay, reason_codes


class Source(models.TextChoices):
    WEB = "web", "Candour's public page"
    IMPORT = "import", "Imported file"


class Report(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="streetsafe_reports")
    occurred_on = models.DateField(help_text="The day the person felt unsafe (local time).")
    time_of_day = models.CharField(max_length=10, choices=TimeOfDay.choices)
    latitude = models.FloatField(help_text="WGS84 degrees, as the person chose it.")
    longitude = models.FloatField()
    cell = models.BigIntegerField(help_text="H3 cell of the position at resolution 15.")
    reasons = models.PositiveIntegerField(help_text="One bit per reason (streetsafe/reasons.py).")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=10, choices=ReporterSex.choices, blank=True)
    targeted = models.CharField(
        "felt targeted for a protected characteristic",
        max_length=10,
        choices=Targeted.choices,
        blank=True,
    )
    source = models.CharField(max_length=10, choices=Source.choices)

    class Meta:
        indexes = [models.Index(fields=["force", "occurred_on"], name="streetsafe_force_day")]

    def __str__(self) -> str:
        return f"StreetSafe report {self.pk} ({self.force_id}, {self.occurred_on})"

    def reason_codes(self) -> list[str]:
        return reason_codes(self.reasons)


class ActionKind(models.TextChoices):
    PATROL = "patrol", "Patrols"
    LIGHTING_FIXED = "lighting_fixed", "Lighting fixed"
    CCTV_ADDED = "cctv_added", "CCTV added"
    LAYOUT_CHANGED = "layout_changed", "Layout or greenery changed"
    CLEANED_UP = "cleaned_up", "Cleaned up or repaired"
    PARTNER_REFERRAL = "partner_referral", "Passed to the council or another partner"


# What a kind of action means for the people who reported there ("you said, we did").
FIXES = frozenset(
    {
        ActionKind.LIGHTING_FIXED,
        ActionKind.CCTV_ADDED,
        ActionKind.LAYOUT_CHANGED,
        ActionKind.CLEANED_UP,
    }
)


class ActionStatus(models.TextChoices):
    NONE_YET = "none_yet", "No action yet"
    PATROLS = "patrols", "Patrols"
    FIXED = "fixed", "Fixed"


class AreaAction(models.Model):
    """Something a force did in an area (an H3 cell at any resolution), on a day."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="streetsafe_actions")
    area = models.CharField(max_length=16, help_text="H3 cell, hexadecimal.")
    resolution = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    done_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["force", "area"], name="streetsafe_action_area")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.area} on {self.done_on}"
