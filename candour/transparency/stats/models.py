"""The flat statistics table: one narrow, indexed row per subject's part in an allegation, so
every statistics query scans one table instead of joining cases, allegations, subjects and themes.

``StatRow`` is derived data, rebuilt from the case tables by ``stats.flat.refresh_stat_rows``
(in SQL, inside the caller's transaction) at the end of every cases import and demo load, and by
``candour refresh-stats``. ``StatState`` remembers the fingerprint of the case tables the rows
were built from; the engine compares it with the current one before each query and rebuilds
(or counts from the case tables) when they differ, so a stale table never gives a wrong number.

Rows (``level``):

- 2: one ``AllegationSubject`` (subject fields filled; ``subject_id`` empty if unidentified);
- 1: an allegation with no subject recorded (subject fields empty);
- 0: a case with no allegation recorded (allegation fields empty).

Values are stored as the engine reports them: blank or missing codes as ``unknown``; years and
financial years (the year April–March starts in) precomputed. ``first_of_case`` and
``first_of_allegation`` mark one row per case and per allegation, so a count of cases or
allegations broken down by case- or allegation-level values is a plain ``COUNT`` of the marked
rows, and ``COUNT(DISTINCT ...)`` is kept for the breakdowns where one case or allegation can
truly fall in several rows.
"""

from __future__ import annotations

from django.db import models

from candour.cases.models import FlagCode

FLAG_COLUMNS = {str(code): f"flag_{code}" for code in FlagCode.values}
NO_FLAG_COLUMN = "flag_none"


class StatRow(models.Model):
    # Keys of the case data (plain integers, no foreign keys: derived rows never block a delete).
    case_id = models.BigIntegerField()
    allegation_id = models.BigIntegerField(null=True)
    subject_row_id = models.BigIntegerField(null=True)  # AllegationSubject.id
    subject_id = models.BigIntegerField(null=True)  # Person.id: officers are counted by it
    level = models.SmallIntegerField()
    first_of_case = models.BooleanField()
    first_of_allegation = models.BooleanField()
    # Case level
    force = models.CharField(max_length=40)
    case_type = models.CharField(max_length=16)
    received_date = models.DateField()
    received_year = models.SmallIntegerField()
    received_fy = models.SmallIntegerField()
    # Allegation level
    category = models.CharField(max_length=60, blank=True)
    flag_sexual = models.BooleanField(default=False)
    flag_domestic_abuse = models.BooleanField(default=False)
    flag_vawg = models.BooleanField(default=False)
    flag_discrimination = models.BooleanField(default=False)
    flag_corruption = models.BooleanField(default=False)
    flag_use_of_force = models.BooleanField(default=False)
    flag_dishonesty = models.BooleanField(default=False)
    flag_none = models.BooleanField(default=False)  # an allegation with no theme
    # Subject level ("unknown" for blank; empty strings on rows of level 0 and 1)
    subject_sex = models.CharField(max_length=8, blank=True)
    subject_role = models.CharField(max_length=20, blank=True)
    subject_rank = models.CharField(max_length=24, blank=True)
    iopc_referral = models.CharField(max_length=12, blank=True)
    investigation = models.CharField(max_length=12, blank=True)
    severity = models.CharField(max_length=20, blank=True)
    proceedings = models.CharField(max_length=28, blank=True)
    outcome = models.CharField(max_length=28, blank=True)
    outcome_date = models.DateField(null=True)
    outcome_year = models.SmallIntegerField(null=True)
    outcome_fy = models.SmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["force", "received_date"], name="statrow_force_received"),
            models.Index(fields=["received_date"], name="statrow_received"),
            models.Index(fields=["outcome_date"], name="statrow_outcome"),
            models.Index(fields=["case_id"], name="statrow_case"),
        ]

    def __str__(self) -> str:
        return f"stat row of case {self.case_id} ({self.force})"


class StatState(models.Model):
    """One row: the fingerprint of the case tables the statistics rows were built from."""

    fingerprint = models.CharField(max_length=64, blank=True)
    refreshed_at = models.DateTimeField(null=True)
    rows = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"statistics rows {self.fingerprint or 'never built'}"
