"""Build the demo data set in memory, deterministically from a seed (no database access).

``generate`` returns plain dataclasses; ``candour.core.demo.load`` writes them. Keeping the two
apart means the same seed always gives the same rows, whatever the database already holds.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from candour.cases import forums
from candour.core.demo import figures as F
from candour.core.demo.handling import (
    decide_for_subject,
    handle_allegation,
    pick,
    proceedings_finding,
    settle_for_leaver,
)

DAYS_PER_YEAR = 365.25


@dataclass
class PersonSpec:
    force: str
    ref: str
    role: str
    rank: str
    sex: str
    joined_date: dt.date
    left_date: dt.date | None
    weight: float = 1.0  # how likely to be named as a subject (a long-tailed propensity)

    def serving_on(self, day: dt.date) -> bool:
        return self.joined_date <= day and (self.left_date is None or day <= self.left_date)


@dataclass
class SubjectSpec:
    person: PersonSpec | None
    role: str
    sex: str
    rank: str
    iopc_referral: str
    investigation: str
    severity: str
    proceedings: str
    outcome: str
    outcome_date: dt.date | None

    @property
    def finding(self) -> str:
        """The finding the workflow would record with this outcome (interchange §1)."""
        found = ""
        if self.proceedings in forums.PROCEEDINGS_FORUMS:  # a meeting or hearing found
            found = proceedings_finding(self.severity, self.outcome)
        return forums.allegation_finding(self.outcome, found)


@dataclass
class AllegationSpec:
    ref: str
    category: str
    flags: set[str]
    subjects: list[SubjectSpec] = field(default_factory=list)


@dataclass
class CaseSpec:
    force: str
    ref: str
    case_type: str
    received_date: dt.date
    allegations: list[AllegationSpec] = field(default_factory=list)


@dataclass
class DemoData:
    people: list[PersonSpec]
    cases: list[CaseSpec]


@dataclass(frozen=True)
class Reference:
    """What the generator needs from the reference tables: each category's scheme and
    default flags, and the flag codes."""

    category_schemes: Mapping[str, str]
    default_flags: Mapping[str, frozenset[str]]
    flags: frozenset[str]


def generate(reference: Reference, *, scale: float = 1.0, seed: int = F.SEED) -> DemoData:
    rng = random.Random(seed)
    people: list[PersonSpec] = []
    cases: list[CaseSpec] = []
    for force in F.HEADCOUNTS:
        workforce = _workforce(rng, force, scale)
        people.extend(workforce)
        cases.extend(_cases(rng, force, workforce, scale, reference))
    _cover_every_category(rng, cases, reference)
    _cover_every_flag(rng, cases, reference)
    _settle_leavers(cases)
    return DemoData(people, cases)


# --- Workforce -------------------------------------------------------------------------------


def _workforce(rng: random.Random, force: str, scale: float) -> list[PersonSpec]:
    factor = F.WORKFORCE_SCALE * scale
    years = (F.DEMO_END - F.DEMO_START).days / DAYS_PER_YEAR
    people: list[PersonSpec] = []
    for role, headcount in F.HEADCOUNTS[force].items():
        in_post = round(headcount * factor)
        for _ in range(in_post):
            people.append(_person(rng, force, role, joined=_joined_in_post(rng, role), left=None))
        for _ in range(_stochastic_round(rng, in_post * F.ANNUAL_TURNOVER[role] * years)):
            left = _random_day(rng, F.DEMO_START, F.DEMO_END)
            people.append(
                _person(rng, force, role, joined=_joined_before(rng, role, left), left=left)
            )
        ended = F.ROLES_ENDED.get((force, role))
        if ended:
            count, until = ended
            for _ in range(round(count * factor)):
                left = _random_day(rng, F.DEMO_START, until)
                people.append(
                    _person(rng, force, role, joined=_joined_before(rng, role, left), left=left)
                )
    _ensure_chief_officer(people)
    numbers = rng.sample(range(100_000, 1_000_000), len(people))
    for person, number in zip(people, numbers, strict=True):
        person.ref = f"{F.FORCE_PREFIXES[force]}-{number}"
    return people


def _person(
    rng: random.Random, force: str, role: str, *, joined: dt.date, left: dt.date | None
) -> PersonSpec:
    if role == "officer":
        service = ((left or F.DEMO_END) - joined).days / DAYS_PER_YEAR
        rank = _officer_rank(rng, service)
        share = F.FEMALE_SHARE[
            "officer_before_2015" if joined < F.DEMO_START else "officer_since_2015"
        ]
    else:
        rank = {"special_constable": "constable", "volunteer": ""}.get(role, "staff")
        share = F.FEMALE_SHARE[role]
    sex = "female" if rng.random() < share else "male"
    role_key = rank if role == "officer" else role
    weight = F.SUBJECT_WEIGHTS.get(role_key, 0.1) * min(rng.paretovariate(1.8), 25.0)
    return PersonSpec(force, "", role, rank, sex, joined, left, weight)


# Years of service before an officer can plausibly hold each rank.
MIN_SERVICE_FOR_RANK = {
    "constable": 0,
    "sergeant": 3,
    "inspector": 6,
    "chief_inspector": 9,
    "superintendent": 12,
    "chief_superintendent": 15,
    "chief_officer": 18,
}


def _officer_rank(rng: random.Random, service_years: float) -> str:
    eligible = {
        rank: share
        for rank, share in F.OFFICER_RANKS.items()
        if service_years >= MIN_SERVICE_FOR_RANK[rank]
    }
    if service_years >= 10:
        # The longer-serving hold most of the senior posts, which keeps the pyramid's shares
        # close to the national figures across the whole workforce.
        eligible = {r: s * (1 if r == "constable" else 2.5) for r, s in eligible.items()}
    return pick(rng, eligible)


def _ensure_chief_officer(people: list[PersonSpec]) -> None:
    """Every force has a chief constable: promote the longest-serving officer if needed."""
    officers = [p for p in people if p.role == "officer" and p.left_date is None]
    if officers and not any(p.rank == "chief_officer" for p in officers):
        min(officers, key=lambda p: p.joined_date).rank = "chief_officer"


def _joined_in_post(rng: random.Random, role: str) -> dt.date:
    if role == "officer" and rng.random() < 0.35:
        # The Police Uplift Programme recruited 20,000 officers from late 2019 to March 2023.
        return _random_day(rng, dt.date(2019, 10, 1), dt.date(2023, 3, 31))
    years = rng.triangular(0, F.MAX_SERVICE_YEARS[role], 0)
    return F.DEMO_END - dt.timedelta(days=int(years * DAYS_PER_YEAR) + 1)


def _joined_before(rng: random.Random, role: str, left: dt.date) -> dt.date:
    years = rng.triangular(0.3, F.MAX_SERVICE_YEARS[role], 2)
    return left - dt.timedelta(days=int(years * DAYS_PER_YEAR))


# --- Cases -----------------------------------------------------------------------------------


class SubjectPool:
    """Draws subjects serving on a given day, in proportion to their propensity."""

    def __init__(self, people: list[PersonSpec], kind: str) -> None:
        self.people = people
        boost = {"conduct_matter": {"staff": 2.5, "pcso": 1.5}}.get(kind, {})
        weights = [p.weight * boost.get(p.role, 1.0) for p in people]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, day: dt.date, count: int) -> list[PersonSpec]:
        chosen: list[PersonSpec] = []
        for _ in range(count * 30):
            if len(chosen) == count:
                break
            index = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
            person = self.people[min(index, len(self.people) - 1)]
            if person.serving_on(day) and person not in chosen:
                chosen.append(person)
        return chosen


def _cases(
    rng: random.Random,
    force: str,
    workforce: list[PersonSpec],
    scale: float,
    reference: Reference,
) -> list[CaseSpec]:
    in_post = sum(round(n * F.WORKFORCE_SCALE * scale) for n in F.HEADCOUNTS[force].values())
    dated: list[tuple[dt.date, str]] = []
    for year in range(F.DEMO_START.year, F.DEMO_END.year + 1):
        first = max(dt.date(year, 1, 1), F.DEMO_START)
        last = min(dt.date(year, 12, 31), F.DEMO_END)
        fraction = ((last - first).days + 1) / (366 if year % 4 == 0 else 365)
        for case_type, rate in F.CASES_PER_HEAD_PER_YEAR.items():
            expected = in_post * rate * F.YEAR_TREND[case_type].get(year, 1.0) * fraction
            for _ in range(_stochastic_round(rng, expected)):
                dated.append((_random_day(rng, first, last), case_type))
    dated.sort()

    pools = {kind: SubjectPool(workforce, kind) for kind in F.CASES_PER_HEAD_PER_YEAR}
    numbering: dict[tuple[str, int], int] = defaultdict(int)
    type_codes = {"complaint": "CO", "conduct_matter": "CM", "dsi_matter": "DSI"}
    cases = []
    for received, case_type in dated:
        numbering[case_type, received.year] += 1
        number = numbering[case_type, received.year]
        ref = f"{F.FORCE_PREFIXES[force]}/{type_codes[case_type]}/{received:%y}/{number:05d}"
        case = CaseSpec(force, ref, case_type, received)
        subject_count = pick(rng, F.SUBJECTS_PER_CASE[case_type])
        subjects = pools[case_type].draw(rng, received, subject_count)
        allegation_count = pick(rng, F.ALLEGATIONS_PER_CASE[case_type])
        for n in range(1, allegation_count + 1):
            category = _category(rng, case_type, received)
            involved = subjects if n == 1 or len(subjects) < 2 else _some_of(rng, subjects)
            case.allegations.append(_allegation(rng, case, f"A{n}", category, involved, reference))
        cases.append(case)
    return cases


def _category(rng: random.Random, case_type: str, received: dt.date) -> str:
    modern = received >= F.CATEGORIES_2020_FROM
    table: Mapping[str, float]
    if case_type == "conduct_matter":
        table = F.CONDUCT_CATEGORIES
    elif case_type == "dsi_matter":
        table = F.DSI_CATEGORIES_2020 if modern else F.DSI_CATEGORIES_LEGACY
    else:
        table = F.COMPLAINT_2020_CATEGORIES if modern else F.LEGACY_COMPLAINT_CATEGORIES
    return pick(rng, table)


def _flags_for(rng: random.Random, category: str, reference: Reference) -> set[str]:
    flags = set(reference.default_flags.get(category, ()))
    for code, flag, probability in F.EXTRA_FLAGS:
        if code == category and rng.random() < probability:
            flags.add(flag)
    if "domestic_abuse" in flags and rng.random() < F.DOMESTIC_ABUSE_VAWG_SHARE:
        flags.add("vawg")
    return flags


def _allegation(
    rng: random.Random,
    case: CaseSpec,
    ref: str,
    category: str,
    subjects: list[PersonSpec],
    reference: Reference,
) -> AllegationSpec:
    flags = _flags_for(rng, category, reference)
    allegation = AllegationSpec(ref, category, flags)
    handling = handle_allegation(rng, case.case_type, category, flags)
    people: list[PersonSpec | None] = [*subjects] or [None]
    for person in people:
        result = decide_for_subject(
            rng,
            case_type=case.case_type,
            handling=handling,
            received=case.received_date,
            end=F.DEMO_END,
            identified=person is not None,
            rank=person.rank if person else "",
            left_date=person.left_date if person else None,
        )
        if person is not None and result.outcome in {"dismissal_without_notice"}:
            person.left_date = result.outcome_date  # dismissed people leave the force
        if person is None:
            role, sex, rank = _unidentified(rng)
        else:
            role, sex, rank = person.role, person.sex, person.rank
        allegation.subjects.append(
            SubjectSpec(
                person,
                role,
                sex,
                rank,
                handling.iopc_referral,
                handling.investigation,
                result.severity,
                result.proceedings,
                result.outcome,
                result.outcome_date,
            )
        )
    return allegation


def _unidentified(rng: random.Random) -> tuple[str, str, str]:
    """What a complainant could tell about an officer nobody identified: often a role and
    sex, rarely a rank."""
    role = pick(rng, {"officer": 0.6, "unknown": 0.3, "staff": 0.1})
    sex = pick(rng, {"unknown": 0.6, "male": 0.3, "female": 0.1})
    rank = "" if role == "unknown" else pick(rng, {"unknown": 0.8, "constable": 0.2})
    if role == "staff":
        rank = "staff"
    return role, sex, rank


def _some_of(rng: random.Random, subjects: list[PersonSpec]) -> list[PersonSpec]:
    return rng.sample(subjects, rng.randint(1, len(subjects)))


# --- Coverage: every category and flag appears at least once --------------------------------


def _cover_every_category(rng: random.Random, cases: list[CaseSpec], reference: Reference) -> None:
    """Rare categories may not come up at a small scale: add one allegation for each missing
    category to a matter of a kind and period where it fits."""
    used = {a.category for c in cases for a in c.allegations}
    for category in sorted(set(reference.category_schemes) - used):
        scheme = reference.category_schemes[category]
        if scheme == "conduct_standard":
            fits = [c for c in cases if c.case_type == "conduct_matter"]
        elif scheme == "complaint_legacy":
            fits = [
                c
                for c in cases
                if c.case_type == "complaint" and c.received_date < F.CATEGORIES_2020_FROM
            ]
        else:
            fits = [
                c
                for c in cases
                if c.case_type == "complaint" and c.received_date >= F.CATEGORIES_2020_FROM
            ]
        if not fits:
            continue
        case = rng.choice(fits)
        people = [s.person for s in case.allegations[0].subjects if s.person is not None]
        ref = f"A{len(case.allegations) + 1}"
        case.allegations.append(_allegation(rng, case, ref, category, people, reference))


def _cover_every_flag(rng: random.Random, cases: list[CaseSpec], reference: Reference) -> None:
    used = {flag for c in cases for a in c.allegations for flag in a.flags}
    conduct = [a for c in cases if c.case_type == "conduct_matter" for a in c.allegations]
    for flag in sorted(reference.flags - used):
        if conduct:
            rng.choice(conduct).flags.add(flag)


def _settle_leavers(cases: list[CaseSpec]) -> None:
    """A dismissal decided in one matter ends the person's service, so outcomes of their other
    matters decided later must be those open to someone who has left."""
    for case in cases:
        for allegation in case.allegations:
            for s in allegation.subjects:
                left = s.person.left_date if s.person else None
                if s.outcome_date and left and left < s.outcome_date:
                    s.proceedings, s.outcome = settle_for_leaver(
                        s.severity, s.proceedings, s.outcome
                    )


# --- Helpers ---------------------------------------------------------------------------------


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _stochastic_round(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)
