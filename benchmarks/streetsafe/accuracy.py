"""Did it work? The predictive accuracy index (PAI) of the hotspot method on held-out years.

    DATABASE_URL=... .venv/bin/python benchmarks/streetsafe/accuracy.py [--top 10]

For every force and every pair of years (flag with year t, test on year t+1): the method's top
areas (``find_hotspots``, ranked) and, beside it, a plain "most reports" ranking of the same
number of areas (the cells with most reports in year t). For each:

    PAI = (share of year t+1's reports that fall in the flagged areas)
          / (share of the force's area that is flagged)

The force's area is counted in H3 cells: every cell within the study-area margin of a cell with a
report in any year (docs/streetsafe.md step 2), the same for both rankings. Prints the mean and
median PAI of each ranking over the force-years and their hit rates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db.models.functions import ExtractYear

    from candour.streetsafe.cells import DEFAULT_RESOLUTION
    from candour.streetsafe.hotspots import HotspotQuery, count_areas, find_hotspots, study_area
    from candour.streetsafe.models import Report

    years = sorted(
        set(Report.objects.annotate(y=ExtractYear("occurred_on")).values_list("y", flat=True))
    )
    forces = sorted(set(Report.objects.values_list("force_id", flat=True)))
    rows = []
    for force in forces:
        every = count_areas(HotspotQuery(force=force))
        area_cells = len(study_area(list(every), DEFAULT_RESOLUTION))
        for year, following in zip(years, years[1:], strict=False):
            train = HotspotQuery(force=force, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
            test = HotspotQuery(
                force=force, start=dt.date(following, 1, 1), end=dt.date(following, 12, 31)
            )
            method = [a.cell for a in find_hotspots(train).areas[: args.top]]
            if not method:
                continue
            counted = sorted(count_areas(train).values(), key=lambda a: (-a.reports, a.cell))
            plain = [a.cell for a in counted[: len(method)]]
            later = {a.cell: a.reports for a in count_areas(test).values()}
            total = sum(later.values())
            area_share = len(method) / area_cells
            hit_m, pai_m = _pai(method, later, total, area_share)
            hit_p, pai_p = _pai(plain, later, total, area_share)
            rows.append(
                {
                    "force": force,
                    "flag_year": year,
                    "test_year": following,
                    "flagged": len(method),
                    "area_cells": area_cells,
                    "hit_method": round(hit_m, 4),
                    "pai_method": round(pai_m, 2),
                    "hit_most_reports": round(hit_p, 4),
                    "pai_most_reports": round(pai_p, 2),
                }
            )
    summary = {
        "force_years": len(rows),
        "top": args.top,
        "pai_method_mean": round(statistics.mean(r["pai_method"] for r in rows), 2),
        "pai_method_median": round(statistics.median(r["pai_method"] for r in rows), 2),
        "pai_most_reports_mean": round(statistics.mean(r["pai_most_reports"] for r in rows), 2),
        "pai_most_reports_median": round(statistics.median(r["pai_most_reports"] for r in rows), 2),
        "hit_method_mean": round(statistics.mean(r["hit_method"] for r in rows), 4),
        "hit_most_reports_mean": round(statistics.mean(r["hit_most_reports"] for r in rows), 4),
        "method_better_in": sum(r["pai_method"] > r["pai_most_reports"] for r in rows),
        "most_reports_better_in": sum(r["pai_method"] < r["pai_most_reports"] for r in rows),
        "load_average": os.getloadavg(),
    }
    print(json.dumps({"summary": summary, "rows": rows}, indent=2))


def _pai(
    cells: list[str], later: dict[str, int], total: int, area_share: float
) -> tuple[float, float]:
    """The hit rate (share of later reports in ``cells``) and the PAI."""
    hit = sum(later.get(c, 0) for c in cells) / total if total else 0.0
    return hit, hit / area_share


if __name__ == "__main__":
    main()
