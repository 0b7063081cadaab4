"""Deployment checks (`palermo check --deploy`) for what Django's own do not know about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Each process has its own: with several gunicorn workers, each would count on its own.
PROCESS_LOCAL = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Shared and counting atomically (incr is one server-side operation).
ATOMIC = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.",
)


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PROCESS_LOCAL:
        return [
            checks.Error(
                "The cache is local to each process, so every worker keeps its own count of tips and "
                "receipt tries: the limits would let through one allowance per worker.",
                hint="Set REDIS_URL (or CACHE_URL) to the Redis server that all workers share.",
                id="palermo.E001",
            )
        ]
    if not backend.startswith(ATOMIC):
        return [
            checks.Warning(
                "The cache is shared but cannot count atomically: sends that arrive at the same moment "
                "may go a little over the tip and receipt limits.",
                hint="Use Redis (REDIS_URL or CACHE_URL=redis://...).",
                id="palermo.W001",
            )
        ]
    return []
