from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI application with Gunicorn (a production server, not runserver)."""
    from gunicorn.app.base import BaseApplication

    from candour.streetsafe.privacy import PrivateAccessLogger
    from candour.wsgi import application

    class CandourServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            # No address, user agent or time in the log lines of public StreetSafe pages.
            self.cfg.set("logger_class", PrivateAccessLogger)
            self.cfg.set("timeout", 120)
            self.cfg.set("forwarded_allow_ips", settings.FORWARDED_ALLOW_IPS)

        def load(self) -> Any:
            return application

    CandourServer().run()


class Command(BaseCommand):
    help = "Serve Candour with Gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=settings.SERVE_HOST,
            help=f"Address to listen on (default {settings.SERVE_HOST}, CANDOUR_HOST).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=settings.SERVE_PORT,
            help=f"Port to listen on (default {settings.SERVE_PORT}, CANDOUR_PORT).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.SERVE_WORKERS,
            help=f"Gunicorn worker processes (default {settings.SERVE_WORKERS}, CANDOUR_WORKERS).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.SERVE_THREADS,
            help=f"Threads per worker (default {settings.SERVE_THREADS}, CANDOUR_THREADS).",
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, **options: Any
    ) -> None:
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Candour is serving at http://{host}:{port}/ (press Ctrl+C to stop).")
        self.stdout.flush()
        run_gunicorn(host, port, workers, threads)
