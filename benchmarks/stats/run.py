"""Time the statistics engine and the FOI and public pages on the benchmark data set.

    DATABASE_URL=... .venv/bin/python benchmarks/stats/run.py [--out results.json]

Counts come from the flat statistics table (``--source flat``, the default; ``--refresh`` first
times a full rebuild of it) or from the case tables joined (``--source join``, as before it).

1. Every one- and two-dimension ``--by`` (14 + 91 combinations) for each count (cases,
   allegations, officers): 315 queries over all forces, no filters (the slowest case: nothing
   narrows the scan), each timed once with ``compute`` (rows + total), and the two-dimension ones
   again with ``--suppress 5`` (which adds the two margin queries).
2. Page latency with Django's test client (the whole request: middleware, view, template): the
   FOI answer page, preparing an FOI answer (POST: counts and saves), the statistics page, and
   the public pages (all forces and one force), each requested N times; p50, p95, max.
Load the data first with benchmarks/stats/load.py.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def time_queries(suppress_too: bool, counts: list[str], limit: int | None) -> dict:
    from candour.transparency.stats import DIMENSION_CODES, StatsQuery, compute

    timings = []
    combos = [(d,) for d in DIMENSION_CODES] + list(itertools.combinations(DIMENSION_CODES, 2))
    if limit:
        # An even sample of the combinations (every one-dimension table is kept).
        two = combos[len(DIMENSION_CODES) :]
        combos = combos[: len(DIMENSION_CODES)] + two[:: max(1, len(two) // limit)]
    for count in counts:
        for by in combos:
            query = StatsQuery(count=count, by=by)
            started, cpu = time.perf_counter(), time.process_time()
            compute(query)
            elapsed = time.perf_counter() - started
            entry = {
                "count": count,
                "by": list(by),
                "seconds": round(elapsed, 3),
                # SQLite runs in this process, so its CPU time is the figure a busy machine
                # distorts least; for PostgreSQL it is only the client's share.
                "cpu_seconds": round(time.process_time() - cpu, 3),
            }
            if suppress_too and len(by) == 2:
                started = time.perf_counter()
                compute(query, suppress=5)
                entry["seconds_suppressed"] = round(time.perf_counter() - started, 3)
            timings.append(entry)
            print(f"  {count:11} {','.join(by):32} {elapsed:6.3f} s", flush=True)
    return {"queries": timings}


def summarise(timings: list[dict], key: str) -> dict:
    values = [t[key] for t in timings if key in t]
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": round(statistics.median(values), 3),
        "p95": round(pct(values, 95), 3),
        "max": round(max(values), 3),
        "over_1s": sum(v > 1 for v in values),
    }


def time_pages(repeat: int) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from candour.core.models import Force, User
    from candour.transparency.models import FoiAnswer

    user, _ = User.objects.get_or_create(username="bench-foi", defaults={"role": "foi_officer"})
    user.role = "foi_officer"
    user.save()
    user.forces.set(Force.objects.filter(code="cambridgeshire"))
    client = Client()
    client.force_login(user)
    form = {
        "reference": "BENCH/1",
        "request_text": "How many officers were investigated for sexual misconduct, 2015-2022?",
        "count": "officers",
        "by": "flag",
        "then_by": "",
        "date_from": "2015-04-01",
        "date_to": "2022-03-31",
        "date_field": "received_date",
        "case_type": "",
    }
    results = {}

    def measure(name: str, call) -> None:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = call()
            times.append(time.perf_counter() - started)
            assert response.status_code in (200, 302), (name, response.status_code)
        results[name] = {
            "n": repeat,
            "first": round(times[0] * 1000),
            "p50_ms": round(pct(times, 50) * 1000),
            "p95_ms": round(pct(times, 95) * 1000),
            "max_ms": round(max(times) * 1000),
        }
        print(
            f"  {name:40} p50 {results[name]['p50_ms']:5} ms  p95 {results[name]['p95_ms']:5} ms",
            flush=True,
        )

    measure("foi: prepare answer (POST)", lambda: client.post("/transparency/foi/", form))
    answer = FoiAnswer.objects.filter(reference="BENCH/1").latest("id")
    measure("foi: answer page", lambda: client.get(answer.get_absolute_url()))
    measure(
        "foi: two breakdowns (POST)",
        lambda: client.post("/transparency/foi/", {**form, "by": "year", "then_by": "flag"}),
    )
    measure(
        "statistics page (1 force, year x outcome)",
        lambda: client.get("/transparency/statistics/?by=year&then_by=outcome&count=officers"),
    )
    cache.clear()
    public = Client()
    measure("public: all forces", lambda: public.get("/transparency/public/"))
    measure("public: one force", lambda: public.get("/transparency/public/norfolk/"))
    cache.clear()
    cold = []
    for code in ["suffolk", "essex", "kent", "devon-and-cornwall", "thames-valley"]:
        started = time.perf_counter()
        public.get(f"/transparency/public/{code}/")
        cold.append(time.perf_counter() - started)
    results["public: one force, first view (cache empty)"] = {
        "n": len(cold),
        "p50_ms": round(pct(cold, 50) * 1000),
        "max_ms": round(max(cold) * 1000),
    }
    FoiAnswer.objects.filter(reference="BENCH/1").delete()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--no-suppressed", action="store_true")
    parser.add_argument("--counts", default="cases,allegations,officers")
    parser.add_argument("--sample", type=int, help="time only about this many 2-D combinations")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="first time a full rebuild of the statistics table (refresh_stat_rows)",
    )
    parser.add_argument(
        "--source",
        choices=["flat", "join"],
        default="flat",
        help="flat: the statistics table (default); join: the case tables (as before it)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from candour.cases.models import Allegation, AllegationSubject, Case

    report: dict = {
        "database": connection.vendor,
        "cases": Case.objects.count(),
        "allegations": Allegation.objects.count(),
        "subject_rows": AllegationSubject.objects.count(),
    }
    report["load_average_start"] = os.getloadavg()
    report["source"] = args.source
    print(report, flush=True)
    if args.source == "join":
        from django.conf import settings

        settings.STATS_FLAT_TABLE = False
    if args.refresh:
        from django.db import transaction

        from candour.transparency.stats.store import refresh_stat_rows

        started, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            written = refresh_stat_rows()
        report["refresh"] = {
            "rows": written,
            "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
        }
        print(report["refresh"], flush=True)
    if not args.skip_queries:
        report.update(time_queries(not args.no_suppressed, args.counts.split(","), args.sample))
        report["summary"] = summarise(report["queries"], "seconds")
        report["summary_cpu"] = summarise(report["queries"], "cpu_seconds")
        report["summary_suppressed_2d"] = summarise(report["queries"], "seconds_suppressed")
        slowest = sorted(report["queries"], key=lambda t: -t["seconds"])[:10]
        report["slowest"] = slowest
        print(
            json.dumps(
                {k: report[k] for k in ("summary", "summary_cpu", "summary_suppressed_2d")},
                indent=1,
            )
        )
    report["pages"] = time_pages(args.repeat)
    report["load_average_end"] = os.getloadavg()
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
