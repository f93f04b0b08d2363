"""``candour export cases --out FILE [--force F]`` (docs/cli.md): interchange §1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.cases.services import export_cases
from candour.core.forces import unknown_codes, unknown_force_message
from candour.core.interchange.readers import UnreadableFile
from candour.core.interchange.terminal import progress_for


class Command(BaseCommand):
    help = (
        "Export cases as interchange §1 (CSV, or XLSX/ODS by the file's extension), readable by "
        "'candour import cases' with nothing lost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["cases"], help="What to export.")
        parser.add_argument(
            "--out", required=True, metavar="FILE", help="The file to write: .csv, .xlsx or .ods."
        )
        parser.add_argument(
            "--force",
            action="append",
            default=[],
            metavar="F",
            help="Only this force's cases (a code candour forces list shows); repeat for several. "
            "Default: all.",
        )

    def handle(self, *args: Any, kind: str, out: str, force: list[str], **options: Any) -> None:
        unknown = unknown_codes(force)
        if unknown:
            raise CommandError(unknown_force_message(unknown), returncode=2)
        try:
            with progress_for(self.stdout) as progress:
                written = export_cases(out, forces=force, progress=progress)
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{written} rows written to {out}.")
