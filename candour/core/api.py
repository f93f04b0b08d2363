"""The REST API (django-ninja). Every call needs a per-user token: ``Authorization: Bearer …``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from candour.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Candour API",
    version="1",
    description="Police integrity records, scoped to the caller's role and forces.",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/cases", "candour.cases.api.router")
api.add_router("/transparency", "candour.transparency.api.router")
api.add_router("/vetting", "candour.vetting.api.router")
