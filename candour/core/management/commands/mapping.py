"""``candour mapping draft FILE [--kind KIND] [--out MAP] [--values N]`` (docs/cli.md;
docs/interchange.md, "Drafting a mapping")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.interchange.draft import LAYOUTS, DraftError, draft
from candour.core.interchange.readers import UnreadableFile


class Command(BaseCommand):
    help = (
        "Draft a column-mapping file for a foreign layout: each Candour column's likeliest "
        "column of the file, and every coded column's distinct values to map, for you to finish."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        drafting = sub.add_parser(
            "draft",
            help="Write a starting mapping for FILE (CSV, XLSX or ODS), guessed from its header "
            "and values; values it cannot match are left as ~ for you to fill in.",
        )
        drafting.add_argument("file", metavar="FILE", help="The foreign file.")
        drafting.add_argument(
            "--kind",
            default="cases",
            choices=sorted(LAYOUTS) or None,
            help="What the file holds (default: cases).",
        )
        drafting.add_argument(
            "--out",
            metavar="MAP",
            help="Write the mapping to MAP (refused if it exists) instead of standard output.",
        )
        drafting.add_argument(
            "--values",
            type=int,
            default=200,
            metavar="N",
            help="List at most N distinct values of each coded column (default 200); the rest "
            "are counted.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if options["values"] < 1:
            raise CommandError("--values must be 1 or more.", returncode=2)
        out = Path(options["out"]) if options["out"] else None
        if out is not None and out.exists():
            raise CommandError(
                f"{out} already exists: give another --out, or move it away first "
                "(a draft never overwrites a mapping).",
                returncode=2,
            )
        try:
            text = draft(options["file"], options["kind"], values_shown=options["values"])
        except (DraftError, UnreadableFile) as exc:
            raise CommandError(str(exc), returncode=2) from None
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="utf-8")
        left = text.count(": ~")
        self.stderr.write(
            f"Wrote {out}: {left} value{'' if left == 1 else 's'} to fill in (~). Check it, then "
            f"candour import {options['kind']} {options['file']} --mapping {out} --dry-run"
        )
