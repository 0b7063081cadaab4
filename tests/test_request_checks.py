"""Every request checks again what may have changed since the last: the token, the second-factor
device, and the security headers come out as Django and django-csp give them (bench/README.md,
"The cost of one request", measures what these checks cost)."""

from __future__ import annotations

import datetime

import pytest
from csp.utils import build_policy
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import ApiToken
from palermo.accounts.selectors import api_token_authenticate
from palermo.accounts.services import api_token_create
from palermo.organisations.models import Membership, Organisation, Role
from palermo.permissions import ActingUser
from tests.conftest import signed_in_client
from tests.factories import MembershipFactory


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["revoked", "expired", "membership", "user", "organisation"])
def test_a_token_stops_working_at_once(org_a, change):
    membership = MembershipFactory(organisation=org_a, role=Role.CASE_WORKER)
    token, clear = api_token_create(acting=ActingUser.system(), membership=membership, name="cli")
    assert api_token_authenticate(clear) is not None

    if change == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif change == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif change == "membership":
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    elif change == "user":
        type(membership.user).objects.filter(pk=membership.user_id).update(is_active=False)
    else:
        Organisation.objects.filter(pk=org_a.pk).update(is_active=False)

    assert api_token_authenticate(clear) is None
    assert api_token_authenticate(clear + "x") is None


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/v1/me", "/no-such-page/"])
def test_every_response_carries_the_policy_and_cache_headers_django_csp_and_django_give(client, path):
    expected = HttpResponse()
    add_never_cache_headers(expected)
    patch_cache_control(expected, private=True)

    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert response.headers["Cache-Control"] == expected.headers["Cache-Control"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


@pytest.mark.django_db
def test_a_changed_policy_setting_is_the_one_sent(client, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/login/").headers["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    report_only = client.get("/login/").headers["Content-Security-Policy-Report-Only"]
    assert report_only == build_policy(report_only=True)
    assert "img-src 'self'" in report_only


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["removed", "unconfirmed", "another user's", "malformed"])
def test_the_sessions_device_is_read_on_every_request(org_a, member, change):
    worker = member(Role.CASE_WORKER, org_a)
    client = signed_in_client(worker)
    assert client.get("/").status_code == 200

    device = TOTPDevice.objects.get(user=worker.user)
    if change == "removed":
        device.delete()
    elif change == "unconfirmed":
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    elif change == "another user's":
        TOTPDevice.objects.filter(pk=device.pk).update(user=member(Role.CASE_WORKER, org_a).user)
    else:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/not-a-number"
        session.save()

    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor"))
