"""How long a signed-in session lasts: 8 hours after signing in, 60 minutes without a request,
and no longer than the browser is open (settings: SESSION_LIMITS, SESSION_EXPIRE_AT_BROWSER_CLOSE).

Django's own expiry is one age from the session's last save; the two limits here are kept in
the session itself, the idle time refreshed at most once a minute so that reading pages does
not write the session on every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

STARTED, SEEN = "kcn_session_started", "kcn_session_seen"
REFRESH_SECONDS = 60


def expired(session, now: float) -> bool:
    """Whether the session has passed one of its limits at `now` (seconds since the epoch)."""
    limits = settings.SESSION_LIMITS
    started = session.get(STARTED, now)
    seen = session.get(SEEN, now)
    return now - started > limits["MAX_HOURS"] * 3600 or now - seen > limits["IDLE_MINUTES"] * 60


def signed_in(sender, request, user, **kwargs):
    """The session's clocks start when its account signs in (connected to `user_logged_in` by
    OrganizationsConfig.ready), so that the first page after signing in writes nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = time.time()


class SessionLimitsMiddleware:
    """Signs out a session past its limits and sends it to the sign-in page, saying why.
    Placed after the authentication and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            if expired(session, now):
                logout(request)
                limits = settings.SESSION_LIMITS
                messages.warning(
                    request,
                    _("Your session has ended (%(hours)s hours after signing in, or %(minutes)s "
                      "minutes without activity). Please sign in again.")
                    % {"hours": limits["MAX_HOURS"], "minutes": limits["IDLE_MINUTES"]},
                )  # fmt: skip
                return redirect_to_login(request.get_full_path())
            session.setdefault(STARTED, now)
            if now - session.get(SEEN, 0) >= REFRESH_SECONDS:
                session[SEEN] = now
        return self.get_response(request)
