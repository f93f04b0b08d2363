"""Where the time of a signed-in request goes: sessions, audit writes, templates, queries, the rest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candour_load \\
        .venv/bin/python benchmarks/load/profile.py [--requests 600] [--results FILE]

The same users, page mix and targets as benchmarks/load/run.py, but in one process and one thread
through Django's test client (every middleware, the session, the audit entry, queries and
templates; no network, no Gunicorn, no waiting for other requests). Each request's wall time is
cut into exclusive sections that add up to it: the session's load and save, the audit append
(hashing, the head's lock, the insert, the head's update), template rendering, the queries made
inside each of them (by table: sessions, audit, the user and two-factor device, the rest), and
the view and middleware code that is left. Prints milliseconds per request for each section and
the number of queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("CANDOUR_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import run as load  # noqa: E402  (the load test's users, mixes and targets)


class Sections:
    """Exclusive wall time per named section, nested: a section's time excludes its children."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.local = threading.local()

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        stack = getattr(self.local, "stack", None)
        if stack is None:
            stack = self.local.stack = []
        stack.append([name, 0.0])
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            _, children = stack.pop()
            self.totals[name] += elapsed - children
            self.counts[name] += 1
            if stack:
                stack[-1][1] += elapsed

    def current(self) -> str:
        stack = getattr(self.local, "stack", None) or [["request", 0.0]]
        return str(stack[-1][0])

    def wrap(self, owner: Any, attribute: str, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.section(name):
                return original(*args, **kwargs)

        setattr(owner, attribute, timed)


def table_class(sql: str) -> str:
    lowered = sql.lower()
    if "django_session" in lowered:
        return "sessions"
    if "core_audit" in lowered:
        return "audit"
    if "otp_totp" in lowered:
        return "two-factor device"
    if '"core_user"' in lowered and "from" in lowered and lowered.count("join") == 0:
        return "user"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()

    users = load.prepare_users(args.users, args.seed)
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    from candour.core import models as core_models
    from candour.core.models import User as Account
    from candour.core.twofactor import pending_device

    sections = Sections()
    sections.wrap(SessionStore, "load", "session load")
    sections.wrap(SessionStore, "save", "session save")
    sections.wrap(core_models, "append_audit_entry", "audit append")
    from candour.core import audit

    audit.append_audit_entry = core_models.append_audit_entry  # type: ignore[attr-defined]
    sections.wrap(Template, "render", "template rendering")
    queries: dict[str, int] = defaultdict(int)

    def timed_sql(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        where = sections.current()
        kind = table_class(sql)
        queries[kind] += 1
        with sections.section(f"queries: {kind} (in {where})"):
            return execute(sql, params, many, context)

    clients = []
    for user in users:
        client = Client()
        account = Account.objects.get(username=user.username)
        client.force_login(account)
        device = pending_device(account)
        device.confirmed = True
        device.save()
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        clients.append((client, user, random.Random(args.seed + len(clients))))

    def one(client: Any, user: load.User, rng: random.Random) -> tuple[str, int]:
        mix = load.MIXES[user.role]
        kind = rng.choices(list(mix), list(mix.values()))[0]
        return kind, client.get(user.targets.path(kind, rng)).status_code

    for i in range(100):  # warm-up: templates compiled, connections open
        one(*clients[i % len(clients)])
    sections.totals.clear()  # the sign-ins and the warm-up are not timed
    sections.counts.clear()
    statuses: dict[int, int] = defaultdict(int)
    load_before = os.getloadavg()
    started = time.perf_counter()
    with connection.execute_wrapper(timed_sql):
        for i in range(args.requests):
            with sections.section("view, middleware and the rest"):
                _, status = one(*clients[i % len(clients)])
            statuses[status] += 1
    elapsed = time.perf_counter() - started
    per_request = {
        name: round(total * 1000 / args.requests, 2)
        for name, total in sorted(sections.totals.items(), key=lambda item: -item[1])
    }
    summary = {
        "requests": args.requests,
        "statuses": dict(statuses),
        "ms_per_request": round(elapsed * 1000 / args.requests, 2),
        "sections_ms_per_request": per_request,
        "queries_per_request": {k: round(v / args.requests, 2) for k, v in queries.items()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.results:
        args.results.write_text(text + "\n")


if __name__ == "__main__":
    main()
