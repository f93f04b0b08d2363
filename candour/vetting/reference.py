"""Vetting reference data: the levels, how long each clearance lasts, and what triggers a review.

The one home of these rules. Change a period here and every due date, page and test follows.

Sources (checked in 2025; each row names its own, with how sure we are):

* College of Policing, *Vetting Code of Practice* (July 2023), laid before Parliament under
  section 39A(5) of the Police Act 1996:
  https://www.gov.uk/government/publications/police-vetting-code-of-practice/vetting-code-of-practice
  — vetting is continuous; re-vetting after a material change of circumstances, including
  misconduct that does not end in dismissal; dismissal of someone who cannot keep clearance.
* College of Policing, *Authorised Professional Practice: Vetting* (revised 2024, updated 2025
  for the Police (Vetting) Regulations 2025):
  https://www.college.police.uk/app/professional-standards/vetting — annual integrity and vetting
  review (Appendix B), mandatory randomised re-vetting, immediate review on adverse information,
  NPPV level 3 annual vetting notice (Appendix G).
* College of Policing, *APP Vetting* (October 2017), the previous edition, section 6 onwards,
  which set force-vetting renewal periods; a PSNI FOI answer (FOI-2021-02334) quotes its
  paragraph 6.11 as "re-vetted at ... Recruitment Vetting (RV) after ten years of service".
* Cabinet Office national security vetting policy as published by UK Security Vetting and
  sponsors: CTC and SC "formally reviewed after 10 years (5 years for non-List X contractors)",
  DV "after 7 years (3 years for non-List X contractors)".

``confirmed`` says how far each period was checked; see docs/vetting.md for what is unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

APP_2023 = (
    "College of Policing, APP Vetting (2024, updated 2025) and Vetting Code of Practice (2023)"
)
APP_2017 = "College of Policing, APP Vetting (October 2017), renewal periods"
CABINET_OFFICE = "Cabinet Office national security vetting policy (UK Security Vetting)"

# How sure we are of a renewal period.
PRIMARY = "primary"  # read in the source itself
SECONDARY = "secondary"  # quoted by a force, a sponsor or an FOI answer citing the source
UNCONFIRMED = "unconfirmed"  # our best reading; check the current APP before relying on it


@dataclass(frozen=True)
class VettingLevel:
    code: str
    label: str
    regime: str  # "force" (College of Policing) or "national_security" (Cabinet Office)
    renewal_years: int
    source: str
    confirmed: str
    note: str = ""

    def expiry_after(self, granted_on: dt.date) -> dt.date:
        """The date a clearance granted on ``granted_on`` must be renewed by."""
        return add_years(granted_on, self.renewal_years)


LEVELS: tuple[VettingLevel, ...] = (
    VettingLevel(
        "rv",
        "Recruitment Vetting (RV)",
        "force",
        10,
        APP_2017,
        SECONDARY,
        "Everyone appointed as officer, special constable or staff. Ten years is quoted from APP "
        "2017 para 6.11 by PSNI FOI-2021-02334.",
    ),
    VettingLevel(
        "mv",
        "Management Vetting (MV)",
        "force",
        7,
        APP_2017,
        UNCONFIRMED,
        "Designated (sensitive) posts. Seven years is APP 2017's period as we read it; not "
        "re-checked in the 2024 APP text.",
    ),
    VettingLevel(
        "nppv1",
        "Non Police Personnel Vetting level 1 (NPPV1)",
        "force",
        3,
        APP_2017,
        UNCONFIRMED,
        "Access to premises, no access to information.",
    ),
    VettingLevel(
        "nppv2",
        "Non Police Personnel Vetting level 2 (NPPV2)",
        "force",
        3,
        APP_2017,
        SECONDARY,
        "Sponsors quote three years for level 2 (abbreviated and full alike).",
    ),
    VettingLevel(
        "nppv3",
        "Non Police Personnel Vetting level 3 (NPPV3)",
        "force",
        5,
        APP_2017,
        SECONDARY,
        "Sponsors quote five years (one says seven); plus the annual vetting notice (APP "
        "Appendix G).",
    ),
    VettingLevel(
        "ctc",
        "Counter Terrorist Check (CTC)",
        "national_security",
        10,
        CABINET_OFFICE,
        SECONDARY,
        "Five years for non-List X contractors.",
    ),
    VettingLevel(
        "sc",
        "Security Check (SC)",
        "national_security",
        10,
        CABINET_OFFICE,
        SECONDARY,
        "Five years for non-List X contractors.",
    ),
    VettingLevel(
        "dv",
        "Developed Vetting (DV)",
        "national_security",
        7,
        CABINET_OFFICE,
        SECONDARY,
        "Three years for non-List X contractors; annual appraisals in between.",
    ),
)

LEVELS_BY_CODE = {level.code: level for level in LEVELS}
LEVEL_CHOICES = [(level.code, level.label) for level in LEVELS]


@dataclass(frozen=True)
class ReviewTrigger:
    code: str
    label: str
    source: str


TRIGGERS: tuple[ReviewTrigger, ...] = (
    ReviewTrigger("periodic", "Periodic renewal (clearance expiring)", APP_2017),
    ReviewTrigger("promotion", "Promotion", APP_2023),
    ReviewTrigger("sensitive_post", "Move to a designated (sensitive) post", APP_2023),
    ReviewTrigger(
        "new_information",
        "New adverse information",
        "Vetting Code of Practice (2023): immediate review when adverse information appears",
    ),
    ReviewTrigger(
        "misconduct",
        "Misconduct not ending in dismissal",
        "Vetting Code of Practice (2023): re-vetting after misconduct without dismissal",
    ),
    ReviewTrigger(
        "randomised", "Randomised re-vetting", "APP Vetting (2024): mandatory, randomised"
    ),
    ReviewTrigger(
        "annual_review", "Annual integrity and vetting review", "APP Vetting (2024), Appendix B"
    ),
)

TRIGGER_CHOICES = [(trigger.code, trigger.label) for trigger in TRIGGERS]

# Days before expiry a renewal shows in the vetting officer's queue as "due".
DUE_WINDOW_DAYS = 90


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def level(code: str) -> VettingLevel:
    try:
        return LEVELS_BY_CODE[code]
    except KeyError:
        raise ValueError(
            f"Unknown vetting level {code!r}: use one of {', '.join(LEVELS_BY_CODE)}."
        ) from None
