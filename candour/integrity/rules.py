"""The early-warning rules: each a plain function with a stable code (docs/early-warning.md).

A rule reads the case data it is given (a queryset of cases, already limited to what the reader
may see by ``candour.core.scoping``, and the people of the workforce it considers) as of a day,
and returns the flags it raises. It never writes a case table. Every flag names the facts that
raised it, in words and as a list (interchange §9, docs/interchange.md), and is a prompt for an
analyst, never a finding.

The thresholds have one home, the ``WARNING_*`` settings (candour/settings.py,
docs/configuration.md), read here into ``Thresholds``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from candour.cases.models import (
    Allegation,
    AllegationSubject,
    Case,
    CaseType,
    Category,
    Complainant,
)
from candour.core import reference
from candour.core.models import Person
from candour.integrity.models import AccessEvent, RecordType


@dataclass(frozen=True)
class Thresholds:
    """What each rule counts before it raises a flag (the ``WARNING_*`` settings)."""

    cluster_cases: int
    cluster_months: int
    theme_cases: int
    themes: tuple[str, ...]
    complainants: int
    pair_cases: int
    lookback_years: int
    access_days: int
    access_no_task: int
    access_burst_min: int
    access_burst_factor: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        themes = tuple(settings.WARNING_THEMES)
        unknown = [theme for theme in themes if theme not in reference.FLAGS]
        if unknown:
            raise ImproperlyConfigured(
                f"CANDOUR_WARNING_THEMES names {', '.join(unknown)}, which is no flag; use "
                f"codes among {', '.join(reference.FLAGS)}."
            )
        return cls(
            cluster_cases=settings.WARNING_CLUSTER_CASES,
            cluster_months=settings.WARNING_CLUSTER_MONTHS,
            theme_cases=settings.WARNING_THEME_CASES,
            themes=themes,
            complainants=settings.WARNING_COMPLAINANTS,
            pair_cases=settings.WARNING_PAIR_CASES,
            lookback_years=settings.WARNING_LOOKBACK_YEARS,
            access_days=settings.WARNING_ACCESS_DAYS,
            access_no_task=settings.WARNING_ACCESS_NO_TASK,
            access_burst_min=settings.WARNING_ACCESS_BURST_MIN,
            access_burst_factor=settings.WARNING_ACCESS_BURST_FACTOR,
        )

    def lookback_start(self, as_of: dt.date) -> dt.date:
        return as_of - relativedelta(years=self.lookback_years) + dt.timedelta(days=1)

    def access_start(self, as_of: dt.date) -> dt.date:
        return as_of - dt.timedelta(days=self.access_days - 1)

    def cluster_start(self, as_of: dt.date) -> dt.date:
        return as_of - relativedelta(months=self.cluster_months) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Fact:
    """One thing a flag rests on: ``kind`` is ``case``, ``allegation``, ``access``,
    ``declaration`` or ``integrity_report`` (interchange §9); ``case_id`` links to the case."""

    kind: str
    ref: str
    date: dt.date
    case_id: int | None = None

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref, "date": self.date.isoformat()}


@dataclass(frozen=True)
class RaisedFlag:
    """A flag one rule raised for one person. ``key`` tells apart two flags of one rule for one
    person (the theme, the colleague accused with them); ``fingerprint`` identifies the flag by
    its facts, so that a decision on it holds until the facts change."""

    person_id: int
    person_ref: str
    force: str
    rule: str
    key: str
    raised_on: dt.date
    explanation: str
    facts: tuple[Fact, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        facts = ";".join(sorted(f"{fact.kind}:{fact.ref}" for fact in self.facts))
        text = f"{self.force}|{self.person_ref}|{self.rule}|{self.key}|{facts}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def as_json(self) -> dict[str, object]:
        return {
            "person_ref": self.person_ref,
            "rule": self.rule,
            "raised_on": self.raised_on.isoformat(),
            "explanation": self.explanation,
            "facts": [fact.as_json() for fact in self.facts],
        }


Rule = Callable[[QuerySet[Case], QuerySet[Person], dt.date, Thresholds], list[RaisedFlag]]


@dataclass(frozen=True)
class RuleInfo:
    code: str
    title: str
    check: Rule


# --- Reading the case data ----------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One person's part in one case, as the rules read it."""

    person_id: int
    person_ref: str
    force: str
    case_id: int
    case_ref: str
    case_type: str
    received: dt.date
    allegation: str = ""
    category: str = ""


def _parts(
    cases: QuerySet[Case], people: QuerySet[Person], start: dt.date, end: dt.date
) -> QuerySet[AllegationSubject]:
    """The identified subjects' parts in the cases received from ``start`` to ``end``."""
    return AllegationSubject.objects.filter(
        allegation__case__in=cases.filter(received_date__range=(start, end)).values("pk"),
        subject__in=people.values("pk"),
    )


def _read(parts: QuerySet[AllegationSubject], *, allegations: bool = False) -> list[_Part]:
    fields = [
        "subject_id",
        "subject__ref",
        "subject__force_id",
        "allegation__case_id",
        "allegation__case__ref",
        "allegation__case__case_type",
        "allegation__case__received_date",
    ]
    if allegations:
        fields += ["allegation__ref", "allegation__category__label"]
    rows = parts.values_list(*fields).distinct().order_by(*fields[3:])
    return [_Part(*row) for row in rows]


def _with_at_least(parts: QuerySet[AllegationSubject], cases: int) -> QuerySet[AllegationSubject]:
    """The parts of the people who are subjects in at least ``cases`` separate cases (counted
    in the database)."""
    many = (
        parts.values("subject")
        .annotate(cases=Count("allegation__case", distinct=True))
        .filter(cases__gte=cases)
        .values("subject")
    )
    return parts.filter(subject__in=many)


def _by_person(parts: Iterable[_Part]) -> dict[int, list[_Part]]:
    grouped: dict[int, list[_Part]] = defaultdict(list)
    for part in parts:
        grouped[part.person_id].append(part)
    return grouped


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _case_words(parts: Sequence[_Part]) -> str:
    kinds = {value: label.lower() for value, label in CaseType.choices}
    return ", ".join(
        f"{part.case_ref} ({kinds.get(part.case_type, part.case_type)}, received "
        f"{_day(part.received)})"
        for part in parts
    )


def _case_facts(parts: Iterable[_Part]) -> tuple[Fact, ...]:
    seen: dict[int, Fact] = {}
    for part in parts:
        seen.setdefault(part.case_id, Fact("case", part.case_ref, part.received, part.case_id))
    return tuple(sorted(seen.values(), key=lambda fact: (fact.date, fact.ref)))


def _one_per_case(parts: Iterable[_Part]) -> list[_Part]:
    seen: dict[int, _Part] = {}
    for part in parts:
        seen.setdefault(part.case_id, part)
    return sorted(seen.values(), key=lambda part: (part.received, part.case_ref))


# --- The rules ----------------------------------------------------------------------------


def case_cluster(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``case_cluster``: a person is a subject in at least ``cluster_cases`` separate cases
    (complaints, conduct matters, DSI matters) received in the ``cluster_months`` up to the
    day. Cases are counted, not allegations: one complaint of five allegations is one case."""
    start = limits.cluster_start(as_of)
    parts = _with_at_least(_parts(cases, people, start, as_of), limits.cluster_cases)
    flags = []
    for person_parts in _by_person(_read(parts)).values():
        in_cases = _one_per_case(person_parts)
        first = in_cases[0]
        flags.append(
            RaisedFlag(
                person_id=first.person_id,
                person_ref=first.person_ref,
                force=first.force,
                rule="case_cluster",
                key="",
                raised_on=in_cases[-1].received,
                explanation=(
                    f"{len(in_cases)} cases in the {limits.cluster_months} months from "
                    f"{_day(start)} to {_day(as_of)} name {first.person_ref} as a subject: "
                    f"{_case_words(in_cases)}."
                ),
                facts=_case_facts(in_cases),
            )
        )
    return flags


def _theme(code: str) -> Q:
    """An allegation is of a theme when flagged with it or when its category carries it."""
    # Two subqueries, not a join through both many-to-many tables (which multiplies rows).
    flagged = Allegation.objects.filter(flags__code=code).values("pk")
    carried = Category.objects.filter(default_flags__code=code).values("pk")
    return Q(allegation__in=flagged) | Q(allegation__category__in=carried)


def repeated_theme(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``repeated_theme``: allegations of one theme (sexual misconduct, domestic abuse,
    discrimination, use of force: ``WARNING_THEMES``) against a person in at least
    ``theme_cases`` separate cases within the look-back period. One flag per theme."""
    start = limits.lookback_start(as_of)
    flags = []
    for theme in limits.themes:
        phrase = reference.FLAG_PHRASES.get(theme, theme)
        themed = _parts(cases, people, start, as_of).filter(_theme(theme))
        parts = _with_at_least(themed, limits.theme_cases)
        for person_parts in _by_person(_read(parts, allegations=True)).values():
            in_cases = _one_per_case(person_parts)
            first = in_cases[0]
            allegations = sorted(
                {
                    (p.received, p.case_ref, p.allegation, p.category, p.case_id)
                    for p in person_parts
                }
            )
            words = ", ".join(
                f"{case_ref}/{allegation} ({category}, received {_day(received)})"
                for received, case_ref, allegation, category, _ in allegations
            )
            flags.append(
                RaisedFlag(
                    person_id=first.person_id,
                    person_ref=first.person_ref,
                    force=first.force,
                    rule="repeated_theme",
                    key=theme,
                    raised_on=in_cases[-1].received,
                    explanation=(
                        f"Allegations of {phrase} against {first.person_ref} in "
                        f"{len(in_cases)} separate cases since {_day(start)}: {words}."
                    ),
                    facts=tuple(
                        Fact("allegation", f"{case_ref}/{allegation}", received, case_id)
                        for received, case_ref, allegation, _, case_id in allegations
                    ),
                )
            )
    return flags


def _normalised(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _unconnected_groups(complainants: Sequence[tuple[int, int, str, str, str, str]]) -> int:
    """How many groups the complainants form when two are connected by sharing a case, a name,
    an address, an e-mail address or a telephone number (a family, a campaign, one person)."""
    parent = list(range(len(complainants)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, str], int] = {}
    for index, (_, case_id, *details) in enumerate(complainants):
        keys = [("case", str(case_id))]
        for kind, value in zip(("name", "address", "email", "phone"), details, strict=True):
            if normalised := _normalised(value):
                keys.append((kind, normalised))
        for key in keys:
            if key in first_with:
                parent[root(index)] = root(first_with[key])
            else:
                first_with[key] = index
    return len({root(i) for i in range(len(complainants))})


def unconnected_complainants(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``unconnected_complainants``: complaints against a person within the look-back period
    from at least ``complainants`` complainants with no connection to each other (no shared
    case, name, address, e-mail address or telephone number). The complainants' details are
    compared, never shown: the explanation names the cases."""
    start = limits.lookback_start(as_of)
    parts = _parts(cases, people, start, as_of).filter(allegation__case__complainants__isnull=False)
    candidates = (
        parts.values("subject")
        .annotate(complainants=Count("allegation__case__complainants", distinct=True))
        .filter(complainants__gte=limits.complainants)
        .values("subject")
    )
    in_cases = _by_person(_read(parts.filter(subject__in=candidates)))
    case_ids = {part.case_id for person_parts in in_cases.values() for part in person_parts}
    details: dict[int, list[tuple[int, int, str, str, str, str]]] = defaultdict(list)
    for row in Complainant.objects.filter(case__in=case_ids).values_list(
        "pk", "case_id", "name", "address", "email", "phone"
    ):
        details[row[1]].append(row)
    flags = []
    for person_parts in in_cases.values():
        person_cases = _one_per_case(person_parts)
        theirs = [row for part in person_cases for row in details[part.case_id]]
        groups = _unconnected_groups(theirs)
        if groups < limits.complainants:
            continue
        first = person_cases[0]
        flags.append(
            RaisedFlag(
                person_id=first.person_id,
                person_ref=first.person_ref,
                force=first.force,
                rule="unconnected_complainants",
                key="",
                raised_on=person_cases[-1].received,
                explanation=(
                    f"{groups} unconnected complainants (sharing no case, name, address, e-mail "
                    f"address or telephone number) complained about {first.person_ref} since "
                    f"{_day(start)}, in {_case_words(person_cases)}."
                ),
                facts=_case_facts(person_cases),
            )
        )
    return flags


def co_accused_pair(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``co_accused_pair``: two people accused together (subjects of allegations of the same
    case) in at least ``pair_cases`` separate cases within the look-back period, from the
    allegation-subject links. Each of the two gets a flag naming the other."""
    start = limits.lookback_start(as_of)
    parts = _read(_parts(cases, people, start, as_of))
    by_case: dict[int, dict[int, _Part]] = defaultdict(dict)
    for part in parts:
        by_case[part.case_id].setdefault(part.person_id, part)
    together: Counter[tuple[int, int]] = Counter()
    for subjects in by_case.values():
        together.update(itertools.combinations(sorted(subjects), 2))
    flags = []
    for (one, other), count in sorted(together.items()):
        if count < limits.pair_cases:
            continue
        shared = [
            subjects[one] for subjects in by_case.values() if one in subjects and other in subjects
        ]
        shared.sort(key=lambda part: (part.received, part.case_ref))
        for me, them in ((one, other), (other, one)):
            mine = [by_case[part.case_id][me] for part in shared]
            colleague = by_case[shared[0].case_id][them].person_ref
            flags.append(
                RaisedFlag(
                    person_id=me,
                    person_ref=mine[0].person_ref,
                    force=mine[0].force,
                    rule="co_accused_pair",
                    key=colleague,
                    raised_on=mine[-1].received,
                    explanation=(
                        f"{mine[0].person_ref} and {colleague} were accused together in "
                        f"{len(mine)} separate cases since {_day(start)}: {_case_words(mine)}."
                    ),
                    facts=_case_facts(mine),
                )
            )
    return flags


# --- System-access checks (interchange §8) -------------------------------------------------

# The look-ups an explanation lists; the count always covers them all.
MOST_LISTED = 20


def _events(people: QuerySet[Person], as_of: dt.date, limits: Thresholds) -> QuerySet[AccessEvent]:
    # A range of moments, not the date of each (which SQLite works out row by row in Python).
    start = dt.datetime.combine(limits.access_start(as_of), dt.time.min)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    return AccessEvent.objects.filter(
        person__in=people.values("pk"),
        accessed_at__gte=timezone.make_aware(start),
        accessed_at__lt=timezone.make_aware(end),
    )


def _access_fact(event: AccessEvent) -> Fact:
    local = timezone.localtime(event.accessed_at)
    what = event.record_ref or "(a search)"
    return Fact(
        "access",
        f"{event.system} {event.action} {event.record_type} {what} at {local:%Y-%m-%d %H:%M}",
        local.date(),
    )


def _access_words(events: Sequence[AccessEvent]) -> str:
    listed = ", ".join(fact.ref for fact in map(_access_fact, events[:MOST_LISTED]))
    more = f", and {len(events) - MOST_LISTED} more" if len(events) > MOST_LISTED else ""
    return listed + more


def _access_flag(
    person: Person, rule: str, key: str, events: Sequence[AccessEvent], explanation: str
) -> RaisedFlag:
    facts = tuple(_access_fact(event) for event in events)
    return RaisedFlag(
        person_id=person.pk,
        person_ref=person.ref,
        force=person.force_id,
        rule=rule,
        key=key,
        raised_on=max(fact.date for fact in facts),
        explanation=explanation,
        facts=facts,
    )


def _grouped_events(events: QuerySet[AccessEvent]) -> dict[Person, list[AccessEvent]]:
    grouped: dict[Person, list[AccessEvent]] = defaultdict(list)
    for event in events.select_related("person").order_by("accessed_at", "id"):
        assert event.person is not None
        grouped[event.person].append(event)
    return grouped


def access_no_task(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``access_no_task``: at least ``access_no_task`` look-ups of person records with no task
    given (no incident, crime or case) in the ``access_days`` up to the day."""
    start = limits.access_start(as_of)
    untasked = _events(people, as_of, limits).filter(record_type=RecordType.PERSON, task_ref="")
    many = (
        untasked.values("person")
        .annotate(n=Count("id"))
        .filter(n__gte=limits.access_no_task)
        .values("person")
    )
    return [
        _access_flag(
            person,
            "access_no_task",
            "",
            events,
            f"{person.ref} looked up {len(events)} person records with no task given between "
            f"{_day(start)} and {_day(as_of)}: {_access_words(events)}.",
        )
        for person, events in _grouped_events(untasked.filter(person__in=many)).items()
    ]


def access_colleague(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``access_colleague``: a look-up, with no task given, of the person record of a colleague
    (someone of the same force's workforce, not the person themselves)."""
    start = limits.access_start(as_of)
    colleagues = Person.objects.filter(force_id=OuterRef("force_id"), ref=OuterRef("record_ref"))
    looked = (
        _events(people, as_of, limits)
        .filter(record_type=RecordType.PERSON, task_ref="")
        .exclude(record_ref=F("user_ref"))
        .filter(Exists(colleagues))
    )
    return [
        _access_flag(
            person,
            "access_colleague",
            "",
            events,
            f"{person.ref} looked up the person records of colleagues "
            f"({', '.join(sorted({event.record_ref for event in events}))}) with no task given "
            f"between {_day(start)} and {_day(as_of)}: {_access_words(events)}.",
        )
        for person, events in _grouped_events(looked).items()
    ]


def access_own_case(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``access_own_case``: a subject of a case looked up the case itself (its reference as the
    record or the search) or searched for one of its complainants by name, on or after the day
    the case was received. The complainant's name is compared, never shown."""
    start = limits.access_start(as_of)
    parts = _read(_parts(cases, people, dt.date.min, as_of))
    theirs: dict[int, list[_Part]] = _by_person(parts)
    names: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for case_id, name in Complainant.objects.filter(
        case__in={part.case_id for part in parts}
    ).values_list("case_id", "name"):
        if normalised := _normalised(name):
            names[case_id].append((normalised, case_id))
    a_case = Case.objects.filter(force_id=OuterRef("force_id"), ref=OuterRef("record_ref"))
    events = (
        _events(people, as_of, limits)
        .filter(person__in=list(theirs))
        .filter(Exists(a_case) | ~Q(search_term=""))
    )
    found: dict[Person, list[tuple[AccessEvent, str]]] = defaultdict(list)
    for event in (
        events.select_related("person").order_by("accessed_at", "id").iterator(chunk_size=5000)
    ):
        assert event.person is not None
        day = timezone.localtime(event.accessed_at).date()
        looked_for = {_normalised(event.record_ref), _normalised(event.search_term)} - {""}
        for part in _one_per_case(theirs[event.person.pk]):
            if part.received > day:
                continue
            if _normalised(part.case_ref) in looked_for:
                found[event.person].append((event, f"the case {part.case_ref}"))
            elif any(name in looked_for for name, _ in names[part.case_id]):
                found[event.person].append((event, f"a complainant of {part.case_ref}"))
    flags = []
    for person, hits in found.items():
        what = ", ".join(sorted({words for _, words in hits}))
        flags.append(
            _access_flag(
                person,
                "access_own_case",
                "",
                [event for event, _ in hits],
                f"{person.ref}, a subject of the cases concerned, looked up {what} between "
                f"{_day(start)} and {_day(as_of)}: {_access_words([e for e, _ in hits])}.",
            )
        )
    return flags


def access_burst(
    cases: QuerySet[Case], people: QuerySet[Person], as_of: dt.date, limits: Thresholds
) -> list[RaisedFlag]:
    """``access_burst``: a day with at least ``access_burst_min`` look-ups and at least
    ``access_burst_factor`` times the person's median day (of the days they looked anything up
    in the period): a burst against their own baseline, counted in the database."""
    start = limits.access_start(as_of)
    daily = (
        _events(people, as_of, limits)
        .annotate(day=TruncDate("accessed_at"))
        .values_list("person_id", "day")
        .annotate(n=Count("id"))
    )
    days: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    busy = set()
    for person_id, day, count in daily.order_by():
        days[person_id].append((day, count))
        if count >= limits.access_burst_min:
            busy.add(person_id)
    flags = []
    for person in Person.objects.filter(pk__in=busy).order_by("ref"):
        counts = sorted(count for _, count in days[person.pk])
        median = (
            counts[len(counts) // 2]
            if len(counts) % 2
            else (counts[len(counts) // 2 - 1] + counts[len(counts) // 2]) / 2
        )
        bursts = sorted(
            (day, count)
            for day, count in days[person.pk]
            if count >= limits.access_burst_min and count >= limits.access_burst_factor * median
        )
        if not bursts:
            continue
        words = ", ".join(f"{count} on {_day(day)}" for day, count in bursts)
        flags.append(
            RaisedFlag(
                person_id=person.pk,
                person_ref=person.ref,
                force=person.force_id,
                rule="access_burst",
                key="",
                raised_on=bursts[-1][0],
                explanation=(
                    f"{person.ref} made {words} look-ups, against a median of {median:g} a day "
                    f"on the {len(counts)} days they looked anything up between {_day(start)} "
                    f"and {_day(as_of)}."
                ),
                facts=tuple(
                    Fact("access", f"{count} look-ups on {day.isoformat()}", day)
                    for day, count in bursts
                ),
            )
        )
    return flags


RULES: tuple[RuleInfo, ...] = (
    RuleInfo("case_cluster", "Cluster of cases in 12 months", case_cluster),
    RuleInfo("repeated_theme", "Repeated theme across separate cases", repeated_theme),
    RuleInfo(
        "unconnected_complainants",
        "Complaints from unconnected complainants",
        unconnected_complainants,
    ),
    RuleInfo("co_accused_pair", "Repeatedly accused together", co_accused_pair),
    RuleInfo("access_no_task", "Look-ups of people with no task", access_no_task),
    RuleInfo("access_colleague", "Look-ups of colleagues' records", access_colleague),
    RuleInfo("access_own_case", "Look-ups of one's own case", access_own_case),
    RuleInfo("access_burst", "A burst of look-ups", access_burst),
)
BY_CODE = {rule.code: rule for rule in RULES}


def run_rules(
    cases: QuerySet[Case],
    people: QuerySet[Person],
    as_of: dt.date,
    *,
    rules: Iterable[str] = (),
    limits: Thresholds | None = None,
) -> list[RaisedFlag]:
    """Every flag the rules raise (those named, or all), for the people given, from the cases
    given, as of the day; in order of person and rule."""
    limits = limits or Thresholds.from_settings()
    chosen = [BY_CODE[code] for code in rules] if rules else list(RULES)
    flags = [flag for rule in chosen for flag in rule.check(cases, people, as_of, limits)]
    return sorted(flags, key=lambda flag: (flag.person_ref, flag.rule, flag.key, flag.raised_on))
