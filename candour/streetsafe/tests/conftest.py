"""StreetSafe tests: each test's rate limit starts from nothing.

The public pages count reports per connection in Redis for ten minutes, and the test client
always comes from 127.0.0.1: two runs of these tests within ten minutes (SQLite, then
PostgreSQL) would find the limit reached. So every test here counts in its own process memory
(nothing listens on port 1, which is the limiter's fallback); the Redis path is tested on its
own in test_privacy.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from candour.streetsafe import privacy


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    privacy._limiter = None
    yield
    privacy._limiter = None
