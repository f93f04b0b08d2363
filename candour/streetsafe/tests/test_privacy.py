"""Nothing about the person who reports is kept: not in any row of any table, not in any log
line, not in Redis; abuse is held back by a rate limit on a salted hash."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from candour.streetsafe import privacy
from candour.streetsafe.models import Report

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) UniqueAgent-7f3a9c"
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()
ANSWERS = {
    "latitude": "52.62783",
    "longitude": "1.29834",
    "place": "Norwich, Norfolk",
    "force": "norfolk",
    "day": YESTERDAY,
    "time_of_day": "night",
    "place_reasons": "poor_lighting",
}


def every_stored_value() -> str:
    """The text of every row of every table in the database."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


@pytest.mark.django_db
def test_no_stored_row_or_log_line_holds_the_reporter_s_address_or_user_agent(client, caplog):
    caplog.set_level(logging.DEBUG)
    for path, data in (
        (reverse("streetsafe:where"), {"q": "Norwich"}),
        (reverse("streetsafe:details"), {**ANSWERS, "step": "details"}),
        (reverse("streetsafe:send"), ANSWERS),
    ):
        response = client.post(path, data, REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
        assert response.status_code in (200, 302)
    assert Report.objects.count() == 1

    stored = every_stored_value()
    assert ADDRESS not in stored and "UniqueAgent" not in stored
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert ADDRESS not in logged and "UniqueAgent" not in logged


def test_the_rate_limit_counts_a_salted_hash_in_redis_never_the_address():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    limiter = privacy.RateLimiter(3, 60, "redis://127.0.0.1:6379/0")
    unique = f"198.51.100.{os.getpid() % 250}"

    allowed = [limiter.allow(unique) for _ in range(4)]

    assert allowed == [True, True, True, False]
    keys = [k.decode() for k in client.scan_iter("candour:streetsafe:*")]
    assert keys and all(unique not in key for key in keys)
    for key in keys:
        assert 0 < client.ttl(key) <= 3600, "every key expires within the hour"
        value = client.get(key)
        assert value is None or unique.encode() not in value


def test_without_redis_the_limit_is_kept_in_memory():
    limiter = privacy.RateLimiter(2, 60, "redis://127.0.0.1:1/0")  # nothing listens there
    assert [limiter.allow("192.0.2.1") for _ in range(3)] == [True, True, False]
    assert limiter.allow("192.0.2.2") is True
    assert all("192.0.2" not in key for key in limiter._memory)


@pytest.mark.django_db
def test_too_many_reports_from_one_connection_are_refused_kindly(client, settings):
    settings.STREETSAFE_RATE_LIMIT = 2
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    statuses = [
        client.post(reverse("streetsafe:send"), ANSWERS, REMOTE_ADDR="192.0.2.9").status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2
    assert (
        client.post(reverse("streetsafe:send"), ANSWERS, REMOTE_ADDR="192.0.2.10").status_code
        == 302
    )


def test_the_access_log_of_public_pages_names_no_address_agent_query_or_time(tmp_path):
    from gunicorn.config import Config

    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    logger = privacy.PrivateAccessLogger(config)

    class Response:
        status = "302 Found"
        sent = 0
        headers: list[tuple[str, str]] = []
        response_length = 0

    class Request:
        headers = [("USER-AGENT", AGENT)]
        method, path, query, version = "POST", "/streetsafe/send/", "q=NR1", (1, 1)
        uri = "/streetsafe/send/?q=NR1"

    environ = {
        "PATH_INFO": "/streetsafe/send/",
        "QUERY_STRING": "q=NR1",
        "REQUEST_METHOD": "POST",
        "REMOTE_ADDR": ADDRESS,
        "HTTP_USER_AGENT": AGENT,
        "RAW_URI": "/streetsafe/send/?q=NR1",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(Response(), Request(), environ, dt.timedelta(seconds=0.01))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert '"POST /streetsafe/send/" 302' in line
    assert ADDRESS not in line and "UniqueAgent" not in line and "NR1" not in line
    assert str(dt.date.today().year) not in line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_a_real_candour_serve_logs_nothing_of_the_reporter(tmp_path):
    """End to end: `candour serve` (Gunicorn), a report sent from 127.0.0.2 with a distinctive
    user agent; neither appears in the server's output or in the database."""
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CANDOUR_DATA_DIR": str(tmp_path),
        "CANDOUR_LOG_LEVEL": "DEBUG",
        "CANDOUR_REDIS_URL": "redis://127.0.0.1:1/0",
    }
    candour = [str(Path(sys.executable).parent / "candour")]
    subprocess.run([*candour, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    port = _free_port()
    out = tmp_path / "serve.log"
    with out.open("w") as log:
        server = subprocess.Popen(
            [*candour, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/streetsafe/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        import http.client

        # The client sends from 127.0.0.2: a distinct reporter, whose address we then look for.
        sender = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=30, source_address=("127.0.0.2", 0)
        )
        sender.request(
            "POST",
            "/streetsafe/send/",
            body=urllib.parse.urlencode(ANSWERS),
            headers={"User-Agent": AGENT, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert sender.getresponse().status == 302
        sender.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = out.read_text()
    assert '"POST /streetsafe/send/" 302' in logged, logged[-2000:]
    assert "127.0.0.2" not in logged and "UniqueAgent" not in logged
    import sqlite3

    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(repr(db.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)
    assert "127.0.0.2" not in dump and "UniqueAgent" not in dump
    assert Path(database).exists()
