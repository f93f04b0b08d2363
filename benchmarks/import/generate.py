"""Generate a deterministic interchange §1 cases file for the import benchmark.

    .venv/bin/python benchmarks/import/generate.py --rows 1000000 --out /tmp/bench-cases.csv

Rows spread over the 43 territorial forces of England and Wales (candour/reference/forces.csv).
Every row is a distinct allegation against one subject (5% unidentified); cases hold one to four
allegations; each force has a pool of about 3,000 subjects, so subjects recur across cases.
The same seed always gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "candour" / "reference"
COLUMNS = (
    "force,case_ref,case_type,received_date,allegation_ref,category,flags,subject_ref,subject_role,"
    "subject_sex,subject_rank,iopc_referral,investigation,severity,proceedings,outcome,outcome_date"
).split(",")
OUTCOMES = [
    ("none", "no_further_action"),
    ("none", "no_case_to_answer"),
    ("none", "not_proven"),
    ("rprp", "reflective_practice"),
    ("management_action", "management_action"),
    ("misconduct_meeting", "written_warning"),
    ("misconduct_meeting", "final_written_warning"),
    ("gross_misconduct_hearing", "dismissal_without_notice"),
    ("none", "resigned_or_retired"),
    ("", ""),  # still open
]
RANKS = ["constable"] * 12 + ["sergeant"] * 3 + ["inspector", "chief_inspector", "superintendent"]


def forces_of_england_and_wales() -> list[str]:
    with (REFERENCE / "forces.csv").open(newline="") as handle:
        return [
            row["code"]
            for row in csv.DictReader(handle)
            if row["territorial"] == "yes" and row["country"] in {"England", "Wales"}
        ]


def categories() -> list[tuple[str, str]]:
    with (REFERENCE / "categories.csv").open(newline="") as handle:
        return [(row["code"], row["default_flags"]) for row in csv.DictReader(handle)]


def generate(rows: int, out: Path, seed: int = 20240401) -> None:
    rng = random.Random(seed)
    forces = forces_of_england_and_wales()
    assert len(forces) == 43, forces
    cats = categories()
    start = dt.date(2015, 1, 1)
    people = {
        force: [
            (
                f"{force[:3].upper()}-P{n:05d}",
                rng.choice(["male"] * 7 + ["female"] * 3),
                rng.choice(RANKS),
            )
            for n in range(3000)
        ]
        for force in forces
    }
    written = 0
    case_number = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        while written < rows:
            force = forces[case_number % len(forces)]
            case_number += 1
            case_ref = f"{force[:3].upper()}/{case_number:07d}"
            case_type = rng.choice(["complaint"] * 6 + ["conduct_matter"] * 3 + ["dsi_matter"])
            received = start + dt.timedelta(days=rng.randrange(3650))
            for allegation in range(1, rng.randint(1, 4) + 1):
                if written == rows:
                    break
                category, flags = rng.choice(cats)
                flag_set = set(filter(None, flags.split(";")))
                if rng.random() < 0.05:
                    flag_set.add("domestic_abuse")
                if rng.random() < 0.05:
                    subject = ("", "", "")
                else:
                    subject = rng.choice(people[force])
                proceedings, outcome = rng.choice(OUTCOMES)
                outcome_date = (
                    (received + dt.timedelta(days=rng.randrange(30, 500))).isoformat()
                    if outcome
                    else ""
                )
                severity = {
                    "gross_misconduct_hearing": "gross_misconduct",
                    "misconduct_meeting": "misconduct",
                }.get(proceedings, "none" if outcome else "")
                writer.writerow(
                    [
                        force,
                        case_ref,
                        case_type,
                        received.isoformat(),
                        f"A{allegation}",
                        category,
                        ";".join(sorted(flag_set)),
                        subject[0],
                        "officer" if subject[0] else "",
                        subject[1],
                        subject[2],
                        rng.choice(["none", "none", "none", "voluntary", "mandatory"]),
                        rng.choice(["local", "local", "directed", "independent", "none"]),
                        severity,
                        proceedings,
                        outcome,
                        outcome_date,
                    ]
                )
                written += 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20240401)
    args = parser.parse_args()
    generate(args.rows, args.out, args.seed)


if __name__ == "__main__":
    main()
