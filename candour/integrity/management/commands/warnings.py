"""``candour warnings --force F [--as-of D] [--rule R] [--format json|csv|table]`` (docs/cli.md,
interchange §9, docs/early-warning.md): the flags the early-warning rules raise for a force's
workforce as of a day, from the same functions as the analyst pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from candour.core.forces import unknown_force_message
from candour.core.interchange.cells import neutralise_row
from candour.core.models import Force
from candour.integrity.rules import BY_CODE
from candour.integrity.services import WarningsReport, force_warnings

FORMATS = ("json", "csv", "table")
CSV_HEADER = ("person_ref", "rule", "raised_on", "explanation", "facts")


class Command(BaseCommand):
    help = (
        "Print the early-warning flags raised for a force's workforce as of a day (default "
        "today), each with the explanation naming the facts that raised it. A flag is a prompt "
        "for an analyst, never a finding."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", required=True, help="Force code, e.g. cambridgeshire.")
        parser.add_argument(
            "--as-of", dest="as_of", metavar="D", help="The day of the check (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--rule",
            action="append",
            default=[],
            metavar="R",
            help=f"Only this rule ({', '.join(BY_CODE)}); repeatable. Default: every rule.",
        )
        parser.add_argument("--format", choices=FORMATS, default="json", help="Default json.")

    def handle(self, *args: Any, **options: Any) -> None:
        force = options["force"]
        if not Force.objects.filter(code=force).exists():
            raise CommandError(unknown_force_message(force), returncode=2)
        unknown = [code for code in options["rule"] if code not in BY_CODE]
        if unknown:
            raise CommandError(
                f"{', '.join(unknown)}: no such rule; use one of {', '.join(BY_CODE)}.",
                returncode=2,
            )
        as_of = timezone.localdate()
        if options["as_of"] is not None:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    f"--as-of {options['as_of']!r} is not a date in the form YYYY-MM-DD.",
                    returncode=2,
                ) from None
        report = force_warnings(force, as_of, rules=options["rule"])
        writer = {"json": as_json, "csv": as_csv, "table": as_table}[options["format"]]
        self.stdout.write(writer(report), ending="")


def as_json(report: WarningsReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=1) + "\n"


def as_csv(report: WarningsReport) -> str:
    """One row per flag; ``facts`` is ``kind:ref:date`` for each fact, ``;``-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for flag in report.flags:
        facts = ";".join(f"{f.kind}:{f.ref}:{f.date.isoformat()}" for f in flag.facts)
        writer.writerow(
            neutralise_row(
                [flag.person_ref, flag.rule, flag.raised_on.isoformat(), flag.explanation, facts]
            )
        )
    return out.getvalue()


def as_table(report: WarningsReport) -> str:
    people = {flag.person_ref for flag in report.flags}
    lines = [
        f"{len(report.flags)} flag{'s' if len(report.flags) != 1 else ''} for {len(people)} of "
        f"the {report.people} people of {report.force} as of {report.as_of.isoformat()}."
    ]
    rows = [("person", "rule", "raised on", "explanation")] + [
        (flag.person_ref, flag.rule, flag.raised_on.isoformat(), flag.explanation)
        for flag in report.flags
    ]
    if report.flags:
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines += [
            "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
            + "  "
            + row[3]
            for row in rows
        ]
    return "\n".join(lines) + "\n"
