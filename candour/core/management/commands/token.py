from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core import services
from candour.core.models import User


class Command(BaseCommand):
    help = "Issue a new API token for a user and print it once (only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="script", help="What the token is for (default: script)."
        )

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username!r}.", returncode=1)
        _, raw = services.issue_token(user, by=None, name=name, channel="cli")
        self.stdout.write(raw)
