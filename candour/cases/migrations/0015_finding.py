"""The interchange §1 ``finding`` column is stored (docs/formats.md; docs/statistics.md,
"Findings"): ``AllegationSubject.finding`` now holds its code (proven, not_proven, unfounded,
exonerated, no_finding), and the workflow's own record of what the proceedings found (misconduct,
gross misconduct, neither, not proven), which that field held until now, moves to
``proceedings_finding``.

The subjects of matters the workflow ran (a case with a timeline) and whose outcome is recorded
get the finding the workflow now records with an outcome (``forums.allegation_finding``).
Imported rows stay empty, "not known": the import read that column and did not keep it."""

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from candour.cases.forums import allegation_finding

    Subject = apps.get_model("cases", "AllegationSubject")
    run = (
        Subject.objects.exclude(outcome="")
        .filter(allegation__case__events__isnull=False)
        .distinct()
        .only("id", "outcome", "proceedings_finding")
    )
    batch = []
    for part in run.iterator(chunk_size=BATCH):
        part.finding = allegation_finding(part.outcome, part.proceedings_finding)
        batch.append(part)
        if len(batch) == BATCH:
            Subject.objects.bulk_update(batch, ["finding"])
            batch = []
    if batch:
        Subject.objects.bulk_update(batch, ["finding"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_case_allegation_pairs")]

    operations = [
        migrations.RenameField("allegationsubject", "finding", "proceedings_finding"),
        migrations.AddField(
            model_name="allegationsubject",
            name="finding",
            field=models.CharField(
                blank=True,
                choices=[
                    ("proven", "Proven"),
                    ("not_proven", "Not proven"),
                    ("unfounded", "Unfounded (did not happen)"),
                    ("exonerated", "Exonerated (happened, was lawful)"),
                    ("no_finding", "Closed without a finding"),
                ],
                db_default="",
                default="",
                max_length=12,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
