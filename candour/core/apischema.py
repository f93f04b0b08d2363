"""What every API route shares: the guard on its door and the shape of its refusals.

``auth=requires(Capability.X)`` on a route answers 401 without a good token and 403 when the
token's user lacks the capability, before the route reads its parameters. Every refusal is the
one envelope ``{"detail": sentence, "errors": [{"field", "message"}]}`` (docs/api.md).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from candour.core.models import ApiToken
from candour.core.roles import Capability


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Every operation may answer these (docs/api.md): the schema documents them all (400 only for a
# request too large to read; 409 is declared by the routes that take a version).
ERROR_STATUSES = (400, 401, 403, 404, 422)


class ApiError(HttpError):
    """A refusal with per-field errors: ``ApiError(422, "...", [{"field": ..., "message": ...}])``."""

    def __init__(
        self, status_code: int, message: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(status_code, message)
        self.errors = errors or []


class TokenAuth(HttpBearer):
    """A per-user API token; with a ``capability``, the token's user must also have it."""

    def __init__(self, capability: str = "") -> None:
        self.capability = capability
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        request.user = user
        if self.capability and not user.can(self.capability):
            label = Capability(self.capability).label
            raise ApiError(403, f"Your role does not allow this: it needs '{label}'.")
        return user


def requires(capability: str) -> TokenAuth:
    """The guard of a route that needs ``capability``: ``@router.get(..., auth=requires(...))``."""
    return TokenAuth(Capability(capability))
