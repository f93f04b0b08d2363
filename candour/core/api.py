"""The REST API (django-ninja). Every call needs a per-user token: ``Authorization: Bearer …``.

One guard for every route, ``auth=requires(Capability.X)`` (candour/core/apischema.py, re-exported
here): 401 without a good token, 403 when the caller's role lacks the capability, 422 for text no
database can store (a NUL); a test holds every route to declaring one. A route reads its objects
through ``candour.core.scoping``, whose ``DoesNotExist`` is answered 404, the same for a missing
object and one outside the caller's scope (docs/security.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from candour.cases.workflow import ActionRefused, StaleVersion
from candour.core.apischema import ERROR_STATUSES, ApiError, ErrorOut, TokenAuth, requires

__all__ = ["ApiError", "TokenAuth", "api", "requires"]

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


# One error envelope for every API answer: {"detail": sentence, "errors": [{"field", "message"}]}.


def _envelope(
    request: HttpRequest, status: int, detail: str, errors: list | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field_of(location: tuple) -> str:
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_of(tuple(error.get("loc", ()))), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return _envelope(request, 422, "The request is not valid: correct the fields listed.", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _envelope(
        request, 401, "Send a valid token: Authorization: Bearer TOKEN (candour token USERNAME)."
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # A body that is not JSON at all is invalid input like any other (422, not 400).
    unreadable = exc.status_code == 400 and str(exc).startswith("Cannot parse request body")
    status = 422 if unreadable else exc.status_code
    return _envelope(request, status, str(exc), getattr(exc, "errors", None))


@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return _envelope(
        request, 404, "There is nothing with that id open to you (it is missing or not yours)."
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _envelope(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django refuses to read these at all (DATA_UPLOAD_MAX_*): still the envelope, not its HTML.
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
    return _envelope(
        request,
        400,
        f"The request is too large to read: send at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} "
        f"parameters and a body of at most {megabytes:g} MB.",
    )


# The case workflow's refusals (candour/cases/workflow.py), the same for every route that calls it.


@api.exception_handler(ActionRefused)
def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    return _envelope(request, 422, exc.detail, errors)


@api.exception_handler(StaleVersion)
def _stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
    body = {
        "detail": exc.detail,
        "errors": [{"field": "version", "message": f"The current version is {exc.current}."}],
        "version": exc.current,
        "changes": exc.changes,
    }
    return api.create_response(request, body, status=409)


def _document_error_statuses() -> None:
    """Give every operation the error answers it can give, so /api/openapi.json lists them."""
    from ninja.operation import Operation

    for _, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                assert isinstance(operation, Operation)
                for status in ERROR_STATUSES:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(
                            ErrorOut
                        )


_document_error_statuses()


def _method_not_allowed(view):  # type: ignore[no-untyped-def]
    """A method a path does not take (``PUT /api/cases``) answered 405 in the envelope, with the
    ``Allow`` header, instead of django-ninja's plain text."""

    def answer(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            enveloped = _envelope(
                request,
                405,
                f"{request.method} is not a method this path takes: use {allowed}.",
            )
            enveloped["Allow"] = allowed
            return enveloped
        return response

    answer.csrf_exempt = True  # type: ignore[attr-defined]  # as every django-ninja view is
    return answer


def urls() -> tuple[list, str, str]:
    """``api.urls`` with every path's 405 in the envelope (candour/urls.py mounts this)."""
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(p.pattern, _method_not_allowed(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    return wrapped, app_name, namespace
