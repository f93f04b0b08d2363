"""``candour import cases|workforce|figures FILE [--mapping MAP] [--dry-run]`` (docs/cli.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.interchange.importers import IMPORTERS
from candour.core.interchange.mapping import MappingError
from candour.core.interchange.readers import UnreadableFile
from candour.core.interchange.report import ImportInterrupted, ImportRejected
from candour.core.interchange.terminal import progress_for

# Kinds named by docs/cli.md that another part of Candour will provide (none left).
NOT_YET: dict[str, str] = {}


class Command(BaseCommand):
    help = (
        "Import an interchange file (CSV, XLSX or ODS; docs/interchange.md): cases (§1), "
        "workforce (§2), figures (§4), streetsafe (§6) or access-log (§8). All-or-nothing: if any row is bad "
        "nothing is written, "
        "the bad rows are listed on stderr and the command exits 1. Importing the same file "
        "again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = [*IMPORTERS, *(kind for kind in NOT_YET if kind not in IMPORTERS)]
        parser.add_argument("kind", choices=kinds, help="What the file holds.")
        parser.add_argument(
            "file", help="The file to import: .csv, .xlsx or .ods (first sheet, header row)."
        )
        parser.add_argument(
            "--mapping",
            metavar="MAP",
            help="A YAML column-mapping file for a foreign layout (see docs/interchange.md).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would change, without writing anything.",
        )

    def handle(
        self, *args: Any, kind: str, file: str, mapping: str | None, dry_run: bool, **options: Any
    ) -> None:
        if kind not in IMPORTERS:
            raise CommandError(NOT_YET[kind], returncode=2)
        try:
            with progress_for(self.stdout) as progress:
                result = IMPORTERS[kind](file, mapping=mapping, dry_run=dry_run, progress=progress)
        except (UnreadableFile, MappingError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except ImportRejected as rejected:
            for line in rejected.lines():
                self.stderr.write(line)
            raise CommandError(rejected.summary(), returncode=1) from rejected
        except ImportInterrupted as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(result.summary())
        if result.details:
            self.stdout.write(result.detail_line())
        for note in result.notes:
            self.stdout.write(note)
