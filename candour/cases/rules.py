"""Which rules a matter runs under: versions of the regulations, keyed by the date that decides.

A complaint made, or a conduct or DSI matter that came to the appropriate authority's attention,
before a set of amendments came into force stays on the rules it started under (transitional
provisions: Police (Complaints and Misconduct) Regulations 2020 reg 2(2); SI 2025/558 reg 66).
So each matter records its version (``Case.rules_version``) once, from its received date, and
every table in ``forums.py`` and ``process.py`` is read through that version. See docs/cases.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RulesVersion:
    code: str
    in_force_from: date
    label: str
    source: str


RULES_VERSIONS: tuple[RulesVersion, ...] = (
    RulesVersion(
        "2012",
        date(2012, 11, 22),
        "Police (Conduct) Regulations 2012 and Police (Complaints and Misconduct) Regulations 2012",
        "SI 2012/2632, SI 2012/1204; kept for matters begun before 1 February 2020 "
        "(SI 2020/2 reg 2(2), SI 2020/4 reg 3)",
    ),
    RulesVersion(
        "2020",
        date(2020, 2, 1),
        "Police (Conduct) Regulations 2020 and Police (Complaints and Misconduct) Regulations 2020",
        "SI 2020/4, SI 2020/2 (in force 1 February 2020)",
    ),
    RulesVersion(
        "2025",
        date(2025, 5, 28),
        "The 2020 Regulations as amended by SI 2025/558",
        "Police (Conduct, Performance and Complaints and Misconduct) (Amendment) Regulations 2025, "
        "SI 2025/558 (in force 28 May 2025; earlier matters keep the old rules, reg 66)",
    ),
)

VERSIONS_BY_CODE = {version.code: version for version in RULES_VERSIONS}
CURRENT = RULES_VERSIONS[-1]


def rules_version_for(received: date) -> RulesVersion:
    """The version in force on the date a matter was received (the earliest version for older
    matters: Candour does not model the rules before 2012)."""
    chosen = RULES_VERSIONS[0]
    for version in RULES_VERSIONS:
        if version.in_force_from <= received:
            chosen = version
    return chosen


def version(code: str) -> RulesVersion:
    return VERSIONS_BY_CODE.get(code, CURRENT)
