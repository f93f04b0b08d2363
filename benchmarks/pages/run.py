"""Time the case pages at a million allegations on PostgreSQL: p50 and p95 per page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candour_bench_pages \\
        .venv/bin/python benchmarks/stats/load.py --rows 1000000
    DATABASE_URL=... .venv/bin/python benchmarks/pages/run.py [--requests 200] [--json FILE]

The data set is the statistics benchmark's (benchmarks/stats/load.py: 43 forces, one row per
allegation against one subject). Each page is requested in-process through Django's test client,
so every middleware, the audit entry each read writes, the queries and the template rendering are
in the time; the network and Gunicorn are not. The user is an appropriate authority scoped to every
force (the widest scope, so the largest lists). Each page gets 10 warm-up requests, then
``--requests`` timed ones over varied targets (cases, people, filters picked with a fixed seed).
Then ``--requests`` actions through the API (``POST /api/cases/{id}/actions``, the subject's
severity assessed or reassessed on open matters, with the caller's token): the whole service
(checks, row locks, the timeline entry, the audit entry, the stored clock) and the updated case it
answers with. The load average is printed before and after, because on a shared machine the time
follows it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
os.environ.setdefault("CANDOUR_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from candour.cases.models import Allegation, AllegationSubject, Case
    from candour.core.models import ApiToken, Force, User
    from candour.core.roles import Role
    from candour.core.twofactor import pending_device

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL benchmark database.")
    allegations = Allegation.objects.count()
    print(f"{allegations:,} allegations, {Case.objects.count():,} cases", flush=True)

    user, _ = User.objects.get_or_create(
        username="bench-pages", defaults={"role": Role.APPROPRIATE_AUTHORITY}
    )
    user.forces.set(Force.objects.all())
    # A user whose own workforce record is a subject of some cases, as an appropriate authority
    # may be: every list then also leaves out the cases about them (candour.core.scoping).
    user.person_id = (
        AllegationSubject.objects.filter(subject__isnull=False)
        .order_by("subject_id")
        .values_list("subject_id", flat=True)
        .first()
    )
    user.save(update_fields=["person"])
    client = Client()
    client.force_login(user)
    device = pending_device(user)
    device.confirmed = True
    device.save()
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()

    rng = random.Random(args.seed)
    case_ids = list(Case.objects.order_by("?").values_list("pk", flat=True)[: args.requests])
    subjects = list(
        AllegationSubject.objects.filter(subject__isnull=False)
        .order_by("?")
        .values_list("subject_id", "subject__ref")[: args.requests]
    )
    forces = list(Force.objects.values_list("code", flat=True))
    categories = list(Allegation.objects.values_list("category_id", flat=True).distinct())
    # The category and flag pairs some allegation has (as a user filters), and those none has
    # (a combination that finds nothing must be quick to say so, too).
    Flagged = Allegation.flags.through
    pairs = sorted(
        set(Flagged.objects.values_list("allegation__category_id", "flag_id").distinct())
    )
    flags = sorted({flag for _, flag in pairs})
    unmatched = sorted({(category, flag) for category in categories for flag in flags} - set(pairs))
    refs = list(Case.objects.order_by("?").values_list("ref", flat=True)[: args.requests])

    def pick(items: list) -> object:  # type: ignore[type-arg]
        return items[rng.randrange(len(items))]

    pages: dict[str, Callable[[], str]] = {
        "case list, unfiltered": lambda: "/cases/",
        "case list, unfiltered, page 20": lambda: "/cases/?page=20",
        "case list, one force": lambda: f"/cases/?force={pick(forces)}",
        "case list, category + flag that occur together": lambda: (
            "/cases/?category={}&flag={}".format(*pick(pairs))  # type: ignore[str-format]
        ),
        "case list, category + flag that never occur together": lambda: (
            "/cases/?category={}&flag={}".format(*pick(unmatched))  # type: ignore[str-format]
        ),
        "case list, force + type + dates": lambda: (
            f"/cases/?force={pick(forces)}&case_type=complaint"
            "&received_from=2019-04-01&received_to=2020-03-31"
        ),
        "case list, subject": lambda: f"/cases/?subject={pick(subjects)[1]}",  # type: ignore[index]
        "case list, search by case ref": lambda: f"/cases/?q={pick(refs)}",
        "case page": lambda: f"/cases/{pick(case_ids)}/",
        "person page": lambda: f"/cases/people/{pick(subjects)[0]}/",  # type: ignore[index]
        "work queue": lambda: "/cases/work/",
    }
    load_before = os.getloadavg()
    results = []
    for name, path_of in pages.items():
        for _ in range(10):
            client.get(path_of())
        times, statuses, queries = [], set(), 0
        for _ in range(args.requests):
            path = path_of()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
            queries = max(queries, len(captured))
        row = {
            "page": name,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "queries": queries,
            "statuses": sorted(statuses),
        }
        results.append(row)
        show(row)
    results.append(time_actions(client, user, rng, args.requests, ApiToken))
    load_after = os.getloadavg()
    print(f"load average before {load_before}, after {load_after}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "allegations": allegations,
                    "requests_per_page": args.requests,
                    "load_before": load_before,
                    "load_after": load_after,
                    "results": results,
                },
                indent=2,
            )
        )


def show(row: dict) -> None:  # type: ignore[type-arg]
    print(
        f"| {row['page']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} |"
        f" {row['queries']} | {','.join(map(str, row['statuses']))} |",
        flush=True,
    )


def time_actions(client, user, rng, count, ApiToken) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """``count`` severity assessments through the API on open matters picked with the seed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from candour.cases.models import AllegationSubject

    _, raw = ApiToken.issue(user, "bench-pages")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    parts = list(
        AllegationSubject.objects.filter(outcome="", allegation__case__stage="investigation")
        .order_by("?")
        .values_list("pk", "allegation__case_id")[: count + 10]
    )
    times, statuses, queries = [], set(), 0
    for n, (part, case) in enumerate(parts):
        version = client.get(f"/api/cases/{case}", **auth).json()["version"]
        body = {
            "action": "assess_severity",
            "version": version,
            "subject": part,
            "severity": rng.choice(["misconduct", "gross_misconduct"]),
            "reason": "Benchmark: the evidence changed",
        }
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                f"/api/cases/{case}/actions", body, content_type="application/json", **auth
            )
            elapsed = (time.perf_counter() - started) * 1000
        if n < 10:
            continue  # warm-up
        times.append(elapsed)
        statuses.add(response.status_code)
        queries = max(queries, len(captured))
    row = {
        "page": "API action (assess_severity)",
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
        "statuses": sorted(statuses),
    }
    show(row)
    return row


if __name__ == "__main__":
    main()
