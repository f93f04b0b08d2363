"""Sessions in the database that end after idle time, without a database write on every request.

Django's ``SESSION_SAVE_EVERY_REQUEST`` renews a session's expiry by writing its row (a committed
transaction) on every request; under load that write was a fifth of a signed-in page's time.
Here a session is renewed only once a thirtieth of the idle time has passed since its last
renewal (a minute, with the default 30 minutes), and on every change, as before. The idle limit
is never exceeded: a session ends between 29/30 of ``CANDOUR_SESSION_IDLE_MINUTES`` and the
whole of it after the last request (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# A session is renewed when at least this share of its idle time has passed since it last was.
RENEW_AFTER_SHARE = 1 / 30


class SessionStore(db.SessionStore):
    """The database session store, remembering the expiry its row had when it was read."""

    stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()  # type: ignore[misc]
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def due_for_renewal(self) -> bool:
        """Whether enough of the idle time has passed since the row's expiry was last set."""
        self._get_session()  # type: ignore[attr-defined]  # reads the row once per request
        if self.session_key is None or self.stored_expiry is None:
            return False  # no session, or one that expired: nothing to renew
        age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return self.stored_expiry - timezone.now() < age * (1 - RENEW_AFTER_SHARE)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, saving a session that did not change only when it is due
    for renewal (``SESSION_SAVE_EVERY_REQUEST`` stays off)."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and not session.modified
            and session.session_key is not None
            and response.status_code < 500
            and session.due_for_renewal()
        ):
            session.modified = True
        return super().process_response(request, response)
