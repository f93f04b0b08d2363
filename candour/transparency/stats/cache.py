"""Cached answers for pages that many people read (the public pages): the same question on the
same data gives the same table, so it is counted once and kept until the data change.

"The data change" is read from the change marks of the case tables and the workforce
(``candour.core.changes``): every write raises one in its own transaction, so an answer is never
served for data older than the tables. The time limit (``STATS_CACHE_SECONDS``) only bounds how
long an unused answer is kept."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache

from candour.core import changes
from candour.transparency.stats.query import StatsQuery, StatsResult

# What the public figures are counted from: case data, and the workforce for rates.
SOURCES = (changes.CASES, changes.WORKFORCE)


def fingerprint() -> str:
    return changes.stamp(*SOURCES)


def cached_compute(
    query: StatsQuery,
    *,
    suppress: int | None,
    per: int | None = None,
    data_version: str | None = None,
) -> StatsResult:
    from candour.transparency.stats import compute

    version = data_version or fingerprint()
    key_source = json.dumps([query.to_json(), suppress, per, version], sort_keys=True)
    key = "stats:" + hashlib.sha256(key_source.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = compute(query, suppress=suppress, per=per)
        cache.set(key, result, settings.STATS_CACHE_SECONDS)
    return result
