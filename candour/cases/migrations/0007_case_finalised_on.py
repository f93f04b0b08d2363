"""``Case.finalised_on``: the day a matter was finalised, for the IOPC quarterly return.

Existing matters get it from what is recorded: a matter run by the workflow from its timeline
(the day of its last ``close``, unless a ``record_review_result`` upheld after it reopened the
matter); a closed matter with no timeline (imported) from its subjects' latest outcome date."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone


def finalised_from_timeline(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Event = apps.get_model("cases", "CaseEvent")
    Part = apps.get_model("cases", "AllegationSubject")
    finalised: dict[int, object] = {}
    steps = Event.objects.filter(action__in=("close", "record_review_result")).order_by(
        "case_id", "at", "id"
    )
    for event in steps.iterator():
        if event.action == "close":
            finalised[event.case_id] = timezone.localtime(event.at).date()
        elif (event.detail or {}).get("result") == "upheld":
            finalised[event.case_id] = None
    for case_id, day in finalised.items():
        Case.objects.filter(pk=case_id).update(finalised_on=day)
    latest = (
        Part.objects.filter(allegation__case=OuterRef("pk"))
        .order_by()
        .values("allegation__case")
        .annotate(last=Max("outcome_date"))
        .values("last")[:1]
    )
    Case.objects.filter(stage="closed").exclude(events__isnull=False).update(
        finalised_on=Subquery(latest)
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_place_existing_matters")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="finalised_on",
            field=models.DateField(
                blank=True,
                help_text="The day the matter was closed (the IOPC's 'finalised'); empty while "
                "it is open or reopened by an upheld review (docs/statistics.md, 'The IOPC "
                "quarterly return').",
                null=True,
            ),
        ),
        migrations.RunPython(finalised_from_timeline, migrations.RunPython.noop),
    ]
