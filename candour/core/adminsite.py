"""The admin site: open to active staff accounts whose role has a capability; what each page of
it shows and allows is decided by the role too (``candour.core.admin``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class CandourAdminSite(admin.AdminSite):
    site_header = "Candour administration"
    site_title = "Candour"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.capabilities())  # type: ignore[union-attr]
