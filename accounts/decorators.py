"""`reauthentication_required`: signing actions (issuing a notice, releasing a payment, fixing a
reclaim) ask the person to confirm who they are when the last full sign-in is older than
REAUTH_MAX_AGE_MINUTES (0 switches it off)."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.sessions import authenticated_within


def _same_site(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                        require_https=request.is_secure())


def reauthentication_required(return_to: Callable[..., str] | None = None):
    """Wrap a view. A GET returns to itself after the confirmation; a POST (whose form cannot be
    replayed) returns to the page it came from: `next` of the form, else `return_to(request,
    *args, **kwargs)`, else the referring page of this site."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            minutes = settings.REAUTH_MAX_AGE_MINUTES
            if minutes <= 0 or authenticated_within(request, minutes):
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                target = request.get_full_path()
            else:
                candidates = [request.POST.get("next", ""),
                              return_to(request, *args, **kwargs) if return_to else "",
                              request.META.get("HTTP_REFERER", "")]
                target = next((url for url in candidates if _same_site(request, url)),
                              reverse(settings.LOGIN_REDIRECT_URL))
            return redirect(f"{reverse('accounts:reauthenticate')}?{urlencode({'next': target})}")

        return wrapper

    return decorator
