"""``candour iopc-return``: the force's quarterly complaints return to the IOPC (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from candour.transparency import iopc
from candour.transparency.stats import StatsQuery, StatsUsageError, compute
from candour.transparency.stats.output import human_rows


class Command(BaseCommand):
    help = (
        "The figures a force sends the IOPC each quarter: complaint cases and allegations "
        "logged (by handling and category) and finalised (by handling and working days to "
        "finalise). See docs/statistics.md, 'The IOPC quarterly return'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", required=True, metavar="F", help="Force code.")
        parser.add_argument(
            "--quarter",
            metavar="Q",
            help="Quarter of the financial year, e.g. 2024/25-Q1 (April to June 2024); "
            "default the last complete quarter.",
        )
        parser.add_argument(
            "--format",
            default="table",
            help=f"One of {', '.join(iopc.FORMATS)} (default table).",
        )
        parser.add_argument(
            "--out", metavar="FILE", help="Write to FILE instead of standard output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        if fmt not in iopc.FORMATS:
            raise CommandError(
                f"'{fmt}' is not an output format. Choose one of {', '.join(iopc.FORMATS)}.",
                returncode=2,
            )
        if fmt == "xlsx" and not options["out"]:
            raise CommandError("A xlsx file needs --out FILE.", returncode=2)
        try:
            quarter = (
                iopc.Quarter.parse(options["quarter"])
                if options["quarter"]
                else iopc.Quarter.last_complete(timezone.localdate())
            )
            force = StatsQuery.parse(by="force", forces=[options["force"]]).forces[0]
            report = iopc.quarterly_return(force, quarter, lambda q: compute(q, margins=True))
        except StatsUsageError as exc:
            raise CommandError(str(exc), returncode=2) from None
        data = self._table(report).encode() if fmt == "table" else iopc.render(report, fmt)
        if options["out"]:
            Path(options["out"]).write_bytes(data)
        else:
            self.stdout.write(data.decode(), ending="")

    def _table(self, report: iopc.QuarterlyReturn) -> str:
        start, end = report.quarter.bounds
        out = [f"{report.force}: {report.quarter.code} ({start:%-d %B %Y} to {end:%-d %B %Y})"]
        for table, result in report.tables:
            headers, rows = human_rows(result)
            widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
            out += ["", table.title]
            out += [
                "  ".join(
                    str(cell).ljust(w) if i < len(result.query.by) else str(cell).rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
                for row in [headers, *rows]
            ]
        return "\n".join(out) + "\n"
