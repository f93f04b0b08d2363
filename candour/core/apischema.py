"""What every API route shares: the guard on its door and the shape of its refusals.

``auth=requires(Capability.X)`` on a route answers 401 without a good token, 403 when the token's
user lacks the capability, and 422 when a parameter or body field holds a character no database
column can store (below); only then do the route's parameters reach a query. Every refusal is the
one envelope ``{"detail": sentence, "errors": [{"field", "message"}]}`` (docs/api.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
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
        refuse_unstorable_text(request)
        return user


def requires(capability: str) -> TokenAuth:
    """The guard of a route that needs ``capability``: ``@router.get(..., auth=requires(...))``."""
    return TokenAuth(Capability(capability))


# --- Text no database can store --------------------------------------------------------------
# PostgreSQL refuses a NUL (U+0000) in any text value, even one only compared in a WHERE clause,
# and no database can encode a lone surrogate (U+D800 to U+DFFF) as UTF-8. Both would reach the
# driver as an error, so they are refused here, before any route reads its parameters.


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(text: str) -> str | None:
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "It holds a NUL character (U+0000), which cannot be stored: remove it."
    return (
        f"It holds a lone surrogate (U+{ord(found.group()):04X}), which is not a character and "
        "cannot be stored: send the text as valid UTF-8."
    )


def _texts(value: Any, field: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value with its field, dotted as the validation errors name it."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, field or "body")
            yield from _texts(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{field}.{index}" if field else str(index))


def _request_texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    match = request.resolver_match
    for name, value in (match.kwargs if match is not None else {}).items():
        yield from _texts(str(value), name)
    for name, values in request.GET.lists():
        yield from _texts(name, "query")
        for value in values:
            yield from _texts(value, name)
    if request.content_type == "application/json" and request.body:
        try:
            body = json.loads(request.body)
        except ValueError:
            return  # not JSON: the route's own validation answers 422
        yield from _texts(body, "")


def refuse_unstorable_text(request: HttpRequest) -> None:
    """Refuse (422) a query parameter, path parameter or JSON body field holding a NUL or a lone
    surrogate, naming every such field."""
    errors: list[dict[str, str]] = []
    for field, text in _request_texts(request):
        message = _unstorable(text)
        if message is not None and field not in {error["field"] for error in errors}:
            errors.append({"field": field, "message": message})
    if errors:
        named = ", ".join(error["field"] for error in errors)
        raise ApiError(
            422, f"The request holds text that cannot be stored (in {named}): correct it.", errors
        )
