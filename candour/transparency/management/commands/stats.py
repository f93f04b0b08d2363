"""``candour stats``: counts of cases, allegations or distinct officers (spec/cli.md)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.cases.models import CaseType, FlagCode
from candour.core.models import Force
from candour.transparency.stats import COUNTS, DIMENSIONS, StatsQuery, StatsUsageError, compute
from candour.transparency.stats.output import FORMATS, human_rows, render, to_json


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2016-01-01.", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Count cases, allegations or distinct officers, broken down by one or more dimensions. "
        "The database does the counting; see docs/statistics.md for the counting rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--by",
            required=True,
            help=f"Comma-separated dimensions: {', '.join(DIMENSIONS)}.",
        )
        parser.add_argument(
            "--count", default="allegations", help="cases, allegations (default) or officers."
        )
        parser.add_argument(
            "--force",
            action="append",
            default=[],
            metavar="F",
            help="Force code; repeat for several.",
        )
        parser.add_argument(
            "--from", dest="date_from", metavar="DATE", help="First day of the period (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--to", dest="date_to", metavar="DATE", help="Last day of the period, inclusive."
        )
        parser.add_argument(
            "--date",
            dest="date_field",
            default="received_date",
            choices=["received_date", "outcome_date"],
            help="Which date the period and year dimensions use (default received_date).",
        )
        parser.add_argument(
            "--flag",
            action="append",
            default=[],
            metavar="FLAG",
            help="Only allegations with any of these themes; repeatable.",
        )
        parser.add_argument(
            "--case-type", default="", metavar="T", help="complaint, conduct_matter or dsi_matter."
        )
        parser.add_argument(
            "--suppress",
            type=int,
            metavar="K",
            help="Withhold counts from 1 to K-1, and enough others that none can be worked back from totals.",
        )
        parser.add_argument(
            "--per",
            type=int,
            metavar="N",
            help="Add the rate per N people in post (workforce file), e.g. 1000.",
        )
        parser.add_argument(
            "--format", default="table", help=f"One of {', '.join(FORMATS)} (default table)."
        )
        parser.add_argument(
            "--out", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        query = self._query(options)
        fmt = options["format"]
        if fmt not in FORMATS:
            raise CommandError(
                f"'{fmt}' is not an output format. Choose one of {', '.join(FORMATS)}.",
                returncode=2,
            )
        if fmt in {"xlsx", "ods"} and not options["out"]:
            raise CommandError(f"A {fmt} file needs --out FILE.", returncode=2)
        if options["suppress"] is not None and options["suppress"] < 1:
            raise CommandError(
                "--suppress needs a threshold of 1 or more, e.g. --suppress 5.", returncode=2
            )
        try:
            result = compute(query, suppress=options["suppress"], per=options["per"])
        except StatsUsageError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if fmt == "table":
            self._write_table(result, options["out"])
            return
        data = (
            (json.dumps(to_json(result)) + "\n").encode() if fmt == "json" else render(result, fmt)
        )
        if options["out"]:
            Path(options["out"]).write_bytes(data)
        else:
            self.stdout.write(data.decode(), ending="")

    def _query(self, options: dict[str, Any]) -> StatsQuery:
        by = tuple(code.strip() for code in options["by"].split(",") if code.strip())
        if not by:
            raise CommandError("--by needs at least one dimension, e.g. --by year.", returncode=2)
        if options["count"] not in COUNTS:
            raise CommandError(
                f"--count '{options['count']}' is not something Candour counts. Choose cases, allegations or officers.",
                returncode=2,
            )
        forces = tuple(options["force"])
        unknown = sorted(
            set(forces) - set(Force.objects.filter(code__in=forces).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(
                f"No force has the code {', '.join(repr(u) for u in unknown)}: use codes from forces.csv, e.g. cambridgeshire.",
                returncode=2,
            )
        bad_flags = sorted(set(options["flag"]) - set(FlagCode.values))
        if bad_flags:
            raise CommandError(
                f"'{bad_flags[0]}' is not a flag. Choose from: {', '.join(FlagCode.values)}.",
                returncode=2,
            )
        if options["case_type"] and options["case_type"] not in CaseType.values:
            raise CommandError(
                f"'{options['case_type']}' is not a type of matter. Choose from: {', '.join(CaseType.values)}.",
                returncode=2,
            )
        try:
            return StatsQuery(
                count=options["count"],
                by=by,
                forces=forces,
                date_from=_date(options["date_from"]) if options["date_from"] else None,
                date_to=_date(options["date_to"]) if options["date_to"] else None,
                date_field=options["date_field"],
                flags=tuple(options["flag"]),
                case_type=options["case_type"],
            )
        except StatsUsageError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _write_table(self, result: Any, out: str | None) -> None:
        headers, rows = human_rows(result)
        if out is None and sys.stdout.isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(*headers)
            for column in table.columns[len(result.query.by) :]:
                column.justify = "right"
            for row in rows:
                table.add_row(*row)
            Console().print(table)
            return
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
        lines = [
            "  ".join(
                str(cell).ljust(w) if i < len(result.query.by) else str(cell).rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in [headers, *rows]
        ]
        text = "\n".join(lines) + "\n"
        if out:
            Path(out).write_text(text)
        else:
            self.stdout.write(text, ending="")
