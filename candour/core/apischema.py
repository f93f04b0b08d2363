"""The API's error envelope, one shape for every path: ``{"detail": sentence, "errors": [...]}``."""

from __future__ import annotations

from ninja import Schema


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Every operation may answer these (docs/api.md): the schema documents them all (400 only for
# the statistics' bad usage, docs/statistics.md).
ERROR_STATUSES = (400, 401, 403, 404, 422)
