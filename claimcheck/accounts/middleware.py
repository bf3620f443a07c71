"""Staff sessions end after STAFF_SESSION_IDLE_TIMEOUT seconds without a request, and at the
latest SESSION_COOKIE_AGE seconds after sign-in however active they are.

Only sessions of staff are touched; anonymous readers (no session cookie) cost nothing, so
public pages keep their caching headers. The last-seen time is written at most once a minute,
so an active staff member does not cause a session write on every request.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

logger = logging.getLogger(__name__)

STARTED_KEY = "staff_session_started"
SEEN_KEY = "staff_session_seen"
SEEN_WRITE_INTERVAL = 60  # seconds


def stamp_staff_session(sender, request, user, **kwargs):
    """On sign-in (user_logged_in, connected in AccountsConfig.ready): start the clocks, so
    the first request of a session does not have to write them."""
    session = getattr(request, "session", None)
    if user.is_staff and session is not None:
        now = int(time.time())
        session[STARTED_KEY] = session[SEEN_KEY] = now


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_staff):
            return
        session, now = request.session, int(time.time())
        started = session.get(STARTED_KEY, now)
        seen = session.get(SEEN_KEY, now)
        idle_limit = settings.STAFF_SESSION_IDLE_TIMEOUT
        idle = now - seen > idle_limit
        if idle or now - started > settings.SESSION_COOKIE_AGE:
            logger.info(
                "staff session expired user=%s reason=%s", user.pk, "idle" if idle else "age"
            )
            logout(request)  # flushes the session; request.user becomes anonymous
            if request.path.startswith(f"/{settings.ADMIN_PATH}"):
                # The admin then sends them to its login page, which shows this.
                reason = (
                    f"after {idle_limit // 60} minutes without activity"
                    if idle
                    else f"{settings.SESSION_COOKIE_AGE // 3600} hours after you signed in"
                )
                messages.info(request, f"You were signed out {reason}. Please sign in again.")
            return
        if STARTED_KEY not in session:
            session[STARTED_KEY] = now
        if SEEN_KEY not in session or now - seen >= SEEN_WRITE_INTERVAL:
            session[SEEN_KEY] = now
