"""Each case's category and flag pairs on its own row (``Case.allegation_pairs``), filled from
its allegations, with a GIN index on PostgreSQL: the case list's category + flag filter then reads
the matching cases from the case table alone (candour/cases/search.py; docs/benchmarks.md, "Case
pages"). SQLite answers that filter from the allegations and needs no index."""

from django.db import migrations, models

INDEX = "case_allegation_pairs_idx"

FILL_POSTGRESQL = """
UPDATE cases_case c SET allegation_pairs = p.pairs
FROM (SELECT a.case_id,
             jsonb_agg(DISTINCT (a.category_id || ' ' || f.flag_id) COLLATE "C"
                       ORDER BY (a.category_id || ' ' || f.flag_id) COLLATE "C") AS pairs
      FROM cases_allegation a JOIN cases_allegation_flags f ON f.allegation_id = a.id
      GROUP BY a.case_id) p
WHERE p.case_id = c.id
"""


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
            "USING gin (allegation_pairs jsonb_path_ops)"
        )
        return
    Case = apps.get_model("cases", "Case")
    Flagged = apps.get_model("cases", "Allegation").flags.through
    pairs: dict[int, set[str]] = {}
    rows = Flagged.objects.values_list("allegation__case_id", "allegation__category_id", "flag_id")
    for case_id, category, flag in rows.iterator(chunk_size=5000):
        pairs.setdefault(case_id, set()).add(f"{category} {flag}")
    filled = [Case(pk=pk, allegation_pairs=sorted(found)) for pk, found in pairs.items()]
    Case.objects.bulk_update(filled, ["allegation_pairs"], batch_size=500)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_notice_published_on")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="allegation_pairs",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="Each category and flag that one allegation of the case carries "
                "together, as 'category flag', sorted (pair_key): the case list's category + "
                "flag filter reads it from the case row on PostgreSQL. Kept by the services and "
                "the import (refresh_allegation_pairs); never edited by hand.",
            ),
        ),
        migrations.RunPython(fill, drop, elidable=False),
    ]
