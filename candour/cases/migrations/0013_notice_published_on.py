"""Record the day each public hearing's notice went on the force's public pages
(Hearing.notice_published_on), so that reg 36's clock stops once it is published.

Existing public hearings with a date are filled in from their timeline: the arrange_proceedings
and record_hearing_details steps of the subject's part, replayed in order (the day a public
hearing got its current date, or was made public with it). Steps taken before this migration do
not record whether arrange_proceedings made the hearing public; where a later step changed
``public``, the forum's default is taken for it (a gross misconduct hearing public, the others
private; Conduct Regs reg 39), else the hearing's present setting. A hearing whose replayed date
or publicity does not match what it holds now is left empty, and its clock keeps running. The
matters whose hearings were filled in get their next due date worked out again, from the force's
duties as clocks.py had them at this migration."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import migrations, models
from django.utils import timezone

from candour.cases.clocks import add_working_days, subtract_working_days


ACTIONS = ("arrange_proceedings", "record_hearing_details")


def _date(value):  # type: ignore[no-untyped-def]
    return dt.date.fromisoformat(value) if value else None


def replayed_publication(hearing, events):  # type: ignore[no-untyped-def]
    """The day the notice of ``hearing`` as it stands was published, from its part's steps
    (oldest first), or None when they do not lead to what the hearing holds now."""
    arranged = [e for e in events if e.action == "arrange_proceedings"]
    if not arranged:
        return None
    later_public = any("public" in e.detail for e in events if e.action != "arrange_proceedings")
    public = arranged[-1].detail.get("public")
    if public is None:
        public = hearing.forum == "gross_misconduct_hearing" if later_public else hearing.public
    on, published = None, None
    for event in events[events.index(arranged[-1]) :]:
        day = timezone.localtime(event.at).date()
        was = (public, on)
        if event.detail.get("hearing_date"):
            on = _date(event.detail["hearing_date"])
        if event.detail.get("public") is not None:
            public = bool(event.detail["public"])
        if not public or on is None:
            published = None
        elif event.action == "arrange_proceedings" or was != (True, on):
            published = day
    if (public, on) != (hearing.public, hearing.hearing_date):
        return None
    return published


def next_due(case, Hearing, ProgressReport):  # type: ignore[no-untyped-def]
    """Case.next_due as clocks.next_due gave it at this migration: the nearest of the 12-month
    report, an accelerated hearing's two clocks and an unpublished public hearing notice."""
    dues = []
    if case.stage in ("referred", "investigation"):
        due = case.received_date + relativedelta(months=12)
        reported = set(
            ProgressReport.objects.filter(case=case).values_list("period_end", flat=True)
        )
        while due in reported:
            due += relativedelta(months=6)
        dues.append(due)
    for hearing in Hearing.objects.filter(part__allegation__case=case, part__outcome=""):
        if hearing.forum == "accelerated_hearing":
            if hearing.referral_notice_on is not None:
                by = add_working_days(hearing.referral_notice_on, 15)
                if hearing.hearing_date is None or hearing.hearing_date > by:
                    dues.append(by)
            if hearing.hearing_date is not None:
                dues.append(add_working_days(hearing.hearing_date, 5))
        elif hearing.public and hearing.hearing_date and hearing.notice_published_on is None:
            dues.append(subtract_working_days(hearing.hearing_date, 5))
    return min(dues, default=None)


def fill_notice_published_on(apps, schema_editor):  # type: ignore[no-untyped-def]
    Hearing = apps.get_model("cases", "Hearing")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Case = apps.get_model("cases", "Case")
    ProgressReport = apps.get_model("cases", "ProgressReport")
    cases = set()
    hearings = Hearing.objects.filter(public=True, hearing_date__isnull=False).select_related(
        "part__allegation"
    )
    for hearing in hearings:
        events = list(
            CaseEvent.objects.filter(part_id=hearing.part_id, action__in=ACTIONS).order_by(
                "at", "id"
            )
        )
        published = replayed_publication(hearing, events)
        if published is not None:
            hearing.notice_published_on = published
            hearing.save(update_fields=["notice_published_on"])
            cases.add(hearing.part.allegation.case_id)
    for case in Case.objects.filter(pk__in=cases):
        Case.objects.filter(pk=case.pk).update(next_due=next_due(case, Hearing, ProgressReport))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_referral_notice_of_accelerated_hearings"),
    ]

    operations = [
        migrations.AddField(
            model_name="hearing",
            name="notice_published_on",
            field=models.DateField(
                blank=True,
                help_text="The day the notice of this public hearing, with its date, went on the force's public pages (workflow.public_hearing_notices): set when the hearing is made public with a date or given a new date, cleared when it is made private. Reg 36 asks for the notice at least 5 working days before the hearing.",
                null=True,
            ),
        ),
        migrations.RunPython(fill_notice_published_on, migrations.RunPython.noop),
    ]
