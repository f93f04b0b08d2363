"""The state of the counting store (``stats.flat``): the DuckDB file of flattened case rows
that statistics are counted from.

The store itself lives outside the main database (``STATS_STORE_DIR``). Its one table,
``stat_rows``, holds one row per subject's part in an allegation (``level`` 2; subject fields
filled, ``subject_id`` empty if unidentified), one per allegation with no subject recorded
(``level`` 1; subject fields empty) and one per case with no allegation recorded (``level`` 0;
allegation fields empty). Values are stored as the engine reports them: blank or missing codes
as ``unknown``; years and financial years (the year April–March starts in) precomputed; one
boolean column per theme (``flag_*``) and ``flag_none`` for an allegation with no theme.
"""

from __future__ import annotations

from django.db import models

from candour.cases.models import FlagCode

FLAG_COLUMNS = {str(code): f"flag_{code}" for code in FlagCode.values}
NO_FLAG_COLUMN = "flag_none"


class StatState(models.Model):
    """One row: which counting-store file is current, and the fingerprint of the case tables it
    was built from (``stats.flat``)."""

    fingerprint = models.CharField(max_length=64, blank=True)
    store = models.CharField(max_length=80, blank=True)  # file name in STATS_STORE_DIR
    refreshed_at = models.DateTimeField(null=True)
    rows = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"statistics rows {self.fingerprint or 'never built'}"
