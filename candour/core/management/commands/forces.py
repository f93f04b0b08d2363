"""``candour forces add`` and ``candour forces list`` (docs/cli.md)."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.forces import DEFAULT_COUNTRY, ForceRefused, add_force, country_name, describe
from candour.core.interchange.cells import neutralise_row
from candour.core.models import Force

LIST_FIELDS = ("code", "name", "country", "region")
FORMATS = ("table", "csv", "json")


class Command(BaseCommand):
    help = (
        "Add a police force or agency the shipped list lacks (another country's, a US city's "
        "department), or list them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = sub.add_parser(
            "add",
            help="Add a force or agency; running it again with the same details changes nothing.",
        )
        add.add_argument(
            "code",
            metavar="CODE",
            help="Its code: lower-case letters, digits and hyphens (e.g. chicago-pd). Imports, "
            "--force options and the pages name the force by it; it never changes.",
        )
        add.add_argument("--name", required=True, help="Its full name.")
        add.add_argument(
            "--country",
            metavar="C",
            help="A country's name or ISO 3166 code (e.g. US), or one of the UK's nations "
            f"(England, Wales, Scotland, Northern Ireland). Default for a new force: "
            f"{DEFAULT_COUNTRY}.",
        )
        add.add_argument(
            "--region", metavar="R", help="Its region, state or province (default: none)."
        )
        listing = sub.add_parser("list", help="List every force and agency, by code.")
        listing.add_argument(
            "--country", metavar="C", help="Only the forces of this country (name or ISO code)."
        )
        listing.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            help="table (default), csv or json (a list of objects with code, name, country, "
            "region).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "add":
                self.add(options["code"], options["name"], options["country"], options["region"])
            else:
                self.list_forces(options["country"], options["format"])
        except ForceRefused as refusal:
            raise CommandError(str(refusal), returncode=2 if refusal.usage else 1) from None

    def add(self, code: str, name: str, country: str | None, region: str | None) -> None:
        added = add_force(code, name=name, country=country, region=region, by=None, channel="cli")
        if added.created:
            self.stdout.write(f"Added force {describe(added.force)}.")
        else:
            self.stdout.write(f"Force {describe(added.force)} is already there; nothing changed.")

    def list_forces(self, country: str | None, format: str) -> None:
        forces = Force.objects.order_by("code")
        if country is not None:
            forces = forces.filter(country=country_name(country))
        rows = [{field: getattr(force, field) for field in LIST_FIELDS} for force in forces]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=LIST_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(
                dict(zip(LIST_FIELDS, neutralise_row(list(row.values())), strict=True))
                for row in rows
            )
        else:
            widths = {f: max([len(f), *(len(row[f]) for row in rows)]) for f in LIST_FIELDS}
            for row in [dict(zip(LIST_FIELDS, LIST_FIELDS, strict=True)), *rows]:
                line = "  ".join(row[f].ljust(widths[f]) for f in LIST_FIELDS)
                self.stdout.write(line.rstrip())
