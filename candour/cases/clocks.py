"""The statutory time limits running on a matter, each computed from its rule and naming it.

``clocks_for(case, today)`` lists every running clock, overdue first. Working days leave out
weekends and the bank holidays of England and Wales (the ``holidays`` package, subdivision ENG;
Welsh forces share them). docs/cases.md, "Time limits", gives each rule and how sure we are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Func
from django.utils import timezone

if TYPE_CHECKING:
    from candour.cases.models import AllegationSubject, Case, Hearing


@dataclass(frozen=True)
class ClockRule:
    name: str
    label: str
    rule: str
    confirmed: str  # "primary", "secondary" or "unconfirmed" (as in forums.py)


TWELVE_MONTHS = ClockRule(
    "twelve_month_report",
    "Report on an investigation not finished within 12 months, then every 6 months",
    "Police (Conduct) Regulations 2020 reg 19(1), (2); Police (Complaints and Misconduct) "
    "Regulations 2020 reg 13: the first period is 12 months from the day the matter came to the "
    "appropriate authority's attention, each later one 6 months",
    "primary",
)
NOTICE_RESPONSE = ClockRule(
    "notice_response",
    "Subject's response to the regulation 17 notice",
    "Police (Conduct) Regulations 2020 reg 18: 10 working days starting with the first working "
    "day after the regulation 17 notice to give the investigator a written or oral statement",
    "secondary",
)
OFFICER_RESPONSE = ClockRule(
    "referral_response",
    "Officer's answer to the notice of referral to misconduct proceedings",
    "Police (Conduct) Regulations 2020 reg 31(1): 15 working days beginning with the first working "
    "day after the documents are supplied under reg 30(1), unless the chair extends it; the "
    "written notice of whether the officer accepts the conduct and their account (reg 31(2))",
    "primary",
)
HEARING_NOTICE = ClockRule(
    "public_hearing_notice",
    "Publish the notice of a public misconduct hearing",
    "Police (Conduct) Regulations 2020 reg 36: notice published at least 5 working days before "
    "the hearing (not for an accelerated hearing: reg 53(2) has its notice published as soon as "
    "practicable after the notice of the hearing, with no fixed period)",
    "unconfirmed",
)
APPEAL_WINDOW = ClockRule(
    "appeal_window",
    "Appeal to the Police Appeals Tribunal",
    "Police Appeals Tribunals Rules 2020: notice of appeal within 10 working days after the "
    "officer is given the outcome",
    "unconfirmed",
)
MEETING_APPEAL_WINDOW = ClockRule(
    "meeting_appeal_window",
    "Officer's appeal against a misconduct meeting's finding or disciplinary action",
    "Police (Conduct) Regulations 2020 reg 45(1), (3)(a): an officer other than a senior officer "
    "whose case was decided at a misconduct meeting commences an appeal by written notice to the "
    "appropriate authority before the end of 7 working days beginning with the first working day "
    "after the report is given to the officer under reg 43 (unless the appropriate authority "
    "extends it for exceptional circumstances)",
    "primary",
)
REVIEW_WINDOW = ClockRule(
    "review_window",
    "Complainant's application for a review",
    "Police (Complaints and Misconduct) Regulations 2020 reg 29(2): 28 days starting with the day "
    "after the complainant is told the outcome",
    "primary",
)
ACCELERATED_HEARING = ClockRule(
    "accelerated_hearing",
    "Hold the accelerated misconduct hearing within 15 working days of the notice of referral",
    "Police (Conduct) Regulations 2020 reg 52(1): the appropriate authority must specify a date "
    "for the accelerated misconduct hearing not less than 10 and not more than 15 working days "
    "after the notice under reg 51(1) is given; reg 48: the periods of Part 5 may be reduced by "
    "agreement",
    "primary",
)
ACCELERATED_REPORT = ClockRule(
    "accelerated_report",
    "Report of the accelerated misconduct hearing's finding",
    "Police (Conduct) Regulations 2020 reg 63(1): the person conducting or chairing the "
    "accelerated misconduct hearing must submit the report (finding, reasons, disciplinary "
    "action) to the appropriate authority before the end of 5 working days beginning with the "
    "first working day after the hearing is completed",
    "primary",
)
CLOCK_RULES = (
    TWELVE_MONTHS,
    NOTICE_RESPONSE,
    OFFICER_RESPONSE,
    HEARING_NOTICE,
    APPEAL_WINDOW,
    MEETING_APPEAL_WINDOW,
    REVIEW_WINDOW,
    ACCELERATED_HEARING,
    ACCELERATED_REPORT,
)


@dataclass(frozen=True)
class Clock:
    name: str
    label: str
    due: date
    overdue: bool
    rule: str
    part_id: int | None = None
    subject_ref: str | None = None


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` ("N working days beginning with the first
    working day after" ``start``)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def subtract_working_days(end: date, count: int) -> date:
    day = end
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


INVESTIGATING = ("referred", "investigation")
FIRST_REPORT_MONTHS = 12  # the first report on an investigation not finished within 12 months


def twelve_month_due(case: Case) -> date | None:
    """When the next report on a long investigation falls due, or None when no investigation runs.
    Each report covers a period; one recorded for the current period moves the clock on 6 months."""
    if case.stage not in INVESTIGATING:
        return None
    due = case.received_date + relativedelta(months=FIRST_REPORT_MONTHS)
    from candour.cases.models import loaded

    reported = {report.period_end for report in loaded(case, "progress_reports")}
    while due in reported:
        due += relativedelta(months=6)
    return due


class TwelveMonthsAfter(Func):
    """A date column 12 months on, in the database, as ``relativedelta(months=12)`` counts it
    (29 February gives 28 February): the 12-month mark of matters placed in bulk, where working
    it out row by row in Python would be too slow (placement.place_imported_matters; the
    import's plan uses ``twelve_months_after_duckdb``, the same count in DuckDB)."""

    arity = 1
    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        # A date plus an interval of months keeps the day, or the month's last day.
        template = f"((%(expressions)s) + interval '{FIRST_REPORT_MONTHS} months')::date"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        # SQLite rolls 29 February + 12 months over to 1 March; step back a day for it. The
        # strftime pattern's percent is doubled for the template, then for the driver.
        template = (
            "CASE WHEN strftime('%%%%m-%%%%d', %(expressions)s) = '02-29' "
            f"THEN date(%(expressions)s, '+{FIRST_REPORT_MONTHS} months', '-1 day') "
            f"ELSE date(%(expressions)s, '+{FIRST_REPORT_MONTHS} months') END"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def twelve_months_after_duckdb(iso_date: str) -> str:
    """``TwelveMonthsAfter`` in DuckDB, for the import's plan: ``iso_date`` is an SQL expression
    giving ISO date text, and so is the result. DuckDB adds months as PostgreSQL does, keeping
    the day or taking the month's last (29 February gives 28 February)."""
    return f"strftime(CAST({iso_date} AS DATE) + INTERVAL {FIRST_REPORT_MONTHS} MONTH, '%Y-%m-%d')"


def appeal_window_end(part: AllegationSubject) -> date | None:
    if part.outcome_date is None:
        return None
    return add_working_days(part.outcome_date, 10)


MEETING = "misconduct_meeting"  # Proceedings.MISCONDUCT_MEETING
SENIOR_OFFICER = "chief_officer"  # Rank.CHIEF_OFFICER: reg 45(1) leaves senior officers out
MEETING_APPEAL_DAYS = 7  # reg 45(3)(a)


def meeting_appeal_window_end(part: AllegationSubject) -> date | None:
    """The last day of reg 45(3)(a)'s 7 working days for the officer's appeal from a misconduct
    meeting, or None when none runs: no outcome with a finding of misconduct recorded at a
    meeting, or a senior officer (whose appeal goes to the Police Appeals Tribunal instead).
    Candour does not record the day the reg 43 report reaches the officer; the outcome date
    stands for it (docs/cases.md, "Time limits")."""
    if (
        part.proceedings != MEETING
        or part.outcome_date is None
        or part.proceedings_finding not in ("misconduct", "gross_misconduct")
        or part.subject_rank == SENIOR_OFFICER
    ):
        return None
    return add_working_days(part.outcome_date, MEETING_APPEAL_DAYS)


def review_window_end(case: Case) -> date | None:
    if case.complainant_informed_on is None:
        return None
    return case.complainant_informed_on + timedelta(days=28)


def today() -> date:
    return timezone.localdate()


def clocks_for(case: Case, on: date | None = None) -> list[Clock]:
    """Every running clock on ``case`` (with its subjects prefetched), overdue first then by due."""
    from candour.cases import forums

    on = on or today()
    clocks: list[Clock] = []
    due = twelve_month_due(case)
    if due is not None:
        clocks.append(_clock(TWELVE_MONTHS, due, on))
    rules = case.rules
    for part in case.parts():
        ref = part.subject.ref if part.subject is not None else None
        if part.notice_served_on and case.stage == "investigation" and not part.outcome:
            response_due = add_working_days(part.notice_served_on, 10)
            if response_due >= on:
                clocks.append(_clock(NOTICE_RESPONSE, response_due, on, part.pk, ref))
        hearing = getattr(part, "hearing", None)
        if hearing is not None and not part.outcome:
            clocks += _hearing_clocks(hearing, on, part.pk, ref)
        forum = forums.forum_rules(rules, part.proceedings) if part.proceedings else None
        if (
            forum is not None
            and forum.appeal_to_tribunal
            and part.proceedings_finding in (forums.MISC, forums.GROSS)
            and not part.appeal_status
        ):
            appeal_end = appeal_window_end(part)
            if appeal_end is not None and appeal_end >= on:
                clocks.append(_clock(APPEAL_WINDOW, appeal_end, on, part.pk, ref))
        meeting_end = meeting_appeal_window_end(part)
        if meeting_end is not None and meeting_end >= on:
            # Candour records no appeal from a meeting (lodge_appeal is the tribunal's), so only
            # the end of the period stops this window.
            clocks.append(_clock(MEETING_APPEAL_WINDOW, meeting_end, on, part.pk, ref))
    review_end = review_window_end(case)
    if review_end is not None and review_end >= on and case.stage != "review":
        clocks.append(_clock(REVIEW_WINDOW, review_end, on))
    clocks.sort(key=lambda clock: (not clock.overdue, clock.due))
    return clocks


ACCELERATED = "accelerated_hearing"  # Proceedings.ACCELERATED_HEARING


def accelerated_hearing_by(hearing: Hearing) -> date | None:
    """The last day reg 52(1) allows for an accelerated misconduct hearing: the 15th working day
    after the notice of referral (reg 51(1)) was given, or None before it is recorded."""
    if hearing.forum != ACCELERATED or hearing.referral_notice_on is None:
        return None
    return add_working_days(hearing.referral_notice_on, 15)


def _hearing_clocks(hearing: Hearing, on: date, part_id: int, ref: str | None) -> list[Clock]:
    """The clocks of arranged proceedings whose outcome is not yet recorded."""
    clocks: list[Clock] = []
    if hearing.forum == ACCELERATED:
        # Part 5 sets its own periods: the hearing by the 15th working day after the notice
        # (reg 52(1)), until a date within that is recorded; then the report of the finding
        # 5 working days after the hearing (reg 63(1)), until the outcome is recorded.
        by = accelerated_hearing_by(hearing)
        if by is not None and (hearing.hearing_date is None or hearing.hearing_date > by):
            clocks.append(_clock(ACCELERATED_HEARING, by, on, part_id, ref))
        if hearing.hearing_date is not None:
            report_due = add_working_days(hearing.hearing_date, 5)
            clocks.append(_clock(ACCELERATED_REPORT, report_due, on, part_id, ref))
        return clocks
    if hearing.referral_notice_on is not None and hearing.officer_response_on is None:
        answer_due = add_working_days(hearing.referral_notice_on, 15)
        if answer_due >= on:
            clocks.append(_clock(OFFICER_RESPONSE, answer_due, on, part_id, ref))
    if hearing.public and hearing.hearing_date is not None and hearing.notice_published_on is None:
        # Candour publishes the notice itself once a public hearing has a date
        # (workflow.public_hearing_notices, recorded as notice_published_on), so this runs only
        # for a hearing whose publication is not recorded. A late one is a fact: late_notices.
        clocks.append(
            _clock(HEARING_NOTICE, hearing_notice_due(hearing.hearing_date), on, part_id, ref)
        )
    return clocks


def hearing_notice_due(hearing_date: date) -> date:
    """The last day for the notice of a public hearing: 5 working days before it (reg 36)."""
    return subtract_working_days(hearing_date, 5)


def working_days_between(start: date, end: date) -> int:
    """The working days from ``start`` up to, not including, ``end`` (0 when ``end`` is not
    later): a notice published on Monday for a hearing on Friday came 4 working days before."""
    count, day = 0, start
    while day < end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


@dataclass(frozen=True)
class LateNotice:
    """A public hearing's notice published after reg 36's last day: a fact to show, not a duty
    that can still be met."""

    part_id: int
    subject_ref: str | None
    published_on: date
    hearing_date: date
    due: date

    @property
    def working_days_before(self) -> int:
        return working_days_between(self.published_on, self.hearing_date)

    @property
    def message(self) -> str:
        published = _day(self.published_on)
        if self.published_on > self.hearing_date:
            when = f"after the hearing on {_day(self.hearing_date)}"
        elif self.published_on == self.hearing_date:
            when = "on the day of the hearing"
        else:
            days = self.working_days_before
            when = f"{days} working day{'' if days == 1 else 's'} before the hearing"
        return f"Notice published on {published}, {when}; reg 36 asks for at least 5."


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def late_notices(case: Case) -> list[LateNotice]:
    """The public hearings on ``case`` whose notice was published later than 5 working days
    before the hearing (reg 36; not an accelerated hearing, whose reg 53(2) has no fixed period),
    whether or not the outcome is recorded yet."""
    late = []
    for part in case.parts():
        hearing = getattr(part, "hearing", None)
        if (
            hearing is None
            or hearing.forum == ACCELERATED
            or not hearing.public
            or hearing.hearing_date is None
            or hearing.notice_published_on is None
        ):
            continue
        due = hearing_notice_due(hearing.hearing_date)
        if hearing.notice_published_on > due:
            ref = part.subject.ref if part.subject is not None else None
            late.append(
                LateNotice(part.pk, ref, hearing.notice_published_on, hearing.hearing_date, due)
            )
    return late


# The clocks that are the force's own duty, and so can go overdue (the others are windows for
# the subject or the complainant, shown only while open).
DUTIES = frozenset(
    {TWELVE_MONTHS.name, HEARING_NOTICE.name, ACCELERATED_HEARING.name, ACCELERATED_REPORT.name}
)


def next_due(case: Case) -> date | None:
    """The nearest due date of the force's running duties on ``case`` (stored as Case.next_due,
    so that lists filter and order by "overdue" in the database)."""
    far = date.max
    due = min(
        (clock.due for clock in clocks_for(case, date.min) if clock.name in DUTIES), default=far
    )
    return None if due == far else due


def _clock(
    rule: ClockRule, due: date, on: date, part_id: int | None = None, ref: str | None = None
) -> Clock:
    return Clock(rule.name, rule.label, due, due < on, rule.rule, part_id, ref)
