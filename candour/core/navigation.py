"""The service navigation: each item is shown only to users whose role has its capability."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from candour.core.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None  # None: anyone signed in; "public": everyone


NAV = [
    NavItem("Dashboard", "dashboard", None),
    NavItem("Cases", "cases:list", Capability.VIEW_CASES),
    NavItem("Vetting", "vetting:queue", Capability.VIEW_VETTING),
    NavItem("Early warning", "integrity:queue", Capability.VIEW_INTELLIGENCE),
    NavItem("Statistics", "transparency:statistics", Capability.VIEW_STATISTICS),
    NavItem("Compare forces", "transparency:compare", Capability.VIEW_STATISTICS),
    NavItem("FOI answers", "transparency:foi", Capability.ANSWER_FOI),
    NavItem("IOPC return", "transparency:iopc_return", Capability.REPORT_TO_IOPC),
    NavItem("StreetSafe", "streetsafe:police", Capability.VIEW_STREETSAFE),
    NavItem("Administration", "admin:index", Capability.ADMINISTER),
    NavItem("Sign-in lock-outs", "sign_in_locks", Capability.ADMINISTER),
]


def nav_items_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in NAV:
        if item.capability and not user.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (
            url != "/" and request.path.startswith(url) and item.url_name != "dashboard"
        )
        items.append({"label": item.label, "url": url, "active": active})
    return items
