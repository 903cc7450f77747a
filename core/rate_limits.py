"""A fixed-window counter in the cache (shared by every app server when CACHE_URL names Redis)."""

from django.core.cache import cache


def over_limit(key: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one more request under `key` (fixed window); True once the limit is passed."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit
