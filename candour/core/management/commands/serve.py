from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the WSGI application with Gunicorn (a production server, not runserver)."""
    from gunicorn.app.base import BaseApplication

    from candour.wsgi import application

    class CandourServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            self.cfg.set(
                "forwarded_allow_ips", os.environ.get("CANDOUR_FORWARDED_ALLOW_IPS", "127.0.0.1")
            )

        def load(self) -> Any:
            return application

    CandourServer().run()


class Command(BaseCommand):
    help = "Serve Candour with Gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("CANDOUR_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CANDOUR_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("CANDOUR_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("CANDOUR_THREADS", "4"))
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, **options: Any
    ) -> None:
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Candour is serving at http://{host}:{port}/ (press Ctrl+C to stop).")
        self.stdout.flush()
        run_gunicorn(host, port, workers, threads)
