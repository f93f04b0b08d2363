"""``candour demo [--no-serve] [--port N]`` (docs/cli.md): migrate, load the demo data set,
print the demo logins and serve on 127.0.0.1."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core.demo import demo_password, load_demo
from candour.core.demo.load import DemoResult
from candour.core.roles import Role

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = (
        "Create or upgrade the database, load the synthetic demo data set (six forces, "
        "2015 to October 2026, with first work for every login; running it again changes "
        "nothing), print one login per role "
        "and serve Candour at http://127.0.0.1:PORT/. The demo password is "
        "CANDOUR_DEMO_PASSWORD, or 'candour-demo' when that is not set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo and stop; do not serve."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to serve on (default 8000)."
        )

    def handle(self, *args: Any, no_serve: bool, port: int, **options: Any) -> None:
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.", returncode=2)
        interactive = sys.stdout.isatty()
        call_command("migrate", interactive=False, verbosity=0)
        result = self._load(interactive)
        self._print_summary(result, port, interactive)
        if no_serve:
            return
        from candour.core.management.commands.serve import run_gunicorn

        self.stdout.write(f"Serving at http://{HOST}:{port}/ (press Ctrl+C to stop).")
        self.stdout.flush()
        run_gunicorn(HOST, port, workers=2, threads=4)

    def _load(self, interactive: bool) -> DemoResult:
        if not interactive:
            return load_demo()
        from rich.console import Console

        console = Console()
        with console.status("Loading the demo data set") as status:
            return load_demo(progress=lambda message: status.update(f"{message}…"))

    def _print_summary(self, result: DemoResult, port: int, interactive: bool) -> None:
        if result.changed_anything:
            self.stdout.write(
                f"Demo data loaded: {result.people_created:,} people, "
                f"{result.cases_created:,} cases, {result.allegations_created:,} allegations, "
                f"{result.subjects_created:,} subject records."
            )
            if result.vetting:
                self.stdout.write(
                    f"First work: {sum(result.vetting.values()):,} vetting applications "
                    f"({result.vetting['overdue']} overdue, {result.vetting['due']} due for "
                    f"renewal, {result.vetting['awaiting']} awaiting a decision), "
                    f"{result.candidates:,} data-wash candidates to review, "
                    f"{result.foi_answers} saved FOI answers, "
                    f"{result.published_figures} published figures to compare."
                )
        else:
            self.stdout.write("The demo data set was already loaded; nothing changed.")

        password = demo_password()
        rows = []
        for login in result.logins:
            shown = (
                password if login.password_works else "(existing account: not the demo password)"
            )
            rows.append(
                (
                    login.login.username,
                    Role(login.login.role).label,
                    ", ".join(login.login.forces),
                    shown,
                )
            )
        if interactive:
            from rich.console import Console
            from rich.table import Table

            table = Table(title="Demo logins")
            for heading in ("Username", "Role", "Forces", "Password"):
                table.add_column(heading)
            for row in rows:
                table.add_row(*row)
            Console().print(table)
        else:
            self.stdout.write("Demo logins (username, role, forces, password):")
            for row in rows:
                self.stdout.write("  " + " | ".join(row))

        self.stdout.write(f"URL: http://{HOST}:{port}/")
        if settings.DEMO_SKIP_2FA:
            self.stdout.write(
                "Two-factor sign-in is switched off for this demo on the embedded database "
                "(a banner on every page says so)."
            )
        elif not settings.EMBEDDED_DATABASE:
            self.stdout.write(
                "DATABASE_URL points at PostgreSQL, so two-factor sign-in stays on: each login "
                "enrols an authenticator app at first sign-in."
            )
        else:
            self.stdout.write(
                "Two-factor sign-in is on: each login enrols an authenticator app at first "
                "sign-in (run 'candour demo' to switch it off for the demo)."
            )
