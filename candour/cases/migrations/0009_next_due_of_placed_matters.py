"""Matters that migration 0006 placed under investigation (from their files) got no next due
date, so they never went overdue in the case list or a work queue although their 12-month
clock runs. Give them the 12-month mark from the date received, as an import now does
(placement.place_imported_matters); only matters with no timeline and no progress report."""

from django.db import migrations
from django.db.models import Exists, OuterRef

from candour.cases.clocks import TwelveMonthsAfter


def fill_next_due(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    ProgressReport = apps.get_model("cases", "ProgressReport")
    Case.objects.filter(stage="investigation", next_due__isnull=True).exclude(
        Exists(CaseEvent.objects.filter(case=OuterRef("pk")))
    ).exclude(Exists(ProgressReport.objects.filter(case=OuterRef("pk")))).update(
        next_due=TwelveMonthsAfter("received_date")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_list_and_queue_indexes")]

    operations = [migrations.RunPython(fill_next_due, migrations.RunPython.noop)]
