"""Request-level security: two-factor authentication for every role that can see personal data."""

from __future__ import annotations

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
