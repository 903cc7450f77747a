"""What the session knows about the sign-in: when the person last proved who they are (password
and, where enrolled, the second factor), whether this session still owes the second factor,
and when it was last used (idle timeout). Also the bounded "remember this browser" cookie.

Times are whole seconds since the epoch of the real clock (not `core.clock`, which tests and
the demo freeze in the past while a person is signed in).
"""

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from accounts.two_factor import second_factor_required

AUTHENTICATED_AT = "wf_authenticated_at"
SECOND_FACTOR_REQUIRED = "wf_second_factor_required"
LAST_SEEN = "wf_last_seen"
# The idle clock is written back at most this often, not on every request.
LAST_SEEN_RESOLUTION_SECONDS = 60

REMEMBER_COOKIE = "wf_2fa_geraet"
_REMEMBER_SALT = "accounts.remember-device"


def now_seconds() -> int:
    return int(time.time())


def mark_authenticated(request: HttpRequest) -> None:
    """The person proved who they are just now (full sign-in or re-authentication)."""
    request.session[AUTHENTICATED_AT] = now_seconds()
    request.session[LAST_SEEN] = now_seconds()


def authenticated_within(request: HttpRequest, minutes: int) -> bool:
    stamp = request.session.get(AUTHENTICATED_AT)
    return isinstance(stamp, int) and now_seconds() - stamp <= minutes * 60


def owes_second_factor(request: HttpRequest, user: User) -> bool:
    """Whether this signed-in session must still show the second factor. Decided once per
    session (at sign-in) and kept in it, so an ordinary request costs no device query."""
    required = request.session.get(SECOND_FACTOR_REQUIRED)
    if required is None:
        required = second_factor_required(user)
        request.session[SECOND_FACTOR_REQUIRED] = required
    return bool(required) and not user.is_verified()  # type: ignore[attr-defined]  # OTPMiddleware adds it


def require_second_factor_now(request: HttpRequest) -> None:
    """After enrolling (a coordinator who opted in): from now on this session needs it too."""
    request.session[SECOND_FACTOR_REQUIRED] = True


def remember_device(response: HttpResponse, user: User, device_id: str) -> None:
    days = settings.TWO_FACTOR_REMEMBER_DAYS
    if days <= 0:
        return
    value = signing.dumps({"u": user.pk, "d": device_id, "h": user.get_session_auth_hash()[:20]},
                          salt=_REMEMBER_SALT)
    response.set_cookie(REMEMBER_COOKIE, value, max_age=days * 86400, secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True, samesite="Lax")


def remembered_device_id(request: HttpRequest, user: User) -> str | None:
    """The device id this browser was told to remember for this person, if the cookie is
    genuine, not older than TWO_FACTOR_REMEMBER_DAYS and the password has not changed since."""
    days = settings.TWO_FACTOR_REMEMBER_DAYS
    raw = request.COOKIES.get(REMEMBER_COOKIE)
    if days <= 0 or not raw:
        return None
    try:
        value = signing.loads(raw, salt=_REMEMBER_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return None
    if (not isinstance(value, dict) or value.get("u") != user.pk
            or value.get("h") != user.get_session_auth_hash()[:20]):
        return None
    device_id = value.get("d")
    return device_id if isinstance(device_id, str) else None
