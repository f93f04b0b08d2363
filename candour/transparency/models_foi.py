"""FOI answers: each one saved with its reference, the request, the query and the figures
exactly as given, so it can be reproduced or compared with the records later (Freedom of
Information Act 2000; personal data withheld under section 40)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from candour.core.models import Force


class FoiAnswer(models.Model):
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


__all__ = ["FoiAnswer"]
