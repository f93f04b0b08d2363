"""Models of the transparency app.

``PublishedFigure`` holds figures other bodies published (interchange §4), so a force's own
counts can be set beside what journalists, the IOPC or other forces reported.
"""

from __future__ import annotations

from django.db import models

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


from candour.transparency.models_foi import *  # noqa


# FOI answers live in their own module (owned with the FOI pages); Django finds models here.
from candour.transparency.models_foi import FoiAnswer  # noqa: E402

# The flat statistics table (owned with the statistics engine).
from candour.transparency.stats.models import StatState  # noqa: E402

__all__ = ["FoiAnswer", "PublishedFigure", "StatState"]
