"""The address a request came from, also behind reverse proxies.

Behind N trusted proxies (TRUSTED_PROXY_HOPS=N) each proxy appends the address it saw to
X-Forwarded-For, so the client is the N-th entry from the right; anything further left was sent
by the client itself and is not believed. Without proxies (the default) it is REMOTE_ADDR. The
sign-in lockout (django-axes), the password-reset limits and the audit trail all use this one
function, so a lockout never hits the proxy's address instead of the client's.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
