"""A trigram index on people's names, on PostgreSQL, for the case list's search box and the
subject picker (candour/cases/search.py): a name is matched at the start of any of its words
(``UPPER(name) LIKE 'SMI%' OR UPPER(name) LIKE '% SMI%'``), which a B-tree index cannot serve; at
128,919 people that was a 200 ms scan of every row on each search (docs/benchmarks.md,
"Case pages"). pg_trgm ships with PostgreSQL and is a trusted extension (the database's owner may
create it); where it cannot be created the search still works, by a scan, and the migration says
so. SQLite (the demo database) is small and needs none."""

from django.db import migrations

INDEX = "person_name_trgm_idx"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db import transaction

    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - a missing extension only makes search slower
        print(f"\n  pg_trgm is not available ({error}); name search will scan the workforce.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON core_person USING gin (UPPER(name) gin_trgm_ops)"
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_force_region_optional")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
