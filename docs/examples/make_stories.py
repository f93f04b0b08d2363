"""Write stories-cases.csv: an interchange §1 file that reproduces the published figures.

    .venv/bin/python docs/examples/make_stories.py            # writes docs/examples/stories-cases.csv

No randomness: every row is laid out below, so the figures hold by construction. The records
are invented; only the totals come from the published FOI answers (see README.md here).

Definitions this file encodes (README.md gives the `candour stats` command for each):
- Cambridgeshire's seven-year answer counts **conduct matters** received 1 April 2015 to
  31 March 2022: 46 officers; 20 with an allegation flagged `sexual` (one allegation of sexual
  assault, one of indecent images filed as `other_sexual_conduct`), 24 with one flagged
  `domestic_abuse`, 2 with neither (dishonesty). Every allegation has one subject, so allegation
  counts are also officer-allegation counts: 9 allegations went to disciplinary proceedings
  (misconduct meeting 5, gross misconduct hearing 3, accelerated hearing 1), 3 to management
  action, and 28 ended with no further action.
- The press agency's 2016-2021 figures count **complaints** in category `sexual_assault`
  received 1 January 2016 to 31 December 2021: cases are claims, distinct subjects are officers.
- A few matters fall just outside each period, so a command without the right dates or case
  type gives a different (wrong) figure.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

OUT = Path(__file__).with_name("stories-cases.csv")
COLUMNS = (
    "force,case_ref,case_type,received_date,allegation_ref,category,flags,subject_ref,subject_role,"
    "subject_sex,subject_rank,iopc_referral,investigation,severity,proceedings,outcome,outcome_date"
).split(",")

# (proceedings, outcome, severity) for the 50 Cambridgeshire conduct allegations, in order.
RESOLUTIONS = (
    [
        ("gross_misconduct_hearing", "dismissal_without_notice", "gross_misconduct")
    ]  # the sexual assault
    + [
        ("accelerated_hearing", "dismissal_without_notice", "gross_misconduct")
    ]  # the indecent images
    + [("gross_misconduct_hearing", "dismissal_without_notice", "gross_misconduct")]
    + [("gross_misconduct_hearing", "would_have_been_dismissed", "gross_misconduct")]
    + [("misconduct_meeting", "written_warning", "misconduct")] * 2
    + [("misconduct_meeting", "final_written_warning", "misconduct")] * 2
    + [("misconduct_meeting", "management_advice", "misconduct")]
    + [("management_action", "management_action", "misconduct")] * 3
    + [("none", "no_further_action", "none")] * 28
    + [("rprp", "reflective_practice", "none")] * 4
    + [("none", "resigned_or_retired", "misconduct")] * 3
    + [("", "", "")] * 3  # still open
)
SEXUAL_CATEGORIES = ["sexual_assault", "other_sexual_conduct"] + [
    "sexual_harassment",
    "abuse_of_position_sexual",
] * 10
CATEGORY_FLAGS = {  # each category's default flags (categories.csv) plus the theme
    "sexual_assault": "sexual;vawg",
    "other_sexual_conduct": "sexual",
    "sexual_harassment": "sexual;vawg",
    "abuse_of_position_sexual": "corruption;sexual;vawg",
    "discreditable_conduct": "domestic_abuse;vawg",
    "honesty_and_integrity": "dishonesty",
}
RANKS = ["constable"] * 6 + ["sergeant", "constable", "inspector", "constable"]


def day(start: dt.date, end: dt.date, i: int, n: int) -> dt.date:
    """The i-th of n dates spread evenly from start to end (inclusive)."""
    return start + dt.timedelta(days=((end - start).days * i) // max(n - 1, 1))


def row(
    force,
    case_ref,
    case_type,
    received,
    allegation_ref,
    category,
    subject_ref,
    sex,
    rank="constable",
    resolution=("", "", ""),
    referral="none",
    investigation="local",
    outcome_after=180,
):
    proceedings, outcome, severity = resolution
    outcome_date = (received + dt.timedelta(days=outcome_after)).isoformat() if outcome else ""
    return [
        force,
        case_ref,
        case_type,
        received.isoformat(),
        allegation_ref,
        category,
        CATEGORY_FLAGS.get(category, "sexual;vawg"),
        subject_ref,
        "officer" if subject_ref else "",
        sex,
        rank if subject_ref else "",
        referral,
        investigation,
        severity,
        proceedings,
        outcome,
        outcome_date,
    ]


def cambridgeshire_conduct() -> list[list[str]]:
    """46 officers, 50 allegations: officers 1-20 sexual, 21-44 domestic abuse, 45-46 dishonesty;
    officers 3, 4, 21 and 22 each face two allegations in one case."""
    categories = (
        [SEXUAL_CATEGORIES[i] for i in range(20)]
        + ["discreditable_conduct"] * 24
        + ["honesty_and_integrity"] * 2
    )
    twice = {3, 4, 21, 22}
    allegations: list[tuple[int, str, int]] = []  # (officer, category, allegation number in case)
    for officer in range(1, 47):
        category = categories[officer - 1]
        allegations.append((officer, category, 1))
        if officer in twice:
            allegations.append((officer, "sexual_harassment" if officer < 21 else category, 2))
    assert len(allegations) == len(RESOLUTIONS) == 50
    start, end = dt.date(2015, 4, 1), dt.date(2022, 3, 31)
    rows = []
    for i, ((officer, category, number), resolution) in enumerate(
        zip(allegations, RESOLUTIONS, strict=True)
    ):
        received = day(start, end, officer - 1, 46)
        serious = (
            category in {"sexual_assault", "other_sexual_conduct"}
            or resolution[2] == "gross_misconduct"
        )
        rows.append(
            row(
                "cambridgeshire",
                f"CAM-CM-{officer:03d}",
                "conduct_matter",
                received,
                f"A{number}",
                category,
                f"CAM-P{officer:03d}",
                "female" if officer % 5 == 0 else "male",
                RANKS[officer % len(RANKS)],
                resolution,
                referral="mandatory" if serious else "none",
                investigation="directed" if serious else "local",
                outcome_after=120 + (i * 7) % 300,
            )
        )
    # Just outside the seven years: must not be counted.
    rows.append(
        row(
            "cambridgeshire",
            "CAM-CM-900",
            "conduct_matter",
            dt.date(2015, 3, 20),
            "A1",
            "sexual_harassment",
            "CAM-P900",
            "male",
            resolution=("none", "no_further_action", "none"),
        )
    )
    rows.append(
        row(
            "cambridgeshire",
            "CAM-CM-901",
            "conduct_matter",
            dt.date(2022, 4, 5),
            "A1",
            "discreditable_conduct",
            "CAM-P901",
            "male",
        )
    )
    return rows


def sexual_assault_claims(
    force: str, prefix: str, subjects_per_claim: list[int], sexes: list[str]
) -> list[list[str]]:
    """Complaints in category sexual_assault, 2016-2021: one allegation per claim, against one or
    more officers (each a distinct person)."""
    assert len(sexes) == sum(subjects_per_claim)
    start, end = dt.date(2016, 1, 1), dt.date(2021, 12, 31)
    outcomes = [
        ("none", "no_case_to_answer", "none"),
        ("none", "not_proven", "none"),
        ("gross_misconduct_hearing", "dismissal_without_notice", "gross_misconduct"),
        ("", "", ""),
    ]
    rows, officer = [], 0
    for claim, count in enumerate(subjects_per_claim):
        received = day(start, end, claim, len(subjects_per_claim))
        for _ in range(count):
            rows.append(
                row(
                    force,
                    f"{prefix}-CO-{claim + 1:03d}",
                    "complaint",
                    received,
                    "A1",
                    "sexual_assault",
                    f"{prefix}-S{officer + 1:03d}",
                    sexes[officer],
                    referral="mandatory",
                    investigation="directed",
                    resolution=outcomes[officer % len(outcomes)],
                )
            )
            officer += 1
    return rows


def stories() -> list[list[str]]:
    rows = cambridgeshire_conduct()
    rows += sexual_assault_claims(
        "cambridgeshire",
        "CAM",
        [1] * 6 + [2, 2, 2, 3],
        ["male"] * 9 + ["female"] * 4 + ["unknown"] * 2,
    )
    rows += sexual_assault_claims("norfolk", "NOR", [1] * 9, ["male"] * 7 + ["unknown"] * 2)
    # Suffolk did not give the officers' sex: the file leaves it empty (not known).
    rows += sexual_assault_claims("suffolk", "SUF", [1] * 10 + [2] * 4, [""] * 18)
    # Outside 2016-2021, so not among the press agency's claims.
    rows.append(
        row(
            "cambridgeshire",
            "CAM-CO-900",
            "complaint",
            dt.date(2022, 2, 1),
            "A1",
            "sexual_assault",
            "CAM-S900",
            "male",
        )
    )
    rows.append(
        row(
            "norfolk",
            "NOR-CO-900",
            "complaint",
            dt.date(2015, 12, 15),
            "A1",
            "sexual_assault",
            "NOR-S900",
            "male",
        )
    )
    rows.append(
        row(
            "suffolk",
            "SUF-CO-900",
            "complaint",
            dt.date(2022, 1, 4),
            "A1",
            "sexual_assault",
            "SUF-S900",
            "",
        )
    )
    return rows


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(stories())
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
