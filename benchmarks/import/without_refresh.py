"""Run the ``candour`` command with the import's statistics refresh skipped: for measuring the
import proper only (benchmarks/import/run.py --without-refresh). Not a way to use Candour:
statistics are left stale in the throw-away benchmark database.

    .venv/bin/python benchmarks/import/without_refresh.py import cases FILE
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
    import django

    django.setup()
    import candour.cases.interchange.cases as cases
    from candour.cli import main as candour

    def skipped(**_: object) -> int:
        return 0

    cases.refresh_stat_rows = skipped  # type: ignore[assignment]
    return candour(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
