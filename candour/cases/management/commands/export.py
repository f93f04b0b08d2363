"""``candour export cases --out FILE [--force F]`` (docs/cli.md): interchange §1."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.cases.services import export_cases
from candour.core.interchange.readers import UnreadableFile
from candour.core.interchange.terminal import progress_for
from candour.core.models import Force


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
            help="Only this force's cases (a code from forces.csv); repeat for several. Default: all.",
        )

    def handle(self, *args: Any, kind: str, out: str, force: list[str], **options: Any) -> None:
        unknown = sorted(
            set(force) - set(Force.objects.filter(code__in=force).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(
                f"{', '.join(unknown)} {'is not a force code' if len(unknown) == 1 else 'are not force codes'}; "
                "see candour/reference/forces.csv.",
                returncode=2,
            )
        try:
            with progress_for(self.stdout) as progress:
                written = export_cases(out, forces=force, progress=progress)
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{written} rows written to {out}.")
