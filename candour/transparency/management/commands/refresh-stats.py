"""``candour refresh-stats``: rebuild the statistics counting store from the case tables.

Imports (``candour import cases``) and the demo loader keep the store in step themselves, and the
engine rebuilds it before counting whenever the case tables' fingerprint has changed. Run this
after changing case records any other way (raw SQL, a script using ``QuerySet.update``)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from candour.core.forces import unknown_codes, unknown_force_message
from candour.transparency.stats.store import refresh_stat_rows


class Command(BaseCommand):
    help = (
        "Rebuild the statistics counting store (one row per subject's part in an allegation) "
        "from the case records, for every force or for the forces named."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="append",
            default=[],
            metavar="F",
            help="Force code; repeat for several. Default: every force.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        forces = options["force"]
        unknown = unknown_codes(forces)
        if unknown:
            raise CommandError(unknown_force_message(unknown), returncode=2)
        started = time.perf_counter()
        with transaction.atomic():
            written = refresh_stat_rows(force_codes=forces or None)
        where = f" for {', '.join(forces)}" if forces else ""
        self.stdout.write(
            f"Rebuilt {written:,} statistics rows{where} in {time.perf_counter() - started:.1f} s."
        )
