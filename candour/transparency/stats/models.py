"""The state of each source's counting store (``stats.store``): which DuckDB file is current.

The stores themselves live outside the main database (``STATS_STORE_DIR``); their one table,
``stat_rows``, is laid out by the source's declaration (``stats/sql.py``; docs/statistics.md).
"""

from __future__ import annotations

from django.db import models


class StatState(models.Model):
    """One row per source: which counting-store file is current, and the fingerprint of the
    main database it was built from (``stats.freshness``)."""

    source = models.CharField(max_length=40, unique=True, default="cases")
    fingerprint = models.CharField(max_length=64, blank=True)
    store = models.CharField(max_length=80, blank=True)  # file name in STATS_STORE_DIR
    refreshed_at = models.DateTimeField(null=True)
    rows = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} statistics {self.fingerprint or 'never built'}"
