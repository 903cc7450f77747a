"""Sign-ins, failed sign-ins, lockouts and sign-outs in the audit trail, each on the person's
account (a failed sign-in for a name that does not exist has no account to attach to; axes
records it among its access attempts with the address).

Only sign-ins through a page are recorded: the test client's `force_login` builds a request
without a path, and writes no entry.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from accounts.sessions import SECOND_FACTOR_REQUIRED, mark_authenticated
from accounts.two_factor import second_factor_required
from audit.services import audit_log
from ops.client_address import client_address


def _from_a_page(request: HttpRequest | None) -> bool:
    return request is not None and bool(getattr(request, "path", ""))


def _address(request: HttpRequest | None) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    required = second_factor_required(user)
    request.session[SECOND_FACTOR_REQUIRED] = required
    if not required:
        mark_authenticated(request)
    if _from_a_page(request):
        audit_log(actor=user, action="accounts.sign_in.password", target=user,
                  data={"address": _address(request), "second_factor_pending": required})


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    user = User.objects.filter(username=credentials.get("username") or "").first()
    if user is not None and _from_a_page(request):
        audit_log(actor=None, action="accounts.sign_in.failed", target=user,
                  data={"address": _address(request),
                        "locked_out": bool(getattr(request, "axes_locked_out", False))})


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    if user is not None and _from_a_page(request):
        audit_log(actor=user, action="accounts.sign_out", target=user,
                  data={"reason": getattr(request, "logout_reason", "user")})


def locked_out(sender, request: HttpRequest | None, username: str | None, ip_address: str | None,
               **kwargs) -> None:
    user = User.objects.filter(username=username or "").first()
    if user is not None:
        audit_log(actor=None, action="accounts.sign_in.locked_out", target=user, data={"address": ip_address or ""})
