from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.audit import verify_chain
from candour.core.models import AuditEntry


class Command(BaseCommand):
    help = "Work with the hash-chained audit log. 'candour audit verify' checks every entry."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser(
            "verify", help="Recompute the hash chain; exit 1 if any entry was changed or removed."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        total = AuditEntry.objects.count()
        breaks = verify_chain()
        if breaks:
            for item in breaks:
                self.stderr.write(str(item))
            raise CommandError(
                f"The audit log has been tampered with: {len(breaks)} problem(s) in {total} entries.",
                returncode=1,
            )
        self.stdout.write(f"The audit log is intact: {total} entries verified.")
