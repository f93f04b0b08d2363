"""Request-level security: two-factor authentication for every role that can see personal data,
and an audit entry for every refusal a signed-in user meets (docs/security.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet verified user may still reach.
_OPEN_PREFIXES = ("/static/", "/accounts/two-factor/", "/accounts/logout/", "/api/")


class RequireTwoFactorMiddleware:
    """A user whose role can see case, vetting or intelligence data must enrol in and pass TOTP
    before any other page. The API is authenticated by token, not session, so it is exempt here
    and enforced in candour.core.api."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not settings.DEMO_SKIP_2FA
            and user.needs_two_factor()  # type: ignore[union-attr]
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor authentication required."}, status=401)
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


# Refusals worth a trace: asking for something the user may not see (403) or that is not there
# for them (404, which is also how Candour answers for another force's record).
REFUSALS = frozenset({403, 404})


class AuditRefusalsMiddleware:
    """Every 403 and 404 answered to a signed-in user (pages and API alike) is an audit entry
    ``refused`` naming the method, path and status, so id-enumeration by an insider leaves a
    trace. Signed-out requests are not recorded (they reach no record, and would let anyone
    fill the log); static files are not either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        user = getattr(request, "user", None)
        if (
            status in REFUSALS
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL or "/static/")
        ):
            from candour.core import audit

            audit.record(
                user,  # type: ignore[arg-type]
                "refused",
                object_type="request",
                object_id=request.path[:80],
                channel="api" if request.path.startswith("/api/") else "web",
                detail={"method": request.method, "path": request.path[:500], "status": status},
            )
        return response


class RefusalsWithoutTracebacks(logging.Filter):
    """Django logs each 403 with the exception's traceback; a refusal is not a fault, so the
    log keeps its one line ("Forbidden (Permission denied): /path") and drops the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in REFUSALS:
            record.exc_info = None
            record.exc_text = None
        return True
