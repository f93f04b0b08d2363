"""Keeping the people who report out of every record (docs/streetsafe.md "What is stored").

- ``RateLimiter``: abuse is held back per connection without keeping the connection's address:
  the key is a keyed hash (HMAC-SHA-256) of the address under a random salt that lives only in
  Redis and is replaced every hour, and the count expires after the window (minutes). Without
  Redis, the same happens in this process's memory.
- ``PrivateAccessLogger``: Gunicorn's access log without the client's address, user agent,
  query string or time for the public StreetSafe pages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from typing import Any

from django.conf import settings
from gunicorn.glogging import Logger

SALT_SECONDS = 3600
PUBLIC_PREFIX = "/streetsafe/"
POLICE_PREFIX = "/streetsafe/police/"


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIX) and not path.startswith(POLICE_PREFIX)


class RateLimiter:
    def __init__(self, limit: int, window_seconds: int, redis_url: str) -> None:
        self.limit, self.window = limit, window_seconds
        self.redis_url = redis_url
        self._redis: Any = None
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[int, float]] = {}
        self._memory_salt = (secrets.token_bytes(32), time.monotonic())

    def allow(self, address: str) -> bool:
        """Count one report from ``address``; False once it has sent ``limit`` in the window."""
        if self.limit <= 0:
            return True
        try:
            return self._allow_redis(address)
        except Exception:  # noqa: BLE001 - Redis down or missing: fall back to this process
            return self._allow_memory(address)

    def _client(self) -> Any:
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(
                self.redis_url, socket_connect_timeout=0.2, socket_timeout=0.2
            )
        return self._redis

    def _allow_redis(self, address: str) -> bool:
        client = self._client()
        client.set("candour:streetsafe:salt", secrets.token_hex(32), nx=True, ex=SALT_SECONDS)
        salt = client.get("candour:streetsafe:salt")
        key = "candour:streetsafe:rate:" + _digest(salt, address)
        pipe = client.pipeline()
        pipe.incr(key)
        pipe.expire(key, self.window, nx=True)
        count = pipe.execute()[0]
        return int(count) <= self.limit

    def _allow_memory(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            salt, since = self._memory_salt
            if now - since > SALT_SECONDS:
                self._memory.clear()
                salt, since = self._memory_salt = (secrets.token_bytes(32), now)
            for key in [k for k, (_, t) in self._memory.items() if now - t > self.window]:
                del self._memory[key]
            key = _digest(salt, address)
            count, started = self._memory.get(key, (0, now))
            self._memory[key] = (count + 1, started)
            return count + 1 <= self.limit


def _digest(salt: bytes | str, address: str) -> str:
    key = salt.encode() if isinstance(salt, str) else salt
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    global _limiter
    if _limiter is None or (_limiter.limit, _limiter.window) != (
        settings.STREETSAFE_RATE_LIMIT,
        settings.STREETSAFE_RATE_WINDOW_SECONDS,
    ):
        _limiter = RateLimiter(
            settings.STREETSAFE_RATE_LIMIT,
            settings.STREETSAFE_RATE_WINDOW_SECONDS,
            settings.REDIS_URL,
        )
    return _limiter


class PrivateAccessLogger(Logger):  # type: ignore[misc]
    """Gunicorn's logger; for the public StreetSafe pages an access line names only the method,
    the path and the status: no address, user agent, referrer, query string or time."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        path = environ.get("PATH_INFO", "")
        if not is_public_path(path):
            super().access(resp, req, environ, request_time)
            return
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        status = str(getattr(resp, "status", "")).split(None, 1)[0]
        self.access_log.info('- - - "%s %s" %s', environ.get("REQUEST_METHOD", ""), path, status)
