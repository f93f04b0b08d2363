from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from candour.core.navigation import nav_items_for


def candour(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.DEMO_SKIP_2FA,
        "nav_items": nav_items_for(request),
    }
