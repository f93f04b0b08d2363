"""Synthetic StreetSafe reports for the benchmarks, with known hotspots.

    DATABASE_URL=... .venv/bin/python benchmarks/streetsafe/generate.py --reports 1000000

Every territorial force with gazetteer places gets reports over three years (2023 to 2025), in
proportion to its number of places. In each force: three in four reports fall around its towns
(a Gaussian of 1.5 km round a town picked at random, so busy towns are busy everywhere), and one
in four in the force's hotspots (a Gaussian of 80 m round a spot). Each force has 12 hotspots a
year; two in three carry on into the next year and one in three moves, so a method that finds
this year's hotspots can predict next year's only in part, as in life. Deterministic for a seed.
Loads with PostgreSQL's COPY (bulk_create on SQLite); replaces the table's synthetic rows.

With ``--towns even`` the three in four town reports fall instead evenly over large busy areas:
a disc of ``EVEN_KM`` (2 km) round each of ``EVEN_TOWNS`` (3) towns of the force, the same towns
every year, so that a town's cells are each about as busy as a hotspot's cell but none stands
out from its neighbours (the case the hotspot method's test against the surroundings is for).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")

YEARS = (2023, 2024, 2025)
HOTSPOTS = 12
HOTSPOT_SHARE = 0.25
TOWN_KM, SPOT_KM = 1.5, 0.08
EVEN_TOWNS, EVEN_KM = 3, 2.0
BANDS = ("night", "morning", "afternoon", "evening")
BAND_WEIGHTS = (0.25, 0.15, 0.2, 0.4)


def offset(lat: float, lng: float, rng: random.Random, km: float) -> tuple[float, float]:
    return (
        lat + rng.gauss(0, km) / 111.2,
        lng + rng.gauss(0, km) / (111.2 * math.cos(math.radians(lat))),
    )


def evenly(lat: float, lng: float, rng: random.Random, km: float) -> tuple[float, float]:
    """A point drawn evenly over the disc of radius ``km`` round (lat, lng)."""
    distance, bearing = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return (
        lat + distance * math.cos(bearing) / 111.2,
        lng + distance * math.sin(bearing) / (111.2 * math.cos(math.radians(lat))),
    )


def plan(seed: int) -> dict[str, dict[int, list[tuple[float, float]]]]:
    """Each force's hotspots per year: two in three carry on from the year before."""
    from candour.streetsafe import gazetteer

    rng = random.Random(seed)
    spots: dict[str, dict[int, list[tuple[float, float]]]] = {}
    for force in sorted({p.force for p in gazetteer.places() if p.force}):
        towns = gazetteer.places_of(force)
        years: dict[int, list[tuple[float, float]]] = {}
        for year in YEARS:
            kept = [s for s in years.get(year - 1, []) if rng.random() < 2 / 3]
            while len(kept) < HOTSPOTS:
                town = rng.choice(towns)
                kept.append(offset(town.latitude, town.longitude, rng, TOWN_KM))
            years[year] = kept
        spots[force] = years
    return spots


def rows(total: int, seed: int, towns_shape: str = "gaussian"):  # type: ignore[no-untyped-def]
    from candour.streetsafe import gazetteer
    from candour.streetsafe.cells import finest_cell

    rng = random.Random(seed + 1)
    spots = plan(seed)
    weights = {force: len(gazetteer.places_of(force)) for force in spots}
    all_places = sum(weights.values())
    for force, years in spots.items():
        towns = gazetteer.places_of(force)
        if towns_shape == "even":
            busy = random.Random(f"{seed}-{force}").sample(towns, min(EVEN_TOWNS, len(towns)))
        per_year = round(total * weights[force] / all_places / len(YEARS))
        for year, year_spots in years.items():
            start = dt.date(year, 1, 1)
            for _ in range(per_year):
                if rng.random() < HOTSPOT_SHARE:
                    lat, lng = offset(*rng.choice(year_spots), rng, SPOT_KM)
                elif towns_shape == "even":
                    town = rng.choice(busy)
                    lat, lng = evenly(town.latitude, town.longitude, rng, EVEN_KM)
                else:
                    town = rng.choice(towns)
                    lat, lng = offset(town.latitude, town.longitude, rng, TOWN_KM)
                lat, lng = round(lat, 6), round(lng, 6)
                reasons = 0
                while not reasons:
                    reasons = sum(1 << b for b in range(13) if rng.random() < 0.18)
                yield (
                    force,
                    start + dt.timedelta(days=rng.randrange(365)),
                    rng.choices(BANDS, BAND_WEIGHTS)[0],
                    lat,
                    lng,
                    finest_cell(lat, lng),
                    reasons,
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--towns",
        choices=("gaussian", "even"),
        default="gaussian",
        help="gaussian: round every town, densest at its centre (default); even: evenly over "
        f"{EVEN_KM:g} km round {EVEN_TOWNS} towns of each force.",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from candour.streetsafe.models import Report

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        Report.objects.filter(source="import").delete()
        columns = "force_id, occurred_on, time_of_day, latitude, longitude, cell, reasons, age_band, sex, targeted, source"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY streetsafe_report ({columns}) FROM STDIN") as copy:
                    for row in rows(args.reports, args.seed, args.towns):
                        copy.write_row((*row, "", "", "", "import"))
                cursor.execute("ANALYZE streetsafe_report")
        else:
            batch = []
            for f, day, band, lat, lng, cell, reasons in rows(args.reports, args.seed, args.towns):
                batch.append(
                    Report(
                        force_id=f,
                        occurred_on=day,
                        time_of_day=band,
                        latitude=lat,
                        longitude=lng,
                        cell=cell,
                        reasons=reasons,
                        source="import",
                    )
                )
                if len(batch) == 20_000:
                    Report.objects.bulk_create(batch)
                    batch = []
            Report.objects.bulk_create(batch)
    count = Report.objects.count()
    print(f"{count} reports loaded in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
