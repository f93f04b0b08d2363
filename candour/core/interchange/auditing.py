"""One audit entry per import, the same shape for cases, workforce and published figures."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from candour.core import audit
from candour.core.models import User


def record_import(
    user: User | None,
    *,
    object_type: str,
    path: Path,
    forces: Iterable[str],
    counts: dict[str, Any],
    channel: str,
    mapping: str | Path | None = None,
) -> None:
    forces = sorted(set(forces))
    detail: dict[str, Any] = {**counts, "file": path.name, "forces": forces}
    if mapping is not None:
        detail["mapping"] = Path(mapping).name
    if user is None:
        detail["os_user"] = audit.os_user()
    audit.record(
        user,
        "import",
        object_type=object_type,
        object_id=path.name[:80],
        force_code=forces[0] if len(forces) == 1 else "",
        channel=channel,
        detail=detail,
    )
