"""Time ``candour hotspots`` for the busiest force-year of the benchmark data.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/streetsafe/hotspots.py [--runs 5]

Prints, for the force-year with the most reports:

- the whole command (``candour hotspots ... --format json``), a new process each time as a user
  runs it: wall time and CPU time (user + system) of each run;
- where a new process's time goes before any work: Python alone, Python with Django set up
  (``django.setup()``, every app's models), and the imports the command adds (numpy, h3);
- ``find_hotspots`` in this process after one warm-up, and its steps: the database count
  (one row per cell), the study area and Gi*, the test against the surroundings and ranking;

with the load average before and after. The target (issue 13) is under 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
PYTHON = sys.executable


def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of a new process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return round(wall, 3), round(cpu, 3)


def runs(command: list[str], times: int) -> dict[str, object]:
    measured = [timed_process(command) for _ in range(times)]
    walls = [wall for wall, _ in measured]
    return {
        "wall_seconds": walls,
        "cpu_seconds": [cpu for _, cpu in measured],
        "wall_median": round(statistics.median(walls), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from candour.streetsafe import hotspots
    from candour.streetsafe.models import Report

    busiest = (
        Report.objects.annotate(year=ExtractYear("occurred_on"))
        .values("force_id", "year")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest, "no reports: run benchmarks/streetsafe/generate.py first"
    force, year = busiest["force_id"], busiest["year"]
    query = hotspots.HotspotQuery(force=force, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    command = [
        str(Path(PYTHON).parent / "candour"),
        *("hotspots", "--force", force, "--from", f"{year}-01-01", "--to", f"{year}-12-31"),
        *("--format", "json"),
    ]
    setup = "import django; django.setup()"
    start_up = {
        "python": runs([PYTHON, "-c", "pass"], args.runs),
        "python_and_django_setup": runs([PYTHON, "-c", setup], args.runs),
        "django_setup_and_numpy_h3": runs(
            [PYTHON, "-c", f"{setup}; import numpy, h3.api.memview_int"], args.runs
        ),
    }
    whole = runs(command, args.runs)

    result = hotspots.find_hotspots(query)  # warm-up
    in_process = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = hotspots.find_hotspots(query)
        in_process.append(round(time.perf_counter() - started, 3))
    steps: dict[str, list[float]] = {"count": [], "study_area_and_gi_star": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        counted = hotspots.count(query)
        counted_at = time.perf_counter()
        hotspots._gi_star(counted.cells, counted.reports, query.resolution)
        steps["count"].append(round(counted_at - started, 3))
        steps["study_area_and_gi_star"].append(round(time.perf_counter() - counted_at, 3))
    medians = {step: statistics.median(seconds) for step, seconds in steps.items()}
    rest = statistics.median(in_process) - sum(medians.values())
    medians["surroundings_test_and_ranking"] = max(rest, 0.0)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "reports_in_table": Report.objects.count(),
                "force": force,
                "year": year,
                "reports_in_force_year": busiest["n"],
                "cells_with_reports": len(counted.cells),
                "cells_tested": result.cells_tested,
                "published": len(result.areas),
                "command": whole,
                "start_up": start_up,
                "find_hotspots_seconds": in_process,
                "find_hotspots_steps_seconds": steps,
                "find_hotspots_steps_median": {k: round(v, 3) for k, v in medians.items()},
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
