"""Give the statistics benchmark's million allegations what the case pages show: stages, a
timeline, names and collar numbers.

    DATABASE_URL=... .venv/bin/python benchmarks/stats/load.py --rows 1000000
    DATABASE_URL=... .venv/bin/python benchmarks/pages/prepare.py

The loaded rows came from case files (interchange §1), so every matter sits at the first stage
with no timeline. This sets, in SQL on PostgreSQL: stage 'closed' for matters whose every subject
has an outcome and 'investigation' (so the 12-month clock runs, many overdue) for the rest; eight
timeline entries per open matter and three per closed one; for open ones the next due date the
workflow would store (the 12-month report); and a name and collar number for every
person. Safe to run again (it clears the timeline it made first).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")

STATEMENTS = [
    "DELETE FROM cases_caseevent WHERE by_name = 'bench'",
    """UPDATE cases_case c SET stage = CASE WHEN EXISTS (
           SELECT 1 FROM cases_allegation a JOIN cases_allegationsubject s ON s.allegation_id = a.id
           WHERE a.case_id = c.id AND s.outcome = '') THEN 'investigation' ELSE 'closed' END""",
    """INSERT INTO cases_caseevent (case_id, part_id, action, at, by_id, by_name, reason, detail, version)
       SELECT c.id, NULL, (ARRAY['record_matter','add_allegation','record_handling','assess_severity',
              'refer_to_iopc','record_iopc_decision','serve_notice','record_investigation_report'])[n],
              c.received_date + (n || ' days')::interval, NULL, 'bench',
              CASE WHEN n % 3 = 0 THEN 'Reason given for step ' || n ELSE '' END, '{}'::jsonb, n
       FROM cases_case c CROSS JOIN generate_series(1, 8) AS n
       WHERE c.stage = 'investigation' OR n <= 3""",
    "UPDATE cases_case SET version = 9 WHERE stage = 'investigation'",
    # What the workflow services store for an investigation with no report yet: the 12-month
    # report's due date (candour/cases/clocks.py), so the work queue and "overdue" have work.
    """UPDATE cases_case SET next_due = (received_date + interval '12 months')::date
       WHERE stage = 'investigation'""",
    """UPDATE core_person SET name = (ARRAY['Alex','Sam','Jo','Chris','Pat','Lee','Kim','Ali'])[1 + id % 8]
              || ' ' || (ARRAY['Smith','Jones','Taylor','Brown','Khan','Evans','Patel','Wilson',
              'Roberts','Walker'])[1 + (id / 8) % 10], collar_number = (1000 + id)::text""",
    # What autovacuum does on a live database: statistics for the planner, and the visibility
    # map that lets the list's filters be answered from their indexes alone.
    "VACUUM ANALYZE",
]


def main() -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    from candour.cases.models import Case, refresh_allegation_pairs

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL benchmark database.")
    # The loader writes allegations with bulk_create, as no service does; give each case its
    # category and flag pairs as the services and the import keep them (Case.allegation_pairs).
    started = time.perf_counter()
    with transaction.atomic():
        refresh_allegation_pairs(Case.objects.values_list("pk", flat=True).iterator())
    print(f"{time.perf_counter() - started:6.1f} s  allegation pairs of every case", flush=True)
    for sql in STATEMENTS:
        started = time.perf_counter()
        if sql.startswith("VACUUM"):  # not allowed inside a transaction
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.rowcount
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.rowcount
        what = " ".join(sql.split()[:3])
        print(f"{time.perf_counter() - started:6.1f} s  {rows:>9,}  {what}", flush=True)


if __name__ == "__main__":
    main()
