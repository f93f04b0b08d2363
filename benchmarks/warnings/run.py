"""Early warning on synthetic histories: what each rule finds of the patterns planted among
realistic noise, how many flags it raises per 1,000 people outside them (the analysts'
workload), beside a plain threshold system (three complaints in twelve months, nothing else),
and how long `candour warnings` takes.

    .venv/bin/python benchmarks/warnings/run.py [--people 5000] [--logged 1000] [--seed 14]

Deterministic for a seed. Builds a throw-away SQLite database in a temporary folder (or the
database DATABASE_URL names, which it fills: give it an empty one), writes interchange files
(§2 workforce, §1 cases, §8 access log) and imports them with `candour import`, adds the
complainants of the complaints through the ORM (interchange §1 has no complainant), then times
`candour warnings --force cambridgeshire --as-of 2026-06-30 --format json` and scores its
flags. Prints a Markdown table for docs/benchmarks.md and the load average before and after.

The noise (per person, over five years): complaints and conduct matters at 0.15 a year (one
to three allegations each), 12% of them of a watched theme, 15% naming a colleague of the
same team of eight too, each complaint from a complainant of its own (one in ten from someone
who complained about the same officer before); for the first ``--logged`` people, 90 days of
look-ups in force systems, about three a working day between 08:00 and 18:00, 97% with a task.
The planted patterns are listed in PLANTED.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CANDOUR = str(ROOT / ".venv" / "bin" / "candour")
AS_OF = dt.date(2026, 6, 30)
FORCE = "cambridgeshire"
PLAIN = ["police_action_following_contact", "decisions", "information", "general_level_of_service"]
THEMED = [("sexual_harassment", ""), ("use_of_force", ""), ("discrimination_race", "")]
# pattern -> (people planted, the rule meant to find it)
PLANTED = {
    "cluster": (20, "case_cluster"),
    "theme": (20, "repeated_theme"),
    "complainants": (20, "unconnected_complainants"),
    "pair": (20, "co_accused_pair"),  # ten pairs
    "no_task": (10, "access_no_task"),
    "colleague": (10, "access_colleague"),
    "own_case": (10, "access_own_case"),
    "burst": (10, "access_burst"),
}
ACCESS_PATTERNS = {"no_task", "colleague", "own_case", "burst"}


def poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class History:
    def __init__(self, people: int, logged: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.refs = [f"CB{n:06d}" for n in range(people)]
        self.logged = logged
        self.rows: list[dict[str, str]] = []  # interchange §1
        self.complainants: dict[str, list[tuple[str, str]]] = {}  # case -> (name, address)
        self.access: list[list[str]] = []
        self.cases = 0
        self.planted: dict[str, set[str]] = defaultdict(set)
        self.earlier: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def day_within(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def case(self, subjects: list[str], received: dt.date, theme: str = "", fresh=True) -> str:
        self.cases += 1
        ref = f"CAM/{received.year}/{self.cases:06d}"
        kind = "complaint" if self.rng.random() < 0.85 or not fresh else "conduct_matter"
        category, flags = self.rng.choice(PLAIN), ""
        if theme == "sexual":
            category = "sexual_harassment"
        elif theme == "any":
            category, flags = self.rng.choice(THEMED)
        for number in range(1, 1 + (self.rng.choice((1, 1, 1, 2, 3)) if fresh else 1)):
            for subject in subjects:
                self.rows.append(
                    {
                        "force": FORCE,
                        "case_ref": ref,
                        "case_type": kind,
                        "received_date": received.isoformat(),
                        "allegation_ref": f"A{number}",
                        "category": category,
                        "flags": flags,
                        "subject_ref": subject,
                        "subject_role": "officer",
                    }
                )
        if kind == "complaint":
            who = subjects[0]
            if fresh and self.earlier[who] and self.rng.random() < 0.1:
                complainant = self.rng.choice(self.earlier[who])
            else:
                complainant = (f"Complainant {self.cases}", f"{self.cases} Any Street")
            self.earlier[who].append(complainant)
            self.complainants[ref] = [complainant]
        return ref

    def noise(self) -> None:
        start = AS_OF - dt.timedelta(days=5 * 365)
        for index, ref in enumerate(self.refs):
            for _ in range(poisson(self.rng, 0.15 * 5)):
                subjects = [ref]
                if self.rng.random() < 0.15:
                    team = index // 8 * 8
                    other = self.refs[min(team + self.rng.randrange(8), len(self.refs) - 1)]
                    if other != ref:
                        subjects.append(other)
                theme = "any" if self.rng.random() < 0.12 else ""
                self.case(subjects, self.day_within(start, AS_OF), theme)
        for ref in self.refs[: self.logged]:
            day = AS_OF - dt.timedelta(days=89)
            while day <= AS_OF:
                if day.weekday() < 5:
                    for _ in range(poisson(self.rng, 3)):
                        self.look_up(ref, day, task=self.rng.random() < 0.97)
                day += dt.timedelta(days=1)

    def look_up(self, ref: str, day: dt.date, *, task=True, record="", hour=None, kind="") -> None:
        hour = self.rng.randrange(8, 18) if hour is None else hour
        at = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), dt.UTC)
        record_type = kind or self.rng.choice(("person", "person", "vehicle", "crime", "address"))
        self.access.append(
            [
                FORCE,
                ref,
                at.isoformat(),
                "niche",
                "view",
                record_type,
                record or f"N{self.rng.randrange(10**7):07d}",
                "",
                f"INC/{self.rng.randrange(10**6)}" if task else "",
            ]
        )

    def plant(self) -> None:
        # Planted people are taken from the end of the list, past the first --logged people
        # for the case patterns and within them for the access patterns.
        pool = self.refs[self.logged :]
        self.rng.shuffle(pool)
        logged = self.refs[: self.logged]
        self.rng.shuffle(logged)
        year = dt.timedelta(days=365)
        for pattern, (count, _) in PLANTED.items():
            chosen = [
                logged.pop() if pattern in ACCESS_PATTERNS else pool.pop() for _ in range(count)
            ]
            self.planted[pattern].update(chosen)
            for n, ref in enumerate(chosen):
                if pattern == "cluster":
                    for _ in range(3):
                        self.case([ref], self.day_within(AS_OF - dt.timedelta(days=300), AS_OF))
                elif pattern == "theme":
                    self.case([ref], self.day_within(AS_OF - 4 * year, AS_OF - 2 * year), "sexual")
                    self.case([ref], self.day_within(AS_OF - year, AS_OF), "sexual")
                elif pattern == "complainants":
                    for years in (4, 2, 0):
                        self.case(
                            [ref], AS_OF - years * year - dt.timedelta(days=20 + n), "", False
                        )
                elif pattern == "pair" and n % 2 == 0:
                    for years in (4, 2, 1):
                        self.case([ref, chosen[n + 1]], AS_OF - years * year - dt.timedelta(days=n))
                elif pattern == "no_task":
                    for d in range(12):
                        self.look_up(
                            ref, AS_OF - dt.timedelta(days=3 * d + 1), task=False, kind="person"
                        )
                elif pattern == "colleague":
                    self.look_up(
                        ref,
                        AS_OF - dt.timedelta(days=9),
                        task=False,
                        kind="person",
                        record=self.rng.choice(self.refs[self.logged :]),
                        hour=22,
                    )
                elif pattern == "own_case":
                    case = self.case([ref], AS_OF - dt.timedelta(days=60), "", False)
                    self.look_up(
                        ref, AS_OF - dt.timedelta(days=30), task=True, kind="crime", record=case
                    )
                elif pattern == "burst":
                    for _ in range(40):
                        self.look_up(ref, AS_OF - dt.timedelta(days=5), hour=self.rng.randrange(24))

    def write(self, folder: Path) -> dict[str, Path]:
        paths = {name: folder / f"{name}.csv" for name in ("workforce", "cases", "access")}
        with open(paths["workforce"], "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["force", "person_ref", "role", "rank", "sex", "joined_date", "left_date"]
            )
            for ref in self.refs:
                writer.writerow([FORCE, ref, "officer", "constable", "unknown", "2015-01-01", ""])
        with open(paths["cases"], "w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=list(self.rows[0]))
            writer.writeheader()
            writer.writerows(self.rows)
        with open(paths["access"], "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                [
                    "force",
                    "user_ref",
                    "accessed_at",
                    "system",
                    "action",
                    "record_type",
                    "record_ref",
                    "search_term",
                    "task_ref",
                ]
            )
            writer.writerows(self.access)
        return paths

    def threshold_system(self) -> set[str]:
        """Three complaints in the twelve months up to the day, nothing else."""
        start = AS_OF - dt.timedelta(days=364)
        cases: dict[str, set[str]] = defaultdict(set)
        for row in self.rows:
            if row["case_type"] == "complaint" and start.isoformat() <= row["received_date"]:
                cases[row["subject_ref"]].add(row["case_ref"])
        return {ref for ref, refs in cases.items() if len(refs) >= 3}


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return time.perf_counter() - start, done.stdout


def add_complainants(history: History, env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
    import django

    django.setup()
    from candour.cases.models import Case, Complainant

    ids = dict(Case.objects.filter(force_id=FORCE).values_list("ref", "pk"))
    Complainant.objects.bulk_create(
        [
            Complainant(case_id=ids[ref], name=name, address=address)
            for ref, people in history.complainants.items()
            for name, address in people
        ],
        batch_size=5000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--logged", type=int, default=1000, help="people with access logs")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", metavar="DIR", help="build the database in DIR and keep it")
    args = parser.parse_args()
    history = History(args.people, args.logged, args.seed)
    history.noise()
    history.plant()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or scratch
        Path(folder).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
        env["CANDOUR_STATS_DIR"] = f"{folder}/stats"
        paths = history.write(Path(folder))
        print(f"load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
        run([CANDOUR, "migrate", "-v", "0"], env)
        timings = {}
        for kind, path in (
            ("workforce", "workforce"),
            ("cases", "cases"),
            ("access-log", "access"),
        ):
            timings[kind], _ = run([CANDOUR, "import", kind, str(paths[path])], env)
        add_complainants(history, env)
        command = [CANDOUR, "warnings", "--force", FORCE, "--as-of", AS_OF.isoformat()]
        seconds, out = run([*command, "--format", "json"], env)
        print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    report = json.loads(out)
    by_rule: dict[str, set[str]] = defaultdict(set)
    for flag in report["flags"]:
        by_rule[flag["rule"]].add(flag["person_ref"])
    planted_people = set().union(*history.planted.values())
    per_thousand = 1000 / (report["people"] - len(planted_people))
    print(
        f"{report['people']:,} people, {history.cases:,} cases ({len(history.rows):,} rows), "
        f"{len(history.access):,} look-ups; imports {timings['cases']:.1f} s (cases), "
        f"{timings['access-log']:.1f} s (access log); candour warnings {seconds:.1f} s.\n"
    )
    print("| pattern | planted | found by its rule | found by the threshold system |")
    print("|---|---|---|---|")
    baseline = history.threshold_system()
    for pattern, (count, rule) in PLANTED.items():
        people = history.planted[pattern]
        print(
            f"| {pattern} (`{rule}`) | {count} | {len(people & by_rule[rule])} | "
            f"{len(people & baseline)} |"
        )
    print("\n| rule | flags per 1,000 people outside the planted ones |")
    print("|---|---|")
    everyone_else = 0.0
    for rule in sorted(set(rule for _, rule in PLANTED.values())):
        others = by_rule[rule] - planted_people
        everyone_else += len(others)
        print(f"| `{rule}` | {len(others) * per_thousand:.1f} |")
    flagged = set().union(*by_rule.values()) - planted_people
    print(f"| any rule (people) | {len(flagged) * per_thousand:.1f} |")
    print(f"| threshold system (people) | {len(baseline - planted_people) * per_thousand:.1f} |")


if __name__ == "__main__":
    main()
