"""The second factor holds for every request that acts for a role needing it, not only at sign-in.

A coordinator signs in on a password alone; a role that sees people, given to them later or
switched to in the same session, opens nothing until this session is verified with a device.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import ApiToken
from palermo.accounts.services import api_token_create
from palermo.audit.models import AuditEntry
from palermo.organisations.models import Membership, Role
from palermo.people.services import person_create
from palermo.permissions import ActingUser, Channel
from tests.conftest import acting_of, nothing_changes
from tests.factories import PASSWORD

STEP_UP = "/account/second-factor/"


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _password_only_session(membership: Membership) -> Client:
    """A real sign-in of a role that needs no second factor: password, no device."""
    client = Client()
    response = client.post("/login/", {"email": membership.user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    return client


@pytest.fixture
def coordinator(org_a, member):
    return member(Role.COORDINATOR, org_a)


@pytest.fixture
def granted_later(coordinator, org_b, member):
    """A case worker role elsewhere, given to the coordinator after they signed in."""

    def grant() -> Membership:
        worker = member(Role.CASE_WORKER, org_b, user=coordinator.user)
        person_create(acting=acting_of(worker), given_names="Hidden", family_name="Quillfeather")
        return worker

    return grant


@pytest.mark.django_db
def test_switching_to_a_role_that_sees_people_needs_the_second_factor_first(coordinator, granted_later):
    client = _password_only_session(coordinator)
    worker = granted_later()
    switched = client.post("/acting-for/", {"membership": worker.pk})
    assert switched.headers["Location"] == f"{STEP_UP}?next=/"
    people = client.get("/people/")
    assert people.status_code == 302
    assert people.headers["Location"] == f"{STEP_UP}?next=/people/"
    assert client.get("/").headers["Location"] == f"{STEP_UP}?next=/"
    assert "Quillfeather" not in client.get("/people/", follow=True).content.decode()


@pytest.mark.django_db
def test_a_role_granted_while_signed_in_is_held_back_until_the_session_is_verified(coordinator, org_a):
    client = _password_only_session(coordinator)
    assert client.get("/").status_code == 200
    # The membership itself changes role after sign-in: the very next request is held back.
    Membership.objects.filter(pk=coordinator.pk).update(role=Role.CASE_WORKER)
    person_create(
        acting=acting_of(Membership.objects.get(pk=coordinator.pk)), given_names="Hidden", family_name="Alpha"
    )
    response = client.get("/people/")
    assert response.headers["Location"] == f"{STEP_UP}?next=/people/"


@pytest.mark.django_db
def test_pairing_an_authenticator_in_session_then_opens_the_role(coordinator, granted_later):
    client = _password_only_session(coordinator)
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    page = client.get(f"{STEP_UP}?next=/people/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=coordinator.user, confirmed=False)
    with nothing_changes(but=("otp_totp.totpdevice",)):
        wrong = client.post(f"{STEP_UP}?next=/people/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert client.get("/people/").status_code == 302
    done = client.post(f"{STEP_UP}?next=/people/", {"code": _code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert done.context["next"] == "/people/"
    people = client.get("/people/")
    assert people.status_code == 200
    assert "Quillfeather" in people.content.decode()
    entry = AuditEntry.objects.get(action="second_factor.verify", actor=coordinator.user)
    assert (entry.organisation_id, entry.membership_id) == (worker.organisation_id, worker.pk)


@pytest.mark.django_db
def test_a_paired_user_types_a_code_to_open_the_role(coordinator, granted_later):
    client = _password_only_session(coordinator)
    # Paired after this session began (e.g. on another device): this session is still unverified.
    device = TOTPDevice.objects.create(user=coordinator.user, name="phone", confirmed=True)
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    form = client.get(STEP_UP)
    assert form.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator.user, confirmed=False).exists()
    with nothing_changes(but=("otp_totp.totpdevice",)):
        wrong = client.post(STEP_UP, {"code": "123456" if _code(device) != "123456" else "654321"})
    assert wrong.status_code == 400
    assert client.get("/people/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=5)
    )
    done = client.post(f"{STEP_UP}?next=/people/", {"code": _code(device)})
    assert done.headers["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db
def test_too_many_wrong_codes_in_session_sign_the_user_out(coordinator, granted_later):
    client = _password_only_session(coordinator)
    TOTPDevice.objects.create(user=coordinator.user, name="phone", confirmed=True)
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    for _ in range(4):
        assert client.post(STEP_UP, {"code": "999999x"}).status_code == 400
    out = client.post(STEP_UP, {"code": "999999x"})
    assert out.headers["Location"] == "/login/"
    assert client.get("/").headers["Location"].startswith("/login/")


@pytest.mark.django_db
def test_a_held_back_session_may_switch_back_to_a_role_that_needs_no_second_factor(coordinator, granted_later):
    client = _password_only_session(coordinator)
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    assert client.get("/organisations/").status_code == 302
    back = client.post("/acting-for/", {"membership": coordinator.pk})
    assert back.headers["Location"] == "/"
    assert client.get("/organisations/").status_code == 200
    assert client.get("/people/").status_code == 403


@pytest.mark.django_db
def test_a_role_without_personal_data_keeps_working_on_a_password(coordinator):
    client = _password_only_session(coordinator)
    assert client.get("/").status_code == 200
    assert client.get("/organisations/").status_code == 200
    # Pairing stays possible, never forced.
    assert client.get(STEP_UP).status_code == 200


@pytest.mark.django_db
def test_an_unverified_session_cannot_mint_a_token_for_such_a_role(coordinator, granted_later):
    client = _password_only_session(coordinator)
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    response = client.post("/account/security/", {"name": "script", "days": "30", "create": "1"})
    assert response.headers["Location"] == f"{STEP_UP}?next=/account/security/"
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_an_unverified_session_cannot_mint_any_token(coordinator):
    client = _password_only_session(coordinator)
    assert client.get("/account/security/").status_code == 200
    response = client.post("/account/security/", {"name": "script", "days": "30", "create": "1"})
    assert response.headers["Location"] == f"{STEP_UP}?next=/account/security/"
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_the_token_service_refuses_an_unverified_web_actor(coordinator, granted_later):
    worker = granted_later()
    unverified = ActingUser(user=worker.user, membership=worker, channel=Channel.WEB)
    with pytest.raises(PermissionDenied):
        api_token_create(acting=unverified, membership=worker, name="script")
    assert ApiToken.objects.count() == 0
    verified = ActingUser(user=worker.user, membership=worker, channel=Channel.WEB, second_factor=True)
    _token, clear = api_token_create(acting=verified, membership=worker, name="script")
    assert clear.startswith("plm_")
    # The operator's command line may always.
    api_token_create(acting=ActingUser.system(), membership=worker, name="cli")
    assert ApiToken.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("demo", "held_back"), [(True, False), (False, True)])
def test_seeded_demo_users_in_demo_mode_still_skip_the_second_factor(
    coordinator, granted_later, settings, demo, held_back
):
    settings.DEMO = True
    coordinator.user.is_demo = True
    coordinator.user.save()
    client = _password_only_session(coordinator)
    settings.DEMO = demo
    worker = granted_later()
    client.post("/acting-for/", {"membership": worker.pk})
    response = client.get("/people/")
    assert (response.status_code == 302) is held_back
