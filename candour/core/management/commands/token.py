from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core import audit
from candour.core.models import ApiToken, User


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
        token, raw = ApiToken.issue(user, name=name)
        audit.record(
            None,
            "token",
            object_type="core.apitoken",
            object_id=str(token.pk),
            channel="cli",
            detail={"for": username},
        )
        self.stdout.write(raw)
