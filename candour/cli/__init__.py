"""The ``candour`` command: Django's management commands under one name (docs/cli.md).

Exit codes: 0 success; 1 the job ran and failed; 2 bad usage. Errors are printed as sentences;
a traceback is shown only with CANDOUR_DEBUG=1.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
    if argv[:1] == ["demo"]:
        # The demo runs on the embedded database without two-factor sign-in (settings refuse
        # this anywhere else, and every page shows a banner while it is on).
        os.environ.setdefault("CANDOUR_DEMO_SKIP_2FA", "1")
    try:
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
        from django.db import DatabaseError

        try:
            if argv and not argv[0].startswith("-") and argv[0] != "help":
                import django
                from django.core.management import get_commands

                django.setup()
                if argv[0] not in get_commands():
                    print(
                        f"'{argv[0]}' is not a candour command. Run 'candour help' to list them.",
                        file=sys.stderr,
                    )
                    return 2
            execute_from_command_line(["candour", *argv])
        except ImproperlyConfigured as exc:
            print(f"Candour is not configured correctly: {exc}", file=sys.stderr)
            return 2
        except DatabaseError as exc:
            if _debug():
                raise
            print(
                f"The database refused the operation: {str(exc).strip()}. {database_advice(exc)}",
                file=sys.stderr,
            )
            return 1
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:  # noqa: BLE001 - the last guard against a bare traceback
        if _debug():
            raise
        print(
            f"Candour stopped on an unexpected error: {type(exc).__name__}: {exc}. "
            "Run again with CANDOUR_DEBUG=1 for the details, and report it if it persists.",
            file=sys.stderr,
        )
        return 1
    return 0


def database_advice(exc: Exception) -> str:
    """What to do about a database error, by what the database said."""
    text = str(exc).lower()
    if any(
        words in text
        for words in ("deadlock", "database is locked", "could not obtain lock", "lock timeout")
    ):
        return (
            "Another job was writing the same data at the same time; nothing of this one was "
            "written. Run it again when the other has finished."
        )
    if any(
        words in text
        for words in ("connection", "could not connect", "unable to open", "authentication")
    ):
        return "Check DATABASE_URL: Candour could not reach the database it names."
    return "Check DATABASE_URL and run 'candour migrate'."


def _debug() -> bool:
    """Whether to show the traceback (CANDOUR_DEBUG), when the settings could be read at all."""
    try:
        from django.conf import settings

        return bool(settings.DEBUG)
    except Exception:  # noqa: BLE001 - the settings themselves may be what failed
        return False


def entrypoint() -> None:
    sys.exit(main())
