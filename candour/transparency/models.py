"""Models of the transparency app.

``PublishedFigure`` holds figures other bodies published (interchange §4), so a force's own
counts can be set beside what journalists, the IOPC or other forces reported. ``FoiAnswer``
keeps each FOI answer as given: its reference, the request, the query and the figures exactly
as published, so it can be reproduced or compared with the records later (Freedom of
Information Act 2000; personal data withheld under section 40).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from candour.core.models import Force


class PublishedFigure(models.Model):
    """One figure another body published, e.g. a press agency's count of sexual assault claims
    per force from an FOI request. ``value`` is empty when the publisher withheld or did not give
    the figure; ``note`` then says why (e.g. "withheld, s40"). Keyed as interchange §4 says."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="published_figures")
    source = models.CharField(max_length=200, help_text="Who published the figure, and where.")
    period_start = models.DateField()
    period_end = models.DateField()
    measure = models.CharField(
        max_length=120, help_text="What is counted, e.g. sexual_assault_claims."
    )
    breakdown = models.CharField(
        max_length=200,
        blank=True,
        help_text="The slice counted, e.g. subject_sex=male; empty for a total.",
    )
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["force", "period_start", "source", "measure", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "source", "period_start", "period_end", "measure", "breakdown"],
                name="published_figure_unique_key",
            )
        ]

    def __str__(self) -> str:
        shown = "not given" if self.value is None else f"{self.value.normalize():f}"
        return (
            f"{self.force_id} {self.measure} {self.breakdown or 'total'}: {shown} ({self.source})"
        )


class FoiAnswer(models.Model):
    """One FOI answer as it was given (FOIA 2000): the figures and sentences exactly as
    published, with the query and threshold that produced them."""

    reference = models.CharField(
        max_length=64, help_text="The force's FOI reference, e.g. FOI/2024/0123."
    )
    request_text = models.TextField("request", help_text="The question as the requester put it.")
    forces = models.ManyToManyField(Force, related_name="foi_answers")
    query = models.JSONField(help_text="The statistics query (count, by, filters).")
    threshold = models.PositiveSmallIntegerField(
        help_text="Counts below this were withheld, with secondary suppression."
    )
    figures = models.JSONField(help_text="The published table exactly as given.")
    sentences = models.JSONField(default=list, help_text="The answer in words, as given.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="foi_answers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "FOI answer"
        indexes = [models.Index(fields=["reference"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("transparency:foi_answer", args=[self.pk])

    @property
    def force_codes(self) -> list[str]:
        return list(self.query.get("filters", {}).get("force", []))

    def summary(self) -> dict[str, Any]:
        return {"reference": self.reference, "query": self.query, "threshold": self.threshold}


# The statistics counting store's state (owned with the statistics engine); Django finds models here.
from candour.transparency.stats.models import StatState  # noqa: E402

__all__ = ["FoiAnswer", "PublishedFigure", "StatState"]
