"""Cached answers for pages that many people read (the public pages): the same question on the
same data gives the same table, so it is counted once and kept until the data change.

"The data change" is read from a cheap fingerprint — the newest ids and change times of cases,
allegations, subjects and the workforce — looked up through primary keys and indexes. A deletion
that leaves every newest id alone is caught by the time limit (``STATS_CACHE_SECONDS``)."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.models import Person
from candour.transparency.stats.engine import StatsQuery, StatsResult

SECONDS = getattr(settings, "STATS_CACHE_SECONDS", 600)


def fingerprint() -> str:
    # One aggregate per query: SQLite answers a lone MAX from an index, but scans the table
    # for two MAXes in one SELECT.
    parts = [
        Case.objects.aggregate(i=Max("id")),
        Case.objects.aggregate(u=Max("updated_at")),
        Allegation.objects.aggregate(i=Max("id")),
        AllegationSubject.objects.aggregate(i=Max("id")),
        Person.objects.aggregate(i=Max("id")),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


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
        cache.set(key, result, SECONDS)
    return result
