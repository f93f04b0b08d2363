"""Candour's own deployment checks, run by ``candour check --deploy`` beside Django's."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_is_kept_outside_the_data_directory(**kwargs: Any) -> list[CheckMessage]:
    """The audit key must not sit beside the database it protects (docs/security.md)."""
    if settings.AUDIT_KEY_SOURCE == "development":
        return [
            Warning(
                "The audit log is signed with the development key kept in the data directory, "
                "beside the database it protects.",
                hint="Set CANDOUR_AUDIT_KEY or CANDOUR_AUDIT_KEY_FILE to a key kept elsewhere "
                "(docs/security.md); keep the development key in the list while its entries "
                "are in the log.",
                id="candour.W001",
            )
        ]
    if settings.AUDIT_KEY_SOURCE.startswith("file:"):
        path = Path(settings.AUDIT_KEY_SOURCE.removeprefix("file:"))
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            return [
                Warning(
                    f"The audit key file {path} can be read by other accounts than its owner.",
                    hint=f"chmod 600 {path}, owned by the account Candour runs as.",
                    id="candour.W002",
                )
            ]
    return []
