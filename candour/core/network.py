"""Where a request came from, behind the documented TLS proxy (docs/configuration.md,
``CANDOUR_PROXY_COUNT``): the sign-in lock-out and StreetSafe's rate limit both ask here."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address. With ``CANDOUR_PROXY_COUNT`` = N proxies in front, each appends the
    address it received from to ``X-Forwarded-For``, so the client is the N-th entry from the
    right (entries further left are the client's own claim and are never trusted). With no
    proxy (0, the default) the header is ignored: anyone can send one."""
    hops = int(settings.AXES_IPWARE_PROXY_COUNT)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))
