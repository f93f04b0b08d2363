"""First work for the demo logins that the case history gives none: the vetting officer's
clearances (due, overdue, awaiting a decision, an appeal) and a finished data-wash run with
candidates to review; the FOI officer's saved answers; published figures of other forces for
the PCC's office to compare with. Everything goes through the owning apps' services, as a
user's work would (candour/vetting/services.py, candour/transparency/services.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from candour.core.models import Force, Person, User
from candour.transparency import services as transparency
from candour.transparency.stats import StatsQuery
from candour.vetting import services as vetting
from candour.vetting.models import ApplicationKind, CheckResult, CheckType, Decision
from candour.vetting.reference import add_years

VETTING_FORCES = ("norfolk", "suffolk")
WASH_FORCE = "norfolk"
WASH_SIZES = (80, 800)  # workforce and national records: a few seconds of the data wash
DEMO_SOURCE = "candour demo"


def add_vetting_work(officer: User, today: dt.date) -> dict[str, int]:
    """Clearances of Norfolk's and Suffolk's people in post: ten years' Recruitment Vetting
    granted so that some are overdue, some due within the 90-day window and the rest current;
    applications awaiting a decision with some checks done; a refusal under appeal."""
    people = list(
        Person.objects.filter(
            force_id__in=VETTING_FORCES, in_workforce_file=True, left_date__isnull=True
        ).order_by("force_id", "ref")[:48]
    )
    made = {"overdue": 0, "due": 0, "current": 0, "awaiting": 0, "appeals": 0}
    ten_years_ago = add_years(today, -10)
    for n, person in enumerate(people[:36]):
        if n < 4:
            decided, kind = ten_years_ago - dt.timedelta(days=10 + 9 * n), "overdue"
        elif n < 10:
            decided, kind = ten_years_ago + dt.timedelta(days=12 * (n - 3)), "due"
        else:
            decided, kind = ten_years_ago + dt.timedelta(days=200 + 90 * n), "current"
        application = vetting.apply_for_vetting(
            person, "rv", applied_on=decided - dt.timedelta(days=30), by=officer, channel="cli"
        )
        for check in (CheckType.PNC, CheckType.PND):
            vetting.record_check(
                application, check, CheckResult.NO_TRACE, done_on=decided, by=officer
            )
        vetting.decide_vetting(
            application, Decision.GRANTED, decided_on=decided, by=officer, channel="cli"
        )
        made[kind] += 1
    checks = (CheckType.PNC, CheckType.PND, CheckType.FINANCIAL)
    for n, person in enumerate(people[36:42]):
        application = vetting.apply_for_vetting(
            person,
            "mv" if n % 2 else "rv",
            kind=ApplicationKind.INITIAL,
            applied_on=today - dt.timedelta(days=5 + 6 * n),
            by=officer,
            channel="cli",
        )
        for check in checks[: n % 3 + 1]:
            vetting.record_check(
                application,
                check,
                CheckResult.TRACE_NO_CONCERN if n == 4 else CheckResult.NO_TRACE,
                done_on=today - dt.timedelta(days=2),
                by=officer,
            )
        made["awaiting"] += 1
    if len(people) > 42:
        refused = vetting.apply_for_vetting(
            people[42], "mv", applied_on=today - dt.timedelta(days=60), by=officer, channel="cli"
        )
        vetting.record_check(
            refused, CheckType.FINANCIAL, CheckResult.ADVERSE, done_on=today - dt.timedelta(50)
        )
        vetting.decide_vetting(
            refused,
            Decision.REFUSED,
            reason="financial",
            decided_on=today - dt.timedelta(days=40),
            by=officer,
            channel="cli",
        )
        vetting.lodge_appeal(
            refused,
            "The debts were declared and a repayment plan is in place.",
            lodged_on=today - dt.timedelta(days=30),
            by=officer,
            channel="cli",
        )
        made["appeals"] += 1
    return made


def run_demo_data_wash(data_dir: Path | None = None) -> int:
    """A finished data-wash run over Norfolk's people against a synthetic national file, its
    candidates loaded into Norfolk's review queue; returns how many were loaded. The generated
    workforce records take the references of Norfolk's people in post, so each candidate opens
    the person's record."""
    from candour.vetting.datawash import run_datawash
    from candour.vetting.datawash.generator import generate

    folder = (data_dir or Path(settings.DATA_DIR)) / "demo-datawash"
    files = generate(folder, workforce_size=WASH_SIZES[0], national_size=WASH_SIZES[1], seed=5)
    refs = list(
        Person.objects.filter(
            force_id=WASH_FORCE, in_workforce_file=True, left_date__isnull=True
        ).values_list("ref", flat=True)[: WASH_SIZES[0]]
    )
    _take_refs(files.workforce, refs)
    logging.getLogger("splink").setLevel(logging.ERROR)
    out = folder / "candidates.csv"
    summary = run_datawash(files.workforce, files.national, out)
    force = Force.objects.get(code=WASH_FORCE)
    run = vetting.record_datawash_run(
        workforce_file=str(files.workforce),
        national_file=str(files.national),
        out_file=str(out),
        engine="duckdb",
        threshold=float(summary.get("threshold", 0.9)),
        rule_outs=bool(summary.get("rule_outs", True)),
        summary=summary,
        force=force,
        run_by=DEMO_SOURCE,
    )
    return vetting.load_candidates(run, force, weight_parts=summary.get("weight_parts"))


def _take_refs(workforce: Path, refs: list[str]) -> None:
    with workforce.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row, ref in zip(rows, refs, strict=False):
        row["person_ref"] = ref
    with workforce.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def add_foi_answers(officer: User) -> int:
    """Two answers the FOI officer gave, to open, download and re-run."""
    answers = [
        (
            "FOI/2026/0101",
            "How many officers were investigated for sexual misconduct or domestic abuse "
            "between April 2015 and March 2022, by outcome?",
            StatsQuery(
                count="officers",
                by=("outcome",),
                forces=("cambridgeshire",),
                date_from=dt.date(2015, 4, 1),
                date_to=dt.date(2022, 3, 31),
                flags=("sexual", "domestic_abuse"),
            ),
        ),
        (
            "FOI/2026/0102",
            "How many complaints did the force receive each year since 2019?",
            StatsQuery(
                count="cases",
                by=("year",),
                forces=("cambridgeshire",),
                date_from=dt.date(2019, 1, 1),
                case_type="complaint",
            ),
        ),
    ]
    for reference, request_text, query in answers:
        transparency.record_foi_answer(
            officer,
            query,
            reference=reference,
            request_text=request_text,
            threshold=int(settings.SUPPRESSION_THRESHOLD),
            channel="cli",
        )
    return len(answers)


PRESS = "Press agency FOI request to every force (2022)"
# (force, measure, value, note) over 2016-2021, as a press agency's answers might read.
PUBLISHED = (
    ("bedfordshire", "officers_accused", 31, ""),
    ("cambridgeshire", "officers_accused", 15, ""),
    ("hertfordshire", "officers_accused", 44, ""),
    ("metropolitan", "officers_accused", 1071, "includes staff"),
    ("norfolk", "officers_accused", 26, ""),
    ("suffolk", "officers_accused", 18, ""),
    ("essex", "officers_accused", 52, "force not in Candour"),
    ("kent", "officers_accused", None, "not given in the answer"),
)


def add_published_figures(progress: Callable[[str], None] | None = None) -> int:
    """Figures a press agency published for each demo force and two others, to compare with."""
    rows = [
        {
            "force": force,
            "source": PRESS,
            "period_start": dt.date(2016, 1, 1),
            "period_end": dt.date(2021, 12, 31),
            "measure": measure,
            "value": value,
            "note": note,
        }
        for force, measure, value, note in PUBLISHED
    ]
    return transparency.add_published_figures(rows, channel="cli")
