"""Signing in: password, then an authenticator code; lockouts that pass; sessions that end."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.middleware import LOGIN_AT, SEEN_AT
from palermo.accounts.models import ApiToken
from palermo.accounts.services import recovery_codes_generate, user_deactivate
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Role
from palermo.permissions import ActingUser
from tests.conftest import api_client, nothing_changes, signed_in_client
from tests.factories import PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _password_step(client: Client, email: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"email": email, "password": password}, **extra)


@pytest.fixture
def worker(org_a, member):
    return member(Role.CASE_WORKER, org_a)


@pytest.fixture
def paired(worker):
    device = TOTPDevice.objects.create(user=worker.user, name="phone", confirmed=True)
    return worker, device


@pytest.mark.django_db
def test_first_sign_in_pairs_an_authenticator_before_anything_else(worker):
    client = Client()
    response = _password_step(client, worker.user.email)
    assert response.headers["Location"] == "/login/set-up/"
    # Half-way through, the password alone opens nothing.
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/persons").status_code == 401
    page = client.get("/login/set-up/")
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)
    # A wrong code only counts against the device (django-otp's throttle); nothing is paired yet.
    with nothing_changes(but=("otp_totp.totpdevice",)):
        wrong = client.post("/login/set-up/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert "not right" in wrong.content.decode()
    done = client.post("/login/set-up/", {"code": _code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_code_step_signs_in_and_rejects_wrong_codes(paired):
    worker, device = paired
    client = Client()
    assert _password_step(client, worker.user.email).headers["Location"] == "/login/code/"
    with nothing_changes(but=("otp_totp.totpdevice",)):
        wrong = client.post("/login/code/", {"code": "123456" if _code(device) != "123456" else "654321"})
    assert wrong.status_code == 400
    assert client.get("/").status_code == 302
    # django-otp slows guessing down: straight after a miss, even the right code must wait.
    hurried = client.post("/login/code/", {"code": _code(device)})
    assert hurried.status_code == 429
    assert re.search(r"Wait [12] seconds?, then type the newest code", hurried.content.decode())
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    response = client.post("/login/code/", {"code": _code(device)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=worker.user, detail={"second_factor": True}).exists()


@pytest.mark.django_db
def test_too_many_wrong_codes_send_back_to_the_password(paired):
    worker, _ = paired
    client = Client()
    _password_step(client, worker.user.email)
    for _ in range(4):
        assert client.post("/login/code/", {"code": "999999x"}).status_code in (400, 429)
    response = client.post("/login/code/", {"code": "999999x"})
    assert response.headers["Location"] == "/login/"
    assert client.get("/login/code/").headers["Location"] == "/login/"


@pytest.mark.django_db
def test_a_recovery_code_works_once(paired):
    worker, _ = paired
    codes = recovery_codes_generate(user=worker.user)
    first = Client()
    _password_step(first, worker.user.email)
    assert first.post("/login/code/", {"code": codes[0]}).status_code == 302
    again = Client()
    _password_step(again, worker.user.email)
    assert again.post("/login/code/", {"code": codes[0]}).status_code == 400


@pytest.mark.django_db
def test_a_role_without_personal_data_may_sign_in_with_a_password(org_a, member):
    analyst = member(Role.ANALYST, org_a)
    client = Client()
    assert _password_step(client, analyst.user.email).headers["Location"] == "/"
    # Once the analyst pairs an app, it is asked for every time.
    TOTPDevice.objects.create(user=analyst.user, name="phone", confirmed=True)
    assert _password_step(Client(), analyst.user.email).headers["Location"] == "/login/code/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("demo", "is_demo", "next_step"),
    [(True, True, "/"), (False, True, "/login/set-up/"), (True, False, "/login/set-up/")],
)
def test_only_seeded_demo_users_in_demo_mode_skip_the_second_factor(worker, settings, demo, is_demo, next_step):
    settings.DEMO = demo
    worker.user.is_demo = is_demo
    worker.user.save()
    assert _password_step(Client(), worker.user.email).headers["Location"] == next_step


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_get_the_same_answer(worker):
    with nothing_changes():  # beyond the sign-in throttle's own count
        wrong = _password_step(Client(), worker.user.email, password="nope nope nope")
        unknown = _password_step(Client(), "nobody@example.test")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
def test_lockout_pauses_one_address_and_then_lifts(paired, settings):
    worker, _ = paired
    email = worker.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(Client(), email, password="wrong password!", REMOTE_ADDR="203.0.113.9")
    locked = _password_step(Client(), email, REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    # The attacker's address is paused, the real user elsewhere is not.
    assert _password_step(Client(), email, REMOTE_ADDR="198.51.100.7").headers["Location"] == "/login/code/"
    # And the pause ends by itself.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert _password_step(Client(), email, REMOTE_ADDR="203.0.113.9").headers["Location"] == "/login/code/"


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(worker):
    client = signed_in_client(worker)
    session = client.session
    session[SEEN_AT] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.headers["Location"] == "/login/?expired=1"
    assert client.get("/").headers["Location"].startswith("/login/")
    assert "session ended" in Client().get("/login/?expired=1").content.decode()


@pytest.mark.django_db
def test_a_session_ends_after_its_maximum_age_even_when_busy(worker, settings):
    client = signed_in_client(worker)
    session = client.session
    session[LOGIN_AT] = time.time() - settings.PALERMO_SESSION_MAX_HOURS * 3600 - 1
    session.save()
    assert client.get("/").headers["Location"] == "/login/?expired=1"


@pytest.mark.django_db
def test_deactivating_a_membership_ends_sessions_and_tokens_at_once(org_a, member, paired):
    worker, device = paired
    browser = Client()
    _password_step(browser, worker.user.email)
    browser.post("/login/code/", {"code": _code(device)})
    assert browser.get("/").status_code == 200
    api = api_client(worker)
    assert api.get("/api/v1/me").status_code == 200
    admin = member(Role.ORG_ADMIN, org_a)
    response = signed_in_client(admin).post(f"/organisations/members/{worker.pk}/deactivate/")
    assert response.status_code == 302
    assert browser.get("/").headers["Location"].startswith("/login/")
    assert api.get("/api/v1/me").status_code == 401
    assert ApiToken.objects.filter(membership=worker, revoked_at=None).count() == 0


@pytest.mark.django_db
def test_an_admin_cannot_deactivate_members_of_another_organisation(org_a, org_b, member):
    outsider_admin = member(Role.ORG_ADMIN, org_b)
    worker = member(Role.CASE_WORKER, org_a)
    client = signed_in_client(outsider_admin)
    with nothing_changes():
        assert client.post(f"/organisations/members/{worker.pk}/deactivate/").status_code == 404
    worker.refresh_from_db()
    assert worker.is_active


@pytest.mark.django_db
def test_deactivating_a_user_ends_every_session(worker):
    client = Client()
    _password_step(client, worker.user.email)
    client.get("/login/set-up/")
    device = TOTPDevice.objects.get(user=worker.user)
    client.post("/login/set-up/", {"code": _code(device)})
    assert client.get("/").status_code == 200
    user_deactivate(acting=ActingUser.system(), user=worker.user)
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_sign_in_never_redirects_to_another_site(org_a, member):
    analyst = member(Role.ANALYST, org_a)
    response = Client().post("/login/?next=https://evil.example/", {"email": analyst.user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_ends_the_session(worker):
    client = signed_in_client(worker)
    with nothing_changes():
        assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").headers["Location"] == "/login/"
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_recovery_codes_are_not_stored_in_clear(paired):
    from django_otp.plugins.otp_static.models import StaticToken

    worker, _ = paired
    codes = recovery_codes_generate(user=worker.user)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    assert not any(code.replace("-", "") in token for code in codes for token in stored)
