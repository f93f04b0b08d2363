"""Existing matters get a rules version and a stage. Its own migration: on PostgreSQL the UPDATEs
leave deferred trigger events that make the schema changes of 0005 (its deferred CREATE INDEX)
fail in the same transaction on a database that already holds cases."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def place_existing_matters(apps, schema_editor):
    """Give every existing matter its rules version (from its received date) and a stage: closed
    when every subject has an outcome, under investigation when one is recorded, else received."""
    Case = apps.get_model("cases", "Case")
    Part = apps.get_model("cases", "AllegationSubject")
    for code, start in (("2012", None), ("2020", "2020-02-01"), ("2025", "2025-05-28")):
        matters = (
            Case.objects.all() if start is None else Case.objects.filter(received_date__gte=start)
        )
        matters.update(rules_version=code)
    parts = Part.objects.filter(allegation__case=OuterRef("pk"))
    Case.objects.filter(Exists(parts)).exclude(Exists(parts.filter(outcome=""))).update(
        stage="closed"
    )
    Case.objects.filter(stage="received").filter(
        Exists(parts.filter(investigation__in=["local", "directed", "independent"]))
    ).update(stage="investigation", schedule_3=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_workflow")]

    operations = [migrations.RunPython(place_existing_matters, migrations.RunPython.noop)]
