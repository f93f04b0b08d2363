"""Load the benchmark data set for the statistics benchmark straight into a database.

    DATABASE_URL=... .venv/bin/python benchmarks/stats/load.py --rows 1000000

Uses the import benchmark's deterministic generator (benchmarks/import/generate.py: 43 forces,
one row per allegation against one subject, about 3,000 subjects per force) and inserts with
bulk_create (the import command's speed is the import benchmark's business, not this one's).
Every subject of the pool is also put in the workforce file (joined 1990–2020, a fifth left), so
rates per 1,000 have denominators. Skips loading when the database already holds the rows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "import"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv", type=Path, default=Path("/tmp/bench-stats-cases.csv"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from candour.cases.models import Allegation, AllegationSubject, Case
    from candour.core.models import Person

    call_command("migrate", verbosity=0)
    if Allegation.objects.count() >= args.rows:
        print(f"Already loaded: {Allegation.objects.count():,} allegations.")
        return
    if Allegation.objects.exists():
        sys.exit("The database holds other allegations; use an empty database for the benchmark.")
    if not args.csv.exists():
        from generate import generate  # benchmarks/import/generate.py

        started = time.perf_counter()
        generate(args.rows, args.csv)
        print(f"Generated {args.csv} in {time.perf_counter() - started:.1f} s")

    FlagLink = Allegation.flags.through
    rng = random.Random(7)
    people: dict[tuple[str, str], int] = {}
    cases: dict[tuple[str, str], int] = {}
    batch: dict[str, list] = {"person": [], "case": [], "allegation": [], "flag": [], "subject": []}
    allegation_id = subject_id = 0
    started = time.perf_counter()

    def flush() -> None:
        Person.objects.bulk_create(batch["person"], batch_size=5000)
        Case.objects.bulk_create(batch["case"], batch_size=5000)
        Allegation.objects.bulk_create(batch["allegation"], batch_size=5000)
        FlagLink.objects.bulk_create(batch["flag"], batch_size=5000)
        AllegationSubject.objects.bulk_create(batch["subject"], batch_size=5000)
        for items in batch.values():
            items.clear()

    with transaction.atomic(), args.csv.open(newline="", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=1):
            if n > args.rows:
                break
            force = row["force"]
            case_key = (force, row["case_ref"])
            if case_key not in cases:
                cases[case_key] = len(cases) + 1
                batch["case"].append(
                    Case(
                        id=cases[case_key],
                        force_id=force,
                        ref=row["case_ref"],
                        case_type=row["case_type"],
                        received_date=dt.date.fromisoformat(row["received_date"]),
                    )
                )
            allegation_id += 1
            batch["allegation"].append(
                Allegation(
                    id=allegation_id,
                    case_id=cases[case_key],
                    ref=row["allegation_ref"],
                    category_id=row["category"],
                )
            )
            for flag in filter(None, row["flags"].split(";")):
                batch["flag"].append(FlagLink(allegation_id=allegation_id, flag_id=flag))
            person_id = None
            if row["subject_ref"]:
                key = (force, row["subject_ref"])
                if key not in people:
                    people[key] = len(people) + 1
                    joined = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
                    left = (
                        joined + dt.timedelta(days=rng.randrange(365 * 3, 365 * 30))
                        if rng.random() < 0.2
                        else None
                    )
                    batch["person"].append(
                        Person(
                            id=people[key],
                            force_id=force,
                            ref=row["subject_ref"],
                            role="officer",
                            rank=row["subject_rank"],
                            sex=row["subject_sex"],
                            joined_date=joined,
                            left_date=left,
                            in_workforce_file=True,
                        )
                    )
                person_id = people[key]
            subject_id += 1
            batch["subject"].append(
                AllegationSubject(
                    id=subject_id,
                    allegation_id=allegation_id,
                    subject_id=person_id,
                    subject_role=row["subject_role"],
                    subject_sex=row["subject_sex"],
                    subject_rank=row["subject_rank"],
                    iopc_referral=row["iopc_referral"],
                    investigation=row["investigation"],
                    severity=row["severity"],
                    proceedings=row["proceedings"],
                    outcome=row["outcome"],
                    outcome_date=dt.date.fromisoformat(row["outcome_date"])
                    if row["outcome_date"]
                    else None,
                )
            )
            if len(batch["allegation"]) >= 50_000:
                flush()
                print(f"  {n:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
        flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "core_person",
                "cases_case",
                "cases_allegation",
                "cases_allegationsubject",
                "cases_allegation_flags",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Loaded {len(cases):,} cases, {allegation_id:,} allegations, {subject_id:,} subject rows, "
        f"{len(people):,} people in {time.perf_counter() - started:.0f} s ({connection.vendor})."
    )


if __name__ == "__main__":
    main()
