"""The address of the client behind our own reverse proxies, for lockouts and rate limits only.

Each trusted proxy appends (or, like the shipped nginx site, writes) the address it received
the request from to X-Forwarded-For; REMOTE_ADDR is the innermost proxy. With
PALERMO_PROXY_COUNT = N, the client is the address the outermost trusted proxy saw: the Nth
entry from the right. Anything further left was written by the client and is never trusted.

Used by the sign-in lockout (AXES_CLIENT_IP_CALLABLE) and by the tip and receipt limits, and
nowhere else: the address is never stored by the public pages, and never logged.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """None when not even the peer is known (a test client): django-axes stores None, not a made-up value."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    hops: int = settings.PALERMO_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        # Not through the proxy (a health check on the app port): the peer is all we know.
        return peer
    # Fewer entries than proxies means fewer hops wrote the header than configured; the left-most
    # entry was then written by the first of them, since a client can only add entries, never remove.
    chosen = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    # A trusted proxy writes a plain address; anything else means the header is not what we think,
    # and the peer (shared by everyone behind it) is the choice no client can use to dodge a limit.
    return _address(chosen) or peer
