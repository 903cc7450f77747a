"""Throttling per API token (not per address: several systems may share one gateway).

Reads (GET, HEAD, OPTIONS) count against API_THROTTLE_READ, everything else against
API_THROTTLE_WRITE (settings; "600/min" and "120/min" by default). The counters live in the
default cache: with several app servers a shared Redis (CACHE_URL) makes them one count.
"""

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:
        # The scope depends on the request's method: the rate is read in allow_request.
        pass

    def get_rate(self) -> str:
        # Read on every request (not once at import), so a change of the settings takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request: Request, view) -> bool:
        self.scope = "api_read" if request.method in READ_METHODS else "api_write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
