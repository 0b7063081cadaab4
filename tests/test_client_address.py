"""The client address behind our reverse proxies: who a lockout or a rate limit counts.

Here the proxy is simulated by the request's REMOTE_ADDR and X-Forwarded-For; tests/test_proxy_nginx.py
runs the same against a real nginx and gunicorn.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from palermo.organisations.models import Role
from palermo.reporting.models import Tip, TipRoute
from palermo.web.client_address import client_address
from tests.test_login import PASSWORD

PROXY = "127.0.0.1"


def _seen(meta: dict[str, str]) -> str | None:
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("count", "meta", "expected"),
    [
        # No proxy: the header is the client's own words and is ignored.
        (0, {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "203.0.113.5"),
        # One proxy (the shipped nginx site writes exactly the address it saw).
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        # A client that sends its own header cannot choose its address: only the right-most entry counts.
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.1"}, "198.51.100.1"),
        # Two proxies: the outer one's view, second from the right; the spoofed left-most is skipped.
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.1, 192.0.2.44"}, "198.51.100.1"),
        # Fewer entries than proxies: the left-most, written by the first proxy there was.
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "198.51.100.1"),
        # Straight to the application port (no header): the peer.
        (1, {"REMOTE_ADDR": PROXY}, PROXY),
        # Not an address where the proxy writes one: the peer, which nobody can vary to dodge a limit.
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.1, not-an-address"}, PROXY),
        # IPv6, written in its short form so that one client is one key.
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:DB8:0:0::7"}, "2001:db8::7"),
        # Nothing known: nothing made up (django-axes keeps None in its address column).
        (1, {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": ""}, None),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, count, meta, expected):
    settings.PALERMO_PROXY_COUNT = count
    assert _seen(meta) == expected


@pytest.fixture
def behind_one_proxy(settings):
    settings.PALERMO_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def _via_proxy(address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


@pytest.mark.django_db
def test_wrong_passwords_from_one_client_do_not_lock_the_owner_out_behind_the_proxy(
    behind_one_proxy, org_a, member, settings
):
    email = member(Role.CASE_WORKER, org_a).user.email
    statuses = [
        Client()
        .post("/login/", {"email": email, "password": "wrong password!"}, **_via_proxy("203.0.113.9"))
        .status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The last allowed failure already pauses that client.
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert (
        Client().post("/login/", {"email": email, "password": PASSWORD}, **_via_proxy("203.0.113.9")).status_code == 429
    )
    owner = Client().post("/login/", {"email": email, "password": PASSWORD}, **_via_proxy("198.51.100.7"))
    assert owner.status_code == 302
    assert owner.headers["Location"] == "/login/set-up/"


@pytest.mark.django_db
def test_the_tip_limit_counts_each_client_behind_the_proxy(behind_one_proxy, org_a, settings):
    TipRoute.objects.create(exploitation=TipRoute.ANY, organisation=org_a)
    settings.PALERMO_TIP_RATE_LIMIT = 3
    for n in range(3):
        assert Client().post("/report/en/", {"description": f"A {n}"}, **_via_proxy("203.0.113.9")).status_code == 200
    assert Client().post("/report/en/", {"description": "A 3"}, **_via_proxy("203.0.113.9")).status_code == 429
    api = APIClient().post(
        "/api/v1/public/tips", {"description": "B", "language": "en"}, format="json", **_via_proxy("198.51.100.7")
    )
    assert api.status_code == 201
    assert Tip.objects.count() == 4


@pytest.mark.django_db
def test_the_receipt_limit_counts_each_client_behind_the_proxy(behind_one_proxy, settings):
    settings.PALERMO_RECEIPT_RATE_LIMIT = 2
    api = APIClient()
    for _ in range(2):
        guess = api.post(
            "/api/v1/public/tips/messages", {"receipt": "NOPE"}, format="json", **_via_proxy("203.0.113.9")
        )
        assert guess.status_code == 404
    over = api.post("/api/v1/public/tips/messages", {"receipt": "NOPE"}, format="json", **_via_proxy("203.0.113.9"))
    assert over.status_code == 429
    other = api.post("/api/v1/public/tips/messages", {"receipt": "NOPE"}, format="json", **_via_proxy("198.51.100.7"))
    assert other.status_code == 404
