"""Two gates every request of a signed-in person passes (after django-otp's OTPMiddleware and
the message middleware):

- `SessionIdleTimeoutMiddleware` ends a session unused for SESSION_IDLE_TIMEOUT_MINUTES. The
  time of last use is written back at most once a minute, not on every request.
- `SecondFactorMiddleware`: a person who must show a second factor and has so far given only
  the password reaches the code step, the enrolment and the sign-out – every other page
  redirects there.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.sessions import LAST_SEEN, LAST_SEEN_RESOLUTION_SECONDS, now_seconds, owes_second_factor
from accounts.two_factor import has_second_factor

# The pages a person who still owes the second factor may open.
SECOND_FACTOR_OPEN_VIEWS = frozenset({
    "accounts:second_factor", "accounts:enrol", "accounts:enrol_qr", "logout",
})


def _login_redirect(request: HttpRequest, view_name: str) -> HttpResponse:
    target = reverse(view_name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES
        if timeout > 0 and request.user.is_authenticated:
            now = now_seconds()
            last_seen = request.session.get(LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > timeout * 60:
                request.logout_reason = "idle"  # type: ignore[attr-defined]  # read by the audit receiver
                logout(request)
                messages.info(request, _("Ihre Sitzung wurde nach %(minutes)d Minuten ohne Aktivität beendet. "
                                         "Bitte melden Sie sich erneut an.") % {"minutes": timeout})
                return _login_redirect(request, settings.LOGIN_URL)
            if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_OPEN_VIEWS:
            return None
        if not owes_second_factor(request, user):
            return None
        step = "accounts:second_factor" if has_second_factor(user) else "accounts:enrol"
        return _login_redirect(request, step)
