"""``candour stats``: counts of cases, allegations or distinct officers (docs/cli.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.transparency.stats import SOURCES, StatsQuery, StatsUsageError, compute
from candour.transparency.stats.output import FORMATS, human_rows, render, to_json


def _choices(what: str) -> str:
    """What each source offers, for --help: "cases: a, b; vetting: c, d"."""
    return "; ".join(
        f"{name}: {', '.join(getattr(source, what))}" for name, source in SOURCES.items()
    )


class Command(BaseCommand):
    help = (
        "Count cases, allegations or distinct officers, broken down by one or more dimensions. "
        "The database does the counting; see docs/statistics.md for the counting rules."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--by",
            required=True,
            help=f"Comma-separated dimensions ({_choices('dimension')}).",
        )
        parser.add_argument(
            "--source",
            default="cases",
            help=f"What to count from: {', '.join(SOURCES)} (default cases).",
        )
        parser.add_argument(
            "--count",
            default="",
            help=f"What to count ({_choices('count')}); default allegations for cases, "
            "applications for vetting.",
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
            default="",
            help=f"Which date the period and year dimensions use ({_choices('date')}); "
            "default the count's own (cases: received_date).",
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
        try:
            return StatsQuery.parse(
                source=options["source"],
                count=options["count"],
                by=options["by"],
                forces=options["force"],
                date_from=options["date_from"],
                date_to=options["date_to"],
                date=options["date_field"],
                flags=options["flag"],
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
