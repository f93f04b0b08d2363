"""``candour hotspots --force F [--from D] [--to D] [--min-reports K] [--format json|csv|geojson]``
(docs/cli.md, interchange §7, docs/formats.md), with the filters of docs/streetsafe.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.forces import unknown_force_message
from candour.core.models import Force
from candour.streetsafe.cells import DEFAULT_RESOLUTION, RESOLUTIONS
from candour.streetsafe.hotspots import ALPHA, DEFAULT_MIN_REPORTS, HotspotQuery, find_hotspots
from candour.streetsafe.publish import FORMATS, WRITERS
from candour.streetsafe.reasons import BY_CODE, TimeOfDay


class Command(BaseCommand):
    help = (
        "Print the StreetSafe hotspots of a force: H3 areas where significantly more people "
        "felt unsafe (Getis-Ord Gi*, false discovery rate), best first. An area with fewer "
        "than --min-reports reports is never printed, and every position is the area's centre."
    )
    # It only reads: Django's system checks would import every page's code (the URL
    # configuration) first, a third of the command's time (docs/benchmarks.md "StreetSafe").
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", required=True, help="Force code, e.g. norfolk.")
        parser.add_argument("--from", dest="start", metavar="D", help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", metavar="D", help="Last day (YYYY-MM-DD).")
        parser.add_argument(
            "--min-reports",
            type=int,
            default=DEFAULT_MIN_REPORTS,
            metavar="K",
            help=f"Publish only areas with at least K reports (default {DEFAULT_MIN_REPORTS}).",
        )
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--reason",
            action="append",
            default=[],
            metavar="CODE",
            help="Only reports giving this reason (repeatable: any of them).",
        )
        parser.add_argument(
            "--time-of-day",
            action="append",
            default=[],
            choices=TimeOfDay.values,
            help="Only reports at this time of day (repeatable).",
        )
        parser.add_argument(
            "--resolution",
            type=int,
            default=DEFAULT_RESOLUTION,
            choices=list(RESOLUTIONS),
            help=f"H3 resolution of the areas (default {DEFAULT_RESOLUTION}, about 0.7 km²).",
        )
        parser.add_argument(
            "--alpha",
            type=float,
            default=ALPHA,
            help=f"False discovery rate (default {ALPHA}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        force = options["force"]
        if not Force.objects.filter(code=force).exists():
            raise CommandError(unknown_force_message(force), returncode=2)
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if start and end and end < start:
            raise CommandError(f"--to {end} is before --from {start}.", returncode=2)
        if options["min_reports"] < 1:
            raise CommandError("--min-reports must be 1 or more.", returncode=2)
        if not 0 < options["alpha"] < 1:
            raise CommandError("--alpha must be between 0 and 1, e.g. 0.05.", returncode=2)
        unknown = [code for code in options["reason"] if code not in BY_CODE]
        if unknown:
            raise CommandError(
                f"{', '.join(unknown)}: not a reason; use one of {', '.join(BY_CODE)}.",
                returncode=2,
            )
        query = HotspotQuery(
            force=force,
            start=start,
            end=end,
            min_reports=options["min_reports"],
            resolution=options["resolution"],
            reasons=tuple(options["reason"]),
            times_of_day=tuple(options["time_of_day"]),
            alpha=options["alpha"],
        )
        self.stdout.write(WRITERS[options["format"]](find_hotspots(query)), ending="\n")


def _day(text: str | None, flag: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{flag} {text!r} is not a date in the form YYYY-MM-DD.", returncode=2
        ) from None
