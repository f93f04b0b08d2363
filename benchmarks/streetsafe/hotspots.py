"""Time ``candour hotspots`` for the busiest force-year of the benchmark data.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/streetsafe/hotspots.py

Prints, for the force-year with the most reports: the reports and cells, the time of
``find_hotspots`` in this process (the count in the database, Gi*, the test against the
surroundings; three runs after one warm-up), and the wall time of the whole command
(``candour hotspots ... --format json``, a new process each time, three runs), with the load
average. The target (issue 13) is under 2 s on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from candour.streetsafe.hotspots import HotspotQuery, find_hotspots
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
    query = HotspotQuery(force=force, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    find_hotspots(query)  # warm-up: imports esda, fills caches
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        result = find_hotspots(query)
        runs.append(round(time.perf_counter() - started, 3))
    command = [
        str(Path(sys.executable).parent / "candour"),
        "hotspots",
        "--force",
        force,
        "--from",
        f"{year}-01-01",
        "--to",
        f"{year}-12-31",
        "--format",
        "json",
    ]
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        walls.append(round(time.perf_counter() - started, 3))
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "reports_in_table": Report.objects.count(),
                "force": force,
                "year": year,
                "reports_in_force_year": busiest["n"],
                "cells_tested": result.cells_tested,
                "published": len(result.areas),
                "find_hotspots_seconds": runs,
                "command_wall_seconds": walls,
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
